"""A manager follows the referrals still waiting: from the home page to all referrals,
filtered by status, sorted by the days waiting (on a desk and on a phone), and
downloaded after typing the password again; the file names no child."""

import csv
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals import services
from referrals.models import Referral
from tests.factories import PASSWORD, make_referral

from .conftest import click_to_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def referrals(alice, sam, cambridgeshire):
    """Submitted 3, 20 and 9 days ago, and one declined."""
    now = timezone.now()
    for name, days in (("Nowak", 3), ("Okafor", 20), ("Price", 9), ("Quinn", 30)):
        referral = make_referral(cambridgeshire, sam, submit=True, family_name=name)
        Referral.objects.filter(pk=referral.pk).update(
            submitted_at=now - datetime.timedelta(days=days)
        )
    services.decline_referral(Referral.objects.get(family_name="Quinn"), by=alice, reason="Full")


def signed_in(page, alice):
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    click_to_load(page, page.get_by_role("link", name="All referrals"))


def filters(page):
    return page.get_by_role("search", name="Referrals")


def families_listed(page):
    table = page.get_by_role("table")
    return [text.split(": ")[1] for text in table.locator("tbody th").all_inner_texts()]


def test_a_manager_sorts_the_waiting_referrals_and_downloads_them(
    page, alice, referrals, transactional_db
):
    page.set_viewport_size(DESKTOP)
    signed_in(page, alice)
    filters(page).get_by_label("Status").select_option(label="Submitted")
    click_to_load(page, filters(page).get_by_role("button", name="Search"))
    assert families_listed(page) == ["Price family", "Okafor family", "Nowak family"]

    waiting = page.get_by_role("columnheader", name="Waiting")
    click_to_load(page, waiting.get_by_role("link"))  # longest waiting first
    assert families_listed(page) == ["Okafor family", "Price family", "Nowak family"]
    expect(waiting).to_have_attribute("aria-sort", "descending")
    expect(page.get_by_role("table")).to_contain_text("20 days")
    assert "status=submitted" in page.url and "sort=-waiting" in page.url

    click_to_load(page, page.get_by_role("link", name="Download CSV"))
    expect(page.get_by_role("heading", name="Confirm your password")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirm").click()
    assert download.value.suggested_filename == "vicp-referrals.csv"
    with open(download.value.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    assert [(row[2], row[-1]) for row in rows[1:]] == [
        ("Okafor", "20"),
        ("Price", "9"),
        ("Nowak", "3"),
    ]
    assert "Amy" not in str(rows) and "Ben" not in str(rows)  # the Doe children


def test_on_a_phone_the_list_sorts_from_its_select(small_phone, alice, referrals, transactional_db):
    page = small_phone
    signed_in(page, alice)
    filters(page).get_by_label("Status").select_option(label="Submitted")
    filters(page).get_by_label("Sort by").select_option(label="Days waiting, most first")
    click_to_load(page, filters(page).get_by_role("button", name="Search"))
    cards = page.get_by_role("list", name="Referrals").get_by_role("listitem")
    expect(cards).to_have_count(3)
    expect(cards.first).to_contain_text("Okafor family")
    expect(cards.first).to_contain_text("waiting 20 days")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
