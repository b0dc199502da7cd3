"""A manager narrows the families list to closed cases, sorts it, and downloads what it
shows as a spreadsheet after typing their password again."""

import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from families.models import Family
from tests import factories
from tests.factories import PASSWORD

from .conftest import OPENED, click_to_load, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def closed_cases(cambridgeshire, sam, alice, family):
    closed = [
        factories.AcceptedFamilyFactory(
            project=cambridgeshire, social_worker=sam, accepted_by=alice, family_name=name
        )
        for name in ("Zephyr", "Abbott")
    ]
    Family.objects.filter(pk__in=[one.pk for one in closed]).update(
        status=Family.Status.CLOSED, closed_on=timezone.localdate()
    )
    return closed


def test_a_manager_filters_sorts_and_downloads_the_families_list(
    page, alice, family, closed_cases, transactional_db
):
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Families", exact=True))
    table = page.get_by_role("table")
    expect(table).to_contain_text(family.case_reference)
    expect(table).not_to_contain_text("Zephyr")

    page.get_by_label("Status").select_option(label="Closed")
    click_to_load(page, page.get_by_role("button", name="Filter", exact=True))
    expect(table.get_by_role("row")).to_have_count(3)  # the heading and two cases
    expect(table).not_to_contain_text(family.case_reference)
    assert "status=closed" in page.url  # the filtered list can be bookmarked

    sort_by_family = table.get_by_role("link", name="Family (", exact=False)
    click_to_load(page, sort_by_family)
    expect(table.get_by_role("row").nth(1)).to_contain_text("Abbott")
    click_to_load(page, sort_by_family)
    expect(table.get_by_role("row").nth(1)).to_contain_text("Zephyr")

    click_to_load(page, page.get_by_role("link", name="Download XLSX"))
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Confirm").click()
    download = download_info.value
    assert download.suggested_filename == "vicp-families.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Zephyr", "Abbott"]
    # The page says the download has started and leads back to the same list.
    expect(page.get_by_role("heading", name="Your download is starting")).to_be_visible()
    click_to_load(page, page.get_by_role("link", name="Back to the list"))
    assert "status=closed" in page.url
    expect(page.get_by_role("heading", name="Families", exact=True)).to_be_visible()


def test_on_a_phone_the_further_filters_fold_away_until_they_are_in_use(
    small_phone, alice, family, closed_cases, transactional_db
):
    page = small_phone
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Families", exact=True))
    more = page.get_by_role("button", name="More filters")
    expect(page.get_by_role("textbox", name="Search", exact=True)).to_be_visible()
    expect(page.get_by_label("Status")).to_be_visible()
    expect(page.get_by_label("Level of need")).to_be_hidden()
    # The results start on the first screen, beneath the folded filters.
    assert page.get_by_role("table").bounding_box()["y"] < 740

    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#more-filters")).to_have_class(OPENED)
    page.get_by_label("Level of need").select_option("4")
    click_to_load(page, page.get_by_role("button", name="Filter", exact=True))
    # In use, they stay open, and the button says how many are.
    expect(page.get_by_role("button", name="More filters (1 in use)")).to_have_attribute(
        "aria-expanded", "true"
    )
    expect(page.get_by_label("Level of need")).to_have_value("4")

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_role("button", name="More filters (1 in use)")).to_be_hidden()
    expect(page.get_by_label("Closed from")).to_be_visible()
