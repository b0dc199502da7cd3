"""Lockout after repeated failures, security headers, and ending sessions."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vicp import services
from vicp.audit import client_ip
from vicp.models import AuditEvent

from .conftest import sign_in
from .factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


def attempt(email, password="wrong-password-here", ip="198.51.100.7"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": email, "password": password})


def fail(times, email="alice@example.org", ip="198.51.100.7"):
    for _ in range(times):
        attempt(email, ip=ip)


def test_four_failures_still_allow_the_right_password(alice):
    fail(4)
    assert attempt("alice@example.org", PASSWORD).status_code == 302


def test_the_fifth_failure_locks_that_username_from_that_address(alice):
    fail(5)
    locked = attempt("alice@example.org", PASSWORD)
    assert locked.status_code == 429
    assert "Sign-in paused for 30 minutes" in locked.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


def test_capitals_in_the_email_do_not_dodge_the_lockout(alice):
    for email in ["alice@example.org", "Alice@example.org", "ALICE@EXAMPLE.ORG"] * 2:
        attempt(email)
    assert attempt("alice@example.org", PASSWORD).status_code == 429


def test_someone_else_on_the_same_address_is_not_locked_out(alice, charlie):
    fail(5, "alice@example.org")
    assert attempt("charlie@example.org", PASSWORD).status_code == 302


def test_the_same_person_from_another_address_is_not_locked_out(alice):
    fail(5, ip="198.51.100.7")
    assert attempt("alice@example.org", PASSWORD, ip="203.0.113.50").status_code == 302


def test_a_success_resets_the_count(alice):
    fail(4)
    assert attempt("alice@example.org", PASSWORD).status_code == 302
    fail(4)
    assert attempt("alice@example.org", PASSWORD).status_code == 302


def test_the_lock_lifts_after_30_minutes(alice):
    fail(5)
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert attempt("alice@example.org", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert attempt("alice@example.org", PASSWORD).status_code == 302


def test_an_admin_unlocks_by_deleting_the_attempts(client_for, ada, alice):
    fail(5)
    attempts = AccessAttempt.objects.filter(username="alice@example.org")
    assert attempts.exists()
    admin = client_for(ada)
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [a.pk for a in attempts], "post": "yes"},
    )
    assert response.status_code == 302
    assert attempt("alice@example.org", PASSWORD).status_code == 302


def test_forwarded_addresses_are_trusted_only_as_far_as_our_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.VICP_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.VICP_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"  # not the forged 6.6.6.6


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/social-workers/", "/nowhere/"])
@pytest.mark.usefixtures("reference_data")
def test_every_page_carries_the_security_headers(client_for, alice, url):
    response = client_for(alice).get(url)
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_ending_sessions_signs_a_person_out_everywhere(alice, ada):
    phone, desk = sign_in(Client(), alice), sign_in(Client(), alice)
    services.end_sessions(alice, by=ada)
    for device in (phone, desk):
        assert device.get(reverse("vicp:home")).status_code == 302
    assert AuditEvent.objects.filter(action="user.sessions_ended", actor=ada).exists()


@pytest.mark.usefixtures("reference_data")
def test_changing_the_password_ends_the_other_sessions_but_not_this_one(alice):
    this, other = sign_in(Client(), alice), sign_in(Client(), alice)
    new = "gravel-sunrise-otter-58"
    this.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert this.get(reverse("vicp:home")).status_code == 200
    assert other.get(reverse("vicp:home")).status_code == 302


def test_deactivating_an_account_ends_its_sessions(alice):
    device = sign_in(Client(), alice)
    alice.is_active = False
    alice.save()
    assert device.get(reverse("vicp:home")).status_code == 302
