"""Long forms keep what is typed on the device, on a 360 px phone: a reload brings it
back with a notice; a form sent after the session ended leads to signing in and back
to the form, with everything typed; and two people on one browser never see each
other's drafts."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from families import services as family_services
from families.models import Concern
from outcomes.models import Evaluation, RiskReview
from referrals.models import Referral
from tests.factories import PASSWORD
from tests.outcomes.helpers import accepted_family, closed, worked_with
from volunteers.models import Supervision
from volunteers.views import rate_limit_key

from .conftest import (
    SMALL_PHONE,
    click_to_load,
    device_drafts,
    open_section,
    sign_in,
    sign_out,
    totp_code,
    wait_for_draft,
)

pytestmark = pytest.mark.browser
RESTORED = "We restored what you typed on this device"
EXPIRED = "You were signed out after 30 minutes without activity"


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


def session_ends(page):
    """The session ends on the server; the browser still holds its cookie, which now
    names no session (as after 30 idle minutes)."""
    context = page.context
    (cookie,) = [c for c in context.cookies() if c["name"] == "sessionid"]
    context.clear_cookies(name="sessionid")
    context.add_cookies([{**cookie, "value": "ended0000000000000000000000000000"}])


def sign_in_again(page, email):
    """On the sign-in page a stale session led to: it says why, and the two steps lead
    back to where the person was."""
    expect(page.get_by_text(EXPIRED)).to_be_visible()
    assert page.get_by_text("what you typed is kept on this device").is_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    click_to_load(page, page.get_by_role("button", name="Sign in"))
    if "/account/two-step/verify/" in page.url:
        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        page.get_by_label("Code").fill(totp_code(device.bin_key, not_before=device.last_t))
        click_to_load(page, page.get_by_role("button", name="Continue"))


def test_a_referral_with_two_children_survives_a_reload_and_an_expired_session(
    small_phone, sam, cambridgeshire, reference_data, transactional_db
):
    page = small_phone
    sign_in(page, sam.email)
    click_to_load(page, page.get_by_role("link", name="Refer a family").first)
    fits(page)
    page.get_by_label("Family name").fill("Price")
    page.get_by_label("First name").first.fill("Ellie")
    page.get_by_label("Date of birth").first.fill("2019-05-01")
    page.get_by_label("Plan").first.select_option(label="No plan")
    click_to_load(page, page.get_by_role("button", name="Add another child"))
    # Adding a child keeps the referral on the server, as a draft the page now changes.
    draft = Referral.objects.get()
    assert list(draft.children.values_list("first_name", flat=True)) == ["Ellie"]
    edit = reverse("referrals:edit", args=[draft.pk])
    page.get_by_label("First name").nth(1).fill("Finn")
    page.get_by_label("Date of birth").nth(1).fill("2022-01-10")
    page.get_by_label("Plan").nth(1).select_option(label="Child in need plan")
    wait_for_draft(page, "children-1-first_name", "Finn")

    # A reload (a dropped connection, a closed tab) shows both children again.
    page.goto(edit)
    expect(page.get_by_text(RESTORED)).to_be_visible()
    assert page.get_by_label("First name").nth(1).input_value() == "Finn"
    assert page.get_by_label("First name").first.input_value() == "Ellie"
    assert page.get_by_label("Family name").input_value() == "Price"
    fits(page)

    # Typed on after the session ended: signing in again brings it all back.
    page.get_by_label("Parents and carers").fill("Jo Price")
    session_ends(page)
    click_to_load(page, page.get_by_role("button", name="Save draft"))
    sign_in_again(page, sam.email)
    assert edit in page.url
    expect(page.get_by_text(RESTORED)).to_be_visible()
    assert page.get_by_label("Parents and carers").input_value() == "Jo Price"
    assert page.get_by_label("First name").nth(1).input_value() == "Finn"
    assert draft.children.count() == 1  # the expired session saved nothing

    click_to_load(page, page.get_by_role("button", name="Save draft"))
    assert page.get_by_text("Draft saved").is_visible()
    referral = Referral.objects.get()
    assert sorted(referral.children.values_list("first_name", flat=True)) == ["Ellie", "Finn"]
    assert referral.parents_carers == "Jo Price"
    assert device_drafts(page) == []


def test_a_risk_review_survives_an_expired_session_and_both_sign_in_steps(
    small_phone, family, alice, transactional_db
):
    page = small_phone
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    page.goto(reverse("families:detail", args=[family.pk]))
    open_section(page, "Outcomes")
    click_to_load(page, page.get_by_role("link", name="Record a risk review"))
    fits(page)
    page.get_by_label("Level of need").select_option(label="3 Targeted")
    page.get_by_label("Notes").fill("Conference stepped Amy down.")
    wait_for_draft(page, "notes", "Conference stepped Amy down.")
    page.reload()
    expect(page.get_by_text(RESTORED)).to_be_visible()
    assert page.get_by_label("Level of need").input_value() == "3"

    session_ends(page)
    page.get_by_label("Notes").fill("Conference stepped Amy down; school is pleased.")
    click_to_load(page, page.get_by_role("button", name="Save the review"))
    sign_in_again(page, alice.email)
    assert page.url.endswith(reverse("outcomes:record_risk_review", args=[family.pk]))
    expect(page.get_by_text(RESTORED)).to_be_visible()
    assert page.get_by_label("Notes").input_value().endswith("school is pleased.")
    reviews = RiskReview.objects.count()
    click_to_load(page, page.get_by_role("button", name="Save the review"))
    assert page.get_by_text("Risk review saved").is_visible()
    assert RiskReview.objects.count() == reviews + 1
    assert device_drafts(page) == []


@pytest.mark.usefixtures("reference_data")
def test_an_evaluation_survives_a_reload_and_an_expired_session(
    small_phone, cambridgeshire, alice, sam, transactional_db
):
    family = accepted_family(cambridgeshire, alice, sam)
    closed(family, alice, match=worked_with(family, alice))
    page = small_phone
    sign_in(page, sam.email)
    click_to_load(page, page.get_by_role("link", name="Give your evaluation").first)
    fits(page)
    answer = page.locator("form[data-draft-key] textarea").first
    answer.fill("Amy's attendance went up every term.")
    page.locator("form[data-draft-key] input[type=radio]").first.check()
    wait_for_draft(page, answer.get_attribute("name"), "Amy's attendance went up every term.")
    page.reload()
    expect(page.get_by_text(RESTORED)).to_be_visible()
    assert answer.input_value() == "Amy's attendance went up every term."
    assert page.locator("form[data-draft-key] input[type=radio]").first.is_checked()

    session_ends(page)
    click_to_load(page, page.get_by_role("button", name="Send the evaluation"))
    sign_in_again(page, sam.email)
    expect(page.get_by_text(RESTORED)).to_be_visible()
    assert answer.input_value() == "Amy's attendance went up every term."
    assert not Evaluation.objects.exists()


def test_a_supervision_note_survives_an_expired_session(
    small_phone, ready_volunteer, alice, reference_data, transactional_db
):
    page = small_phone
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    page.goto(reverse("volunteers:detail", args=[ready_volunteer.pk]))
    page.get_by_text("Record a supervision").click()
    form = page.locator("#supervision-step form")
    form.get_by_label("Date held").fill(timezone.localdate().isoformat())
    form.get_by_label("Notes").fill("Val is confident with the routines now.")
    wait_for_draft(page, "supervision-notes", "Val is confident with the routines now.")
    page.reload()
    # The fold it was typed in opens again, with the notice.
    expect(form.get_by_text(RESTORED)).to_be_visible()
    assert form.get_by_label("Notes").input_value() == "Val is confident with the routines now."
    fits(page)

    session_ends(page)
    click_to_load(page, form.get_by_role("button", name="Save supervision"))
    sign_in_again(page, alice.email)
    assert page.url.endswith(reverse("volunteers:detail", args=[ready_volunteer.pk]))
    expect(form.get_by_text(RESTORED)).to_be_visible()
    assert form.get_by_label("Notes").input_value() == "Val is confident with the routines now."
    assert not Supervision.objects.exists()


def test_a_concerns_follow_up_survives_an_expired_session(
    small_phone, match, alice, transactional_db
):
    family = match.family
    family_services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=timezone.localdate(),
        duration_minutes=60,
        engagement=4,
        concern="A bruise on Amy's arm.",
    )
    concern = Concern.objects.get()
    page = small_phone
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    page.goto(reverse("families:detail", args=[family.pk]))
    open_section(page, "Safeguarding")
    click_to_load(page, page.get_by_role("link", name=re.compile("Something else, raised")))
    page.get_by_label("Advice given").check()
    page.get_by_label("Information shared").fill("Nothing beyond the social worker.")
    page.get_by_label("Reasons for the outcome").fill("Rang the school and the social worker.")
    wait_for_draft(page, "close-follow_up", "Rang the school and the social worker.")
    session_ends(page)
    click_to_load(page, page.get_by_role("button", name="Close the concern"))
    sign_in_again(page, alice.email)
    assert page.url.endswith(reverse("families:concern", args=[concern.pk]))
    expect(page.get_by_role("status").filter(has_text=RESTORED)).to_be_visible()
    assert page.get_by_label("Reasons for the outcome").input_value().startswith("Rang the school")
    click_to_load(page, page.get_by_role("button", name="Close the concern"))
    assert page.get_by_text("The concern is closed").is_visible()
    concern.refresh_from_db()
    assert concern.follow_up == "Rang the school and the social worker."
    assert concern.outcome == "advice"
    assert device_drafts(page) == []


def test_two_people_on_one_browser_never_see_each_others_drafts(
    small_phone, sam, alice, cambridgeshire, reference_data, transactional_db
):
    page = small_phone
    secret = "Dad left in March; the children stay with their gran at weekends."
    sign_in(page, sam.email)
    click_to_load(page, page.get_by_role("link", name="Refer a family").first)
    page.get_by_label("Family name").fill("Price")
    page.get_by_label("Parents and carers").fill(secret)
    wait_for_draft(page, "parents_carers", secret)
    stored = page.evaluate("JSON.stringify(Object.entries(localStorage))")
    assert "Price" not in stored and "gran" not in stored  # encrypted, names and all

    # Sam walks away without signing out; the session ends; Alice signs in here.
    session_ends(page)
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    page.goto(reverse("referrals:create"))
    assert page.get_by_label("Family name").input_value() == ""
    assert page.get_by_label("Parents and carers").input_value() == ""
    assert not page.get_by_text(RESTORED).is_visible()
    assert device_drafts(page) == []  # Sam's draft does not open with Alice's key
    sign_out(page)  # clears Alice's drafts only

    sign_in(page, sam.email)
    page.goto(reverse("referrals:create"))
    expect(page.get_by_text(RESTORED)).to_be_visible()
    assert page.get_by_label("Parents and carers").input_value() == secret
    sign_out(page)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('vicp-draft:'))") == []


# As the tab's sessionStorage holds it, in plain text (there is no key for anonymous people).
PUBLIC_DRAFT = "() => sessionStorage.getItem('vicp-draft:public:volunteer-application')"


@pytest.mark.usefixtures("reference_data")
def test_the_public_application_keeps_its_draft_in_the_tab_only(
    small_phone, cambridgeshire, alice, transactional_db
):
    cache.delete(rate_limit_key("127.0.0.1"))
    page = small_phone
    page.goto(reverse("volunteers:apply"))
    fits(page)
    page.get_by_label("Where would you like to volunteer?").select_option(label="Cambridgeshire")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Tuesday").check()
    page.wait_for_function(
        f"() => JSON.parse(({PUBLIC_DRAFT})())?.values.availability_days?.length === 1"
    )
    assert page.evaluate("Object.keys(localStorage)") == []
    page.reload()
    expect(page.get_by_text(RESTORED)).to_be_visible()
    assert page.get_by_label("First name").input_value() == "Nia"
    assert page.get_by_label("Tuesday").is_checked()

    page.get_by_label("Last name").fill("Osei")
    page.get_by_label("Email address").fill("nia@example.org")
    page.get_by_label("Phone number").fill("07700 900456")
    page.get_by_label("Postcode").fill("CB2 1TN")
    page.get_by_label("I agree to an enhanced DBS check").check()
    click_to_load(page, page.get_by_role("button", name="Send my application"))
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for applying"
    assert page.evaluate(PUBLIC_DRAFT) is None
