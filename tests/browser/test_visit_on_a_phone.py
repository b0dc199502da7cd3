"""A volunteer logs a visit on a phone: a refused answer loses nothing, a reload
keeps the draft, and a concern reaches the manager and the social worker; an attempt
asks only what an attempt needs, and every problem is said at once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
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
    sign_in(page, val.email)
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
    expect(page.locator("#id_duration_minutes_error")).to_contain_text(
        "between 15 minutes and 8 hours"
    )
    expect(page.locator("[data-error-summary]")).to_contain_text("between 15 minutes and 8 hours")
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
        sign_in(page, person)
        assert page.get_by_text("Open safeguarding concern").first.is_visible()
        assert page.get_by_role("link", name=match.family.case_reference).first.is_visible()
        sign_out(page)


def test_an_attempt_and_every_problem_at_once_on_a_small_phone(
    small_phone, match, transactional_db
):
    page = small_phone
    val = match.volunteer.user
    val.set_password(PASSWORD)
    val.save()
    sign_in(page, val.email)
    click_to_load(page, page.get_by_role("link", name="Log a visit"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    duration = page.get_by_label("How long (minutes)")
    engagement = page.get_by_label("How engaged was the family?")
    expect(duration).to_have_value("120")
    expect(engagement).to_be_visible()

    # Nobody was in: only what an attempt needs is asked, and trying takes 15 minutes.
    page.get_by_label("No, nobody was in or they did not answer").check()
    expect(engagement).to_be_hidden()
    expect(page.get_by_text("What you did")).to_be_hidden()
    expect(duration).to_have_value("15")
    page.get_by_label("Yes", exact=True).check()
    expect(engagement).to_be_visible()
    expect(duration).to_have_value("120")
    page.get_by_label("No, nobody was in or they did not answer").check()
    expect(duration).to_have_value("15")

    # Three mistakes: all of them are said at once, and the summary is read first.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.locator("#id_visited_on").fill(tomorrow.isoformat())
    page.get_by_label("Miles travelled (for expenses)").fill("6.5")
    page.get_by_label("I have a safeguarding concern").check()
    click_to_load(page, page.get_by_role("button", name="Save visit"))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    for message in (
        "The visit cannot be in the future.",
        "Miles are a whole number from 1 to 999.",
        "Describe your concern.",
    ):
        expect(summary).to_contain_text(message)
    expect(summary.locator("li")).to_have_count(3)
    assert not Visit.objects.exists()
    # Shown again as it was sent: still an attempt of 15 minutes.
    expect(engagement).to_be_hidden()
    expect(duration).to_have_value("15")

    page.locator("#id_visited_on").fill(timezone.localdate().isoformat())
    page.get_by_label("Miles travelled (for expenses)").fill("6")
    page.get_by_label("I have a safeguarding concern").uncheck()
    page.get_by_label("Notes").fill("Knocked twice and left a card.")
    click_to_load(page, page.get_by_role("button", name="Save visit"))
    expect(page.get_by_text("Visit logged")).to_be_visible()
    expect(page.get_by_text("No: an attempt")).to_be_visible()
    visit = Visit.objects.get()
    assert (visit.contact_made, visit.duration_minutes, visit.engagement, visit.miles) == (
        False,
        15,
        None,
        6,
    )
