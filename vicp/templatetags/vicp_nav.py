"""The main menu's links, rendered once per role.

They depend on nothing but the role and the URL configuration, so each process
renders them once for each role rather than on every page: with the per-app
menu templates and their `{% url %}` tags that was about a millisecond of every
request (`make bench`). Nothing about the person (name, CSRF token) is in them.
"""

import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


def _render(role):
    return mark_safe(render_to_string("includes/nav_links.html", {"role": role}))  # noqa: S308


_render_once = functools.cache(_render)


@register.simple_tag(takes_context=True)
def main_nav_links(context):
    role = context["user"].role
    return _render(role) if settings.DEBUG else _render_once(role)
