"""No parameter, however malformed, gets a server error: every form of every page.

The sweep walks the URL patterns (tests/urlwalk.py) and opens each page as
each person who may reach it; it reads the page's forms (tests/formwalk.py)
and sends each back with malformed values: all fields at once, and one field
at a time in an otherwise filled-in form; forged formset counts; and the same
in query strings. A form that posts elsewhere (the family page's "End the
match", say) is swept at its own address, found on the pages about its record.

Each request runs in a savepoint that is rolled back, so whatever one request
changes, the next sees the same records.
"""

import re
from itertools import count

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from families.models import Concern, Family, Match
from outcomes.services import family_evaluation_link
from referrals.models import Referral
from tests.volunteers.helpers import all_steps, signed_off
from vicp import reauth
from vicp.models import Document, User
from vicp.services import invite_social_worker
from volunteers.models import Volunteer
from volunteers.services import not_progressed

from . import factories
from .conftest import sign_in
from .formwalk import TEXT_TYPES, forms_of
from .test_access_sweep import RECORDS, _family
from .urlwalk import all_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

INVALID_FIELD = re.compile(r'class="[^"]*\bis-invalid\b')
HUGE = "999999999999999999999"  # more than any 64-bit column holds
MALFORMED = ["abc", HUGE, "\x00"]
FORGED_COUNTS = ["abc", "1999"]
# Read straight from the query string by some views.
QUERY_PARAMETERS = ("page", "next", "q", "saved", "shown", "stage", "taken_on")
# Where the forms of the account pages that only accept POST are.
HOSTS = {
    "vicp:two_factor_recovery_codes": "vicp:two_factor",
    "vicp:two_factor_turn_off": "vicp:two_factor",
}
# Signing out is no form to fuzz, and it would sign the sweep out.
SKIPPED = {"logout"}
# Each role, and the volunteers of the records made: the matched one ("volunteer"),
# and the one whose match ended ("ended", who may still give an evaluation).
PEOPLE = ["anonymous", "alice", "ada", "sam", "vera", "volunteer", "ended"]


def _reset_link(cast, project):
    user = cast["vera"]
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def _family_link(cast, project):
    url = family_evaluation_link(_family(cast, project), by=cast["alice"])
    return {"token": resolve(url.removeprefix(settings.VICP_BASE_URL)).kwargs["token"]}


def _ready_to_sign_off(cast, project):
    volunteer = factories.VolunteerFactory(project=project)
    all_steps(volunteer, cast["alice"])
    return volunteer


def _signed_off(cast, project):
    return signed_off(factories.VolunteerFactory(project=project), cast["alice"])


def _not_progressed(cast, project):
    return not_progressed(
        factories.VolunteerFactory(project=project),
        by=cast["alice"],
        reason="Not the right time",
        alternative_suggested="Befriending",
    )


def _invited_social_worker(cast, project):
    return invite_social_worker(
        project=project, by=cast["alice"], email="new.sw@example.org", first_name="N", last_name="W"
    )


def _family_with_a_link(cast, project):
    family = _family(cast, project)
    family.email = "family@example.org"
    family.save()
    family_evaluation_link(family, by=cast["alice"])
    return family


def _two_step_sign_in_for_sam(cast, project):
    TOTPDevice.objects.create(user=cast["sam"], name="Phone", confirmed=True)


# The makers of the access sweep, and records that show the forms that need them.
MAKERS = {
    **RECORDS,
    "password_reset_confirm": _reset_link,
    "outcomes:family_evaluation": _family_link,
    "volunteers:sign_off": _ready_to_sign_off,
    "volunteers:record_supervision": _signed_off,
    "volunteers:record_leaving": _signed_off,
    "volunteers:reopen": _not_progressed,
    "vicp:resend_invitation": _invited_social_worker,
    "outcomes:email_family_evaluation_link": _family_with_a_link,
    "vicp:two_factor_turn_off": _two_step_sign_in_for_sam,
}
ROUTES = [
    route
    for route in all_routes()
    if not route.name.startswith("admin:") and route.name not in SKIPPED
]


def test_every_route_with_a_parameter_has_a_maker():
    missing = sorted(r.name for r in ROUTES if r.params and r.name not in MAKERS)
    assert not missing, f"add these routes to MAKERS in {__file__}: {missing}"


def _url(route, made):
    if not route.params:
        return route.path
    kwargs = made if isinstance(made, dict) else {route.params[0]: made.pk}
    return reverse(route.name, kwargs=kwargs)


# The family page and its sections, each holding some of the family's forms.
FAMILY_SECTIONS = [
    "families:detail",
    "families:visits",
    "families:plan",
    "families:outcomes",
    "families:safeguarding",
    "families:notes",
    "families:documents",
    "families:details",
    "families:history",
]


