from django.contrib import admin

from .models import CPCategory, LevelOfNeed, Need, RiskKind


@admin.register(LevelOfNeed)
class LevelOfNeedAdmin(admin.ModelAdmin):
    list_display = ("ordinal", "name", "project")
    list_filter = ("project",)
    ordering = ("project", "ordinal")


class ReferenceItemAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "is_active")
    list_editable = ("position", "is_active")
    prepopulated_fields = {"slug": ("name",)}


for model in (CPCategory, Need, RiskKind):
    admin.site.register(model, ReferenceItemAdmin)
