"""The family page in sections on a 360 px phone: the volunteer opens the family from
their home page, reads the risks to a lone visitor first, then reaches the plan and
their visits by clicking."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from families import services
from tests.factories import PASSWORD

from .conftest import click_to_load, open_section, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def test_the_volunteer_reads_the_risks_first_then_the_plan_and_visits(
    small_phone, match, alice, transactional_db
):
    page = small_phone
    family = match.family
    family.risk_details = "A large dog in the garden"
    family.save()
    services.add_goal(family=family, by=alice, description="Mornings on time")
    val = match.volunteer.user
    val.set_password(PASSWORD)
    val.save()
    services.log_visit(
        match=match,
        by=val,
        visited_on=timezone.localdate() - datetime.timedelta(days=1),
        duration_minutes=50,
        engagement=4,
    )
    sign_in(page, val.email)

    click_to_load(page, page.get_by_role("link", name=f"{family.family_name} family"))
    risks = page.get_by_role("region", name="Risks to a lone visitor")
    expect(risks).to_contain_text("A large dog in the garden")
    work = page.get_by_role("heading", name="The work")
    assert risks.bounding_box()["y"] < work.bounding_box()["y"]
    sections = page.get_by_role("navigation", name="Sections of the case")
    overview = sections.get_by_role("link", name="Overview")
    expect(overview).to_have_attribute("aria-current", "page")
    expect(sections.get_by_role("link", name="Safeguarding")).to_have_count(0)
    for link in sections.get_by_role("link").all():
        assert link.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    open_section(page, "Plan")
    expect(page.get_by_role("heading", name="Plan of work")).to_be_visible()
    expect(page.get_by_text("Mornings on time", exact=True)).to_be_visible()
    expect(sections.get_by_role("link", name="Plan")).to_have_attribute("aria-current", "page")

    open_section(page, "Visits")
    expect(page.get_by_role("heading", name="Your visits")).to_be_visible()
    expect(page.locator("#visit-list").get_by_role("link")).to_contain_text("50 min")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
