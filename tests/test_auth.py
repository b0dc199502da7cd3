"""Signing in and out, changing a password, and resetting it by email."""

import re
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vicp.models import AuditEvent

from .conftest import sign_in as sign_in_verified
from .factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def link_in(message):
    return re.search(r"http://\S+", message.body).group(0)


def test_it_signs_in_with_email_and_password(client, alice):
    response = sign_in(client, "alice@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("vicp:home")
    assert AuditEvent.objects.filter(action="auth.login", actor=alice).exists()


def test_the_email_address_is_not_case_sensitive(client, alice):
    response = sign_in(client, "Alice@Example.org")
    assert response.status_code == 302


def test_a_wrong_password_is_refused_keeps_the_email_and_is_audited(client, alice):
    response = sign_in(client, "alice@example.org", "not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct email address and password" in response.content.decode()
    assert 'value="alice@example.org"' in response.content.decode()
    failure = AuditEvent.objects.get(action="auth.login_failed")
    assert failure.details == {"username": "alice@example.org"}
    assert "not-the-password" not in str(failure.details)


def test_an_inactive_account_cannot_sign_in(client, alice):
    alice.is_active = False
    alice.save()
    response = sign_in(client, "alice@example.org")
    assert response.status_code == 200


def test_sign_out_is_a_post_and_ends_the_session(client, alice):
    client.force_login(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("vicp:home")).status_code == 302


def test_signed_in_pages_are_never_cached(client, alice):
    client.force_login(alice)
    response = client.get(reverse("vicp:home"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_password_change_checks_strength(client, alice):
    sign_in_verified(client, alice)
    url = reverse("password_change")
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"}
    )
    assert weak.status_code == 200
    assert "at least 12 characters" in weak.content.decode()
    common = "password1234"
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": common, "new_password2": common}
    )
    assert "too common" in weak.content.decode()
    new = "lantern-orchard-violet-42"
    ok = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert ok.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_password_reset_emails_a_single_use_link(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "ALICE@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    link = link_in(message)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    new = "kettle-harbour-pigeon-77"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)

    reused = client.get(link, follow=True)
    assert reused.context["validlink"] is False


def test_password_reset_reveals_nothing_about_unknown_addresses(client, alice):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_reset_link_expires(client, alice, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "alice@example.org"})
    link = link_in(mail.outbox[0])
    just_in_time = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)
    too_late = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(timezone.now() + just_in_time):
        assert client.get(link, follow=True).context["validlink"] is True
    with time_machine.travel(timezone.now() + too_late):
        assert client.get(link, follow=True).context["validlink"] is False


def test_a_form_sent_without_its_csrf_token_gets_a_friendly_page(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("password_change"), {})
    assert response.status_code == 403
    assert "Please try again" in response.content.decode()


def test_signing_in_starts_a_new_session(client, alice):
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # db, or Redis

    planted = SessionStore()  # a session an attacker made and planted in the browser
    planted["planted"] = True
    planted.save()
    client.cookies["sessionid"] = planted.session_key
    sign_in(client, "alice@example.org")
    assert client.cookies["sessionid"].value != planted.session_key
    assert not SessionStore().exists(planted.session_key)
