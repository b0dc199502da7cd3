"""Anonymous visitors reach only the public pages; everything else asks them to sign in."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from .urlwalk import all_routes

# The whole public surface of ViCP. Adding a name here is a security decision.
PUBLIC = {
    "healthz",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "volunteers:apply",  # the public "Volunteer with us" form
    "volunteers:applied",  # its thank-you page, the same for everyone
    # The family's end-of-work evaluation: no account, a signed single-use link that
    # shows nothing but the questionnaire, and its thank-you page (the same for everyone).
    "outcomes:family_evaluation",
    "outcomes:family_evaluation_thanks",
    "admin:login",  # wrapped: it sends anonymous visitors to ViCP's own sign-in page
}

ROUTES = all_routes()


def test_it_finds_the_routes():
    """Every test below walks ROUTES; a walker that found few would let them pass."""
    names = {route.name for route in ROUTES}
    assert {"vicp:home", "login", "healthz", "vicp:social_workers", "admin:index"} <= names
    unfound = sorted(PUBLIC - names)
    assert not unfound, f"public pages the URL walk did not find: {unfound}"
    assert len([name for name in names if not name.startswith("admin:")]) >= 60


def test_only_the_public_list_is_marked_public():
    marked_public = {
        route.name for route in ROUTES if getattr(route.callback, "login_required", True) is False
    }
    assert marked_public <= PUBLIC


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in PUBLIC], ids=lambda r: r.name)
def test_it_sends_anonymous_visitors_to_sign_in(client, route):
    response = client.get(route.path)
    assert response.status_code == 302, f"{route.name} answered {response.status_code}"
    target = urlsplit(response["Location"])
    assert target.path in (reverse(settings.LOGIN_URL), reverse("admin:login"))
    if target.path == reverse("admin:login"):
        follow = client.get(response["Location"])
        assert follow.status_code == 302
        assert urlsplit(follow["Location"]).path == reverse(settings.LOGIN_URL)
