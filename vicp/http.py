from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, default=None):
    """The `next` address of a form, if it stays on this site; else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default or settings.LOGIN_REDIRECT_URL
