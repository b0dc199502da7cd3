"""The search box in the header: a manager finds a family by a child's name, typed
as it is spelt (everywhere) and misspelt (PostgreSQL's trigram similarity), and opens the
case from the results."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.factories import PASSWORD

from .conftest import click_to_load, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def smiths(cambridgeshire, sam, alice):
    """The Smith family, whose son is Jaydon."""
    child = {**factories.doe_children()[0], "first_name": "Jaydon", "last_name": "Smith"}
    return factories.AcceptedFamilyFactory(
        project=cambridgeshire,
        social_worker=sam,
        accepted_by=alice,
        family_name="Smith",
        children=[child],
    )


def search_from_the_header(page, alice, typed):
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    open_menu(page)
    page.get_by_label("Search cases, referrals and volunteers").fill(typed)
    click_to_load(page, page.get_by_role("button", name="Search", exact=True))
    return page.get_by_role("region", name="Cases")


def test_a_manager_finds_a_family_by_a_childs_name_from_the_header(
    page, alice, smiths, family, transactional_db
):
    cases = search_from_the_header(page, alice, "jaydon")
    expect(cases.get_by_role("link")).to_have_count(1)
    click_to_load(page, cases.get_by_role("link", name=smiths.case_reference))
    assert page.url.endswith(reverse("families:detail", args=[smiths.pk]))
    expect(page.get_by_role("heading", name=smiths.case_reference, exact=False)).to_be_visible()


def test_a_misspelt_childs_name_finds_the_family_on_postgresql(
    postgres, page, alice, smiths, family, transactional_db
):
    cases = search_from_the_header(page, alice, "Jayden")
    expect(cases.get_by_role("link", name=smiths.case_reference)).to_be_visible()
    expect(cases).not_to_contain_text(family.case_reference)
