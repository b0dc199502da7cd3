"""The manager makes a family's evaluation link; the family opens it on a small phone: a
missing rating is explained and nothing typed is lost; once sent, the same link thanks
them instead."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from outcomes.evaluation_views import rate_limit_key
from outcomes.models import Evaluation
from tests.outcomes.helpers import accepted_family, closed, worked_with

from .conftest import SMALL_PHONE, click_to_load, sign_in

pytestmark = pytest.mark.browser
BEST = "Someone on our side at the school meetings."


def question(page, text):
    return page.get_by_role("group", name=text)


@pytest.mark.usefixtures("reference_data")
def test_a_family_answers_on_a_phone(
    page, small_phone, cambridgeshire, alice, sam, transactional_db
):
    cache.delete(rate_limit_key("127.0.0.1"))
    family = accepted_family(cambridgeshire, alice, sam)
    closed(family, alice, match=worked_with(family, alice))

    # The manager makes the link on the closed case and copies it.
    sign_in(page, alice.email)
    page.goto(reverse("families:detail", args=[family.pk]))
    assert page.get_by_text("This case is closed. Evaluations still to come:").is_visible()
    click_to_load(page, page.get_by_role("link", name="Ask for them"))
    click_to_load(page, page.get_by_role("button", name="Make a link for the family"))
    assert page.get_by_text("This link is shown only once").is_visible()
    page.get_by_role("button", name="Copy the link").click()
    expect(page.locator("#copy-family-link-status")).not_to_be_empty()
    link = page.get_by_label("The family's link").input_value()
    assert link.startswith(settings.VICP_BASE_URL + "/outcomes/your-views/")
    link = link.removeprefix(settings.VICP_BASE_URL)

    # The family opens it on a small phone.
    page = small_phone
    page.goto(link)
    assert page.get_by_role("heading", name="Your views on having a volunteer").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    assert page.get_by_role("navigation").count() == 0
    body = page.locator("body").inner_text()
    for private in (family.case_reference, "Doe", "Amy", "Ben", "Cambridgeshire"):
        assert private not in body
    helpful = question(page, "How helpful was having a volunteer?")
    option = helpful.locator("label", has_text="5 (very)")
    box = option.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a thumb-sized target

    helpful.get_by_label("5 (very)").check()
    question(page, "How much more confident do you feel as a parent?").get_by_label("4").check()
    page.get_by_label("What was the best thing about having a volunteer?").fill(BEST)
    # Kept in the tab while it is open: a reload (a dropped signal) brings it back.
    page.wait_for_function(
        """(typed) => Object.keys(sessionStorage).some((key) => key.startsWith(
             'vicp-draft:public:') && sessionStorage.getItem(key).includes(typed))""",
        arg=BEST,
    )
    page.goto(link)
    expect(page.get_by_text("We restored what you typed on this device")).to_be_visible()
    assert page.get_by_label("What was the best thing about having a volunteer?").input_value() == (
        BEST
    )
    click_to_load(page, page.get_by_role("button", name="Send my answers"))

    # The missing rating is explained beside its question; nothing typed is lost.
    listened = question(page, "How well did your volunteer listen to you?")
    assert listened.get_by_text("Choose a rating from 1 to 5.").is_visible()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    assert summary.get_by_role("link").inner_text() == (
        "How well did your volunteer listen to you?: Choose a rating from 1 to 5."
    )
    assert page.get_by_label("What was the best thing about having a volunteer?").input_value() == (
        BEST
    )
    assert (
        question(page, "How helpful was having a volunteer?").get_by_label("5 (very)").is_checked()
    )
    assert not Evaluation.objects.exists()

    listened.get_by_label("4").check()
    click_to_load(page, page.get_by_role("button", name="Send my answers"))
    assert page.get_by_role("heading", name="Thank you").is_visible()
    page.wait_for_function(  # sent: the tab's copy is gone
        "() => !Object.keys(sessionStorage).some((key) => key.startsWith('vicp-draft:public:'))"
    )
    assert "your-views" not in page.evaluate("document.referrer")  # the token is not passed on
    evaluation = Evaluation.objects.get(family=family, respondent="family")
    assert evaluation.answers == {"helpful": 5, "listened": 4, "confident": 4, "best": BEST}

    page.goto(link)
    assert page.get_by_role("heading", name="Thank you: we already have your answers").is_visible()
    assert page.locator("form").count() == 0
