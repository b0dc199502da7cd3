from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"

    def ready(self):
        # Receivers connect once the models are loaded, as Django requires.
        from . import receivers  # noqa: F401, PLC0415
