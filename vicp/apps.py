from django.apps import AppConfig


class VicpConfig(AppConfig):
    name = "vicp"
    verbose_name = "ViCP"

    def ready(self):
        from django.urls import register_converter  # noqa: PLC0415

        from .exports import ExportFormatConverter  # noqa: PLC0415

        register_converter(ExportFormatConverter, "export")
        # signals connects the sign-in audit receivers and forgets managed projects read.
        from . import audit_words, signals  # noqa: F401, PLC0415

        audit_words.register()
