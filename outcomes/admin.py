from django.contrib import admin

from .models import OutcomeArea, OutcomeScale


class OutcomeAreaInline(admin.TabularInline):
    model = OutcomeArea
    extra = 0


@admin.register(OutcomeScale)
class OutcomeScaleAdmin(admin.ModelAdmin):
    list_display = ("name", "min_score", "max_score", "is_default")
    inlines = [OutcomeAreaInline]
