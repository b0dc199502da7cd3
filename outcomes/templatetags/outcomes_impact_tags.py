from django import template

register = template.Library()


@register.filter
def pounds(value):
    """£12,345 (whole pounds), with a minus sign before the £ for a loss."""
    if value is None:
        return "—"
    amount = round(value)
    return f"{'-' if amount < 0 else ''}£{abs(amount):,}"
