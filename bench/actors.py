"""Who the bench signs in as, and which pages it measures.

The people are taken from the seeded data: the manager of the project with the
most families closed in the last year (the one the impact report is measured
on), an administrator, that project's busiest social worker, and its volunteer
with the longest-running active match. Sessions are created directly in the
session store, two-step sign-in included, as `tests/conftest.py` does: the
bench needs no password and the app has no back door.
"""

import datetime
from dataclasses import dataclass
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from families.models import Family, Match
from vicp.models import Project, User


@dataclass
class Page:
    label: str
    role: str
    url: str | None  # None: the URL name does not reverse (not built yet)
    url_name: str
    reference: bool = False  # measured for comparison, not held to the targets

    @property
    def family_page(self):
        """The family page's overview or one of its sections, held to their own targets."""
        return self.url_name in ("families:detail", *(f"families:{s}" for s in FAMILY_SECTIONS))


@dataclass
class Actors:
    project: Project
    users: dict  # role -> User
    heavy_family: Family  # the project's family with the most visits
    volunteer_family: Family  # the family of the volunteer's active match
    social_worker_family: Family  # a family the social worker referred


def choose_actors():
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    project = (
        Project.objects.annotate(
            closed=Count(
                "families", filter=Q(families__status="closed", families__closed_on__gt=year_ago)
            )
        )
        .order_by("-closed", "pk")
        .first()
    )
    if project is None:
        raise SystemExit(
            "No projects in this database: seed it first (manage.py seed_scale, see README)."
        )
    match = (
        Match.objects.filter(family__project=project, ended_on=None)
        .annotate(n=Count("visits"))
        .select_related("volunteer__user", "family")
        .order_by("-n", "pk")
        .first()
    )
    social_worker = (
        User.objects.filter(role=User.Role.SOCIAL_WORKER, referrals__project=project)
        .annotate(n=Count("referrals__family"))
        .order_by("-n", "pk")
        .first()
    )
    users = {
        "manager": project.managers.order_by("pk").first(),
        "admin": User.objects.filter(role=User.Role.ADMIN, is_active=True).order_by("pk").first(),
        "social_worker": social_worker,
        "volunteer": match.volunteer.user,
    }
    heavy_family = (
        Family.objects.filter(project=project)
        .annotate(n=Count("matches__visits"))
        .order_by("-n", "pk")
        .first()
    )
    social_worker_family = (
        Family.objects.filter(referral__social_worker=social_worker)
        .order_by("-accepted_on", "pk")
        .first()
    )
    return Actors(project, users, heavy_family, match.family, social_worker_family)


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# The family page's sections (its overview is `families:detail`).
FAMILY_SECTIONS = ("visits", "plan", "outcomes", "safeguarding", "details", "history")


def main_pages(actors):
    """The main pages of each role (README, "Benchmarks"), each as the role that uses it."""
    heavy, own = actors.heavy_family.pk, actors.volunteer_family.pk
    rows = [
        ("Home: project manager", "manager", "vicp:home", ()),
        ("Home: social worker", "social_worker", "vicp:home", ()),
        ("Home: volunteer", "volunteer", "vicp:home", ()),
        ("Home: admin", "admin", "vicp:home", ()),
        ("Referral queue", "manager", "referrals:queue", ()),
        ("Volunteer board", "manager", "volunteers:board", ()),
        ("Families list: manager", "manager", "families:list", ()),
        ("Families list: social worker", "social_worker", "families:list", ()),
        ("Your referrals: social worker", "social_worker", "referrals:mine", ()),
        ("Family page: manager", "manager", "families:detail", (heavy,)),
        ("Family page: volunteer", "volunteer", "families:detail", (own,)),
        *(
            (f"Family {section}: manager", "manager", f"families:{section}", (heavy,))
            for section in FAMILY_SECTIONS
        ),
        ("Family visits: volunteer", "volunteer", "families:visits", (own,)),
        ("Family plan: volunteer", "volunteer", "families:plan", (own,)),
        ("Visit form: volunteer", "volunteer", "families:log_visit", (own,)),
        ("Report list: manager", "manager", "outcomes:report_list", ()),
    ]
    pages = [Page(label, role, _url(name, *args), name) for label, role, name, args in rows]
    # The search box, for a name typed right and one misspelt (a letter swapped: only
    # trigram similarity finds it), as a manager (one project) and the admin (all).
    name = actors.heavy_family.family_name
    misspelt = name[:-2] + name[-1] + name[-2] if len(name) > 3 else name
    search = _url("vicp:search")
    for label, role, typed in (
        ("Search a family name: manager", "manager", name),
        ("Search a misspelt name: manager", "manager", misspelt),
        ("Search a misspelt name: admin", "admin", misspelt),
    ):
        url = f"{search}?{urlencode({'q': typed})}" if search else None
        pages.append(Page(label, role, url, "vicp:search"))
    # What a session alone costs (reading it, the user, the two-step device, saving it on
    # every request): the floor page requested with a volunteer's session cookie.
    pages.append(Page("Floor with a session cookie", "volunteer", reverse("bench_floor"), "", True))
    return pages


def journeys(actors):
    """The three roles' journeys for the load test: {role: [(label, url)]}."""
    sw_family = actors.social_worker_family
    own = actors.volunteer_family.pk
    return {
        "manager": [
            ("home", reverse("vicp:home")),
            ("referral queue", reverse("referrals:queue")),
            ("volunteer board", reverse("volunteers:board")),
            ("family page", reverse("families:detail", args=[actors.heavy_family.pk])),
        ],
        "social_worker": [
            ("home", reverse("vicp:home")),
            ("your referrals", reverse("referrals:mine")),
            ("family page", reverse("families:detail", args=[sw_family.pk])),
        ],
        "volunteer": [
            ("home", reverse("vicp:home")),
            ("family page", reverse("families:detail", args=[own])),
            ("visit form", reverse("families:log_visit", args=[own])),
        ],
    }


def session_for(user):
    """A new signed-in session for `user` (second step done where one is set up);
    returns the session key, the value of the session cookie."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


def sessions_for(users):
    return {role: session_for(user) for role, user in users.items()}
