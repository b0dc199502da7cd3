"""A volunteer scores the Family Star with the family on a small phone, reached from their
home page: a missing score is asked for by name, nothing typed is lost, and the journey
shows the reading."""

import pytest
from playwright.sync_api import expect

from outcomes.models import StarReading
from outcomes.reference_data import FAMILY_STAR_PLUS

from .conftest import SMALL_PHONE, click_to_load, open_section, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def test_a_start_reading_on_a_small_phone(small_phone, match):
    page = small_phone
    sign_in(page, match.volunteer.user.email)
    click_to_load(page, page.get_by_role("link", name=f"{match.family.family_name} family"))
    open_section(page, "Outcomes")
    expect(page.get_by_text("No readings yet.")).to_be_visible()
    click_to_load(page, page.get_by_role("link", name="Record a Family Star reading"))
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    save = page.get_by_role("button", name="Save the reading")
    assert save.bounding_box()["height"] >= 44

    page.get_by_label("Start", exact=True).check()
    areas = [name for _, name in FAMILY_STAR_PLUS]
    for n, area in enumerate(areas[:-1]):
        page.get_by_label(area, exact=True).select_option(str(n % 10 + 1))
    page.get_by_label("Notes").fill("At the kitchen table, with both parents")
    click_to_load(page, save)

    # The one score left out is asked for by name; the others are kept.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text(f"Give a score for {areas[-1]}.")
    expect(summary).to_be_focused()
    assert page.get_by_label(areas[0], exact=True).input_value() == "1"
    assert page.get_by_label("Notes").input_value() == "At the kitchen table, with both parents"
    assert not StarReading.objects.exists()
    page.get_by_label(areas[-1], exact=True).select_option("7")
    click_to_load(page, page.get_by_role("button", name="Save the reading"))

    expect(page.get_by_text("Family Star reading saved.")).to_be_visible()
    row = page.get_by_role("row", name=areas[-1])
    expect(row).to_contain_text("7")
    reading = StarReading.objects.get()
    assert (reading.stage, reading.recorded_by) == ("start", match.volunteer.user)
    assert reading.scores.get(area__slug=FAMILY_STAR_PLUS[-1][0]).score == 7
