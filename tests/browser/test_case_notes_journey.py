"""A manager notes a phone call on a case by clicking from their home page, sees it
listed on the Notes tab and corrects it; the correction keeps what it said before."""

import pytest
from playwright.sync_api import expect

from families.models import CaseNote
from tests.factories import PASSWORD

from .conftest import click_to_load, open_menu, open_section, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def test_the_manager_writes_a_phone_call_note_and_corrects_it(small_phone, family, alice):
    page = small_phone
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)

    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Families", exact=True))
    click_to_load(page, page.get_by_role("link", name=family.case_reference))
    open_section(page, "Notes")
    expect(page.get_by_text("No notes yet.")).to_be_visible()

    page.get_by_label("Phone call").check()
    page.get_by_label("The social worker").check()
    page.get_by_label("Who exactly (optional)").fill("Sam")
    page.get_by_label("At what time").fill("00:01")
    click_to_load(page, page.get_by_role("button", name="Add the note"))
    # Nothing was said of what was agreed: she is asked, and what she typed is kept.
    expect(page.locator("[data-error-summary]")).to_contain_text("Say what was said or agreed.")
    assert page.get_by_label("Who exactly (optional)").input_value() == "Sam"
    page.get_by_label("What was said or agreed?").fill("Sam will visit on Friday.")
    click_to_load(page, page.get_by_role("button", name="Add the note"))

    expect(page.get_by_text("The note is added to the case.")).to_be_visible()
    expect(page.get_by_text("Phone call with the social worker (Sam)")).to_be_visible()
    expect(page.get_by_text("Sam will visit on Friday.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    click_to_load(page, page.get_by_role("link", name="Correct this note"))
    page.get_by_label("What was said or agreed?").fill("Sam will visit on Thursday.")
    page.get_by_label("Why is it corrected? (optional)").fill("Sam moved the visit")
    click_to_load(page, page.get_by_role("button", name="Save the correction"))
    expect(page.get_by_text("The note is corrected")).to_be_visible()
    expect(page.get_by_text("Sam will visit on Thursday.")).to_be_visible()

    click_to_load(page, page.get_by_role("link", name="Correct this note"))
    expect(page.get_by_text("corrected by Alice Archer: Sam moved the visit")).to_be_visible()
    expect(page.locator("del", has_text="Sam will visit on Friday.")).to_be_visible()
    note = CaseNote.objects.get()
    assert (note.kind, note.summary) == ("phone", "Sam will visit on Thursday.")
