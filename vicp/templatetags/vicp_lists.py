"""Rendering a list's sortable column headings and its export links."""

from django import template
from django.http import QueryDict
from django.utils.html import format_html

from vicp.listing import SORT

register = template.Library()


def _current_sort(request) -> str:
    return request.GET.get(SORT, "") if request is not None else ""


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, first: str = "asc"):
    """A column heading that sorts the list by `key`; a second click reverses the
    order. `first` is the order the first click gives ("desc" for newest first)."""
    request = context.get("request")
    current = _current_sort(request)
    if current == key:
        direction, next_value = "ascending", f"-{key}"
    elif current == f"-{key}":
        direction, next_value = "descending", key
    else:
        direction, next_value = "", (f"-{key}" if first == "desc" else key)
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query.pop("page", None)
    query[SORT] = next_value
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(direction, "")
    hint = {
        "ascending": "sorted ascending; select to sort descending",
        "descending": "sorted descending; select to sort ascending",
    }.get(direction, "select to sort")
    if direction:
        return format_html(
            '<th scope="col" aria-sort="{}"><a href="?{}">{}<span aria-hidden="true">{}</span>'
            '<span class="visually-hidden"> ({})</span></a></th>',
            direction,
            query.urlencode(),
            label,
            arrow,
            hint,
        )
    return format_html(
        '<th scope="col"><a href="?{}">{}<span class="visually-hidden"> ({})</span></a></th>',
        query.urlencode(),
        label,
        hint,
    )
