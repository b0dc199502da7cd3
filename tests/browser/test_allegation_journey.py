"""An allegation about the volunteer, from start to finish: the family's social worker
raises it from the family's page; the project's safeguarding lead finds it first on their
home page, acknowledges it and suspends the volunteer, who then sees on a small phone that
their visits are paused and the family is gone; the lead lifts the suspension and the
family is back. Another manager of the project, who is not the lead, sees nothing of it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from families import services
from families.models import Concern, ConcernCategory
from tests import factories
from tests.factories import PASSWORD

from .conftest import SMALL_PHONE, click_to_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
DESKTOP = {"width": 1280, "height": 900}
SEEN = "Amy said Val grabbed her arm hard in the car and told her not to tell anyone."
ALLEGATION_HEADING = "Allegation about someone in a position of trust"


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def top(locator):
    return locator.bounding_box()["y"]


@pytest.fixture
def lead(cambridgeshire):
    """Dee, a second manager of Cambridgeshire and its designated safeguarding lead."""
    dee = factories.ProjectManagerFactory(
        email="dee@example.org", first_name="Dee", last_name="Lead"
    )
    cambridgeshire.managers.add(dee)
    cambridgeshire.safeguarding_lead = dee
    cambridgeshire.save()
    return with_password(dee)


def alleged(match, by):
    """The allegation Sam raised about Val yesterday, as the raise page would send it."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    noticed = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(15, 30)))
    return services.raise_concern(
        family=match.family,
        by=by,
        kind=Concern.Kind.ALLEGATION,
        subject=match.volunteer.user,
        category=ConcernCategory.PHYSICAL,
        details=SEEN,
        noticed_at=noticed,
    )


def test_the_social_worker_raises_an_allegation_about_the_volunteer(
    page, match, sam, lead, transactional_db
):
    family = match.family
    val = match.volunteer.user
    page.set_viewport_size(DESKTOP)
    sign_in(page, sam.email)

    families = page.get_by_role("region", name="Families you referred")
    click_to_load(page, families.get_by_role("link", name=f"{family.case_reference}: Doe family"))
    click_to_load(page, page.get_by_role("link", name="Raise a safeguarding concern"))
    expect(page.get_by_role("heading", name="Raise a safeguarding concern")).to_be_visible()

    page.get_by_role("radio", name="An allegation about a volunteer or member of staff").check()
    page.get_by_label("For an allegation: who is it about?").select_option(label="Val Green")
    page.get_by_role("radio", name="Physical abuse").check()
    page.get_by_label("What did you see or hear?").fill(SEEN)
    click_to_load(page, page.get_by_role("button", name="Send the concern"))

    concern = Concern.objects.get()
    assert (concern.kind, concern.subject, concern.raised_by, concern.family) == (
        Concern.Kind.ALLEGATION,
        val,
        sam,
        family,
    )
    assert concern.category == ConcernCategory.PHYSICAL and concern.details == SEEN
    # Sam may not read allegations: back to the family, told it was recorded, and
    # nothing of the allegation on the way.
    assert page.url.endswith(reverse("families:detail", args=[family.pk]))
    expect(page.get_by_role("heading", name="Page not found")).to_have_count(0)
    expect(page.get_by_text("Your concern has been recorded.")).to_be_visible()
    expect(page.get_by_text("The project's safeguarding leads have been told.")).to_be_visible()
    expect(
        page.get_by_role("heading", name=f"{family.case_reference}: Doe family", level=1)
    ).to_be_visible()
    expect(page.get_by_text(SEEN)).to_have_count(0)
    page.goto("/")
    expect(page.get_by_role("heading", name="Families you referred")).to_be_visible()
    expect(page.get_by_role("link", name=f"{family.case_reference}: physical abuse")).to_have_count(
        0
    )


