from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self):
        # Receivers connect once the models are loaded, as Django requires; Celery's
        # autodiscovery imports only tasks.py, so the other task module registers here.
        from . import evaluation_tasks, receivers  # noqa: F401, PLC0415
