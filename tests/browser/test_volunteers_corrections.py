"""A project manager corrects a recruitment record at a desk: withdraws a DBS check
recorded on the wrong volunteer, acknowledges an unsatisfactory reference, corrects
the phone number, and signs the volunteer off through the confirmation page."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.volunteers.helpers import (
    clear_dbs,
    days_ago,
    pass_interviews,
    training,
    two_references,
)
from volunteers import services
from volunteers.models import Stage

from .conftest import click_to_load, sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def rita(cambridgeshire, alice):
    """Every step passed; but a DBS check with a disclosure, meant for someone else, was
    recorded on her record, and one of her references is unsatisfactory."""
    volunteer = factories.VolunteerFactory(
        project=cambridgeshire, first_name="Rita", last_name="Moss", phone="07700 900111"
    )
    pass_interviews(volunteer, alice)
    clear_dbs(volunteer, alice)
    two_references(volunteer, alice)
    training(volunteer, alice, hours=18)
    pass_interviews(volunteer, alice, "post_training", held_on=days_ago(5))
    services.record_reference(
        volunteer,
        referee_name="Pat Doe",
        relationship="Neighbour",
        outcome="unsatisfactory",
        received_on=days_ago(4),
        by=alice,
    )
    clear_dbs(volunteer, alice, issued_on=days_ago(3), result="disclosure")
    assert volunteer.stage == Stage.CHECKS
    return volunteer


@pytest.mark.usefixtures("reference_data")
def test_a_manager_corrects_a_record_and_signs_off(page, alice, rita, mailoutbox):
    page.set_viewport_size(DESKTOP)
    sign_in(page, alice.email)

    # From the home page to Rita, through the board of volunteers at "Checks".
    click_to_load(page, page.get_by_role("link", name="Checks 1"))
    click_to_load(page, page.get_by_role("link", name="Rita Moss"))
    expect(page.locator("#stage")).to_have_text("Checks")
    blockers = page.locator("#blockers")
    expect(blockers).to_contain_text("The DBS check has a disclosure")
    expect(blockers).to_contain_text("An unsatisfactory reference from Pat Doe")

    # Withdraw the DBS check recorded by mistake, on its own page.
    wrong = rita.dbs_checks.get(result="disclosure")
    click_to_load(page, page.locator(f"#dbs-{wrong.pk}").get_by_role("link", name="Withdraw"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw a DBS check")
    click_to_load(page, page.get_by_role("button", name="Withdraw the DBS check"))
    expect(page.locator("#error-summary")).to_contain_text("This field is required")
    page.get_by_label("Why is it being withdrawn?").fill("Recorded on the wrong volunteer.")
    click_to_load(page, page.get_by_role("button", name="Withdraw the DBS check"))
    row = page.locator(f"#dbs-{wrong.pk}")
    expect(row.locator("del")).to_contain_text("disclosure", ignore_case=True)
    expect(row).to_contain_text("by Alice Archer: Recorded on the wrong volunteer.")
    expect(page.locator("#stage")).to_have_text("Training")
    expect(page.locator("#blockers")).not_to_contain_text("disclosure")

    # Acknowledge the unsatisfactory reference.
    click_to_load(page, page.get_by_role("link", name="Acknowledge the reference from Pat Doe"))
    page.get_by_label("How were the concerns considered?").fill(
        "A dispute over a fence; discussed with Rita at interview."
    )
    click_to_load(page, page.get_by_role("button", name="Acknowledge the reference"))
    expect(page.locator("#references")).to_contain_text("A dispute over a fence")
    expect(page.locator("#blockers")).to_have_count(0)

    # Correct her phone number; the change shows on the record.
    click_to_load(page, page.get_by_role("link", name="Correct their details"))
    page.get_by_label("Phone number").fill("07700 900222")
    click_to_load(page, page.get_by_role("button", name="Save the corrections"))
    expect(page.locator("#changes")).to_contain_text("Phone: 07700 900111 → 07700 900222")

    # Sign off, through the page that says what will happen.
    click_to_load(page, page.get_by_role("link", name="Sign off as ready to work with a family"))
    expect(page.locator("main")).to_contain_text("can be matched with a family")
    click_to_load(page, page.get_by_role("button", name="Sign off as ready to work with a family"))
    expect(page.locator("#stage")).to_have_text("Ready")
    rita.refresh_from_db()
    assert rita.stage == Stage.READY and rita.phone == "07700 900222"
    assert rita.user.phone == "07700 900222"
    assert mailoutbox[-1].to == [rita.email]