def test_the_lead_suspends_the_volunteer_and_lifts_the_suspension(
    page, small_phone, match, sam, lead, transactional_db
):
    family = match.family
    val = with_password(match.volunteer.user)
    earlier = services.raise_concern(
        family=family,
        by=sam,
        category=ConcernCategory.NEGLECT,
        details="No food in the house on Monday.",
    )
    services.acknowledge_concern(earlier, by=lead)
    concern = alleged(match, sam)
    page.set_viewport_size(DESKTOP)
    sign_in(page, lead.email)

    # The allegation, waiting to be acknowledged, heads the panel at the top of the page.
    panel = page.get_by_role("region", name="Open safeguarding concerns")
    items = panel.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text(f"{family.case_reference}: physical abuse")
    expect(items.first).to_contain_text("Waiting to be acknowledged")
    expect(items.nth(1)).to_contain_text(f"{family.case_reference}: neglect")
    for heading in ("Referrals", "Families"):
        assert top(panel) < top(page.get_by_role("heading", name=heading, exact=False).first)
    click_to_load(page, items.first.get_by_role("link"))
    expect(page.get_by_role("heading", name=ALLEGATION_HEADING)).to_be_visible()
    expect(page.get_by_role("paragraph").filter(has_text=SEEN)).to_be_visible()
    page.check_accessibility()
    assert page.violations == []

    click_to_load(page, page.get_by_role("button", name="Acknowledge: I am dealing with this"))
    expect(page.get_by_text("Acknowledged: the concern will not be escalated.")).to_be_visible()
    concern.refresh_from_db()
    assert concern.acknowledged_by == lead and concern.is_open

    # Suspended without a reason: the reason is asked for, and nobody is suspended.
    suspension = page.get_by_role("region", name="The volunteer's match")
    expect(suspension).to_contain_text(f"Val Green from their match with {family.case_reference}")
    click_to_load(page, page.get_by_role("button", name="Suspend from the match"))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Give the reason.")
    expect(page.locator("#id_suspension-reason_error")).to_contain_text("Give the reason.")
    match.refresh_from_db()
    assert not match.is_suspended

    suspension.get_by_label("Reason").fill("Pending the LADO's advice.")
    click_to_load(page, page.get_by_role("button", name="Suspend from the match"))
    expect(
        page.get_by_text("The volunteer is suspended from their match: they no longer see")
    ).to_be_visible()
    expect(suspension).to_contain_text("Val Green is suspended from their match")
    log = page.get_by_role("region", name="Actions log")
    expect(log).to_contain_text("Volunteer suspended from their match")
    expect(log).to_contain_text("Pending the LADO's advice.")
    match.refresh_from_db()
    assert match.is_suspended and match.is_active
    assert (match.suspended_by, match.suspended_for) == (lead, concern)

    # Val, on a small phone: her visits are paused and the family has gone.
    phone = small_phone
    sign_in(phone, val.email)
    expect(phone.get_by_text("Your visits to your family are paused for now.")).to_be_visible()
    expect(phone.get_by_text(family.case_reference)).to_have_count(0)
    expect(phone.get_by_text("Doe family")).to_have_count(0)
    expect(phone.get_by_role("link", name="Raise a safeguarding concern")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    response = phone.goto(reverse("families:detail", args=[family.pk]))
    assert response.status == 404
    expect(phone.get_by_role("heading", name="Page not found")).to_be_visible()
    body = phone.locator("body").inner_text()
    for private in (family.case_reference, "Doe family", "Amy"):
        assert private not in body

    # The lead lifts the suspension, once she has said why.
    suspension.get_by_label("Reason").fill("The LADO advised no further action.")
    click_to_load(page, page.get_by_role("button", name="Lift the suspension"))
    expect(
        page.get_by_text("The suspension is lifted: the volunteer works with the family again.")
    ).to_be_visible()
    expect(log).to_contain_text("Suspension lifted")
    expect(page.get_by_role("button", name="Suspend from the match")).to_be_visible()
    match.refresh_from_db()
    assert not match.is_suspended and match.suspended_for is None

    phone.goto("/")
    family_link = phone.get_by_role("link", name="Doe family")
    expect(family_link).to_be_visible()
    expect(phone.get_by_text("paused")).to_have_count(0)
    click_to_load(phone, family_link)
    expect(phone.get_by_text(family.case_reference).first).to_be_visible()


def test_a_manager_who_is_not_the_lead_sees_nothing_of_the_allegation(
    page, match, alice, sam, lead, transactional_db
):
    family = match.family
    concern = alleged(match, sam)
    child = services.raise_concern(
        family=family, by=sam, category=ConcernCategory.NEGLECT, details="No food again."
    )
    page.set_viewport_size(DESKTOP)
    sign_in(page, alice.email)

    panel = page.get_by_role("region", name="Open safeguarding concerns")
    expect(panel.get_by_role("listitem")).to_have_count(1)
    expect(panel.get_by_role("link", name=f"{family.case_reference}: neglect")).to_be_visible()
    expect(
        panel.get_by_role("link", name=f"{family.case_reference}: physical abuse")
    ).to_have_count(0)
    assert page.locator(f'a[href="{reverse("families:concern", args=[concern.pk])}"]').count() == 0

    click_to_load(page, panel.get_by_role("link", name="Concerns register"))
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name=family.case_reference)).to_have_count(1)
    expect(table).to_contain_text("Neglect")
    expect(table).not_to_contain_text("Allegation")
    expect(table).not_to_contain_text("Physical abuse")
    assert page.locator(f'a[href="{reverse("families:concern", args=[child.pk])}"]').count() == 1

    response = page.goto(reverse("families:concern", args=[concern.pk]))
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text(SEEN)).to_have_count(0)
