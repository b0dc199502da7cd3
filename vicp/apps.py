from django.apps import AppConfig


class VicpConfig(AppConfig):
    name = "vicp"
    verbose_name = "ViCP"

    def ready(self):
        from . import signals  # noqa: F401, PLC0415  (connects the sign-in audit receivers)
