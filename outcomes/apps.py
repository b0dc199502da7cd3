from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self):
        # Receivers connect, and the audit log learns its words, once the models are
        # loaded; Celery's autodiscovery imports only tasks.py, so the other task module
        # registers here.
        from . import audit_words, evaluation_tasks, receivers  # noqa: F401, PLC0415

        audit_words.register()
