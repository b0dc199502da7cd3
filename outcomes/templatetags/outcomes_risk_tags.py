"""How risk reviews and measures read on the page."""

from decimal import Decimal

from django import template

register = template.Library()


def _number(value):
    """82.0 → "82", 82.5 → "82.5", 100.0 → "100" (not "1E+2")."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


@register.filter
def signed(value):
    """A change with its sign: +9, -2.5 (with a true minus sign), 0."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{_number(value)}"
    return f"\u2212{_number(abs(value))}" if value < 0 else "0"


@register.filter
def percent(value):
    """82.0 → 82%, 82.5 → 82.5%."""
    return "—" if value is None else f"{_number(value)}%"
