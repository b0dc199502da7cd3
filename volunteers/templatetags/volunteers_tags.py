from django import template

from .. import services

register = template.Library()


@register.filter
def hours(value):
    """17.50 → 17.5, 18.0 → 18."""
    return services.format_hours(value)
