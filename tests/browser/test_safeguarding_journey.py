"""A safeguarding concern from start to finish: the volunteer raises it on a small phone
from their home page, with 999 and the project's safeguarding phone a tap away; the
manager finds it first on their home page, acknowledges it, logs who was told, closes it
with an outcome and reopens it; the social worker finds it above their families."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from families import services
from families.models import Concern, ConcernAction, ConcernCategory, ConcernOutcome
from tests.factories import PASSWORD

from .conftest import click_to_load, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
DESKTOP = {"width": 1280, "height": 900}
SAFEGUARDING_PHONE = "01223 555 0199"
SEEN = "Amy had a bruise on her cheek and said her uncle shouted at her last night."


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def top(locator):
    return locator.bounding_box()["y"]


def assert_thumb_sized(locator, width=360):
    box = locator.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= width, box


def raised_concern(match, **fields):
    """A concern Val raised about her family yesterday, as the raise page would send it."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    noticed = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(16, 0)))
    return services.raise_concern(
        family=match.family,
        by=match.volunteer.user,
        category=ConcernCategory.PHYSICAL,
        details=SEEN,
        noticed_at=noticed,
        **fields,
    )


def test_the_volunteer_raises_a_concern_from_their_home_page_on_a_small_phone(
    small_phone, match, alice, sam, transactional_db
):
    page = small_phone
    project = match.family.project
    project.safeguarding_phone = SAFEGUARDING_PHONE
    project.safeguarding_lead = alice
    project.save()
    val = with_password(match.volunteer.user)
    sign_in(page, val.email)

    raise_button = page.get_by_role("link", name="Raise a safeguarding concern")
    assert_thumb_sized(raise_button)
    click_to_load(page, raise_button)
    expect(page.get_by_role("heading", name="Raise a safeguarding concern")).to_be_visible()
    call_999 = page.locator('a[href="tel:999"]')
    expect(call_999).to_have_text("Call 999")
    call_lead = page.locator('a[href="tel:012235550199"]')
    expect(call_lead).to_contain_text(SAFEGUARDING_PHONE)
    for link in (call_999, call_lead):
        assert_thumb_sized(link)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.check_accessibility()
    assert page.violations == []

    # Sent with the kind and the account missing: both are asked for, beside their
    # fields and in the summary read first, and what was given is kept.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("When did it happen?").fill(yesterday.isoformat())
    page.get_by_label("At what time (roughly)").fill("16:30")
    page.get_by_role("checkbox", name="A child is in immediate danger").check()
    click_to_load(page, page.get_by_role("button", name="Send the concern"))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose the kind of concern")
    expect(summary).to_contain_text("Describe what you saw or heard.")
    expect(summary.locator("li")).to_have_count(2)
    expect(page.locator("#id_concern-category_error")).to_contain_text("Choose the kind of concern")
    expect(page.locator("#id_concern-details_error")).to_contain_text(
        "Describe what you saw or heard."
    )
    expect(page.get_by_label("When did it happen?")).to_have_value(yesterday.isoformat())
    expect(page.get_by_label("At what time (roughly)")).to_have_value("16:30")
    expect(page.get_by_role("checkbox", name="A child is in immediate danger")).to_be_checked()
    expect(page.locator('a[href="tel:999"]')).to_be_visible()
    assert not Concern.objects.exists()
    assert mail.outbox == []

    page.get_by_role("radio", name="Physical abuse").check()
    page.get_by_label("What did you see or hear?").fill(SEEN)
    click_to_load(page, page.get_by_role("button", name="Send the concern"))

    expect(page.get_by_role("heading", name=f"Hello, {val.first_name}")).to_be_visible()
    expect(page.get_by_text("Your concern has been recorded.")).to_be_visible()
    expect(page.get_by_text("If you have not called 999 yet, call now.")).to_be_visible()
    raised = page.get_by_role("region", name="Concerns you raised")
    expect(raised.get_by_role("listitem")).to_have_count(1)
    expect(raised).to_contain_text(match.family.case_reference)
    expect(raised.get_by_role("listitem")).to_contain_text("Received")
    expect(raised).not_to_contain_text("bruise")  # the status only, never the account
    concern = Concern.objects.get()
    assert (concern.family, concern.raised_by, concern.category) == (
        match.family,
        val,
        ConcernCategory.PHYSICAL,
    )
    assert concern.details == SEEN and concern.immediate_danger
    assert timezone.localtime(concern.noticed_at).date() == yesterday
    assert timezone.localtime(concern.noticed_at).time() == datetime.time(16, 30)
    assert concern.acknowledged_at is None and concern.is_open
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["alice@example.org", "sam@example.org"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_manager_acknowledges_logs_closes_and_reopens_the_concern(
    page, match, alice, transactional_db
):
    concern = raised_concern(match)
    val = with_password(match.volunteer.user)
    page.set_viewport_size(DESKTOP)
    sign_in(page, alice.email)

    # The open concern comes first, above everything else on the home page.
    panel = page.get_by_role("region", name="Open safeguarding concerns")
    link = panel.get_by_role("link", name=f"{match.family.case_reference}: physical abuse")
    expect(link).to_be_visible()
    expect(panel).to_contain_text("Waiting to be acknowledged")
    panel_top = top(panel)
    for heading in ("Referrals", "Families", "Social workers", "Cambridgeshire"):
        assert panel_top < top(page.get_by_role("heading", name=heading, exact=False).first), (
            heading
        )
    click_to_load(page, link)
    expect(page.get_by_role("heading", name="Safeguarding concern")).to_be_visible()
    expect(page.get_by_role("paragraph").filter(has_text=SEEN)).to_be_visible()

    # The record is corrected, with a reason; what it said before is kept and shown.
    page.get_by_text("Correct the record").click()
    page.get_by_label("Kind of harm").select_option(label="Emotional abuse")
    page.get_by_label("Why is it corrected?").fill("Val rang: it was the uncle's shouting")
    click_to_load(page, page.get_by_role("button", name="Save the correction"))
    expect(page.get_by_text("The record is corrected")).to_be_visible()
    expect(page.get_by_text("Val rang: it was the uncle's shouting", exact=False)).to_be_visible()
    concern.refresh_from_db()
    assert concern.category == "emotional" and concern.details == SEEN
    assert concern.history.filter(category="physical").exists()

    click_to_load(page, page.get_by_role("button", name="Acknowledge: I am dealing with this"))
    expect(page.get_by_text("Acknowledged: the concern will not be escalated.")).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge: I am dealing with this")).to_have_count(0)
    concern.refresh_from_db()
    assert concern.acknowledged_at is not None and concern.acknowledged_by == alice
    assert concern.is_open

    page.get_by_label("What was done").fill("Rang the duty desk and passed on what Val saw.")
    page.get_by_label("Who was told").fill("duty social worker, MASH")
    page.get_by_role("radio", name="Phone").check()
    click_to_load(page, page.get_by_role("button", name="Add to the log"))
    expect(page.get_by_text("Added to the actions log.")).to_be_visible()
    log = page.get_by_role("region", name="Actions log")
    expect(log).to_contain_text("Phone with duty social worker, MASH")
    expect(log).to_contain_text("Rang the duty desk")
    entry = ConcernAction.objects.get(concern=concern)
    assert (entry.informed, entry.means, entry.recorded_by) == (
        "duty social worker, MASH",
        ConcernAction.Means.PHONE,
        alice,
    )
    assert entry.action == "Rang the duty desk and passed on what Val saw."

    # Closed without an outcome: she is asked for it, and the reasons she typed are kept.
    reasons = "The duty social worker visited today and a plan is in place."
    shared = "The account and the date, with the duty social worker, to protect Amy."
    page.get_by_label("Reasons for the outcome").fill(reasons)
    page.get_by_label("Information shared").fill(shared)
    click_to_load(page, page.get_by_role("button", name="Close the concern"))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Choose the outcome of the concern.")
    expect(summary.locator("li")).to_have_count(1)
    expect(page.locator("#id_close-outcome_error")).to_contain_text(
        "Choose the outcome of the concern."
    )
    expect(page.get_by_label("Reasons for the outcome")).to_have_value(reasons)
    expect(page.get_by_label("Information shared")).to_have_value(shared)
    concern.refresh_from_db()
    assert concern.is_open and concern.outcome == ""

    page.get_by_role("radio", name="Social worker informed and acting").check()
    click_to_load(page, page.get_by_role("button", name="Close the concern"))
    expect(page.get_by_text("The concern is closed, with its outcome.")).to_be_visible()
    outcome = page.get_by_role("region", name="Outcome")
    expect(outcome).to_contain_text("Social worker informed and acting")
    expect(outcome).to_contain_text(reasons)
    expect(outcome).to_contain_text(shared)
    concern.refresh_from_db()
    assert concern.closed_at is not None and concern.closed_by == alice
    assert (concern.outcome, concern.follow_up, concern.information_shared) == (
        ConcernOutcome.SOCIAL_WORKER,
        reasons,
        shared,
    )
    page.check_accessibility()
    assert page.violations == []

    page.get_by_text("Reopen the concern").click()
    page.get_by_label("Why is the concern being reopened?").fill(
        "Val saw a new bruise at today's visit."
    )
    click_to_load(page, page.get_by_role("button", name="Reopen", exact=True))
    expect(page.get_by_text("The concern is open again.")).to_be_visible()
    expect(page.get_by_role("button", name="Close the concern")).to_be_visible()
    expect(log).to_contain_text("Concern reopened: Val saw a new bruise at today's visit.")
    concern.refresh_from_db()
    assert concern.closed_at is None and concern.closed_by is None
    assert concern.acknowledged_at is not None
    reopened = concern.actions.order_by("pk").last()
    assert reopened.action == "Concern reopened: Val saw a new bruise at today's visit."
    assert reopened.recorded_by == alice
    sign_out(page)

    # Val is told the status, and nothing of the follow-up.
    sign_in(page, val.email)
    raised = page.get_by_role("region", name="Concerns you raised")
    expect(raised.get_by_role("listitem")).to_have_count(1)
    expect(raised.get_by_role("listitem")).to_contain_text("Acknowledged")
    expect(raised).to_contain_text(match.family.case_reference)
    expect(page.get_by_text("duty social worker")).to_have_count(0)


def test_the_social_worker_finds_the_open_concern_above_their_families(
    page, match, sam, transactional_db
):
    raised_concern(match, immediate_danger=True)
    page.set_viewport_size(DESKTOP)
    sign_in(page, sam.email)

    panel = page.get_by_role("region", name="Open safeguarding concerns")
    link = panel.get_by_role("link", name=f"{match.family.case_reference}: physical abuse")
    expect(link).to_be_visible()
    expect(panel).to_contain_text("Immediate danger")
    families = page.get_by_role("heading", name="Families you referred")
    expect(families).to_be_visible()
    assert top(panel) < top(families)
    assert top(panel) < top(page.get_by_role("heading", name="Recent referrals"))
    expect(
        page.get_by_role("region", name="Families you referred").get_by_role(
            "link", name=f"{match.family.case_reference}: Doe family"
        )
    ).to_be_visible()
    click_to_load(page, link)
    expect(page.get_by_text(SEEN)).to_be_visible()
    # The social worker reads it and may add to its log, but acknowledging is the managers'.
    expect(page.get_by_role("button", name="Add to the log")).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge: I am dealing with this")).to_have_count(0)
