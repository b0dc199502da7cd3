from django.apps import AppConfig


class CompositionConfig(AppConfig):
    """An app of its own, with no models, so that its tasks and management commands are
    found as any app's are."""

    name = "vicp.composition"
    label = "composition"
    verbose_name = "ViCP pages and jobs across apps"

    def ready(self):
        from . import audit_words  # noqa: PLC0415

        audit_words.register()
