import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from .audit import current_request, write_events_after_response
from .two_step import has_two_step


class NoStoreForSignedInUsers:
    """Keep pages about families out of browser and proxy caches.

    A shared computer's back button must not show a case record after sign-out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


class PermissionsPolicy:
    """Switch off browser features ViCP never uses (camera, location...)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


TWO_FACTOR_EXEMPT = {"logout", "vicp:two_factor_verify", "vicp:two_factor_setup"}


class RequireTwoFactor:
    """Hold a signed-in user at the second step until it is done.

    Someone who has an authenticator set up must enter a code after their
    password; someone whose role requires one (project managers, admins) must
    set one up first. Public pages and signing out stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if getattr(view_func, "login_required", True) is False:
            return None
        if request.resolver_match and request.resolver_match.view_name in TWO_FACTOR_EXEMPT:
            return None
        if has_two_step(user):
            return redirect_to_login(request.get_full_path(), "vicp:two_factor_verify")
        if user.role in settings.VICP_TWO_FACTOR_ROLES:
            return redirect_to_login(request.get_full_path(), "vicp:two_factor_setup")
        return None


class CurrentRequest:
    """Make the request available to the audit log for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        write_events_after_response(request)
        return response


SESSION_RENEWED_AT = "_renewed_at"


class SlidingSessionExpiry:
    """Keep a session alive while it is in use, writing it at most once a minute.

    A session ends SESSION_COOKIE_AGE after it was last saved. Saving it on every
    request (SESSION_SAVE_EVERY_REQUEST) made every page a write to the session store;
    renewing it once a minute ends an idle session 29 to 30 minutes after the last
    request instead of exactly 30. Only signed-in sessions are renewed, so a stale
    cookie never brings a session back. Sits just after SessionMiddleware, so that the
    session is marked before it is saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) is not None:
            now = int(time.time())
            if now - session.get(SESSION_RENEWED_AT, 0) >= settings.VICP_SESSION_RENEW_SECONDS:
                session[SESSION_RENEWED_AT] = now  # modified, so SessionMiddleware saves it
        return response


def session_expired(request):
    """The browser sent a session cookie whose session no longer exists: it ended
    (30 idle minutes) rather than the person signing out, which removes the cookie."""
    session = getattr(request, "session", None)
    return (
        bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        and session is not None
        and session.get(SESSION_KEY) is None
        and session.session_key is None
    )


class LoginRequired(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, so that an expired session loses nothing.

    A form sent after the session ended leads to signing in and then back to the
    page the form was on (its Referer, when on this site; the form's own address
    otherwise), where the device's draft (static/js/form-draft.js) brings back what
    was typed. The sign-in page is told (?expired=1) to say so.
    """

    def handle_no_permission(self, request, view_func):
        expired = session_expired(request)
        referer = request.META.get("HTTP_REFERER", "")
        came_from = None
        if request.method == "POST" and url_has_allowed_host_and_scheme(
            referer, {request.get_host()}, request.is_secure()
        ):
            parts = urlsplit(referer)
            came_from = parts.path + (f"?{parts.query}" if parts.query else "")
        if came_from is None and not expired:
            return super().handle_no_permission(request, view_func)
        response = redirect_to_login(
            came_from or request.get_full_path(),
            resolve_url(self.get_login_url(view_func)),
            self.get_redirect_field_name(view_func),
        )
        if expired:
            response["Location"] += "&expired=1"
        return response
