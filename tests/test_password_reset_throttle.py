"""Password reset emails are limited per address and per client address, and the page
answers the same whether or not an account uses the address."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vicp.forms import RESETS_PER_ADDRESS_PER_HOUR, RESETS_PER_CLIENT_PER_HOUR
from vicp.models import AuditEvent

from . import factories

pytestmark = pytest.mark.django_db
RESET = reverse("password_reset")


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    def ask(email, ip="198.51.100.7"):
        with django_capture_on_commit_callbacks(execute=True):
            return Client(REMOTE_ADDR=ip).post(RESET, {"email": email})

    return ask


def answer(response):
    return response.status_code, response.get("Location")


def test_twelve_requests_for_one_address_send_only_the_first_few(alice, ask):
    answers = {answer(ask("alice@example.org")) for _ in range(12)}
    assert answers == {(302, reverse("password_reset_done"))}
    assert len(mail.outbox) == RESETS_PER_ADDRESS_PER_HOUR == 3


def test_capitals_and_spaces_do_not_dodge_the_limit(alice, ask):
    for email in ["alice@example.org", "ALICE@example.org", " Alice@Example.org "] * 2:
        ask(email)
    assert len(mail.outbox) == RESETS_PER_ADDRESS_PER_HOUR


def test_the_limit_for_an_address_holds_from_any_client(alice, ask):
    for n in range(5):
        ask("alice@example.org", ip=f"203.0.113.{n}")
    assert len(mail.outbox) == RESETS_PER_ADDRESS_PER_HOUR


def test_one_client_asking_for_many_addresses_is_limited(db, ask):
    users = [factories.UserFactory(email=f"person{n}@example.org") for n in range(25)]
    for user in users:
        ask(user.email)
    assert len(mail.outbox) == RESETS_PER_CLIENT_PER_HOUR == 20
    ask(users[-1].email, ip="203.0.113.9")  # another client is not held back
    assert len(mail.outbox) == RESETS_PER_CLIENT_PER_HOUR + 1


def test_known_and_unknown_addresses_get_the_same_answer_throttled_or_not(alice, ask):
    for _ in range(RESETS_PER_ADDRESS_PER_HOUR + 2):
        known, unknown = ask("alice@example.org"), ask("nobody@example.org")
        assert answer(known) == answer(unknown)
    done = Client().get(reverse("password_reset_done")).content.decode()
    assert f"at most {RESETS_PER_ADDRESS_PER_HOUR} links an hour" in done


def test_the_limit_lifts_after_an_hour(alice, ask, settings):
    # Travelling in time moves the local cache's clock, not Redis's.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"reset-throttle-{uuid.uuid4().hex}",
        }
    }
    for _ in range(RESETS_PER_ADDRESS_PER_HOUR + 1):
        ask("alice@example.org")
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        ask("alice@example.org")
    assert len(mail.outbox) == RESETS_PER_ADDRESS_PER_HOUR + 1


def test_a_throttled_request_is_in_the_audit_log(alice, ask):
    for _ in range(RESETS_PER_ADDRESS_PER_HOUR + 1):
        ask("alice@example.org")
    event = AuditEvent.objects.get(action="auth.password_reset_throttled")
    assert event.ip_address == "198.51.100.7"
