"""A social worker refers a family, a project manager accepts, the social worker sees it."""

import pytest

from referrals.models import Referral
from tests.factories import PASSWORD, years_ago

from .conftest import sign_in

pytestmark = pytest.mark.browser


def sign_out(page):
    if page.get_by_role("button", name="Show menu").is_visible():
        page.get_by_role("button", name="Show menu").click()
        # Until the menu has finished opening, a click on the account menu is lost.
        page.locator("#main-nav.show").wait_for()
    page.locator("#account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def fill_child(page, index, first_name, dob, plan, category=None):
    page.fill(f"#id_children-{index}-first_name", first_name)
    page.fill(f"#id_children-{index}-last_name", "Nowak")
    page.fill(f"#id_children-{index}-date_of_birth", dob.isoformat())
    page.select_option(f"#id_children-{index}-plan_type", plan)
    if category:
        page.select_option(f"#id_children-{index}-cp_category", label=category)


def test_a_referral_from_submission_to_a_family_case(page, cast, transactional_db):
    sign_in(page, "sam@example.org", PASSWORD)
    page.get_by_role("link", name="Refer a family").first.click()
    page.get_by_label("Family name").fill("Nowak")
    page.get_by_label("Address").fill("5 River Lane, Cambridge")
    page.get_by_label("Postcode").fill("cb2 3qq")
    fill_child(page, 0, "Zofia", years_ago(8), "cp", "Neglect")
    page.get_by_role("button", name="Add another child").click()
    page.wait_for_load_state()
    fill_child(page, 1, "Adam", years_ago(5), "cin")
    page.get_by_label("Level of need").select_option(label="3. Targeted")
    page.get_by_label("Family routines").check()
    page.get_by_label("Reasons for the referral").fill("Mum is isolated; the children miss school.")

    # Submitting without the family's consent is refused, and nothing typed is lost.
    page.get_by_role("button", name="Submit referral").click()
    page.wait_for_load_state()
    assert page.get_by_text("The family must consent").is_visible()
    assert page.input_value("#id_children-0-first_name") == "Zofia"
    assert page.input_value("#id_children-1-first_name") == "Adam"
    assert page.get_by_label("Reasons for the referral").input_value().startswith("Mum is isolated")
    page.get_by_label("The family consents to having a volunteer").check()
    page.get_by_role("button", name="Submit referral").click()
    page.wait_for_load_state()
    assert page.get_by_text("Referral submitted").is_visible()
    referral = Referral.objects.get(family_name="Nowak")
    assert referral.status == "submitted" and referral.children.count() == 2
    sign_out(page)

    sign_in(page, "alice@example.org", PASSWORD)
    page.goto("/referrals/")
    page.get_by_role("link", name="Nowak family").click()
    page.get_by_role("button", name="Accept and open a case").click()
    page.wait_for_load_state()
    case_reference = referral.__class__.objects.get(pk=referral.pk).family.case_reference
    assert page.get_by_role("heading", level=1).inner_text().startswith(case_reference)
    sign_out(page)

    sign_in(page, "sam@example.org", PASSWORD)
    page.get_by_role("link", name=f"{case_reference}: Nowak family").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="Zofia Nowak").is_visible()
    assert page.get_by_text("Awaiting a volunteer").first.is_visible()
