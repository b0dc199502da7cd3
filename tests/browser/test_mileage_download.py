"""A project manager filters the mileage claims by the visits' dates and downloads them as
a spreadsheet, typing their password again first."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from families import services
from tests.factories import PASSWORD

from .conftest import click_to_load, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def test_a_manager_downloads_the_claims_of_a_fortnight_as_xlsx(
    page, match, alice, transactional_db
):
    today = timezone.localdate()
    for days_ago, miles in ((3, 10), (12, 6), (25, 8)):
        services.log_visit(
            match=match,
            by=match.volunteer.user,
            visited_on=today - datetime.timedelta(days=days_ago),
            duration_minutes=60,
            engagement=3,
            miles=miles,
        )
    alice.set_password(PASSWORD)
    alice.save()

    sign_in(page, alice.email)
    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Mileage", exact=True))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)

    start, end = today - datetime.timedelta(days=14), today - datetime.timedelta(days=2)
    page.get_by_label("Visited from").fill(start.isoformat())  # the date picker's value
    page.get_by_label("Visited to").fill(end.isoformat())
    click_to_load(page, page.get_by_role("button", name="Filter"))
    expect(rows).to_have_count(2)
    expect(page.locator("caption")).to_contain_text("2 unpaid claims, £7.20 in all")

    click_to_load(page, page.get_by_role("link", name="Download XLSX"))
    expect(page.get_by_role("heading", name="Confirm your password")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirm").click()
    assert download.value.suggested_filename == "vicp-mileage-claims.xlsx"
    with open(download.value.path(), "rb") as file:
        sheet = openpyxl.load_workbook(io.BytesIO(file.read())).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:6] == ["volunteer", "email", "project", "visit date", "miles", "amount (GBP)"]
    assert [(row[4], row[5]) for row in values[1:]] == [(6, 2.7), (10, 4.5)]  # oldest first
