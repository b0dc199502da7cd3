"""Correcting the case record by clicking: the volunteer changes a visit and a goal, and
adds a goal, on a small phone; the manager corrects a visit, ends a match on its
confirmation page and deals with the draft the match left behind."""

import datetime

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm
from playwright.sync_api import expect

from families import services
from families.models import Match, Visit
from tests import factories

from .conftest import click_to_load, open_menu, open_section, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
DESKTOP = {"width": 1280, "height": 900}


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def test_the_volunteer_changes_a_visit_and_a_goal_on_a_small_phone(small_phone, match, alice):
    page = small_phone
    val = match.volunteer.user
    visit = services.log_visit(
        match=match, by=val, visited_on=days_ago(1), duration_minutes=60, engagement=3
    )
    goal = services.add_goal(family=match.family, by=alice, description="Mornings on time")
    sign_in(page, val.email)

    click_to_load(page, page.get_by_role("link", name=f"{match.family.family_name} family"))
    open_section(page, "Visits")
    click_to_load(page, page.locator("#visit-list").get_by_role("link").first)
    click_to_load(page, page.get_by_role("link", name="Change this visit"))
    page.get_by_label("How long (minutes)").fill("75")
    click_to_load(page, page.get_by_role("button", name="Save changes"))
    expect(page.get_by_text("Visit updated")).to_be_visible()
    visit.refresh_from_db()
    assert visit.duration_minutes == 75
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    click_to_load(page, page.get_by_role("link", name=match.family.case_reference))
    open_section(page, "Plan")
    click_to_load(page, page.get_by_role("link", name="Change this goal"))
    page.get_by_label("The goal").fill("Mornings on time, without shouting")
    click_to_load(page, page.get_by_role("button", name="Save changes"))
    expect(page.get_by_text("Mornings on time, without shouting", exact=True)).to_be_visible()

    click_to_load(page, page.get_by_role("link", name="Record a review"))
    page.get_by_label("Stage").select_option(label="Review (about 3 months)")
    page.get_by_label("Progress").fill("Most mornings now")
    click_to_load(page, page.get_by_role("button", name="Save the review"))
    # No outcome was chosen for her: she is asked, and what she typed is kept.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Choose how far the goal was achieved.")
    expect(summary).to_be_focused()  # read out first, and in view on the phone
    summary.get_by_role("link", name="Outcome", exact=False).click()
    expect(page.get_by_label("Outcome")).to_be_focused()
    assert page.get_by_label("Progress").input_value() == "Most mornings now"
    page.get_by_label("Outcome").select_option(label="Partly achieved")
    click_to_load(page, page.get_by_role("button", name="Save the review"))
    expect(page.get_by_text("Review recorded.")).to_be_visible()
    goal.refresh_from_db()
    assert goal.description == "Mornings on time, without shouting"
    assert goal.reviews.get().outcome == "partly"

    # A new goal, on a page of its own, back to the plan.
    click_to_load(page, page.get_by_role("link", name="Add a goal"))
    page.get_by_label("The goal").fill("Homework done before tea")
    click_to_load(page, page.get_by_role("button", name="Add the goal"))
    expect(page.get_by_text("Goal added to the plan of work.")).to_be_visible()
    expect(page.get_by_text("Homework done before tea", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert match.family.goals.filter(
        description="Homework done before tea", created_by=val
    ).exists()


def test_the_manager_corrects_a_visit_ends_the_match_and_discards_its_draft(page, match, alice):
    page.set_viewport_size(DESKTOP)
    val = match.volunteer.user
    logged = services.log_visit(
        match=match, by=val, visited_on=days_ago(3), duration_minutes=60, engagement=3
    )
    draft = services.log_visit(
        match=match, by=val, visited_on=days_ago(1), duration_minutes=45, notes="Half", draft=True
    )
    sign_in(page, alice.email)

    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Families", exact=True))
    click_to_load(page, page.get_by_role("link", name=match.family.case_reference))
    open_section(page, "Visits")
    click_to_load(
        page,
        page.get_by_role("link", name=logged.visited_on.strftime("%a %-d %b"), exact=False).first,
    )
    click_to_load(page, page.get_by_role("link", name="Change this visit"))
    page.get_by_label("How long (minutes)").fill("90")
    click_to_load(page, page.get_by_role("button", name="Save changes"))
    # Correcting someone else's visit needs a reason; the change waits for it.
    expect(page.get_by_text("Say why you are correcting this visit.").first).to_be_visible()
    page.get_by_label("Why are you correcting this visit?").fill("Val phoned: it was 90 minutes")
    click_to_load(page, page.get_by_role("button", name="Save changes"))
    expect(page.get_by_text("Visit updated")).to_be_visible()
    logged.refresh_from_db()
    assert logged.duration_minutes == 90

    click_to_load(page, page.get_by_role("link", name=match.family.case_reference))
    click_to_load(page, page.get_by_role("link", name="End the match with Val"))
    expect(page.get_by_text("1 draft visit is not finished")).to_be_visible()
    page.get_by_label("Why is the match ending?").select_option(
        label="Planned ending: the work is done"
    )
    click_to_load(page, page.get_by_role("button", name="End the match"))
    expect(page.get_by_text("The match has ended")).to_be_visible()
    assert Match.objects.get(pk=match.pk).ended_on == timezone.localdate()

    click_to_load(page, page.get_by_role("link", name="Draft of", exact=False))
    click_to_load(page, page.get_by_role("link", name="Discard this draft"))
    click_to_load(page, page.get_by_role("button", name="Discard the draft"))
    expect(page.get_by_role("alert")).to_contain_text("Say why the draft is being discarded.")
    page.get_by_label("Why is this draft being discarded?").fill("It was logged again by phone")
    click_to_load(page, page.get_by_role("button", name="Discard the draft"))
    expect(page.get_by_text("The draft is discarded")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == Visit.Status.DISCARDED
    assert draft.notes == "Half"


def test_the_manager_corrects_the_family_and_its_children(page, family, alice):
    page.set_viewport_size(DESKTOP)
    sign_in(page, alice.email)
    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Families", exact=True))
    click_to_load(page, page.get_by_role("link", name=family.case_reference))

    open_section(page, "Details")
    click_to_load(page, page.get_by_role("link", name="Change the family's details"))
    page.get_by_label("Phone").fill("07700 900123")
    click_to_load(page, page.get_by_role("button", name="Save changes"))
    expect(page.get_by_text("The family's details are updated")).to_be_visible()
    expect(page.get_by_text("07700 900123", exact=True)).to_be_visible()

    click_to_load(page, page.get_by_role("link", name="Add a child"))
    page.get_by_label("First name").fill("Cara")
    page.get_by_label("Date of birth").fill(
        (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    )
    page.get_by_label("Plan").select_option(label="No plan")
    click_to_load(page, page.get_by_role("button", name="Add the child"))
    expect(page.get_by_role("alert")).to_contain_text("The date of birth cannot be in the future.")
    assert page.get_by_label("First name").input_value() == "Cara"
    page.get_by_label("Date of birth").fill(timezone.localdate().isoformat())
    click_to_load(page, page.get_by_role("button", name="Add the child"))
    expect(page.get_by_text("Cara is added to the family.")).to_be_visible()

    amy = family.children.get(first_name="Amy")
    corrected = amy.date_of_birth - datetime.timedelta(days=30)
    click_to_load(page, page.get_by_role("link", name="Correct Amy's details"))
    page.get_by_label("Date of birth").fill(corrected.isoformat())
    click_to_load(page, page.get_by_role("button", name="Save changes"))
    expect(page.get_by_text("The child's details are corrected")).to_be_visible()
    amy.refresh_from_db()
    assert amy.date_of_birth == corrected

    click_to_load(page, page.get_by_role("link", name="Left the household: Ben"))
    page.get_by_label("Why").fill("Lives with his father now")
    click_to_load(page, page.get_by_role("button", name="Record that Ben left"))
    expect(page.get_by_text("Ben is recorded as having left.")).to_be_visible()
    expect(page.get_by_text("Lives with his father now", exact=True)).to_be_visible()
    assert family.children.count() == 3
    open_section(page, "History")
    expect(page.locator("#changes-heading")).to_be_visible()


def test_the_manager_hands_the_case_to_another_social_worker_and_volunteer(
    page, match, alice, cambridgeshire
):
    sue = factories.SocialWorkerFactory(email="sue@example.org", first_name="Sue", last_name="Ng")
    assign_perm("vicp.refer_to_project", sue, cambridgeshire)
    new = factories.ReadyVolunteerFactory(
        project=cambridgeshire, signed_off_by=alice, first_name="Nia", last_name="Ogun"
    )
    page.set_viewport_size(DESKTOP)
    sign_in(page, alice.email)
    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Families", exact=True))
    click_to_load(page, page.get_by_role("link", name=match.family.case_reference))

    click_to_load(page, page.get_by_role("link", name="Change the social worker"))
    page.get_by_label("The social worker who now holds the case").select_option(
        label="Sue Ng (Cambridgeshire County Council)"
    )
    page.get_by_label("Why is the case moving?").fill("Sam moved to another team")
    click_to_load(page, page.get_by_role("button", name="Change the social worker"))
    expect(page.get_by_text("Sue Ng now holds the case")).to_be_visible()

    click_to_load(page, page.get_by_role("link", name="Change the volunteer"))
    page.get_by_label("Nia Ogun").check()
    page.get_by_label("Why is the match with the current volunteer ending?").select_option(
        label="The volunteer left or stepped back"
    )
    click_to_load(page, page.get_by_role("button", name="Change the volunteer"))
    expect(page.get_by_text("Nia Ogun now works with the family")).to_be_visible()
    assert Match.objects.get(family=match.family, ended_on=None).volunteer == new
