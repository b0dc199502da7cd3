"""A volunteer records questionnaire scores on a small phone: only the question that fits
the questionnaire is asked, a refused score loses nothing, and the buttons are big enough."""

import re

import pytest
from playwright.sync_api import expect

from outcomes.models import MeasureScore
from tests.factories import PASSWORD

from .conftest import SMALL_PHONE, click_to_load, open_section, sign_in

pytestmark = pytest.mark.browser


def test_scores_recorded_on_a_small_phone(page, match, transactional_db):
    val = match.volunteer.user
    val.set_password(PASSWORD)
    val.save()
    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, val.email)
    page.goto(f"/families/{match.family.pk}/")
    open_section(page, "Outcomes")
    click_to_load(page, page.get_by_role("link", name="Record a measure"))
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    for name in ("Save", "Save and record another"):
        assert page.get_by_role("button", name=name, exact=True).bounding_box()["height"] >= 44

    page.get_by_label(re.compile("Warwick-Edinburgh")).check()
    assert page.get_by_label("Which parent or carer").is_visible()
    assert not page.get_by_label("Which child").is_visible()
    page.get_by_label("Which parent or carer").fill("Mother")
    page.get_by_label("Start", exact=True).check()
    page.get_by_label("Score").fill("71")
    click_to_load(page, page.get_by_role("button", name="Save and record another"))

    # Refused next to the score; what was typed is still there.
    expect(page.locator("#div_id_score")).to_contain_text("scores run from 14 to 70")
    expect(page.locator("[data-error-summary]")).to_contain_text("scores run from 14 to 70")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert page.get_by_label("Which parent or carer").input_value() == "Mother"
    assert not MeasureScore.objects.exists()
    page.get_by_label("Score").fill("48")
    click_to_load(page, page.get_by_role("button", name="Save and record another"))

    # The next score: same stage, and now a child's questionnaire.
    assert page.get_by_text("saved: Mother, start, score 48").is_visible()
    assert page.get_by_label("Start", exact=True).is_checked()
    page.get_by_label(re.compile("SDQ total difficulties")).check()
    assert page.get_by_label("Which child").is_visible()
    assert not page.get_by_label("Which parent or carer").is_visible()
    page.get_by_label("Which child").select_option(label="Amy, 7")
    page.get_by_label("Score").fill("22")
    click_to_load(page, page.get_by_role("button", name="Save", exact=True))

    assert page.get_by_role("heading", name="Measures").is_visible()
    assert sorted(MeasureScore.objects.values_list("score", flat=True)) == [22, 48]
