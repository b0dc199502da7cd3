"""A project manager reads the audit log from their home page: who did what to which
case, in words; filtered to one person's changes, the "viewed" events drop out."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PASSWORD
from vicp import audit

from .conftest import click_to_load, open_menu, sign_in

DESKTOP = {"width": 1280, "height": 900}
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def test_a_manager_filters_the_log_to_one_persons_changes(
    page, alice, sam, family, transactional_db
):
    audit.record("family.viewed", actor=alice, obj=family)
    audit.record("family.changed", actor=alice, obj=family, fields=["phone"])
    audit.record("referral.viewed", actor=sam, obj=family.referral)
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)

    open_menu(page)
    click_to_load(page, page.get_by_role("navigation").get_by_role("link", name="Audit log"))
    events = page.get_by_role("list", name="Audit events, newest first")
    expect(events).to_be_visible()  # a phone: the events are a list, not a table
    expect(page.get_by_role("table")).to_be_hidden()
    item = events.get_by_role("listitem")
    viewed = item.filter(has_text="viewed the family page")
    expect(viewed).to_contain_text("Alice Archer, project manager")
    expect(viewed.get_by_role("link")).to_have_text(f"{family.case_reference} (Doe family)")
    expect(item.filter(has_text="viewed the referral")).to_contain_text("Sam Shah, social worker")

    page.get_by_label("Person").select_option(label="Alice Archer, project manager")
    page.get_by_label("Hide 'viewed' events").check()
    click_to_load(page, page.get_by_role("button", name="Filter"))

    assert f"person={alice.pk}" in page.url and "hide_viewed=on" in page.url
    expect(page.get_by_label("Hide 'viewed' events")).to_be_checked()
    expect(events).not_to_contain_text("viewed the family page")
    expect(events).not_to_contain_text("Sam Shah")
    changed = item.filter(has_text="corrected the family's details")
    expect(changed).to_contain_text("Alice Archer, project manager")
    click_to_load(page, changed.get_by_role("link", name=f"{family.case_reference} (Doe family)"))
    assert page.url.endswith(reverse("families:detail", args=[family.pk]))

    # On a wide screen the log is a table; the visit just made is at its top.
    page.set_viewport_size(DESKTOP)
    click_to_load(page, page.get_by_role("navigation").get_by_role("link", name="Audit log"))
    expect(events).to_be_hidden()
    first = page.get_by_role("table").get_by_role("row").nth(1)
    expect(first).to_contain_text("Alice Archer, project manager")
    expect(first).to_contain_text("viewed the family page")
    expect(first.get_by_role("link")).to_have_text(f"{family.case_reference} (Doe family)")
