"""A manager corrects a submitted referral's own record; every change is kept."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from referrals import selectors, services
from referrals.models import Referral
from tests.factories import make_referral
from vicp.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def correction(referral, **changes):
    data = {name: getattr(referral, name) for name in services.CORRECTABLE_FIELDS}
    return {**data, **changes}


# --- the service ----------------------------------------------------------------------


def test_an_accepted_referral_is_corrected_without_changing_its_status_or_telling_anyone(
    family, alice, django_capture_on_commit_callbacks
):
    referral = family.referral
    statuses = referral.status_changes.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.correct_referral(referral, by=alice, reasons="Corrected reasons.")
    referral.refresh_from_db()
    assert (referral.status, referral.reasons) == ("accepted", "Corrected reasons.")
    assert referral.status_changes.count() == statuses
    assert callbacks == [] and mail.outbox == []
    event = AuditEvent.objects.get(action="referral.corrected")
    assert (event.actor, event.details["fields"]) == (alice, ["reasons"])


def test_the_changes_list_who_when_and_before_and_after(family, alice):
    referral = family.referral
    before, team = referral.reasons, referral.referrer_team
    services.correct_referral(referral, by=alice, reasons="New reasons.", referrer_team="Team B")
    changes = selectors.referral_changes(referral)
    assert {(c.field, c.before, c.after) for c in changes} == {
        ("reasons for the referral", before, "New reasons."),
        ("team", team, "Team B"),
    }
    assert {c.by for c in changes} == {alice}


def test_edits_of_a_draft_are_not_listed_as_corrections(sam, alice, cambridgeshire):
    referral = make_referral(cambridgeshire, sam)
    referral.reasons = "Changed while a draft."
    services.save_referral(referral, by=sam, children=[])
    services.submit_referral(make_referral(cambridgeshire, sam), by=sam)
    assert selectors.referral_changes(referral) == []


def test_nothing_changed_records_nothing(referral, alice):
    records = referral.history.count()
    services.correct_referral(referral, by=alice, reasons=referral.reasons)
    assert referral.history.count() == records
    assert not AuditEvent.objects.filter(action="referral.corrected").exists()


@pytest.mark.parametrize("field", ["referrer_name", "referrer_local_authority", "reasons"])
def test_what_a_submitted_referral_needs_cannot_be_blanked(referral, alice, field):
    with pytest.raises(ValidationError) as error:
        services.correct_referral(referral, by=alice, **{field: "  "})
    assert field in error.value.error_dict


def test_a_draft_is_not_corrected(alice, cambridgeshire):
    draft = make_referral(cambridgeshire, alice)
    with pytest.raises(ValidationError, match="draft"):
        services.correct_referral(draft, by=alice, reasons="x")


@pytest.mark.parametrize("who", ["charlie", "sam"])
def test_only_the_projects_managers_correct(referral, cast, who):
    with pytest.raises(ValidationError, match="Only a manager"):
        services.correct_referral(referral, by=cast[who], reasons="x")


def test_family_details_are_not_corrected_here(referral, alice):
    with pytest.raises(ValidationError, match="family_name"):
        services.correct_referral(referral, by=alice, family_name="Smith")


# --- the page -------------------------------------------------------------------------


def url(referral):
    return reverse("referrals:correct", args=[referral.pk])


@pytest.mark.parametrize("who", ["charlie", "sam", "sally", "vera", "una"])
def test_only_the_projects_managers_reach_the_page(client_for, cast, referral, who):
    client = client_for(cast[who])
    assert client.get(url(referral)).status_code == 404
    assert client.post(url(referral), correction(referral, reasons="x")).status_code == 404
    referral.refresh_from_db()
    assert referral.reasons != "x"


def test_anonymous_visitors_are_asked_to_sign_in(client, referral):
    response = client.get(url(referral))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_draft_has_no_correction_page(client_for, alice, cambridgeshire):
    draft = make_referral(cambridgeshire, alice)
    assert client_for(alice).get(url(draft)).status_code == 404


@pytest.mark.parametrize("who", ["alice", "ada"])
def test_a_manager_corrects_an_accepted_referral_and_sees_the_change(client_for, cast, family, who):
    referral = family.referral
    client = client_for(cast[who])
    assert client.get(url(referral)).status_code == 200
    response = client.post(url(referral), correction(referral, referrer_team="Team C"))
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Changes" in page and "Team" in page and "Team C" in page
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_the_social_worker_does_not_see_the_changes(client_for, alice, sam, family):
    services.correct_referral(family.referral, by=alice, referrer_team="Team C")
    page = client_for(sam).get(reverse("referrals:detail", args=[family.referral.pk]))
    assert 'id="changes-heading"' not in page.content.decode()


def test_errors_show_by_the_field_and_at_the_top_and_keep_what_was_typed(
    client_for, alice, referral
):
    data = correction(referral, reasons="", referrer_team="Team typed", referrer_email="not-email")
    response = client_for(alice).post(url(referral), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The referral was not corrected" in page
    assert 'href="#id_reasons"' in page and 'href="#id_referrer_email"' in page
    assert "Say why the family was referred." in page
    assert 'value="Team typed"' in page
    assert Referral.objects.get(pk=referral.pk).referrer_team == referral.referrer_team
    assert not AuditEvent.objects.filter(action="referral.corrected").exists()
