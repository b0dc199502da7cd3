"""A project manager, from their home page, opens the list of visits across their families,
filters it by volunteer and by whether the family was seen, and opens a visit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from families import services
from tests import factories
from tests.factories import PASSWORD

from .conftest import click_to_load, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def log(match, days_ago, *, contact=True, notes=""):
    return services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        duration_minutes=45 if contact else 15,
        contact_made=contact,
        engagement=4 if contact else None,
        notes=notes,
    )


def test_a_manager_filters_the_visits_and_opens_one(page, match, alice, transactional_db):
    other = factories.ActiveMatchFactory(
        family=factories.AcceptedFamilyFactory(project=match.family.project, accepted_by=alice),
        volunteer=factories.ReadyVolunteerFactory(
            project=match.family.project, signed_off_by=alice, first_name="Bob", last_name="Brown"
        ),
        started_by=alice,
        started_on=match.started_on,
    )
    seen = log(match, 2, notes="Played football in the park.")
    log(match, 6, contact=False)
    log(other, 3)
    alice.set_password(PASSWORD)
    alice.save()

    sign_in(page, alice.email)
    open_menu(page)
    menu = page.get_by_role("navigation", name="Main")
    click_to_load(page, menu.get_by_role("link", name="Visits", exact=True))
    expect(page.get_by_role("heading", name="Visits", level=1)).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("Volunteer", exact=True).select_option(label="Val Green")
    page.get_by_label("Contact made").select_option(label="Yes: the family was seen")
    click_to_load(page, page.get_by_role("button", name="Filter"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Val Green")
    expect(rows.first).to_contain_text("Seen, 45 min")
    expect(page.get_by_label("Contact made")).to_have_value("yes")  # the filters stay set
    assert "contact=yes" in page.url and f"volunteer={match.volunteer.pk}" in page.url
    expect(page.get_by_text("Played football in the park.")).to_have_count(0)  # no notes

    click_to_load(page, rows.first.get_by_role("link"))
    assert page.url.endswith(reverse("families:visit_detail", args=[seen.pk]))
    expect(page.get_by_text("Played football in the park.")).to_be_visible()
