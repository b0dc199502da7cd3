from django import template

from vicp import money

register = template.Library()


@register.filter
def pounds(value):
    """£12,345 (whole pounds), with a minus sign before the £ for a loss."""
    return money.pounds(value, pence=False)
