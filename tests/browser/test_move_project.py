"""Moving a case to another project by clicking: a manager of both projects goes from
her home page to the family, ends the volunteer's match when told to, and moves the case."""

import pytest
from guardian.shortcuts import assign_perm
from playwright.sync_api import expect

from families.models import Family
from tests import factories
from tests.factories import PASSWORD

from .conftest import click_to_load, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
DESKTOP = {"width": 1280, "height": 900}


def test_a_manager_of_both_projects_moves_the_case(page, match, cambridgeshire, southend):
    morgan = factories.ProjectManagerFactory(
        email="morgan@example.org", first_name="Morgan", last_name="Moss", password=PASSWORD
    )
    cambridgeshire.managers.add(morgan)
    southend.managers.add(morgan)
    family = match.family
    assign_perm("vicp.refer_to_project", family.referral.social_worker, southend)
    page.set_viewport_size(DESKTOP)
    sign_in(page, morgan.email)
    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Families", exact=True))
    click_to_load(page, page.get_by_role("link", name=family.case_reference))

    click_to_load(page, page.get_by_role("link", name="Move to another project"))
    expect(page.get_by_role("heading", name="What will happen")).to_be_visible()
    # The page says at once what stands in the way; trying anyway is refused, saying why.
    expect(page.get_by_role("status")).to_contain_text("Val Green works with the family")
    page.get_by_label("The project that will hold the case").select_option(label="Southend")
    click_to_load(page, page.get_by_role("button", name="Move the case"))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Why is the case moving?: Say why")
    page.get_by_label("Why is the case moving?").fill("The family moved to Southend")
    click_to_load(page, page.get_by_role("button", name="Move the case"))
    expect(summary).to_contain_text("belongs to Cambridgeshire: end the match first")

    click_to_load(page, page.get_by_role("link", name="end the match"))
    page.get_by_label("Why is the match ending?").select_option(label="The family moved away")
    click_to_load(page, page.get_by_role("button", name="End the match"))

    click_to_load(page, page.get_by_role("link", name="Move to another project"))
    page.get_by_label("The project that will hold the case").select_option(label="Southend")
    page.get_by_label("Why is the case moving?").fill("The family moved to Southend")
    click_to_load(page, page.get_by_role("button", name="Move the case"))
    expect(page.get_by_text("The case has moved to Southend")).to_be_visible()
    expect(page.get_by_text("Southend · accepted")).to_be_visible()
    assert Family.objects.get(pk=family.pk).project == southend
