from django import template

register = template.Library()


@register.filter
def pounds(pence):
    """1234 → £12.34"""
    if pence is None:
        return ""
    return f"£{pence / 100:,.2f}"
