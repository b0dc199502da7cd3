"""A project manager, on a small phone, closes a case from its checklist (refused at first
without the closure risk review, then with the reason it could not be done), and reopens
it from the family page."""

import pytest
from playwright.sync_api import expect

from families import services
from families.models import Family
from tests.factories import PASSWORD

from .conftest import click_to_load, sign_in

pytestmark = pytest.mark.browser


def test_a_manager_closes_and_reopens_a_case_on_a_phone(
    small_phone, match, alice, transactional_db
):
    page = small_phone
    services.end_match(match, by=alice, reason="family_moved")
    family = Family.objects.get()
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)

    click_to_load(page, page.get_by_role("link", name="1 family"))
    click_to_load(page, page.get_by_role("link", name=family.case_reference))
    click_to_load(page, page.get_by_role("link", name="Close case"))

    expect(page.get_by_role("heading", name=f"Close case {family.case_reference}")).to_be_visible()
    review = page.locator("#item-review")
    expect(review).to_contain_text("Not done")
    expect(review.get_by_role("link", name="Record the closure risk review")).to_be_visible()
    expect(page.locator("#item-match")).to_contain_text("Done")
    expect(page.locator("#item-match")).to_contain_text("family moved away")
    expect(page.get_by_text("the social worker is emailed")).to_be_visible()
    box = page.get_by_role("button", name="Close the case").bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 360

    page.get_by_label("Why is the case closing?").fill("The family moved to Leeds.")
    click_to_load(page, page.get_by_role("button", name="Close the case"))
    message = "Record the closure risk review before closing the case"
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(message)
    expect(summary).to_be_focused()  # on the phone, the reason is in view at once
    expect(review.locator(".invalid-feedback, .text-danger").first).to_contain_text(message)
    expect(page.get_by_label("Why is the case closing?")).to_have_value(
        "The family moved to Leeds."
    )
    assert Family.objects.get().status == Family.Status.AWAITING_MATCH

    page.get_by_label("Why could the closure risk review not be done?").select_option(
        label="Family moved away"
    )
    click_to_load(page, page.get_by_role("button", name="Close the case"))
    expect(page.get_by_text("The case is closed.")).to_be_visible()
    family.refresh_from_db()
    assert family.status == Family.Status.CLOSED
    assert family.closure_review_missing_reason == "family_moved"

    click_to_load(page, page.get_by_role("link", name="Reopen this case"))
    expect(page.get_by_text("When you reopen the case")).to_be_visible()
    page.get_by_label("Why is the case being reopened?").fill("They came back to the area.")
    click_to_load(page, page.get_by_role("button", name="Reopen the case"))
    expect(page.get_by_text("The case is open again, awaiting a volunteer.")).to_be_visible()
    family.refresh_from_db()
    assert (family.status, family.closed_on) == (Family.Status.AWAITING_MATCH, None)
