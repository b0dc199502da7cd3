from django.conf import settings
from django.utils.cache import add_never_cache_headers


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
