"""Two-step sign-in pages: verify a code, set up an authenticator, manage it."""

import base64

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import audit, services
from .forms import add_service_errors
from .http import safe_next_url
from .two_step import has_two_step


class CodeForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=24,  # a recovery code with its hyphens, or spaces instead
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


def verify(request):
    user = request.user
    if user.is_verified():
        return redirect(safe_next_url(request))
    if not has_two_step(user):
        return redirect("vicp:two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            audit.record("auth.two_factor_verified", actor=user, obj=user)
            return redirect(safe_next_url(request))
        audit.record("auth.two_factor_failed", actor=user, obj=user)
        form.add_error("token", "That code is not right, or has been used. Try the newest code.")
    return render(
        request, "vicp/two_factor_verify.html", {"form": form, "next": safe_next_url(request)}
    )


def setup(request):
    user = request.user
    if has_two_step(user) and not user.is_verified():
        # Only someone who has passed the current second step may replace it.
        return redirect("vicp:two_factor_verify")
    device = services.pending_authenticator(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.confirm_authenticator(user, token=form.cleaned_data["token"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            django_otp.login(request, device)
            return render(request, "vicp/two_factor_recovery_codes.html", {"codes": codes})
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "vicp/two_factor_setup.html",
        {
            "form": form,
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "required": user.role in settings.VICP_TWO_FACTOR_ROLES,
        },
    )


def manage(request):
    user = request.user
    return render(
        request,
        "vicp/two_factor_manage.html",
        {
            "enabled": has_two_step(user),
            "required": user.role in settings.VICP_TWO_FACTOR_ROLES,
        },
    )


@require_POST
def new_recovery_codes(request):
    if not has_two_step(request.user):
        return redirect("vicp:two_factor_setup")
    codes = services.regenerate_recovery_codes(request.user)
    return render(request, "vicp/two_factor_recovery_codes.html", {"codes": codes})


@require_POST
def turn_off(request):
    user = request.user
    if user.role in settings.VICP_TWO_FACTOR_ROLES:
        messages.error(request, "Your role needs two-step sign-in, so it cannot be turned off.")
    else:
        services.disable_two_factor(user, by=user)
        messages.success(request, "Two-step sign-in is off.")
    return redirect("vicp:two_factor")
