"""Recruitment in the browser: someone applies, a project manager runs the
pipeline at a desk and signs them off; the volunteer reads their record on a phone."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests import factories
from volunteers.models import Stage, Volunteer
from volunteers.views import rate_limit_key

from .conftest import click_to_load, sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def days_ago(n):
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


def record_interview(page, kind, held_on):
    """Record a passed interview; if it is refused, the form is shown again, open."""
    step = page.locator("#interview-step")
    if step.get_attribute("open") is None:
        page.locator("#interview-step summary").click()
    step.get_by_label("Interview").select_option(label=kind)
    step.get_by_label("Passed").check()
    step.get_by_label("Date held").fill(held_on)
    click_to_load(page, step.get_by_role("button", name="Save interview"))


def record_reference(page, name):
    page.locator("#reference-step summary").click()
    step = page.locator("#reference-step")
    step.get_by_label("Referee's name").fill(name)
    step.get_by_label("Relationship to the applicant").fill("Employer")
    step.get_by_label("Satisfactory", exact=True).check()
    step.get_by_label("Date received").fill(days_ago(20))
    click_to_load(page, step.get_by_role("button", name="Save reference"))
    assert page.get_by_text("Reference recorded.").is_visible()


@pytest.mark.usefixtures("reference_data")
def test_application_pipeline_and_sign_off_at_a_desk(page, alice, cambridgeshire, mailoutbox):
    cache.delete(rate_limit_key("127.0.0.1"))
    page.set_viewport_size(DESKTOP)

    # 1. Someone applies, with no account.
    page.goto("/volunteers/apply/")
    page.get_by_label("Where would you like to volunteer?").select_option(label="Cambridgeshire")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Osei")
    page.get_by_label("Email address").fill("nia@example.org")
    page.get_by_label("Phone number").fill("07700 900456")
    page.get_by_label("Postcode").fill("CB2 1TN")
    page.get_by_label("Tuesday").check()
    page.get_by_label("I drive and have a car").check()
    page.get_by_label("I agree to an enhanced DBS check").check()
    page.get_by_role("button", name="Send my application").click()
    page.wait_for_url("**/apply/thank-you/")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for applying"
    nia = Volunteer.objects.get(email="nia@example.org")
    assert [m.to for m in mailoutbox] == [[alice.email]]

    # 2. The project manager finds her on the board.
    sign_in(page, alice.email)
    click_to_load(page, page.get_by_role("link", name="Volunteers", exact=True))
    page.get_by_label("Search", exact=True).fill("osei")
    click_to_load(page, page.get_by_role("button", name="Filter"))
    page.get_by_role("link", name="Nia Osei").click()
    page.wait_for_url(f"**/volunteers/{nia.pk}/")
    assert "Informal interview: not recorded yet." in page.locator("#blockers").inner_text()

    # 3. The pipeline, step by step; the interviews follow the application (today).
    record_interview(page, "Formal interview", days_ago(0))  # out of order: refused
    assert "follows a passed informal interview" in page.locator("#interview-step").inner_text()
    assert page.locator("#stage").inner_text() == "Applied"
    record_interview(page, "Informal interview", days_ago(1))  # before the application
    assert "cannot be before the application" in page.locator("#interview-step").inner_text()
    record_interview(page, "Informal interview", days_ago(0))
    assert page.locator("#stage").inner_text() == "Interviewing"
    record_interview(page, "Formal interview", days_ago(0))
    assert page.locator("#stage").inner_text() == "Checks"

    page.locator("#dbs-step summary").click()
    step = page.locator("#dbs-step")
    step.get_by_label("Certificate number").fill("12345")
    step.get_by_label("Date of issue").fill(days_ago(40))
    step.get_by_label("Clear").check()
    click_to_load(page, step.get_by_role("button", name="Save DBS check"))
    assert "12 digits" in page.locator("#dbs-step").inner_text()  # shown by the field
    step = page.locator("#dbs-step")
    step.get_by_label("Certificate number").fill("0012 3456 7890")
    click_to_load(page, step.get_by_role("button", name="Save DBS check"))
    assert page.get_by_text("DBS check recorded.").is_visible()
    assert page.get_by_text("001234567890").is_visible()  # in full, on the manager's page

    record_reference(page, "Ruth Baker")
    record_reference(page, "Tom Ellis")
    assert page.locator("#stage").inner_text() == "Training"

    # 4. Training: a session and its register.
    click_to_load(page, page.get_by_role("link", name="Training", exact=True))
    click_to_load(page, page.get_by_role("link", name="Add a session"))
    page.get_by_label("Title").fill("Initial training (all day)")
    page.get_by_label("Date").fill(days_ago(0))
    page.get_by_label("Hours").fill("18")
    click_to_load(page, page.get_by_role("button", name="Save session"))
    page.get_by_role("button", name="Tick everyone").click()
    assert page.get_by_label("Nia Osei (Training)").is_checked()
    click_to_load(page, page.get_by_role("button", name="Record attendance"))
    assert page.get_by_text("Attendance recorded for 1.").is_visible()
    click_to_load(page, page.get_by_role("link", name="Nia Osei"))

    record_interview(page, "Post-training interview", days_ago(0))
    assert page.get_by_text("Interview recorded.").is_visible()
    assert page.locator("#blockers").count() == 0

    # 5. Sign-off, on a page that says what it does.
    click_to_load(page, page.get_by_role("link", name="Sign off as ready to work with a family"))
    assert "can be matched with a family" in page.locator("main").inner_text()
    click_to_load(page, page.get_by_role("button", name="Sign off as ready to work with a family"))
    assert page.locator("#stage").inner_text() == "Ready"
    assert page.get_by_text("is signed off").is_visible()
    nia.refresh_from_db()
    assert nia.stage == Stage.READY and nia.user.email == "nia@example.org"
    assert mailoutbox[-1].to == ["nia@example.org"]


def test_a_volunteer_reads_their_record_on_a_phone(page, alice, cambridgeshire):
    factories.ReadyVolunteerFactory(
        project=cambridgeshire,
        first_name="Vic",
        last_name="Tor",
        email="vic@example.org",
        signed_off_by=alice,
    )
    factories.ReadyVolunteerFactory(project=cambridgeshire, first_name="Olive", signed_off_by=alice)

    assert page.viewport_size == {"width": 390, "height": 844}
    sign_in(page, "vic@example.org")
    assert page.get_by_text("18 of 18 hours").is_visible()
    page.get_by_role("link", name="See your record").click()
    page.wait_for_url("**/volunteers/me/")
    assert page.get_by_role("heading", level=1).inner_text() == "My record"
    text = page.locator("main").inner_text()
    assert "18 of 18 hours" in text
    assert "7890" in text and "001234567890" not in page.content()
    assert "Olive" not in page.content()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
