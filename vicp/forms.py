import hashlib

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from . import audit, reauth
from .audit import client_ip
from .http import over_hourly_limit
from .models import User
from .tasks import send_set_password_email


class DateInput(forms.DateInput):
    """Every date is chosen with the browser's date picker, which sends ISO 8601 (2026-12-01)
    whatever the page shows; a date typed as 1/12/2026 is read too (DATE_INPUT_FORMATS)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LongSelect(forms.Select):
    """A select of hundreds of options (every volunteer who has worked with a family),
    written out directly: each option's template costs a tenth of a millisecond, which
    five hundred options turned into most of a list page's time. The same HTML as
    Django's `Select`, for choices without groups."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class FormRenderer(DjangoTemplates):
    """Django's renderer, without the `maxlength` a field's max_length puts on its input.

    A browser silently cuts what is typed at that length (a postcode, a name pasted in);
    the server checks the length instead and says what is too long, keeping what was typed.
    """

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if isinstance(widget, dict):
            for part in (widget, *widget.get("subwidgets", ())):
                part.get("attrs", {}).pop("maxlength", None)
        return super().render(template_name, context, request=request)


def add_service_errors(form, error):
    """Show a service's ValidationError next to the fields it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def posted_text(request, name):
    """Text posted as `name`, for a service that explains itself when it is missing.

    Refuses (ValidationError) what no text column can hold: PostgreSQL stores no
    NUL character, and a form field would refuse one too.
    """
    text = request.POST.get(name, "")
    ProhibitNullCharactersValidator()(text)
    return text


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing an id its database column could not hold as not valid.

    Django checks such ids only one at a time; the `IN` query that follows
    fails on a number beyond 64 bits (OverflowError on SQLite, DataError on
    PostgreSQL), so a forged value would end in a server error.
    """

    def _check_values(self, value):
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        for pk in value:
            try:
                key.run_validators(key.to_python(pk))
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                ) from None
        return super()._check_values(value)


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class LockoutPasswordChangeForm(PasswordChangeForm):
    """A wrong old password counts towards the sign-in lockout, like any other."""

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not reauth.password_is_right(self.request, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


# Reset links sent in an hour: a few for one address (a person who cannot find the
# email), more for one client address (an office behind one connection).
RESETS_PER_ADDRESS_PER_HOUR = 3
RESETS_PER_CLIENT_PER_HOUR = 20


def reset_throttled(email, request):
    """Count a reset request for `email` and for the client; True once either is over
    its hourly limit. Every request counts, whether or not an account uses the address."""
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()  # no email in keys
    by_address = over_hourly_limit(
        f"vicp:password_reset:address:{address}", RESETS_PER_ADDRESS_PER_HOUR
    )
    by_client = over_hourly_limit(
        f"vicp:password_reset:client:{client_ip(request) or 'unknown'}", RESETS_PER_CLIENT_PER_HOUR
    )
    return by_address or by_client


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose email is sent by a background task.

    The page answers the same whether or not the address is known, so it
    reveals nothing about who has an account.
    """

    def get_users(self, email):
        # Unlike Django's default, people who were invited but never set a
        # password can also ask for a fresh link.
        return User.objects.filter(email__iexact=email, is_active=True)

    def save(self, request=None, **kwargs):

        email = self.cleaned_data["email"]
        if reset_throttled(email, request):
            # Nothing is sent, and the page still says the same, so an unknown
            # address cannot be told from a known one.
            audit.record("auth.password_reset_throttled", request=request)
            return
        for user in self.get_users(email):
            audit.record("auth.password_reset_requested", obj=user, request=request)
            transaction.on_commit(lambda pk=user.pk: send_set_password_email.delay(pk, "reset"))


class SocialWorkerInviteForm(forms.Form):
    project = forms.ModelChoiceField(queryset=None, empty_label=None)
    first_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    last_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(label="Work email address")
    organisation = forms.CharField(label="Local authority", max_length=200, required=False)
    team = forms.CharField(max_length=200, required=False)
    phone = forms.CharField(label="Work phone", max_length=30, required=False)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class FilterForm(forms.Form):
    """The form of a list's filters: every field may be left empty, so none is marked
    "(optional)" (templates/bootstrap5/field.html)."""

    marks_optional_fields = False


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
