"""A project manager asks for an impact report on a phone: a refused date is explained beside
it and kept, the report page updates itself (htmx, under the strict CSP) until the PDF is
ready, and the PDF downloads."""

from unittest import mock

import pytest
from playwright.sync_api import expect

from outcomes.models import Report
from outcomes.tasks import render_report
from tests.factories import PASSWORD

from .conftest import click_to_load, open_menu, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("reference_data")
def test_an_impact_report_asked_for_followed_and_downloaded(
    page, alice, cambridgeshire, settings, tmp_path, transactional_db
):
    settings.MEDIA_ROOT = tmp_path / "media"
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Reports"))

    page.get_by_label("From").fill("2026-04-01")  # the date picker's value
    page.get_by_label("To").fill("2026-03-31")
    click_to_load(page, page.get_by_role("button", name="Make the report"))
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "The period ends before it starts."
    )
    assert page.get_by_label("From").input_value() == "2026-04-01"

    page.get_by_label("From").fill("2025-04-01")
    # Queue it without rendering, to watch the page while the report waits.
    with mock.patch.object(render_report, "delay"):
        click_to_load(page, page.get_by_role("button", name="Make the report"))
    report = Report.objects.get()
    assert page.get_by_text("Being prepared", exact=True).is_visible()
    assert page.get_by_text("This page updates itself.").is_visible()

    render_report.apply(args=[report.pk])
    download_link = page.get_by_role("link", name="Download the PDF")
    expect(download_link).to_be_visible()  # the page asks every 2 seconds
    assert page.get_by_text("Ready", exact=True).is_visible()
    # One state at a time: nothing on the page still says it is being prepared.
    expect(page.locator("main")).not_to_contain_text("being prepared", ignore_case=True)
    expect(page.get_by_text("This page updates itself.")).to_have_count(0)
    with page.expect_download() as download:
        download_link.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename == "impact-CAM-2025-04-01-to-2026-03-31.pdf"
