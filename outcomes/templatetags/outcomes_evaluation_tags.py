"""How evaluations read on the page."""

from django import template

register = template.Library()


@register.filter
def evaluation_answer(value):
    """A rating reads "4 out of 5"; text is shown as given."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value} out of 5"
    return value
