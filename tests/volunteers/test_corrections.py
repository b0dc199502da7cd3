"""Correcting a recruitment record: withdrawing a step, acknowledging an unsatisfactory
reference, correcting the applicant's details; and the pages that confirm sign-off and
not progressing. The rules at their edges, then who may reach each page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outcomes.reports import volunteer_record_context
from tests import factories
from vicp.models import AuditEvent
from volunteers import services
from volunteers.models import Interview, Reference, Stage, Volunteer
from volunteers.selectors import volunteer_changes

from .helpers import all_steps, clear_dbs, days_ago, pass_interviews, training, two_references

pytestmark = pytest.mark.django_db


def unsatisfactory(volunteer, by, name="Pat Doe"):
    return services.record_reference(
        volunteer,
        referee_name=name,
        relationship="Neighbour",
        outcome="unsatisfactory",
        received_on=days_ago(15),
        by=by,
    )


# --- Withdrawing a step ------------------------------------------------------------


def test_a_withdrawn_interview_is_kept_and_the_stage_goes_back(applicant, alice):
    pass_interviews(applicant, alice)
    assert applicant.stage == Stage.CHECKS
    formal = applicant.interviews.get(kind="formal")
    services.withdraw_step(formal, by=alice, reason="Recorded on the wrong applicant.")
    applicant.refresh_from_db()
    assert applicant.stage == Stage.INTERVIEWING
    formal.refresh_from_db()
    assert formal.withdrawn_by == alice and formal.withdrawn_at is not None
    assert formal.withdrawal_reason == "Recorded on the wrong applicant."
    assert applicant.interviews.count() == 2  # kept
    assert services.sign_off_blockers(applicant)[0] == "Formal interview: not recorded yet."
    change = applicant.stage_changes.latest("pk")
    assert (change.from_stage, change.to_stage) == ("checks", "interviewing")
    event = AuditEvent.objects.get(action="volunteer.step_withdrawn")
    assert event.actor == alice and event.details == {"step": "interview", "step_id": formal.pk}


def test_withdrawn_training_hours_no_longer_count(applicant, alice):
    all_steps(applicant, alice)
    attendance = applicant.training_attendances.get()
    services.withdraw_step(attendance, by=alice, reason="They were not there.")
    assert services.sign_off_blockers(applicant) == ["0 of 18 hours of initial training attended."]
    # Recorded again, correctly: the withdrawn row does not stand in the way.
    services.record_training(applicant, session=attendance.session, hours=18, by=alice)
    assert services.sign_off_blockers(applicant) == []


def test_a_withdrawn_dbs_check_no_longer_counts(applicant, alice):
    pass_interviews(applicant, alice)
    two_references(applicant, alice)
    check = clear_dbs(applicant, alice)
    assert applicant.stage == Stage.TRAINING
    services.withdraw_step(check, by=alice, reason="Another person's certificate.")
    applicant.refresh_from_db()
    assert applicant.stage == Stage.CHECKS
    assert services.latest_dbs_check(applicant) is None
    assert not services.dbs_in_date(applicant)


def test_withdrawing_needs_a_reason_and_happens_once(applicant, alice):
    pass_interviews(applicant, alice, "informal")
    interview = applicant.interviews.get()
    with pytest.raises(ValidationError) as caught:
        services.withdraw_step(interview, by=alice, reason="  ")
    assert "reason" in caught.value.message_dict
    interview.refresh_from_db()
    assert not interview.withdrawn
    services.withdraw_step(interview, by=alice, reason="Wrong date.")
    with pytest.raises(ValidationError, match="already been withdrawn"):
        services.withdraw_step(interview, by=alice, reason="Again.")


def test_nothing_is_withdrawn_once_signed_off(ready_volunteer, alice):
    interview = ready_volunteer.interviews.get(kind="formal")
    with pytest.raises(ValidationError, match="record that they left"):
        services.withdraw_step(interview, by=alice, reason="Wrong date.")
    interview.refresh_from_db()
    assert not interview.withdrawn


def test_a_formal_interview_cannot_follow_a_withdrawn_informal_one(applicant, alice):
    pass_interviews(applicant, alice, "informal")
    services.withdraw_step(applicant.interviews.get(), by=alice, reason="Wrong person.")
    with pytest.raises(ValidationError, match="passed informal interview"):
        pass_interviews(applicant, alice, "formal")


# --- Unsatisfactory references --------------------------------------------------------


def test_an_unsatisfactory_reference_blocks_sign_off_until_acknowledged(applicant, alice):
    all_steps(applicant, alice)
    reference = unsatisfactory(applicant, alice)
    assert services.sign_off_blockers(applicant) == [
        "An unsatisfactory reference from Pat Doe has not been acknowledged."
    ]
    with pytest.raises(ValidationError, match="Pat Doe has not been acknowledged"):
        services.sign_off(applicant, by=alice)
    with pytest.raises(ValidationError) as caught:
        services.acknowledge_reference(reference, by=alice, note=" ")
    assert "note" in caught.value.message_dict
    services.acknowledge_reference(reference, by=alice, note="A dispute over a fence; discussed.")
    reference.refresh_from_db()
    assert reference.acknowledged_by == alice and reference.acknowledged_at is not None
    assert services.sign_off_blockers(applicant) == []
    assert AuditEvent.objects.filter(action="volunteer.reference_acknowledged").count() == 1
    with pytest.raises(ValidationError, match="already been acknowledged"):
        services.acknowledge_reference(reference, by=alice, note="Again.")


def test_a_withdrawn_unsatisfactory_reference_needs_no_acknowledgement(applicant, alice):
    all_steps(applicant, alice)
    reference = unsatisfactory(applicant, alice)
    services.withdraw_step(reference, by=alice, reason="Recorded on the wrong applicant.")
    assert services.sign_off_blockers(applicant) == []
    with pytest.raises(ValidationError, match="withdrawn"):
        services.acknowledge_reference(reference, by=alice, note="x")


def test_a_satisfactory_reference_is_not_acknowledged(applicant, alice):
    two_references(applicant, alice)
    with pytest.raises(ValidationError, match="Only an unsatisfactory"):
        services.acknowledge_reference(applicant.references.first(), by=alice, note="x")


# --- Correcting details ----------------------------------------------------------------


def test_correcting_details_keeps_history_and_audits_only_field_names(applicant, alice):
    changed = services.correct_details(applicant, by=alice, phone="07700 900999", languages="")
    assert changed == ["phone"]
    applicant.refresh_from_db()
    assert applicant.phone == "07700 900999"
    latest = applicant.history.latest()
    assert latest.history_user == alice and latest.phone == "07700 900999"
    event = AuditEvent.objects.get(action="volunteer.details_corrected")
    assert event.details == {"fields": ["phone"]}
    assert "900999" not in str(event.details)
    [(_at, by, field, before, after)] = volunteer_changes(applicant)
    assert (by, field, before, after) == (alice, "Phone", "07700 900123", "07700 900999")


def test_a_correction_that_changes_nothing_is_not_recorded(applicant, alice):
    assert services.correct_details(applicant, by=alice, phone=applicant.phone) == []
    assert not AuditEvent.objects.filter(action="volunteer.details_corrected").exists()


def test_a_bad_email_is_refused_by_field(applicant, alice):
    with pytest.raises(ValidationError) as caught:
        services.correct_details(applicant, by=alice, email="not-an-email")
    assert "email" in caught.value.message_dict
    applicant.refresh_from_db()
    assert applicant.email == "amira@example.org"


# --- The pages -----------------------------------------------------------------------------


@pytest.fixture
def record(cambridgeshire, alice):
    """A volunteer mid-recruitment, with a step of each kind and an unsatisfactory
    reference; and their login, as if they had one (they may not see these pages)."""
    volunteer = factories.VolunteerFactory(project=cambridgeshire, first_name="Rita")
    pass_interviews(volunteer, alice)
    clear_dbs(volunteer, alice)
    training(volunteer, alice, hours=6)
    unsatisfactory(volunteer, alice)
    volunteer.user = factories.VolunteerUserFactory(email="rita@example.org")
    volunteer.save()
    return volunteer


def page_urls(volunteer):
    pk = volunteer.pk
    reference = volunteer.references.get()
    return [
        reverse("volunteers:withdraw_interview", args=[pk, volunteer.interviews.first().pk]),
        reverse("volunteers:withdraw_dbs_check", args=[pk, volunteer.dbs_checks.get().pk]),
        reverse("volunteers:withdraw_reference", args=[pk, reference.pk]),
        reverse("volunteers:withdraw_training", args=[pk, volunteer.training_attendances.get().pk]),
        reverse("volunteers:acknowledge_reference", args=[pk, reference.pk]),
        reverse("volunteers:edit_details", args=[pk]),
        reverse("volunteers:sign_off", args=[pk]),
        reverse("volunteers:not_progressed", args=[pk]),
    ]


@pytest.mark.parametrize("name", ["alice", "ada"])
def test_the_projects_manager_and_admins_reach_every_page(cast, client_for, record, name):
    client = client_for(cast[name])
    for url in page_urls(record):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("name", ["charlie", "sam", "sally", "vera", "themselves"])
def test_everyone_else_gets_404_and_changes_nothing(cast, client_for, record, name):
    user = record.user if name == "themselves" else cast[name]
    client = client_for(user)
    for url in page_urls(record):
        assert client.get(url).status_code == 404, url
        data = {"reason": "x", "note": "x", "phone": "07700 900000", "first_name": "X"}
        assert client.post(url, data).status_code == 404, url
    assert not any(
        model.objects.exclude(withdrawn_at=None).exists() for model in (Interview, Reference)
    )
    assert record.references.get().acknowledged_at is None
    assert Volunteer.objects.get(pk=record.pk).stage == Stage.CHECKS


def test_anonymous_visitors_are_sent_to_sign_in(client, record):
    for url in page_urls(record):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url


def test_a_step_of_another_volunteer_is_404_through_this_record(cast, client_for, record):
    other = factories.VolunteerFactory(project=record.project)
    pass_interviews(other, cast["alice"], "informal")
    url = reverse("volunteers:withdraw_interview", args=[record.pk, other.interviews.get().pk])
    client = client_for(cast["alice"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert not other.interviews.get().withdrawn


def test_withdrawing_through_its_page(cast, client_for, record):
    client = client_for(cast["alice"])
    formal = record.interviews.get(kind="formal")
    url = reverse("volunteers:withdraw_interview", args=[record.pk, formal.pk])
    page = client.get(url).content.decode()
    assert "no longer counts towards sign-off" in page
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    response = client.post(url, {"reason": "Wrong date."}, follow=True)
    page = response.content.decode()
    assert "is withdrawn" in page
    assert "<del>" in page and "Wrong date." in page
    today = timezone.localdate()
    assert f"Withdrawn {today:%-d %b %Y} by Alice Archer: Wrong date." in " ".join(page.split())
    record.refresh_from_db()
    assert record.stage == Stage.INTERVIEWING


def test_the_record_shows_every_reference_and_flags_the_unsatisfactory(cast, client_for, record):
    two_references(record, cast["alice"])
    training(record, cast["alice"], hours=12)
    pass_interviews(record, cast["alice"], "post_training", held_on=days_ago(5))
    client = client_for(cast["alice"])
    page = client.get(reverse("volunteers:detail", args=[record.pk])).content.decode()
    assert "Pat Doe" in page and "Ruth Baker" in page and "Tom Ellis" in page
    assert "Unsatisfactory" in page
    assert "An unsatisfactory reference from Pat Doe has not been acknowledged." in page
    assert "Every gate is met" not in page
    sign_off_page = client.get(reverse("volunteers:sign_off", args=[record.pk])).content.decode()
    assert "Every gate is met" not in sign_off_page
    assert client.post(reverse("volunteers:sign_off", args=[record.pk])).status_code == 400

    url = reverse(
        "volunteers:acknowledge_reference",
        args=[record.pk, record.references.get(referee_name="Pat Doe").pk],
    )
    assert client.post(url, {"note": ""}).status_code == 400
    client.post(url, {"note": "Old dispute; discussed at interview."})
    page = client.get(reverse("volunteers:detail", args=[record.pk])).content.decode()
    assert "Every gate is met" in page
    assert "Old dispute; discussed at interview." in page


def test_sign_off_asks_first_and_then_signs_off(cast, client_for, applicant):
    all_steps(applicant, cast["alice"])
    client = client_for(cast["alice"])
    page = client.get(reverse("volunteers:sign_off", args=[applicant.pk])).content.decode()
    assert "can be matched with a family" in page
    applicant.refresh_from_db()
    assert applicant.stage == Stage.TRAINING  # looking changes nothing
    assert client.post(reverse("volunteers:sign_off", args=[applicant.pk])).status_code == 302
    applicant.refresh_from_db()
    assert applicant.stage == Stage.READY


def test_not_progressed_asks_first(cast, client_for, applicant):
    client = client_for(cast["alice"])
    page = client.get(reverse("volunteers:not_progressed", args=[applicant.pk])).content.decode()
    assert "closes their recruitment" in page
    applicant.refresh_from_db()
    assert applicant.stage == Stage.APPLIED


def test_correcting_details_through_the_page(cast, client_for, record):
    client = client_for(cast["alice"])
    url = reverse("volunteers:edit_details", args=[record.pk])
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name) for name in form.fields}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    response = client.post(url, {**data, "phone": "12"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error-summary"' in page and 'value="12"' in page
    client.post(url, {**data, "phone": "07700 900777"})
    record.refresh_from_db()
    assert record.phone == "07700 900777"
    page = client.get(reverse("volunteers:detail", args=[record.pk])).content.decode()
    assert "07700 900123 → 07700 900777" in page


def test_withdrawn_steps_leave_the_volunteer_record_and_the_training_hours(applicant, alice):
    pass_interviews(applicant, alice, "informal")
    clear_dbs(applicant, alice)
    attendance = training(applicant, alice, hours=6)
    services.withdraw_step(applicant.dbs_checks.get(), by=alice, reason="Wrong person.")
    services.withdraw_step(attendance, by=alice, reason="Not there.")
    context = volunteer_record_context(applicant)
    assert [step[0] for step in context["steps"]] == ["Applied", "Informal interview"]
    assert context["training"] == [] and context["initial_hours"] == "0"
