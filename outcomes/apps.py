from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self):
        # Celery's autodiscovery imports only tasks.py; this module's tasks register here.
        from . import evaluation_tasks  # noqa: F401
