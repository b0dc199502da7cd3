"""Asking for the password again before sensitive actions such as exports."""

import time
from functools import wraps

from django.contrib.auth import authenticate
from django.contrib.auth.views import redirect_to_login

SESSION_KEY = "vicp_password_confirmed_at"
VALID_SECONDS = 10 * 60


def password_is_right(request, password):
    """Whether `password` is the signed-in person's, checked like a sign-in.

    Going through the authentication backends lets django-axes count a wrong
    password towards the sign-in lockout and refuse even the right one while
    the lock lasts: a stolen session is no way to guess the password.
    """
    user = authenticate(request, username=request.user.email, password=password)
    return user is not None and user.pk == request.user.pk


def confirm(request):
    request.session[SESSION_KEY] = time.time()


def recently_confirmed(request):
    confirmed_at = request.session.get(SESSION_KEY)
    return confirmed_at is not None and time.time() - confirmed_at < VALID_SECONDS


def password_confirmation_required(view):
    """The person must have typed their password in the last 10 minutes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not recently_confirmed(request):
            return redirect_to_login(request.get_full_path(), "vicp:confirm_password")
        return view(request, *args, **kwargs)

    return wrapper
