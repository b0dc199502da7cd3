"""A manager looking for a Gujarati speaker: from the home page to the volunteers board,
found by the language typed into the search, the board sorted by a column, and the
list downloaded as XLSX after typing the password again."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.factories import PASSWORD
from vicp.models import AuditEvent

from .conftest import _checked_page, click_to_load, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def applicants(cambridgeshire):
    factories.VolunteerFactory(
        project=cambridgeshire, first_name="Priya", last_name="Patel", languages="Gujarati"
    )
    for first, last in (("Bob", "Ray"), ("Ann", "Zeller"), ("Cat", "Moss")):
        factories.VolunteerFactory(
            project=cambridgeshire, first_name=first, last_name=last, languages="English"
        )


def names_on_the_board(page):
    return page.locator("tbody th[scope=row]").all_inner_texts()


def test_a_manager_finds_a_gujarati_speaker_sorts_and_downloads(
    page, alice, applicants, transactional_db
):
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Volunteers", exact=True))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways page

    # Every name, sorted by a heading, then the other way by the same heading.
    name_heading = page.get_by_role("columnheader", name="Name")
    click_to_load(page, name_heading.get_by_role("link"))
    assert names_on_the_board(page) == ["Cat Moss", "Priya Patel", "Bob Ray", "Ann Zeller"]
    expect(name_heading).to_have_attribute("aria-sort", "ascending")
    click_to_load(page, name_heading.get_by_role("link"))
    assert names_on_the_board(page) == ["Ann Zeller", "Bob Ray", "Priya Patel", "Cat Moss"]
    expect(name_heading).to_have_attribute("aria-sort", "descending")

    # The search finds the language; the sort chosen is kept.
    page.get_by_label("Search", exact=True).fill("gujarati")
    click_to_load(page, page.get_by_role("button", name="Filter"))
    assert names_on_the_board(page) == ["Priya Patel"]
    assert "q=gujarati" in page.url and "sort=-name" in page.url
    expect(page.get_by_label("Sort by")).to_have_value("-name")

    # The download asks for the password first, then holds what the board shows.
    click_to_load(page, page.get_by_role("link", name="Download XLSX"))
    expect(page.get_by_role("heading", name="Confirm your password")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirm").click()
    assert download.value.suggested_filename == "vicp-volunteers.xlsx"
    with open(download.value.path(), "rb") as file:
        sheet = openpyxl.load_workbook(io.BytesIO(file.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[:2] for row in rows[1:]] == [("Priya", "Patel")]
    assert rows[1][rows[0].index("languages")] == "Gujarati"
    event = AuditEvent.objects.get(action="volunteers.exported")
    assert event.details["filters"] == {"q": "gujarati", "sort": "-name"}


@pytest.fixture
def narrowest_phone(browser, live_server):
    yield from _checked_page(browser, live_server, {"width": 320, "height": 640})


def test_the_board_filters_on_a_320_px_phone(
    narrowest_phone, alice, cambridgeshire, transactional_db
):
    page = narrowest_phone
    factories.VolunteerFactory(
        project=cambridgeshire,
        first_name="Lan",
        last_name="Nguyen",
        languages="Vietnamese",
        availability_days=["sat"],
    )
    factories.VolunteerFactory(
        project=cambridgeshire,
        first_name="Minh",
        last_name="Tran",
        languages="Vietnamese",
        availability_days=["mon"],
    )
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Volunteers", exact=True))
    page.get_by_label("Speaks").fill("vietnamese")
    page.get_by_label("Saturday").check()
    click_to_load(page, page.get_by_role("button", name="Filter"))
    assert names_on_the_board(page) == ["Lan Nguyen"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    days = page.evaluate(DAYS)
    assert len({day["left"] for day in days}) == 2  # two columns of days
    assert all(day["height"] >= 44 and day["right"] <= 320 for day in days), days


# The days' tick boxes, measured where they are drawn.
DAYS = """() => Array.from(document.querySelectorAll('#div_id_available .form-check')).map(
    (row) => { const box = row.getBoundingClientRect();
               return {left: Math.round(box.left), right: box.right, height: box.height}; })"""
