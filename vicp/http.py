from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, default=None):
    """The `next` address of a form, if it stays on this site; else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default or settings.LOGIN_REDIRECT_URL


def over_hourly_limit(key, limit):
    """Count one more request under `key` this hour; True once there have been more than
    `limit` (for the public forms, per client address)."""
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60 * 60)
        count = 1
    return count > limit


def list_of_download(url: str) -> str | None:
    """The list a download address belongs to, with the same filters, or None when `url`
    is not a list's download (`<list>/export.<fmt>`, a `fmt` in the URL)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if "fmt" not in match.kwargs:
        return None
    list_path = parts.path.rsplit("/", 1)[0] + "/"
    try:
        resolve(list_path)
    except Resolver404:
        return None
    return urlunsplit(("", "", list_path, parts.query, ""))
