"""Drafts kept on the device (vicp/drafts.py): keys per person and record, the key
that encrypts them, clearing after a save, and an expired session that leads back to
the form the person was filling in."""

import base64
import re
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from referrals.forms import MAX_CHILDREN
from vicp import drafts

from .conftest import sign_in
from .factories import PASSWORD

pytestmark = pytest.mark.django_db
EXPIRED = "You were signed out after 30 minutes without activity"
LOGIN = reverse("login")


def expire(client):
    """The session ends on the server while the browser still holds its cookie."""
    client.session.delete()


def code_for(device):
    device.refresh_from_db()
    step = max(int(time.time() // 30), device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=6):06d}"


def test_a_draft_key_is_per_person_and_record_and_names_neither(alice, sam):
    key = drafts.draft_key(alice, "risk-review", 41)
    assert key == drafts.draft_key(alice, "risk-review", 41)  # the same on every sign-in
    assert key.startswith(f"vicp-draft:{drafts.owner_tag(alice)}:")
    others = {
        drafts.draft_key(sam, "risk-review", 41),
        drafts.draft_key(alice, "risk-review", 42),
        drafts.draft_key(alice, "star-reading", 41),
    }
    assert key not in others and len(others) == 3
    assert "risk" not in key and alice.email not in key


def test_the_encryption_key_is_per_person_and_stable(alice, sam):
    assert len(base64.b64decode(drafts.secret(alice))) == 32  # AES-256
    assert drafts.secret(alice) == drafts.secret(alice)
    assert drafts.secret(alice) != drafts.secret(sam)
    assert drafts.owner_tag(alice) != drafts.owner_tag(sam)


def test_only_a_signed_in_persons_pages_carry_their_key(client_for, client, sam):
    assert "vicp-draft-key" not in client.get(LOGIN).content.decode()
    page = client_for(sam).get(reverse("vicp:home")).content.decode()
    assert f'<meta name="vicp-draft-key" content="{drafts.secret(sam)}">' in page
    assert f'<meta name="vicp-draft-owner" content="{drafts.owner_tag(sam)}">' in page


def test_an_anonymous_form_keeps_its_draft_in_the_tab_and_its_thank_you_page_clears_it(client):
    key = "vicp-draft:public:volunteer-application"
    form = client.get(reverse("volunteers:apply")).content.decode()
    assert f'data-draft-key="{key}" data-draft-store="session"' in form
    assert f'data-clear-draft="{key}"' in client.get(reverse("volunteers:applied")).content.decode()


@pytest.mark.usefixtures("ready_volunteer")
def test_every_long_form_keeps_a_draft(client_for, alice, family, ready_volunteer):
    client = client_for(alice)
    pages = {
        reverse("outcomes:record_risk_review", args=[family.pk]): ("risk-review", family.pk),
        reverse("outcomes:record_star_reading", args=[family.pk]): ("star-reading", family.pk),
        reverse("outcomes:record_measure", args=[family.pk]): ("measure", family.pk),
        reverse("families:close_case", args=[family.pk]): ("close-case", family.pk),
        reverse("families:add_goal", args=[family.pk]): ("goal", family.pk, "new"),
        reverse("families:notes", args=[family.pk]): ("case-note", family.pk, "new"),
        reverse("families:add_case_note", args=[family.pk]): ("case-note", family.pk, "new"),
        reverse("volunteers:detail", args=[ready_volunteer.pk]): (
            "supervision",
            ready_volunteer.pk,
        ),
        reverse("vicp:invite_social_worker"): ("invitation",),
        reverse("referrals:create"): ("referral", ""),
    }
    for url, (kind, *record) in pages.items():
        page = client.get(url).content.decode()
        key = drafts.draft_key(alice, kind, *record)
        assert f'data-draft-key="{key}"' in page, url
        assert "data-draft-restored" in page, url


@pytest.mark.usefixtures("reference_data")
def test_a_saved_form_clears_its_draft_on_the_next_page_only(client_for, alice, cambridgeshire):
    client = client_for(alice)
    response = client.post(
        reverse("vicp:invite_social_worker"),
        {
            "project": cambridgeshire.pk,
            "first_name": "Tess",
            "last_name": "Ward",
            "email": "tess@example.org",
        },
        follow=True,
    )
    key = drafts.draft_key(alice, "invitation")
    assert f'data-clear-draft="{key}"' in response.content.decode()
    assert "data-clear-draft" not in client.get(reverse("vicp:home")).content.decode()


def test_a_refused_form_shows_what_was_sent_not_the_devices_copy(client_for, alice):
    response = client_for(alice).post(reverse("vicp:invite_social_worker"), {"first_name": "T"})
    assert response.status_code == 200
    assert "data-draft-bound" in response.content.decode()
    assert "data-clear-draft" not in response.content.decode()


@pytest.mark.parametrize(
    ("asked", "shown"), [("", 1), ("3", 3), ("0", 1), ("x", 1), ("999", MAX_CHILDREN)]
)
def test_the_referral_form_shows_as_many_children_as_the_draft_asks(client_for, sam, asked, shown):
    page = client_for(sam).get(reverse("referrals:create"), {"children": asked})
    assert page.content.decode().count(f'name="children-TOTAL_FORMS" value="{shown}"') == 1


def test_a_form_sent_after_the_session_ended_leads_back_to_it_after_both_sign_in_steps(
    client_for, alice, family
):
    url = reverse("outcomes:record_risk_review", args=[family.pk])
    client = client_for(alice)
    expire(client)
    response = client.post(url, {"notes": "typed for half an hour"})
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={quote(url)}&expired=1"

    sign_in_page = client.get(response["Location"])
    assert EXPIRED in sign_in_page.content.decode()
    assert "what you typed is kept on this device" in sign_in_page.content.decode()

    response = client.post(
        response["Location"], {"username": alice.email, "password": PASSWORD, "next": url}
    )
    assert response["Location"] == url
    response = client.get(url)  # the second step comes first
    verify = reverse("vicp:two_factor_verify")
    assert response["Location"] == f"{verify}?next={quote(url)}"
    device = TOTPDevice.objects.get(user=alice, confirmed=True)
    response = client.post(response["Location"], {"token": code_for(device), "next": url})
    assert response["Location"] == url
    assert client.get(url).status_code == 200


def test_thirty_idle_minutes_lead_to_the_message(client, sam, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    url = reverse("referrals:create")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, sam)
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = client.post(url, {"family_name": "Doe"})
    assert response["Location"] == f"{LOGIN}?next={quote(url)}&expired=1"


def test_a_form_sent_from_another_page_leads_back_to_that_page(client_for, sam, family):
    client = client_for(sam)
    expire(client)
    page = reverse("families:safeguarding", args=[family.pk])
    response = client.post(
        reverse("families:close_concern", args=[1]),
        {"concern-follow-up": "Rang the school."},
        HTTP_REFERER=f"http://testserver{page}?tab=1",
    )
    assert response["Location"] == f"{LOGIN}?next={quote(page + '?tab=1')}&expired=1"


def test_a_page_on_another_site_is_never_the_way_back(client_for, sam):
    client = client_for(sam)
    expire(client)
    url = reverse("referrals:create")
    response = client.post(url, {}, HTTP_REFERER="https://elsewhere.example/referrals/new/")
    assert response["Location"] == f"{LOGIN}?next={quote(url)}&expired=1"


def test_without_a_session_there_is_no_expiry_message(client):
    url = reverse("referrals:create")
    response = client.get(url)
    assert response["Location"] == f"{LOGIN}?next={quote(url)}"
    assert EXPIRED not in client.get(response["Location"]).content.decode()


def test_signing_out_is_not_taken_for_an_expiry(client_for, sam):
    client = client_for(sam)
    client.post(reverse("logout"))
    url = reverse("referrals:create")
    response = client.get(url)
    assert response["Location"] == f"{LOGIN}?next={quote(url)}"


def test_the_message_stays_when_the_password_is_refused(client, sam):
    response = client.post(
        f"{LOGIN}?next=/referrals/new/&expired=1", {"username": sam.email, "password": "wrong"}
    )
    assert EXPIRED in response.content.decode()
    assert re.search(r'name="next" value="/referrals/new/"', response.content.decode())


def test_a_new_client_is_never_told_it_expired():
    assert EXPIRED not in Client().get(f"{LOGIN}").content.decode()
