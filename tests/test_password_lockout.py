"""The sign-in lockout covers every page that checks a password, not only the sign-in page.

Failures anywhere count towards one lock for one email address from one network
address; once locked, the right password is refused everywhere for 30 minutes.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vicp import reauth
from vicp.models import AuditEvent

from .conftest import sign_in
from .factories import PASSWORD

pytestmark = pytest.mark.django_db
IP = "198.51.100.7"
WRONG = "wrong-password-here"
NEW = "gravel-sunrise-otter-58"
LOGIN = reverse("login")
CONFIRM = reverse("vicp:confirm_password")
CHANGE = reverse("password_change")
EXPORT = reverse("vicp:audit_log_export", args=["csv"])


def signed_in(user, ip=IP):
    return sign_in(Client(REMOTE_ADDR=ip), user)


def sign_in_with(password, email="alice@example.org", ip=IP):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": email, "password": password})


def confirm(client, password):
    """Type the password on the "Confirm your password" page (accepted: sent home)."""
    return client.post(CONFIRM, {"password": password, "next": "/"})


def change(client, old_password):
    return client.post(
        CHANGE, {"old_password": old_password, "new_password1": NEW, "new_password2": NEW}
    )


CHECKS = {"confirm password": confirm, "password change": change}


@pytest.mark.parametrize("page", CHECKS)
def test_four_wrong_passwords_still_allow_the_right_one(alice, page):
    client = signed_in(alice)
    for _ in range(4):
        assert CHECKS[page](client, WRONG).status_code == 200
    assert CHECKS[page](client, PASSWORD).status_code == 302


def test_five_wrong_passwords_lock_the_confirmation_page(alice):
    client = signed_in(alice)
    for _ in range(5):
        confirm(client, WRONG)
    for _ in range(3):
        locked = confirm(client, PASSWORD)
        assert locked.status_code == 429
        assert "Sign-in paused for 30 minutes" in locked.content.decode()
    assert reauth.SESSION_KEY not in client.session
    assert client.get(EXPORT)["Location"].startswith(CONFIRM)
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


def test_five_wrong_old_passwords_lock_the_password_change(alice):
    client = signed_in(alice)
    for _ in range(5):
        wrong = change(client, WRONG)
        assert wrong.status_code in (200, 429)
    locked = change(client, PASSWORD)
    assert locked.status_code == 429
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert not alice.check_password(NEW)


def test_a_wrong_old_password_is_shown_by_its_field(alice):
    response = change(signed_in(alice), WRONG)
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors


@pytest.mark.parametrize("page", CHECKS)
def test_failures_on_a_page_lock_sign_in_too(alice, page):
    client = signed_in(alice)
    for _ in range(5):
        CHECKS[page](client, WRONG)
    assert sign_in_with(PASSWORD).status_code == 429


@pytest.mark.parametrize("page", CHECKS)
def test_a_locked_sign_in_locks_the_pages_too(alice, page):
    client = signed_in(alice)
    for _ in range(5):
        sign_in_with(WRONG)
    assert CHECKS[page](client, PASSWORD).status_code == 429


def test_failures_add_up_across_pages(alice):
    client = signed_in(alice)
    sign_in_with(WRONG)
    sign_in_with(WRONG)
    confirm(client, WRONG)
    confirm(client, WRONG)
    change(client, WRONG)
    assert confirm(client, PASSWORD).status_code == 429
    assert change(client, PASSWORD).status_code == 429


def test_the_lock_is_for_that_address_only(alice):
    for _ in range(5):
        confirm(signed_in(alice), WRONG)
    elsewhere = signed_in(alice, ip="203.0.113.50")
    assert confirm(elsewhere, PASSWORD).status_code == 302


def test_the_lock_lifts_after_30_minutes(alice):
    client = signed_in(alice)
    for _ in range(5):
        confirm(client, WRONG)
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert confirm(signed_in(alice), PASSWORD).status_code == 302


def test_someone_elses_failures_do_not_lock_this_person(alice, charlie):
    for _ in range(5):
        sign_in_with(WRONG, email="charlie@example.org")
    assert confirm(signed_in(alice), PASSWORD).status_code == 302
