from django.contrib import admin

from .models import VisitActivity


@admin.register(VisitActivity)
class VisitActivityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "is_active")
    list_editable = ("position", "is_active")
    prepopulated_fields = {"slug": ("name",)}
