from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "volunteers"

    def ready(self):
        from . import audit_words, documents  # noqa: PLC0415

        audit_words.register()
        documents.register()
