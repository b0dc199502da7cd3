from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"

    def ready(self):
        # Receivers connect, and the audit log learns its words, once the models are loaded.
        from . import audit_words, documents, receivers  # noqa: F401, PLC0415

        audit_words.register()
        documents.register()
