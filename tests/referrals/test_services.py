"""Referral rules, at their edges."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from families import services as family_services
from families.models import Family
from referrals import services
from referrals.models import LevelOfNeed, Referral, ReferralStatusChange
from tests.factories import make_referral, years_ago
from vicp.models import AuditEvent
from vicp.permissions import granted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def child(first_name="Amy", dob=None, plan="none"):
    return {
        "first_name": first_name,
        "last_name": "Doe",
        "date_of_birth": dob or years_ago(5),
        "plan_type": plan,
        "cp_category": None,
    }


# --- who may refer ------------------------------------------------------------


def test_a_social_worker_refers_only_to_projects_they_were_given(sam, southend):
    with pytest.raises(ValidationError, match="cannot refer"):
        make_referral(southend, sam)


def test_volunteers_cannot_refer(vera, cambridgeshire):
    with pytest.raises(ValidationError, match="cannot refer"):
        make_referral(cambridgeshire, vera)


def test_a_manager_enters_a_paper_referral_naming_the_social_worker(alice, cambridgeshire):
    referral = make_referral(cambridgeshire, alice, referrer_name="Pat Paper")
    assert referral.social_worker is None
    assert referral.referrer_name == "Pat Paper"
    assert referral.created_by == alice


def test_a_social_workers_own_details_are_filled_in(sam, cambridgeshire):
    referral = make_referral(cambridgeshire, sam, referrer_name="", referrer_local_authority="")
    assert referral.social_worker == sam
    assert referral.referrer_name == sam.get_full_name()
    assert referral.referrer_local_authority == sam.organisation


# --- drafts and submission ----------------------------------------------------------


def test_a_draft_may_be_incomplete(sam, cambridgeshire):
    referral = make_referral(
        cambridgeshire, sam, children=[], consent_given=False, level_of_need=None, reasons=""
    )
    assert referral.status == Referral.Status.DRAFT
    assert len(services.submission_problems(referral)) == 4


def test_submitting_lists_every_missing_piece(sam, cambridgeshire):
    referral = make_referral(
        cambridgeshire, sam, children=[], consent_given=False, level_of_need=None, reasons=""
    )
    with pytest.raises(ValidationError) as error:
        services.submit_referral(referral, by=sam)
    messages = error.value.messages
    assert any("consent" in m for m in messages)
    assert any("at least one child" in m for m in messages)
    assert any("level of need" in m for m in messages)
    assert any("why you are referring" in m for m in messages)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFT


def test_submitting_notifies_the_managers(
    sam, alice, cambridgeshire, django_capture_on_commit_callbacks
):
    referral = make_referral(cambridgeshire, sam)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_referral(referral, by=sam)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.submitted_at is not None
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "Doe" not in message.body  # no family details in email


def test_a_submitted_referral_can_no_longer_be_changed_by_the_social_worker(referral, sam):
    assert not granted(sam, "referrals.change_referral", Referral.objects.all()).exists()
    with pytest.raises(ValidationError, match="Only a draft"):
        services.save_referral(referral, by=sam, children=[child()])


@pytest.mark.parametrize(
    ("dob", "refused"),
    [
        (0, False),  # born today
        (-1, True),  # tomorrow
    ],
)
def test_a_date_of_birth_in_the_future_is_refused(sam, cambridgeshire, dob, refused):
    born = timezone.localdate() - datetime.timedelta(days=dob)
    if refused:
        with pytest.raises(ValidationError, match="future"):
            make_referral(cambridgeshire, sam, children=[child(dob=born)])
    else:
        make_referral(cambridgeshire, sam, children=[child(dob=born)])


def test_a_child_the_day_before_their_18th_birthday_is_accepted(sam, cambridgeshire):
    make_referral(cambridgeshire, sam, children=[child(dob=years_ago(18, days=-1))])


def test_a_child_on_their_18th_birthday_is_refused(sam, cambridgeshire):
    with pytest.raises(ValidationError, match="18 or over"):
        make_referral(cambridgeshire, sam, children=[child(dob=years_ago(18))])


def test_a_level_from_another_projects_list_is_refused(sam, cambridgeshire, southend):
    own = LevelOfNeed.objects.create(project=southend, ordinal=1, name="Southend universal")
    with pytest.raises(ValidationError) as error:
        make_referral(cambridgeshire, sam, level_of_need=own)
    assert "level_of_need" in error.value.message_dict


def test_a_project_with_its_own_scale_uses_it(cambridgeshire):
    assert LevelOfNeed.for_project(cambridgeshire).count() == 4
    LevelOfNeed.objects.create(project=cambridgeshire, ordinal=1, name="Level one")
    assert list(LevelOfNeed.for_project(cambridgeshire).values_list("name", flat=True)) == [
        "Level one"
    ]


def test_postcodes_are_kept_in_one_form(sam, cambridgeshire):
    assert make_referral(cambridgeshire, sam, postcode="cb41aa").postcode == "CB4 1AA"


# --- decisions ----------------------------------------------------------------------


def test_accepting_opens_a_case_with_the_children_and_lets_the_social_worker_see_it(
    referral, alice, sam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        family = services.accept_referral(referral, by=alice)
    year = timezone.localdate().year
    assert family.case_reference == f"CAM-{year}-0001"
    assert [c.first_name for c in family.children.all()] == ["Amy", "Ben"]
    assert [c.plan_type for c in family.children.all()] == ["cp", "cin"]
    assert family.status == Family.Status.AWAITING_MATCH
    assert list(granted(sam, "families.view_family", Family.objects.all())) == [family]
    referral.refresh_from_db()
    assert (referral.status, referral.decided_by) == (Referral.Status.ACCEPTED, alice)
    assert mail.outbox[-1].to == ["sam@example.org"]
    assert "accepted" in mail.outbox[-1].subject


def test_case_references_are_sequential_per_project_and_year(
    alice, charlie, sam, sally, cambridgeshire, southend
):
    year = timezone.localdate().year
    first = services.accept_referral(make_referral(cambridgeshire, sam, submit=True), by=alice)
    elsewhere = services.accept_referral(make_referral(southend, sally, submit=True), by=charlie)
    second = services.accept_referral(make_referral(cambridgeshire, sam, submit=True), by=alice)
    assert [first.case_reference, second.case_reference] == [f"CAM-{year}-0001", f"CAM-{year}-0002"]
    assert elsewhere.case_reference == f"STH-{year}-0001"


def test_only_a_manager_of_the_project_decides(referral, charlie, sam):
    for person in (charlie, sam):
        with pytest.raises(ValidationError, match="Only a manager"):
            services.accept_referral(referral, by=person)


def test_a_decided_referral_cannot_be_decided_again(referral, alice):
    services.decline_referral(referral, by=alice, reason="Outside our area.")
    for decide in (
        lambda: services.accept_referral(referral, by=alice),
        lambda: services.decline_referral(referral, by=alice, reason="Again"),
        lambda: services.waitlist_referral(referral, by=alice, reason="Again"),
    ):
        with pytest.raises(ValidationError, match="cannot be made twice"):
            decide()
    assert not Family.objects.exists()


def test_declining_and_waitlisting_need_a_reason(referral, alice):
    with pytest.raises(ValidationError) as error:
        services.decline_referral(referral, by=alice, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.waitlist_referral(referral, by=alice, reason="")


def test_a_waitlisted_referral_can_later_be_accepted(referral, alice):
    services.waitlist_referral(referral, by=alice, reason="No volunteer free until spring.")
    family = services.accept_referral(referral, by=alice)
    assert family.referral == referral


def test_a_draft_cannot_be_decided(sam, alice, cambridgeshire):
    draft = make_referral(cambridgeshire, sam)
    with pytest.raises(ValidationError, match="cannot be decided"):
        services.accept_referral(draft, by=alice)


def test_every_status_change_is_kept(referral, alice, sam):
    services.waitlist_referral(referral, by=alice, reason="Spring")
    services.accept_referral(referral, by=alice)
    changes = ReferralStatusChange.objects.filter(referral=referral)
    assert [(c.from_status, c.to_status, c.by) for c in changes] == [
        ("", "draft", sam),
        ("draft", "submitted", sam),
        ("submitted", "waitlisted", alice),
        ("waitlisted", "accepted", alice),
    ]
    assert changes[2].reason == "Spring"
    assert AuditEvent.objects.filter(
        action="referral.accepted", object_id=str(referral.pk)
    ).exists()


# --- withdrawing --------------------------------------------------------------------


def test_the_social_worker_withdraws_before_a_decision(referral, sam):
    services.withdraw_referral(referral, by=sam, reason="Family moved away.")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WITHDRAWN


def test_a_decided_referral_cannot_be_withdrawn(referral, alice, sam):
    services.accept_referral(referral, by=alice)
    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        services.withdraw_referral(referral, by=sam)


def test_another_social_worker_cannot_withdraw(referral, sally):
    with pytest.raises(ValidationError, match="Only the referrer"):
        services.withdraw_referral(referral, by=sally)


# --- duplicates -------------------------------------------------------------------


def found(referral):
    """What `possible_duplicates` points to: referrals, and cases by reference."""
    return [d.case_reference or d.referral for d in services.possible_duplicates(referral)]


def test_a_possible_duplicate_is_flagged(referral, sam, cambridgeshire):
    again = make_referral(cambridgeshire, sam, submit=True, postcode="cb4 1aa")
    [duplicate] = services.possible_duplicates(again)
    assert duplicate.referral == referral and not duplicate.is_case
    assert duplicate.description.startswith(f"Referral {referral.pk}: submitted on")


@pytest.mark.parametrize("typed", ["CB41AA", "cb41aa", " cb4  1aa "])
def test_the_postcode_matches_with_or_without_its_space(typed, referral, sam, cambridgeshire):
    # Another family name, so the postcode alone links them.
    again = make_referral(cambridgeshire, sam, submit=True, family_name="Smith", postcode=typed)
    assert found(again) == [referral]


def test_a_postcode_stored_without_its_space_still_matches(referral, sam, cambridgeshire):
    Referral.objects.filter(pk=referral.pk).update(postcode="cb41aa")
    again = make_referral(cambridgeshire, sam, submit=True, family_name="Smith")
    assert found(again) == [referral]


def test_the_same_family_name_matches_at_another_postcode(referral, sam, cambridgeshire):
    moved = make_referral(cambridgeshire, sam, submit=True, family_name=" doe ", postcode="PE1 1AA")
    assert found(moved) == [referral]


def test_another_name_at_another_postcode_is_not_a_duplicate(referral, sam, cambridgeshire):
    other = make_referral(cambridgeshire, sam, submit=True, family_name="Smith", postcode="PE1 1AA")
    assert found(other) == []


def test_the_same_child_name_with_another_date_of_birth_is_not_a_duplicate(
    referral, sam, cambridgeshire
):
    amy = referral.children.get(first_name="Amy")
    a_day_apart = amy.date_of_birth - datetime.timedelta(days=1)
    other = make_referral(cambridgeshire, sam, submit=True, children=[child("Amy", a_day_apart)])
    same_day = make_referral(
        cambridgeshire, sam, submit=True, children=[child("amy", amy.date_of_birth)]
    )
    assert found(other) == []
    assert referral in found(same_day)


def test_another_projects_referral_is_not_a_duplicate(referral, sally, southend):
    elsewhere = make_referral(southend, sally, submit=True)
    assert found(elsewhere) == []


def test_an_accepted_family_is_a_possible_duplicate(family, sam, cambridgeshire):
    again = make_referral(cambridgeshire, sam, submit=True)
    [duplicate] = services.possible_duplicates(again)
    assert (duplicate.case_pk, duplicate.referral) == (family.pk, family.referral)
    assert duplicate.description == f"Open case {family.case_reference} (awaiting a volunteer)"
    assert not duplicate.is_closed_case


def test_a_closed_case_is_a_re_referral(family, alice, sam, cambridgeshire):
    family_services.close_case(family, by=alice, reason="Work done", missing_reason="family_moved")
    again = make_referral(cambridgeshire, sam, submit=True, postcode="CB41AA")
    [duplicate] = services.possible_duplicates(again)
    assert duplicate.is_closed_case
    assert duplicate.description == (
        f"Closed case {family.case_reference} on {timezone.localdate():%-d %b %Y}"
    )


def test_a_case_is_compared_as_corrected_since(family, sam, cambridgeshire):
    Family.objects.filter(pk=family.pk).update(family_name="Smith", postcode="PE1 1AA")
    again = make_referral(cambridgeshire, sam, submit=True)
    moved = make_referral(cambridgeshire, sam, submit=True, family_name="Jones", postcode="pe11aa")
    assert found(again) == []  # the case's old name and address no longer match it
    assert found(moved) == [family.case_reference]


def test_a_different_child_or_postcode_is_not_a_duplicate(referral, sam, cambridgeshire):
    other_child = make_referral(
        cambridgeshire, sam, submit=True, children=[child("Amy", years_ago(6))]
    )
    other_postcode = make_referral(
        cambridgeshire, sam, submit=True, family_name="Smith", postcode="CB5 9ZZ"
    )
    assert services.possible_duplicates(other_child) == []
    assert services.possible_duplicates(other_postcode) == []


def test_a_declined_referral_is_a_duplicate_with_its_reason(referral, alice, sam, cambridgeshire):
    services.decline_referral(referral, by=alice, reason="Out of area")
    again = make_referral(cambridgeshire, sam, submit=True)
    [duplicate] = services.possible_duplicates(again)
    assert duplicate.referral == referral
    assert duplicate.description == (
        f"Referral {referral.pk}: Declined on {timezone.localdate():%-d %b %Y}: Out of area"
    )


def test_a_withdrawn_referral_is_a_duplicate(referral, sam, cambridgeshire):
    services.withdraw_referral(referral, by=sam, reason="Family moved")
    again = make_referral(cambridgeshire, sam, submit=True)
    [duplicate] = services.possible_duplicates(again)
    assert duplicate.description == (
        f"Referral {referral.pk}: Withdrawn on {timezone.localdate():%-d %b %Y}: Family moved"
    )


def test_a_draft_is_not_a_duplicate(sam, alice, cambridgeshire):
    make_referral(cambridgeshire, sam)
    again = make_referral(cambridgeshire, alice, submit=True)
    assert found(again) == []
