"""Every URL pattern of the site, with a sample path that resolves to it.

Used by the access sweeps, so a new view is checked without anyone listing it.
"""

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve

GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")
UNNAMED_GROUP = re.compile(r"\((?!\?)(?P<body>[^()]*)\)")  # e.g. simple-history's admin
SAMPLE_UUID = str(uuid.UUID(int=1))
# Parameters that name no record: a list's export format (csv or xlsx). A route with
# only these is swept as a page without parameters, at its first format.
NOT_RECORD_PARAMS = {"fmt"}


@dataclass
class Route:
    name: str  # namespaced URL name, or the pattern when unnamed
    path: str
    callback: object
    params: tuple = ()  # names of the URL's parameters, e.g. ("pk",)


def _sample(match):
    body = match.group("body")
    if "{8}" in body:
        return SAMPLE_UUID
    if "|" in body:
        return body.split("|")[0]
    if body in (r"[0-9]+", r"\d+"):
        return "1"
    return "x"


def _literal(regex):
    text = UNNAMED_GROUP.sub(_sample, GROUP.sub(_sample, regex))
    text = text.lstrip("^").replace(r"\Z", "").rstrip("$")
    return text.replace("\\", "")


def _walk(patterns, prefix="", namespace="", params=()):
    for entry in patterns:
        regex = _literal(entry.pattern.regex.pattern)
        names = params + tuple(
            name for name in entry.pattern.regex.groupindex if name not in NOT_RECORD_PARAMS
        )
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + regex, ns, names)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<{regex}>"
            yield Route(name=name, path="/" + prefix + regex, callback=entry.callback, params=names)


def all_routes():
    """The reachable routes: a pattern shadowed by an earlier one with the same
    path (Django's own login, say, behind ViCP's) is left out."""
    routes = {}
    for route in _walk(get_resolver().url_patterns):
        match = resolve(route.path)
        if match.func != route.callback and match.view_name == route.name:
            continue  # shadowed by an earlier pattern of the same name
        assert match.func == route.callback, (
            f"tests/urlwalk.py cannot build a path for {route.name}: {route.path} resolves "
            f"to {match.view_name}; teach _sample() its converter"
        )
        routes.setdefault(route.path, route)
    return list(routes.values())
