from django.contrib import admin

from .models import MileageRate, VisitActivity


@admin.register(VisitActivity)
class VisitActivityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "is_active")
    list_editable = ("position", "is_active")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(MileageRate)
class MileageRateAdmin(admin.ModelAdmin):
    list_display = ("project", "pence_per_mile", "valid_from")
    list_filter = ("project",)