def _pages_about(route, made):
    """The pages that show the forms of a route that only accepts POST."""

    if route.name in HOSTS:
        return [reverse(HOSTS[route.name])]
    if isinstance(made, dict):
        return [reverse("volunteers:detail", args=[made["pk"]])]  # a DBS check's volunteer
    family = made if isinstance(made, Family) else getattr(made, "family", None)
    pages = []
    if family is not None:
        pages += [reverse(name, args=[family.pk]) for name in FAMILY_SECTIONS]
    if isinstance(made, Document):
        pages.append(reverse("vicp:document", args=[made.pk]))
    if isinstance(made, Concern):
        pages.append(reverse("families:concern", args=[made.pk]))
    if isinstance(made, Referral):
        pages.append(reverse("referrals:detail", args=[made.pk]))
    if isinstance(made, Volunteer):
        pages.append(reverse("volunteers:detail", args=[made.pk]))
    if isinstance(made, User):
        pages.append(reverse("vicp:social_workers"))
    return pages


def _people(cast):
    people = {"anonymous": None, **{who: cast[who] for who in PEOPLE if who in cast}}
    active = Match.objects.filter(ended_on=None).select_related("volunteer__user")
    match = active.order_by("-pk").first()
    if match is not None:
        people["volunteer"] = match.volunteer.user
    clients = {}
    for who, user in people.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            sign_in(client, user)
            session = client.session
            session[reauth.SESSION_KEY] = 4102444800  # confirmed, for the export pages
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is not None:  # second step done, for those who turned it on
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        clients[who] = client
    return clients


class Sweep:
    def __init__(self):
        self.failures = []
        self.sent = 0
        self._addresses = count(1)

    def send(self, who, client, method, path, data):
        # A new client address for every request: the public forms' hourly limits
        # would otherwise answer 429 before the form is read.
        n = next(self._addresses)
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        with transaction.atomic():
            response = getattr(client, method)(path, data, REMOTE_ADDR=address)
            transaction.set_rollback(True)
        self.sent += 1
        if response.status_code == 500:  # not 503: the health check may say Redis is down
            error = getattr(response, "exc_info", None)
            cause = repr(error[1]) if error else ""
            shown = {k: (v if len(str(v)) < 40 else str(v)[:40] + "…") for k, v in data.items()}
            self.failures.append(f"{who} {method.upper()} {path} {shown!r} → 500 {cause}")
        elif method == "post" and response.status_code in (200, 400):
            page = response.content.decode(errors="replace")
            # A field marked wrong is also listed in the summary above the form.
            if INVALID_FIELD.search(page) and "data-error-summary" not in page:
                self.failures.append(f"{who} POST {path}: errors shown with no error summary")
        return response

    def forms_on(self, who, client, path):
        """The forms of the page at `path` and the path it ended at, following a redirect to
        the same route once (the password reset link hides its token that way); no forms
        (None) if `who` may not see the page."""
        response = self.send(who, client, "get", path, {})
        if response.status_code == 302:
            target = response["Location"]
            try:
                same = resolve(target.split("?")[0]).route == resolve(path).route
            except Resolver404:
                same = False
            if same:
                path = target
                response = self.send(who, client, "get", path, {})
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return None, path
        return forms_of(response.content.decode(), path), path

    def query_strings(self, who, client, path, forms):
        names = set(QUERY_PARAMETERS)
        for form in forms:
            if form.method == "get":
                names.update(form.names)
        for value in MALFORMED:
            self.send(who, client, "get", path, dict.fromkeys(names, value))

    def form(self, who, client, form):
        names = [n for n in form.names if not n.startswith("csrf")]
        buttons = [dict([b]) for b in form.buttons] or [{}]
        filled = form.filled()
        payloads = []
        for value in MALFORMED:
            everything = dict.fromkeys(names, value)
            payloads += [everything | button for button in buttons]
        for name in [n for n in names if n.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS"))]:
            for value in FORGED_COUNTS:
                payloads += [filled | {name: value} | button for button in buttons]
        chosen = {f.name for f in form.fields if f.type not in TEXT_TYPES}
        for name in sorted(chosen - {"csrfmiddlewaretoken"}):
            value = [HUGE] if isinstance(filled.get(name), list) else HUGE
            payloads.append(filled | {name: value} | buttons[0])
        for data in payloads:
            self.send(who, client, form.method, form.action, data)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_no_malformed_value_gets_a_server_error(route, cast, cambridgeshire):
    maker = MAKERS.get(route.name)
    made = maker(cast, cambridgeshire) if maker else None
    path = _url(route, made)
    people = _people(cast)
    post_only = people["alice"].get(path).status_code == 405
    sweep = Sweep()
    swept = 0
    for who, client in people.items():
        if post_only:
            forms = [
                form
                for host in _pages_about(route, made)
                for form in sweep.forms_on(who, client, host)[0] or []
                if form.method == "post" and form.action == path
            ]
        else:
            forms, page = sweep.forms_on(who, client, path)
            if forms is None:
                continue  # not for them
            sweep.query_strings(who, client, page, forms)
            forms = [form for form in forms if form.action == page]
        for form in forms:
            sweep.form(who, client, form)
        swept += len(forms)
    assert not sweep.failures, "\n".join(sweep.failures)
    if post_only:
        assert swept, f"no form posting to {path} on {_pages_about(route, made)}: make a record "
        "that shows it"
