from django.conf import settings
from django.core.cache import cache
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
