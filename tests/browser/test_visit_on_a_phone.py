"""A volunteer logs a visit on a phone: a refused answer loses nothing, a reload
keeps the draft, and a concern reaches the manager and the social worker."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from families.models import Concern, Visit
from tests.factories import PASSWORD

from .conftest import click_to_load, device_drafts, sign_in, sign_out, wait_for_draft

pytestmark = pytest.mark.browser
NOTES = "Walked to school together; mum managed the morning routine on her own."


def test_a_visit_with_a_concern_logged_on_a_phone(page, match, sam, alice, transactional_db):
    val = match.volunteer.user
    val.set_password(PASSWORD)
    val.save()
    sign_in(page, val.email, PASSWORD)
    click_to_load(page, page.get_by_role("link", name="Log a visit"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    page.get_by_label("How long (minutes)").fill("600")
    page.get_by_label("Yes").check()
    page.get_by_label("In person").check()
    page.get_by_label("Notes").fill(NOTES)
    page.get_by_label("How engaged was the family?").select_option("4")
    page.get_by_label("I have a safeguarding concern").check()
    page.get_by_label("Your concern").fill("Amy had a bruise on her arm she would not explain.")
    click_to_load(page, page.get_by_role("button", name="Save visit"))

    # Refused: the duration is explained next to the field, and nothing typed is lost.
    assert page.get_by_text("between 15 minutes and 8 hours").is_visible()
    assert page.get_by_label("Notes").input_value() == NOTES
    assert page.get_by_label("Your concern").input_value().startswith("Amy had a bruise")
    assert not Visit.objects.exists()

    # The device keeps the draft: going back to the form (say, after a dropped
    # connection) brings everything back.
    page.get_by_label("How long (minutes)").fill("90")
    wait_for_draft(page, "duration_minutes", "90")
    page.goto(page.url)
    expect(page.get_by_text("We restored what you typed on this device")).to_be_visible()
    assert page.get_by_label("Notes").input_value() == NOTES
    assert page.get_by_label("How long (minutes)").input_value() == "90"
    assert page.get_by_label("I have a safeguarding concern").is_checked()

    click_to_load(page, page.get_by_role("button", name="Save visit"))
    assert page.get_by_text("Visit logged").is_visible()
    visit = Visit.objects.get()
    assert (visit.duration_minutes, visit.notes) == (90, NOTES)
    assert device_drafts(page) == []
    assert Concern.objects.filter(visit=visit, closed_at=None).exists()
    assert sorted(mail.outbox[-1].to) == ["alice@example.org", "sam@example.org"]
    sign_out(page)

    for person in ("alice@example.org", "sam@example.org"):
        sign_in(page, person, PASSWORD)
        assert page.get_by_text("Open safeguarding concern").first.is_visible()
        assert page.get_by_role("link", name=match.family.case_reference).first.is_visible()
        sign_out(page)
