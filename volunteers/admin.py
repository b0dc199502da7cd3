from django.contrib import admin

from .models import TrainingSession


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    """Training sessions are managed in ViCP; the admin lets an administrator
    correct a title, date or kind. Recruitment records (DBS, references) are
    deliberately not in the admin: they are seen only on the record page."""

    list_display = ("title", "held_on", "hours", "kind", "project")
    list_filter = ("kind", "project")
    search_fields = ("title",)
    date_hierarchy = "held_on"
    list_select_related = ("project",)
