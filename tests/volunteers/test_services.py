"""The safer-recruitment rules (docs/domain.md, "Rules that must hold"), each at its edge."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests import factories
from vicp.models import AuditEvent, User
from volunteers import services
from volunteers.models import (
    DBSCheck,
    Stage,
    TrainingAttendance,
    VolunteerStageChange,
    VolunteerUserObjectPermission,
)

from .helpers import (
    all_steps,
    clear_dbs,
    days_ago,
    pass_interviews,
    signed_off,
    training,
    two_references,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def blockers_of(applicant):
    return services.sign_off_blockers(applicant)


def test_sign_off_lists_every_unmet_gate(applicant, alice):
    with pytest.raises(ValidationError) as caught:
        services.sign_off(applicant, by=alice)
    messages = caught.value.messages
    assert len(messages) == 6
    assert messages[0] == "Informal interview: not recorded yet."
    assert messages[1] == "Formal interview: not recorded yet."
    assert messages[2] == "No enhanced DBS check has been recorded."
    assert messages[3] == "0 of 2 satisfactory references received."
    assert messages[4] == "0 of 18 hours of initial training attended."
    assert messages[5] == "Post-training interview: not recorded yet."
    applicant.refresh_from_db()
    assert applicant.stage == Stage.APPLIED and applicant.user is None


def test_all_gates_met_means_no_blockers(applicant, alice):
    all_steps(applicant, alice)
    assert blockers_of(applicant) == []
    assert applicant.stage == Stage.TRAINING


def test_17_and_a_half_hours_blocks_and_18_does_not(applicant, alice):
    all_steps(applicant, alice, hours=17.5)
    assert blockers_of(applicant) == [
        "17.5 of 18 hours of initial training attended.",
        "Post-training interview: not recorded yet.",
    ]
    training(applicant, alice, hours=0.5)
    assert blockers_of(applicant) == ["Post-training interview: not recorded yet."]
    pass_interviews(applicant, alice, "post_training", held_on=days_ago(5, TODAY))
    assert blockers_of(applicant) == []


def test_the_post_training_interview_waits_for_18_hours_of_training(applicant, alice):
    all_steps(applicant, alice, hours=17.5)
    with pytest.raises(ValidationError) as caught:
        pass_interviews(applicant, alice, "post_training", held_on=days_ago(5, TODAY))
    assert caught.value.message_dict == {
        "kind": [
            "The post-training interview follows the training: 17.5 of 18 hours of "
            "initial training attended."
        ]
    }
    assert not applicant.interviews.filter(kind="post_training").exists()
    training(applicant, alice, hours=0.5)
    pass_interviews(applicant, alice, "post_training", held_on=days_ago(5, TODAY))
    assert applicant.interviews.filter(kind="post_training").exists()


def test_workshop_hours_do_not_count_towards_sign_off(applicant, alice):
    all_steps(applicant, alice, hours=12)
    training(applicant, alice, hours=6, kind="workshop")
    assert blockers_of(applicant) == [
        "12 of 18 hours of initial training attended.",
        "Post-training interview: not recorded yet.",
    ]
    with pytest.raises(ValidationError, match="12 of 18 hours"):
        pass_interviews(applicant, alice, "post_training", held_on=days_ago(5, TODAY))


def test_required_hours_come_from_settings(applicant, alice, settings):
    settings.VICP_REQUIRED_TRAINING_HOURS = 12
    all_steps(applicant, alice, hours=12)
    assert blockers_of(applicant) == []


def test_one_satisfactory_and_one_unsatisfactory_reference_blocks(applicant, alice):
    pass_interviews(applicant, alice)
    clear_dbs(applicant, alice)
    for outcome in ("satisfactory", "unsatisfactory"):
        services.record_reference(
            applicant,
            referee_name="A Referee",
            relationship="Neighbour",
            outcome=outcome,
            received_on=days_ago(3, TODAY),
            by=alice,
        )
    assert "1 of 2 satisfactory references received (1 unsatisfactory)." in blockers_of(applicant)
    assert applicant.stage == Stage.CHECKS


def test_a_disclosure_blocks_until_a_manager_accepts_it(applicant, alice):
    all_steps(applicant, alice)
    check = clear_dbs(applicant, alice, result="disclosure")
    assert blockers_of(applicant) == [
        "The DBS check has a disclosure, and no risk-assessment decision to accept it has "
        "been recorded."
    ]
    assert applicant.stage == Stage.CHECKS  # the furthest stage whose prerequisites hold

    with pytest.raises(ValidationError):
        services.accept_dbs_disclosure(check, by=alice, risk_assessment="  ")
    services.accept_dbs_disclosure(
        check, by=alice, risk_assessment="Spent caution from 2001; discussed at interview."
    )
    check.refresh_from_db()
    assert check.disclosure_accepted_by == alice and check.disclosure_accepted_at is not None
    assert blockers_of(applicant) == []
    assert services.dbs_in_date(applicant)


def test_a_disclosure_holds_the_stage_at_checks(applicant, alice):
    pass_interviews(applicant, alice)
    two_references(applicant, alice)
    check = clear_dbs(applicant, alice, result="disclosure")
    assert applicant.stage == Stage.CHECKS
    services.accept_dbs_disclosure(check, by=alice, risk_assessment="Assessed: low risk.")
    assert applicant.stage == Stage.TRAINING


def test_a_clear_check_cannot_be_accepted_as_a_disclosure(applicant, alice):
    check = clear_dbs(applicant, alice)
    with pytest.raises(ValidationError, match="Only a DBS check with a disclosure"):
        services.accept_dbs_disclosure(check, by=alice, risk_assessment="x")


def test_dbs_issued_exactly_the_valid_years_ago_is_in_date_and_one_day_more_is_not(
    applicant, alice, settings
):
    assert settings.VICP_DBS_VALID_YEARS == 3
    other = factories.VolunteerFactory(project=applicant.project)
    for volunteer, issued_on in ((applicant, (2023, 6, 15)), (other, (2023, 6, 14))):
        all_steps(volunteer, alice)
        DBSCheck.objects.filter(volunteer=volunteer).update(issued_on=datetime.date(*issued_on))
    assert blockers_of(applicant) == []
    assert services.dbs_in_date(applicant)
    assert blockers_of(other) == [
        "The DBS check was issued on 14 Jun 2023, more than 3 years ago: a new check is needed."
    ]
    assert not services.dbs_in_date(other)
    assert services.dbs_in_date(other, on=datetime.date(2026, 6, 14))


def test_the_newest_dbs_check_is_the_one_that_counts(applicant, alice):
    all_steps(applicant, alice)
    DBSCheck.objects.filter(volunteer=applicant).update(issued_on=datetime.date(2023, 1, 1))
    assert not services.dbs_in_date(applicant)
    clear_dbs(applicant, alice, issued_on=datetime.date(2026, 6, 1))  # the renewal
    assert services.dbs_in_date(applicant)
    assert DBSCheck.objects.filter(volunteer=applicant).count() == 2  # history kept


def test_the_renewal_window_opens_60_days_before_the_recheck_date(applicant, alice):
    check = clear_dbs(applicant, alice, issued_on=datetime.date(2024, 1, 1))
    recheck = datetime.date(2027, 1, 1)
    assert services.dbs_recheck_on(check) == recheck
    day_61 = recheck - datetime.timedelta(days=61)
    day_60 = recheck - datetime.timedelta(days=60)
    assert services.dbs_status(check, on=day_61) == "in_date"
    assert services.dbs_status(check, on=day_60) == "renewal_due"
    assert services.dbs_status(check, on=recheck) == "renewal_due"
    assert services.dbs_status(check, on=recheck + datetime.timedelta(days=1)) == "lapsed"


def test_a_dbs_issued_on_29_february_is_rechecked_on_28_february(applicant, alice):
    check = clear_dbs(applicant, alice, issued_on=datetime.date(2024, 2, 29))
    assert services.dbs_recheck_on(check) == datetime.date(2027, 2, 28)


@pytest.mark.parametrize("number", ["12345678901", "1234567890123", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢"])
def test_a_certificate_number_must_be_12_digits(applicant, alice, number):
    with pytest.raises(ValidationError) as caught:
        services.record_dbs_check(
            applicant, certificate_number=number, issued_on=TODAY, result="clear", by=alice
        )
    assert "certificate_number" in caught.value.error_dict
    assert not DBSCheck.objects.exists()


def test_a_12_digit_certificate_is_masked_to_its_last_4(applicant, alice):
    check = services.record_dbs_check(
        applicant, certificate_number="0012 3456 7890", issued_on=TODAY, result="clear", by=alice
    )
    assert check.certificate_number == "001234567890"
    assert check.masked_certificate_number == "••••••••7890"
    event = AuditEvent.objects.get(action="volunteer.dbs_recorded")
    assert "001234567890" not in str(event.details)


def test_the_database_refuses_a_malformed_certificate_number(applicant, alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        DBSCheck.objects.create(
            volunteer=applicant,
            certificate_number="12345",
            issued_on=TODAY,
            result="clear",
            recorded_by=alice,
        )


def test_checks_and_training_before_the_interviews_count_once_they_are_passed(applicant, alice):
    clear_dbs(applicant, alice)
    two_references(applicant, alice)
    training(applicant, alice, hours=18)
    assert applicant.stage == Stage.APPLIED  # no interview yet
    pass_interviews(applicant, alice, "informal")
    assert applicant.stage == Stage.INTERVIEWING
    pass_interviews(applicant, alice, "formal")
    assert applicant.stage == Stage.TRAINING
    pass_interviews(applicant, alice, "post_training")
    assert blockers_of(applicant) == []


def test_a_formal_interview_waits_for_a_passed_informal_one(applicant, alice):
    with pytest.raises(ValidationError) as caught:
        pass_interviews(applicant, alice, "formal")
    assert "kind" in caught.value.message_dict
    services.record_interview(
        applicant, kind="informal", outcome="not_suitable", by=alice, held_on=days_ago(40, TODAY)
    )
    with pytest.raises(ValidationError, match="passed informal interview"):
        pass_interviews(applicant, alice, "formal")
    assert not applicant.interviews.filter(kind="formal").exists()
    assert applicant.stage == Stage.APPLIED


def test_a_formal_interview_is_not_dated_before_the_informal_one(applicant, alice):
    pass_interviews(applicant, alice, "informal", held_on=days_ago(40, TODAY))
    with pytest.raises(ValidationError) as caught:
        pass_interviews(applicant, alice, "formal", held_on=days_ago(41, TODAY))
    assert caught.value.message_dict == {
        "held_on": [
            "The formal interview cannot be before the informal interview, passed on 6 May 2026."
        ]
    }
    pass_interviews(applicant, alice, "formal", held_on=days_ago(40, TODAY))  # the same day
    assert applicant.stage == Stage.CHECKS


def test_an_interview_is_not_dated_before_the_application(applicant, alice):
    applicant.applied_at = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
    applicant.save()
    with pytest.raises(ValidationError) as caught:
        pass_interviews(applicant, alice, "informal", held_on=datetime.date(2026, 5, 31))
    assert caught.value.message_dict == {
        "held_on": ["An interview cannot be before the application, received on 1 Jun 2026."]
    }
    pass_interviews(applicant, alice, "informal", held_on=datetime.date(2026, 6, 1))
    assert applicant.stage == Stage.INTERVIEWING


def test_training_before_the_application_is_refused_alone_and_on_the_register(applicant, alice):
    applicant.applied_at = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
    applicant.save()
    before = factories.TrainingSessionFactory(
        project=applicant.project, held_on=datetime.date(2026, 5, 31)
    )
    with pytest.raises(ValidationError) as caught:
        services.record_training(applicant, session=before, hours=6, by=alice)
    assert caught.value.message_dict == {
        "session": ["Amira Khan applied on 1 Jun 2026, after this session (31 May 2026)."]
    }
    with pytest.raises(ValidationError, match="after this session"):
        services.record_attendance(before, volunteers=[applicant], by=alice)
    assert not TrainingAttendance.objects.exists()
    same_day = factories.TrainingSessionFactory(
        project=applicant.project, held_on=datetime.date(2026, 6, 1)
    )
    services.record_attendance(same_day, volunteers=[applicant], by=alice)
    assert applicant.training_attendances.count() == 1


@pytest.mark.parametrize("closing", ["not_progressed", "left"])
def test_nothing_is_recorded_for_someone_not_progressed_or_who_left(applicant, alice, closing):
    if closing == "left":
        signed_off(applicant, alice)
        services.record_leaving(applicant, by=alice, reason="Moved away.")
    else:
        services.not_progressed(applicant, by=alice, reason="x", alternative_suggested="y")
    session = factories.TrainingSessionFactory(project=applicant.project)
    steps = [
        lambda: services.record_reference(
            applicant,
            referee_name="Ann Lee",
            relationship="Employer",
            outcome="satisfactory",
            received_on=TODAY,
            by=alice,
        ),
        lambda: clear_dbs(applicant, alice, issued_on=TODAY),
        lambda: services.record_interview(
            applicant, kind="informal", outcome="passed", by=alice, held_on=TODAY
        ),
        lambda: services.record_training(applicant, session=session, hours=1, by=alice),
    ]
    counts = (
        applicant.references.count(),
        applicant.dbs_checks.count(),
        applicant.interviews.count(),
        applicant.training_attendances.count(),
    )
    for step in steps:
        with pytest.raises(ValidationError, match=r"not progressed|has left"):
            step()
    assert counts == (
        applicant.references.count(),
        applicant.dbs_checks.count(),
        applicant.interviews.count(),
        applicant.training_attendances.count(),
    )


def test_the_stage_moves_through_the_pipeline(applicant, alice):
    pass_interviews(applicant, alice, "informal")
    assert applicant.stage == Stage.INTERVIEWING
    pass_interviews(applicant, alice, "formal")
    assert applicant.stage == Stage.CHECKS
    clear_dbs(applicant, alice)
    assert applicant.stage == Stage.CHECKS
    two_references(applicant, alice)
    assert applicant.stage == Stage.TRAINING


def test_a_not_suitable_interview_blocks(applicant, alice):
    services.record_interview(
        applicant, kind="informal", outcome="not_suitable", by=alice, held_on=TODAY
    )
    assert applicant.stage == Stage.APPLIED
    assert blockers_of(applicant)[0] == "Informal interview: found not suitable on 15 Jun 2026."


def test_an_interview_cannot_be_in_the_future(applicant, alice):
    with pytest.raises(ValidationError) as caught:
        services.record_interview(
            applicant,
            kind="informal",
            outcome="passed",
            by=alice,
            held_on=TODAY + datetime.timedelta(days=1),
        )
    assert "held_on" in caught.value.error_dict


def test_every_stage_change_is_a_history_row(applicant, alice):
    pass_interviews(applicant, alice)
    rows = list(VolunteerStageChange.objects.filter(volunteer=applicant).order_by("pk"))
    assert [(r.from_stage, r.to_stage, r.by) for r in rows] == [
        ("applied", "interviewing", alice),
        ("interviewing", "checks", alice),
    ]
    assert rows[0].at is not None


def test_sign_off_creates_the_login_grants_the_record_and_invites(
    applicant, alice, django_capture_on_commit_callbacks
):
    all_steps(applicant, alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_off(applicant, by=alice)
    applicant.refresh_from_db()
    assert applicant.stage == Stage.READY
    assert applicant.signed_off_on == TODAY and applicant.signed_off_by == alice
    user = applicant.user
    assert user.role == User.Role.VOLUNTEER and user.email == "amira@example.org"
    assert not user.has_usable_password()
    assert user.has_perm("volunteers.view_volunteer", applicant)
    assert not user.has_perm("volunteers.view_volunteer")  # no global permission
    assert [m.to for m in mail.outbox] == [["amira@example.org"]]
    assert VolunteerStageChange.objects.filter(
        volunteer=applicant, to_stage="ready", by=alice
    ).exists()
    assert AuditEvent.objects.filter(action="volunteer.signed_off", actor=alice).exists()


def test_sign_off_grants_through_the_direct_foreign_key_table(applicant, alice):
    signed_off(applicant, alice)
    row = VolunteerUserObjectPermission.objects.get(user=applicant.user)
    assert row.content_object == applicant
    assert row.permission == Permission.objects.get(codename="view_volunteer")


def test_sign_off_refuses_an_email_that_already_has_an_account(applicant, alice, vera):
    applicant.email = vera.email
    applicant.save()
    all_steps(applicant, alice)
    with pytest.raises(ValidationError, match="already an account"):
        services.sign_off(applicant, by=alice)
    applicant.refresh_from_db()
    assert applicant.stage == Stage.TRAINING


def test_a_signed_off_volunteer_cannot_be_signed_off_again(applicant, alice):
    signed_off(applicant, alice)
    with pytest.raises(ValidationError, match="Only a volunteer in recruitment"):
        services.sign_off(applicant, by=alice)


def test_not_progressed_needs_a_reason_and_the_alternative(applicant, alice):
    with pytest.raises(ValidationError) as caught:
        services.not_progressed(applicant, by=alice, reason="", alternative_suggested=" ")
    assert set(caught.value.error_dict) == {"reason", "alternative_suggested"}
    services.not_progressed(
        applicant,
        by=alice,
        reason="Not available for weekly visits.",
        alternative_suggested="Befriending at the Age UK café.",
    )
    applicant.refresh_from_db()
    assert applicant.stage == Stage.NOT_PROGRESSED
    assert applicant.alternative_suggested == "Befriending at the Age UK café."
    change = VolunteerStageChange.objects.filter(volunteer=applicant).latest("pk")
    assert (change.from_stage, change.to_stage, change.reason) == (
        "applied",
        "not_progressed",
        "Not available for weekly visits.",
    )


def test_nothing_new_is_recorded_for_someone_not_progressed(applicant, alice):
    services.not_progressed(applicant, by=alice, reason="x", alternative_suggested="y")
    with pytest.raises(ValidationError, match="reopen"):
        pass_interviews(applicant, alice, "informal")


def test_reopen_needs_a_reason_and_returns_to_the_furthest_stage(applicant, alice):
    pass_interviews(applicant, alice)
    services.not_progressed(applicant, by=alice, reason="x", alternative_suggested="y")
    with pytest.raises(ValidationError) as caught:
        services.reopen(applicant, by=alice, reason="")
    assert "reason" in caught.value.error_dict
    services.reopen(applicant, by=alice, reason="Circumstances changed; they called back.")
    applicant.refresh_from_db()
    assert applicant.stage == Stage.CHECKS
    change = VolunteerStageChange.objects.filter(volunteer=applicant).latest("pk")
    assert (change.from_stage, change.to_stage, change.by) == ("not_progressed", "checks", alice)
    assert change.reason == "Circumstances changed; they called back."


def test_only_someone_not_progressed_can_be_reopened(applicant, alice):
    with pytest.raises(ValidationError, match="Only a volunteer who was not progressed"):
        services.reopen(applicant, by=alice, reason="why not")


def test_attendance_is_recorded_once_per_session(applicant, alice):
    session = factories.TrainingSessionFactory(project=applicant.project, hours=6)
    services.record_training(applicant, session=session, hours=6, by=alice)
    with pytest.raises(ValidationError, match="already recorded"):
        services.record_training(applicant, session=session, hours=6, by=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingAttendance.objects.create(
            session=session, volunteer=applicant, hours=1, recorded_by=alice
        )


def test_attendance_hours_are_more_than_0_and_at_most_the_session(applicant, alice):
    session = factories.TrainingSessionFactory(project=applicant.project, hours=3)
    for hours in (0, 3.5):
        with pytest.raises(ValidationError) as caught:
            services.record_training(applicant, session=session, hours=hours, by=alice)
        assert "hours" in caught.value.error_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingAttendance.objects.create(
            session=session, volunteer=applicant, hours=0, recorded_by=alice
        )


def test_training_of_another_project_is_refused(applicant, alice, southend):
    session = factories.TrainingSessionFactory(project=southend)
    with pytest.raises(ValidationError, match="another project"):
        services.record_training(applicant, session=session, hours=1, by=alice)


def test_the_register_records_several_volunteers_at_once_or_none(applicant, alice):
    others = factories.VolunteerFactory.create_batch(2, project=applicant.project)
    session = factories.TrainingSessionFactory(project=applicant.project, hours=6)
    services.record_attendance(session, volunteers=[applicant, *others], by=alice)
    assert session.attendances.count() == 3
    late = factories.VolunteerFactory(project=applicant.project)
    with pytest.raises(ValidationError, match="already recorded"):
        services.record_attendance(session, volunteers=[late, applicant], by=alice)
    assert not session.attendances.filter(volunteer=late).exists()  # all or none


def test_supervision_is_for_signed_off_volunteers(applicant, alice, settings):
    with pytest.raises(ValidationError, match="signed-off"):
        services.record_supervision(applicant, by=alice, held_on=TODAY, notes="Chat")
    signed_off(applicant, alice)
    supervision = services.record_supervision(
        applicant, by=alice, held_on=TODAY, notes="Going well."
    )
    assert supervision.next_due == TODAY + datetime.timedelta(
        days=settings.VICP_SUPERVISION_INTERVAL_DAYS
    )
    assert services.next_supervision_due(applicant) == supervision.next_due


def test_submit_application_starts_at_applied_and_emails_the_managers(
    cambridgeshire, alice, charlie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        volunteer = services.submit_application(
            project=cambridgeshire,
            first_name="Nia",
            last_name="Osei",
            email="nia@example.org",
            phone="07700 900456",
            postcode="CB2 1TN",
            consent_to_checks=True,
        )
    assert volunteer.stage == Stage.APPLIED
    assert VolunteerStageChange.objects.filter(volunteer=volunteer, to_stage="applied").exists()
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert "Nia O" in mail.outbox[0].body and "nia@example.org" not in mail.outbox[0].body


def test_submit_application_needs_consent(cambridgeshire):
    with pytest.raises(ValidationError) as caught:
        services.submit_application(
            project=cambridgeshire,
            first_name="Nia",
            last_name="Osei",
            email="nia@example.org",
            phone="07700 900456",
            postcode="CB2 1TN",
            consent_to_checks=False,
        )
    assert "consent_to_checks" in caught.value.error_dict


def test_a_signed_off_volunteer_can_leave_with_a_reason(applicant, alice):
    with pytest.raises(ValidationError, match="Only a signed-off volunteer"):
        services.record_leaving(applicant, by=alice, reason="Moving away")
    signed_off(applicant, alice)
    with pytest.raises(ValidationError) as caught:
        services.record_leaving(applicant, by=alice, reason=" ")
    assert "reason" in caught.value.error_dict
    services.record_leaving(applicant, by=alice, reason="Moving to Leeds.")
    applicant.refresh_from_db()
    assert applicant.stage == Stage.LEFT
    change = VolunteerStageChange.objects.filter(volunteer=applicant).latest("pk")
    assert (change.from_stage, change.to_stage, change.reason) == (
        "ready",
        "left",
        "Moving to Leeds.",
    )
    with pytest.raises(ValidationError, match="signed-off"):
        services.record_supervision(applicant, by=alice, held_on=TODAY, notes="x")


def test_a_signed_off_volunteer_is_not_marked_not_progressed_by_mistake(applicant, alice):
    signed_off(applicant, alice)
    services.not_progressed(applicant, by=alice, reason="x", alternative_suggested="y")
    services.reopen(applicant, by=alice, reason="Recorded on the wrong person.")
    applicant.refresh_from_db()
    assert applicant.stage == Stage.READY  # signed off before, every gate still met
