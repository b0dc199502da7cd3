"""A project manager records a risk review: a refused answer is explained beside it and
nothing typed is lost; the family page then shows the change since the referral."""

import pytest
from playwright.sync_api import expect

from outcomes.models import RiskReview
from tests.factories import PASSWORD

from .conftest import click_to_load, open_section, sign_in

pytestmark = pytest.mark.browser


def test_a_risk_review_recorded_by_the_manager(page, family, alice, transactional_db):
    alice.set_password(PASSWORD)
    alice.save()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, alice.email)
    page.goto(f"/families/{family.pk}/")
    open_section(page, "Outcomes")
    click_to_load(page, page.get_by_role("link", name="Record a risk review"))

    page.get_by_label("Level of need").select_option(label="3 Targeted")
    page.get_by_label("Amy's plan").select_option(label="Child in need plan")
    page.get_by_label("Amy's school attendance (%)").fill("100.1")
    page.get_by_label("Notes").fill("Conference stepped Amy down.")
    click_to_load(page, page.get_by_role("button", name="Save the review"))

    message = "School attendance is a percentage from 0 to 100"
    expect(page.locator(".invalid-feedback", has_text=message)).to_be_visible()  # by the field
    expect(page.locator("[data-error-summary]")).to_contain_text(message)
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert page.get_by_label("Notes").input_value() == "Conference stepped Amy down."
    assert page.get_by_label("Amy's plan").input_value() == "cin"
    assert RiskReview.objects.count() == 1
    page.get_by_label("Amy's school attendance (%)").fill("91")
    click_to_load(page, page.get_by_role("button", name="Save the review"))

    assert page.get_by_text("Risk review saved").is_visible()
    assert (
        page.locator("[data-level-of-need]")
        .get_by_text("4 Specialist / statutory → 3 Targeted")
        .is_visible()
    )
    assert page.get_by_text("CP plan → CIN plan").is_visible()
