"""A social worker refers a family, a project manager accepts, the social worker sees it."""

import pytest
from playwright.sync_api import expect

from families import services as family_services
from referrals import services
from referrals.models import Referral
from tests.factories import AcceptedFamilyFactory, make_referral, years_ago

from .conftest import click_to_load, sign_in, sign_out

pytestmark = pytest.mark.browser


def fill_child(page, index, first_name, dob, plan, category=None):
    page.fill(f"#id_children-{index}-first_name", first_name)
    page.fill(f"#id_children-{index}-last_name", "Nowak")
    page.fill(f"#id_children-{index}-date_of_birth", dob.isoformat())
    page.select_option(f"#id_children-{index}-plan_type", plan)
    if category:
        page.select_option(f"#id_children-{index}-cp_category", label=category)


@pytest.mark.usefixtures("reference_data")
def test_a_referral_from_submission_to_a_family_case(page, cast, transactional_db):
    sign_in(page, "sam@example.org")
    click_to_load(page, page.get_by_role("link", name="Refer a family").first)
    page.get_by_label("Family name").fill("Nowak")
    page.get_by_label("Address").fill("5 River Lane, Cambridge")
    page.get_by_label("Postcode").fill("cb2 3qq")
    fill_child(page, 0, "Zofia", years_ago(8), "cp", "Neglect")
    click_to_load(page, page.get_by_role("button", name="Add another child"))
    fill_child(page, 1, "Adam", years_ago(5), "cin")
    page.get_by_label("Family routines").check()
    page.get_by_label("Reasons for the referral").fill("Mum is isolated; the children miss school.")

    # Submitting without the family's consent or a level of need is refused, both said at
    # once, and nothing typed is lost: it is kept on the server as a draft.
    click_to_load(page, page.get_by_role("button", name="Submit referral"))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The family must consent")
    expect(summary).to_contain_text("Choose the level of need")
    expect(page.locator("#div_id_consent_given")).to_contain_text("The family must consent")
    expect(page.get_by_text("Saved as a draft, so nothing is lost")).to_be_visible()
    draft = Referral.objects.get(family_name="Nowak")
    assert draft.status == "draft" and draft.children.count() == 2
    page.get_by_label("Level of need").select_option(label="3. Targeted")
    assert page.input_value("#id_children-0-first_name") == "Zofia"
    assert page.input_value("#id_children-1-first_name") == "Adam"
    assert page.get_by_label("Reasons for the referral").input_value().startswith("Mum is isolated")
    page.get_by_label("The family consents to having a volunteer").check()
    click_to_load(page, page.get_by_role("button", name="Submit referral"))
    assert page.get_by_text("Referral submitted").is_visible()
    referral = Referral.objects.get(family_name="Nowak")
    assert referral.status == "submitted" and referral.children.count() == 2
    sign_out(page)

    sign_in(page, "alice@example.org")
    page.goto("/referrals/")
    click_to_load(page, page.get_by_role("link", name="Nowak family"))
    click_to_load(page, page.get_by_role("link", name="Accept and open a case"))
    expect(page.get_by_text("Sam Shah is emailed")).to_be_visible()
    click_to_load(page, page.get_by_role("button", name="Accept and open the case"))
    case_reference = referral.__class__.objects.get(pk=referral.pk).family.case_reference
    assert page.get_by_role("heading", level=1).inner_text().startswith(case_reference)
    sign_out(page)

    sign_in(page, "sam@example.org")
    click_to_load(page, page.get_by_role("link", name=f"{case_reference}: Nowak family"))
    assert page.get_by_text("Awaiting a volunteer").first.is_visible()
    click_to_load(
        page,
        page.get_by_role("navigation", name="Sections of the case").get_by_role(
            "link", name="Details"
        ),
    )
    assert page.get_by_role("cell", name="Zofia Nowak").is_visible()


DESKTOP = {"width": 1280, "height": 900}


def zofia(dob):
    return [
        {
            "first_name": "Zofia",
            "last_name": "Nowak",
            "date_of_birth": dob,
            "plan_type": "none",
            "cp_category": None,
        }
    ]


@pytest.mark.usefixtures("reference_data")
def test_a_manager_finds_a_declined_re_referral_of_a_closed_case(
    page, cast, cambridgeshire, transactional_db
):
    alice, sam = cast["alice"], cast["sam"]
    dob = years_ago(9)
    family = AcceptedFamilyFactory(
        project=cambridgeshire,
        social_worker=sam,
        accepted_by=alice,
        family_name="Nowak",
        postcode="CB2 3QQ",
        children=zofia(dob),
    )
    family_services.close_case(family, by=alice, reason="Goals met", missing_reason="family_moved")
    again = make_referral(
        cambridgeshire,
        sam,
        submit=True,
        family_name="Nowak",
        postcode="cb23qq",
        children=zofia(dob),
    )
    services.decline_referral(again, by=alice, reason="Already known to the programme")
    make_referral(cambridgeshire, sam, submit=True)  # the Doe family, still waiting

    page.set_viewport_size(DESKTOP)
    sign_in(page, "alice@example.org")
    click_to_load(page, page.get_by_role("link", name="All referrals"))
    expect(page.get_by_role("heading", level=1)).to_have_text("All referrals")
    expect(page.get_by_role("link", name="Doe family")).to_be_visible()

    page.get_by_label("Search", exact=True).fill("zofia")
    click_to_load(
        page, page.get_by_role("search", name="Referrals").get_by_role("button", name="Search")
    )
    expect(page.get_by_role("link", name="Doe family")).to_have_count(0)
    expect(page.get_by_role("link", name="Nowak family")).to_have_count(2)

    page.get_by_label("Status").select_option(label="Declined")
    click_to_load(
        page, page.get_by_role("search", name="Referrals").get_by_role("button", name="Search")
    )
    expect(page.get_by_label("Search", exact=True)).to_have_value("zofia")
    click_to_load(page, page.get_by_role("link", name=f"{again.pk}: Nowak family"))

    expect(page.get_by_role("heading", name="Re-referral of a closed case")).to_be_visible()
    click_to_load(
        page,
        page.get_by_role("alert")
        .filter(has_text="Re-referral")
        .get_by_role("link", name=f"Closed case {family.case_reference}"),
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(family.case_reference)


@pytest.mark.usefixtures("reference_data")
def test_a_manager_declines_a_referral_through_its_confirmation_page(
    page, cast, cambridgeshire, transactional_db
):
    referral = make_referral(cambridgeshire, cast["sam"], submit=True, family_name="Smith")

    page.set_viewport_size(DESKTOP)
    sign_in(page, "alice@example.org")
    click_to_load(page, page.get_by_role("link", name="1 referral waiting for a decision"))
    click_to_load(page, page.get_by_role("link", name="Smith family"))
    click_to_load(page, page.get_by_role("link", name="Decline this referral"))
    expect(page.get_by_text("No case is opened")).to_be_visible()
    expect(page.get_by_text("Sam Shah is emailed")).to_be_visible()

    click_to_load(page, page.get_by_role("button", name="Decline the referral"))
    expect(page.get_by_text("The referral was not declined")).to_be_visible()
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.SUBMITTED

    page.get_by_label("Reason").fill("Outside the project's area.")
    click_to_load(page, page.get_by_role("button", name="Decline the referral"))
    expect(page.get_by_text("Referral declined.")).to_be_visible()
    expect(page.get_by_text("Declined: Outside the project's area.")).to_be_visible()
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.DECLINED
