"""A volunteer logs a visit on a phone: a refused answer loses nothing, a reload
keeps the draft, and a concern reaches the manager and the social worker."""

import pytest
from django.core import mail

from families.models import Concern, Visit
from tests.factories import PASSWORD

from .conftest import sign_in
from .test_referrals_journey import sign_out

pytestmark = pytest.mark.browser
NOTES = "Walked to school together; mum managed the morning routine on her own."


def test_a_visit_with_a_concern_logged_on_a_phone(page, match, sam, alice, transactional_db):
    val = match.volunteer.user
    val.set_password(PASSWORD)
    val.save()
    sign_in(page, val.email, PASSWORD)
    page.get_by_role("link", name="Log a visit").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    page.get_by_label("How long (minutes)").fill("600")
    page.get_by_label("Yes").check()
    page.get_by_label("In person").check()
    page.get_by_label("Notes").fill(NOTES)
    page.get_by_label("How engaged was the family?").select_option("4")
    page.get_by_label("I have a safeguarding concern").check()
    page.get_by_label("Your concern").fill("Amy had a bruise on her arm she would not explain.")
    page.get_by_role("button", name="Save visit").click()
    page.wait_for_load_state()

    # Refused: the duration is explained next to the field, and nothing typed is lost.
    assert page.get_by_text("between 15 minutes and 8 hours").is_visible()
    assert page.get_by_label("Notes").input_value() == NOTES
    assert page.get_by_label("Your concern").input_value().startswith("Amy had a bruise")
    assert not Visit.objects.exists()

    # The device keeps the draft: going back to the form (say, after a dropped
    # connection) brings everything back.
    page.get_by_label("How long (minutes)").fill("90")
    page.wait_for_timeout(500)
    page.goto(page.url)
    assert page.get_by_text("We restored what you typed on this device").is_visible()
    assert page.get_by_label("Notes").input_value() == NOTES
    assert page.get_by_label("How long (minutes)").input_value() == "90"
    assert page.get_by_label("I have a safeguarding concern").is_checked()

    page.get_by_role("button", name="Save visit").click()
    page.wait_for_load_state()
    assert page.get_by_text("Visit logged").is_visible()
    visit = Visit.objects.get()
    assert (visit.duration_minutes, visit.notes) == (90, NOTES)
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('vicp-visit-draft'))")
        == []
    )
    assert Concern.objects.filter(visit=visit, closed_at=None).exists()
    assert sorted(mail.outbox[-1].to) == ["alice@example.org", "sam@example.org"]
    sign_out(page)

    for person in ("alice@example.org", "sam@example.org"):
        sign_in(page, person, PASSWORD)
        assert page.get_by_text("Open safeguarding concern").first.is_visible()
        assert page.get_by_role("link", name=match.family.case_reference).first.is_visible()
        sign_out(page)
