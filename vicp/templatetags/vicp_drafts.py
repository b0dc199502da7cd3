"""Marks a long form for keeping its draft on the device (see vicp/drafts.py)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..drafts import draft_key

register = template.Library()


@register.simple_tag(takes_context=True)
def draft_attrs(context, form, kind, *record):
    """The <form> attributes: where its draft is kept, whether the page shows what was
    just sent (then the device's copy is not restored over it), and for anonymous
    people that the draft stays in the tab."""
    user = context["user"]
    attrs = format_html(' data-draft-key="{}"', draft_key(user, kind, *record))
    if form is not None and form.is_bound:
        attrs += mark_safe(" data-draft-bound")
    if not user.is_authenticated:
        attrs += mark_safe(' data-draft-store="session"')
    return attrs


@register.simple_tag(takes_context=True)
def public_draft_key(context, kind):
    """The key of an anonymous form's draft, for the page that clears it once sent."""
    return draft_key(context["user"], kind)
