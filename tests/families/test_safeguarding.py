"""Safeguarding concerns: raised at any time, acknowledged in time or escalated, worked
through an actions log, closed with an outcome and reopened; who may do each."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from families import policy, selectors, services
from families.models import Concern, ConcernAction
from families.tasks import escalate_unacknowledged_concerns
from tests import factories
from vicp.models import AuditEvent

pytestmark = pytest.mark.django_db


CLOSING = {
    "outcome": "mash",
    "follow_up": "Duty team took a referral; strategy discussion on Friday.",
    "information_shared": "Shared the volunteer's account with the MASH duty worker.",
}


def raise_one(family, by, **overrides):
    arguments = {"details": "Amy had a bruise on her arm she would not explain."}
    return services.raise_concern(family=family, by=by, **{**arguments, **overrides})


def minutes_ago(minutes):
    return timezone.now() - datetime.timedelta(minutes=minutes)


# --- raising -----------------------------------------------------------------------------


def test_a_concern_is_raised_outside_a_visit_by_each_person_on_the_case(match, alice, sam):
    volunteer = match.volunteer.user
    for person in (volunteer, alice, sam):
        concern = raise_one(match.family, person, category="neglect", immediate_danger=True)
        assert concern.visit is None and concern.family == match.family
        assert concern.raised_by == person and concern.category == "neglect"
        assert concern.immediate_danger
    assert AuditEvent.objects.filter(action="concern.raised").count() == 3


def test_nobody_off_the_case_raises_a_concern(match, charlie, sally, una):
    for person in (charlie, sally, una):
        with pytest.raises(ValidationError):
            raise_one(match.family, person)
    assert not Concern.objects.exists()


def test_a_volunteer_whose_match_ended_raises_no_concern_about_the_family(match, alice):
    volunteer = match.volunteer.user
    services.end_match(match, by=alice, ended_on=timezone.localdate(), reason="planned")
    with pytest.raises(ValidationError):
        raise_one(match.family, volunteer)


def test_every_problem_with_a_concern_is_told_at_once(match):
    with pytest.raises(ValidationError) as error:
        raise_one(
            match.family,
            match.volunteer.user,
            details="   ",
            category="gossip",
            noticed_at=timezone.now() + datetime.timedelta(hours=1),
        )
    assert set(error.value.message_dict) == {"details", "category", "noticed_at"}
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("ahead", "ok"),
    [(datetime.timedelta(seconds=50), True), (datetime.timedelta(minutes=2), False)],
)
def test_when_it_happened_may_be_this_minute_but_not_later(match, ahead, ok):
    noticed_at = timezone.now() + ahead
    if ok:
        assert raise_one(match.family, match.volunteer.user, noticed_at=noticed_at).noticed_at
    else:
        with pytest.raises(ValidationError):
            raise_one(match.family, match.volunteer.user, noticed_at=noticed_at)


def test_a_concern_takes_one_of_a_family_or_a_visit(match):
    with pytest.raises(TypeError):
        services.raise_concern(by=match.volunteer.user, details="x")


# --- acknowledging and escalating ---------------------------------------------------------


@pytest.mark.parametrize(("minutes", "overdue"), [(59, False), (60, True), (61, True)])
def test_a_concern_is_overdue_once_its_hour_has_passed(match, settings, minutes, overdue):
    settings.VICP_CONCERN_ACK_MINUTES = 60
    concern = raise_one(match.family, match.volunteer.user)
    Concern.objects.filter(pk=concern.pk).update(raised_at=minutes_ago(minutes))
    concern.refresh_from_db()
    assert policy.is_overdue(concern) is overdue
    # The register and the escalation ask the same rule as a query.
    assert policy.overdue(Concern.objects.all()).filter(pk=concern.pk).exists() is overdue


def test_an_unacknowledged_concern_is_escalated_once(match, settings, alice, mailoutbox):
    settings.VICP_CONCERN_ACK_MINUTES = 60
    late = raise_one(match.family, match.volunteer.user)
    early = raise_one(match.family, match.volunteer.user)
    Concern.objects.filter(pk=late.pk).update(raised_at=minutes_ago(61))
    Concern.objects.filter(pk=early.pk).update(raised_at=minutes_ago(59))
    mailoutbox.clear()
    assert escalate_unacknowledged_concerns() == [late.pk]
    assert escalate_unacknowledged_concerns() == []
    (message,) = mailoutbox
    assert message.to == ["alice@example.org"]
    assert match.family.case_reference in message.subject
    assert "bruise" not in message.body
    assert AuditEvent.objects.filter(action="concern.escalated").count() == 1


def test_an_acknowledged_concern_is_not_escalated(match, settings, alice):
    settings.VICP_CONCERN_ACK_MINUTES = 60
    concern = raise_one(match.family, match.volunteer.user)
    services.acknowledge_concern(concern, by=alice)
    Concern.objects.filter(pk=concern.pk).update(raised_at=minutes_ago(120))
    assert escalate_unacknowledged_concerns() == []
    concern.refresh_from_db()
    assert not policy.is_overdue(concern)


def test_only_a_manager_acknowledges_and_only_once(match, alice, sam, ada):
    concern = raise_one(match.family, match.volunteer.user)
    for person in (sam, match.volunteer.user):
        with pytest.raises(ValidationError):
            services.acknowledge_concern(concern, by=person)
    services.acknowledge_concern(concern, by=alice)
    with pytest.raises(ValidationError, match="Alice Archer acknowledged"):
        services.acknowledge_concern(concern, by=ada)
    concern.refresh_from_db()
    assert concern.acknowledged_by == alice and concern.status_label == "Acknowledged"


# --- the actions log ----------------------------------------------------------------------


def test_the_actions_log_is_written_by_managers_and_the_social_worker(match, alice, sam):
    concern = raise_one(match.family, match.volunteer.user)
    services.log_concern_action(
        concern, by=alice, action="Rang the duty team.", informed="MASH duty worker", means="phone"
    )
    services.log_concern_action(
        concern, by=sam, action="Visited the family.", informed="", means="nobody"
    )
    with pytest.raises(ValidationError):
        services.log_concern_action(
            concern, by=match.volunteer.user, action="I rang them.", means="nobody"
        )
    concern.refresh_from_db()
    assert [entry.recorded_by for entry in concern.actions.all()] == [alice, sam]
    assert concern.is_open  # an entry never closes the concern


def test_a_log_entry_names_who_was_told_unless_nobody_was(match, alice):
    concern = raise_one(match.family, match.volunteer.user)
    with pytest.raises(ValidationError) as error:
        services.log_concern_action(
            concern,
            by=alice,
            action="",
            means="phone",
            informed=" ",
            done_at=timezone.now() + datetime.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"action", "informed", "done_at"}
    with pytest.raises(ValidationError) as error:
        services.log_concern_action(concern, by=alice, action="Rang.", means="carrier pigeon")
    assert set(error.value.message_dict) == {"means"}
    assert not ConcernAction.objects.exists()


# --- closing and reopening ----------------------------------------------------------------


def test_closing_needs_an_outcome_its_reasons_and_the_information_shared(match, alice):
    concern = raise_one(match.family, match.volunteer.user)
    with pytest.raises(ValidationError) as error:
        services.close_concern(concern, by=alice, outcome="", follow_up=" ", information_shared="")
    assert set(error.value.message_dict) == {"outcome", "follow_up", "information_shared"}
    with pytest.raises(ValidationError):  # kept for concerns closed before outcomes were asked
        services.close_concern(concern, by=alice, **{**CLOSING, "outcome": "not_recorded"})
    services.close_concern(concern, by=alice, **CLOSING)
    concern.refresh_from_db()
    assert concern.outcome == "mash" and not concern.is_open
    # Closing unacknowledged acknowledges it: it is no longer waiting for anyone.
    assert concern.acknowledged_by == alice
    with pytest.raises(ValidationError, match="already been closed"):
        services.close_concern(concern, by=alice, **CLOSING)


def test_only_the_projects_managers_close_and_reopen(match, alice, charlie, sam):
    concern = raise_one(match.family, match.volunteer.user)
    for person in (sam, charlie, match.volunteer.user):
        with pytest.raises(ValidationError):
            services.close_concern(concern, by=person, **CLOSING)
    services.close_concern(concern, by=alice, **CLOSING)
    for person in (sam, charlie):
        with pytest.raises(ValidationError):
            services.reopen_concern(concern, by=person, reason="New information.")


def test_a_reopened_concern_keeps_its_earlier_outcome_in_its_history(match, alice):
    concern = raise_one(match.family, match.volunteer.user)
    services.close_concern(concern, by=alice, **CLOSING)
    with pytest.raises(ValidationError) as error:
        services.reopen_concern(concern, by=alice, reason="")
    assert "reason" in error.value.message_dict
    services.reopen_concern(concern, by=alice, reason="The school rang with a new worry.")
    concern.refresh_from_db()
    assert concern.is_open and concern.closed_at is None
    assert concern.history.filter(closed_at__isnull=False, outcome="mash").exists()
    (entry,) = concern.actions.all()
    assert "The school rang with a new worry." in entry.action
    with pytest.raises(ValidationError, match="already open"):
        services.reopen_concern(concern, by=alice, reason="Again.")
    assert AuditEvent.objects.filter(action="concern.reopened").count() == 1


# --- who reads what ---------------------------------------------------------------------


def test_concerns_are_read_by_the_cases_managers_and_social_worker(
    match, alice, sam, ada, charlie, sally, una
):
    concern = raise_one(match.family, match.volunteer.user)
    for person in (alice, sam, ada):
        assert list(selectors.concerns_visible_to(person)) == [concern]
    for person in (charlie, sally, una, match.volunteer.user):
        assert not selectors.concerns_visible_to(person).exists()


@pytest.mark.parametrize("name", ["alice", "sam", "ada"])
def test_the_concern_page_opens_for_those_who_read_concerns(client_for, match, cast, name):
    concern = raise_one(match.family, match.volunteer.user)
    person = cast[name]
    response = client_for(person).get(reverse("families:concern", args=[concern.pk]))
    assert response.status_code == 200
    assert "bruise on her arm" in response.content.decode()
    assert AuditEvent.objects.filter(action="concern.viewed", actor=person).exists()


@pytest.mark.parametrize("name", ["charlie", "sally", "una", "val"])
def test_the_concern_page_is_404_to_everyone_else(client_for, match, cast, name):
    concern = raise_one(match.family, match.volunteer.user)
    person = match.volunteer.user if name == "val" else cast[name]
    client = client_for(person)
    assert client.get(reverse("families:concern", args=[concern.pk])).status_code == 404
    for url_name in ("acknowledge_concern", "log_concern_action", "close_concern"):
        assert client.post(reverse(f"families:{url_name}", args=[concern.pk])).status_code == 404
    concern.refresh_from_db()
    assert concern.acknowledged_at is None and concern.is_open


def test_the_social_worker_may_log_but_not_acknowledge_close_or_reopen(client_for, match, sam):
    concern = raise_one(match.family, match.volunteer.user)
    client = client_for(sam)
    page = client.get(reverse("families:concern", args=[concern.pk])).content.decode()
    assert "Add to the log" in page
    assert "Acknowledge:" not in page and "Close the concern" not in page
    for url_name in ("acknowledge_concern", "close_concern", "reopen_concern"):
        assert client.post(reverse(f"families:{url_name}", args=[concern.pk])).status_code == 404


def test_the_volunteer_is_told_the_status_of_their_concerns_only(client_for, match, alice):
    volunteer = match.volunteer.user
    concern = raise_one(match.family, volunteer)
    client = client_for(volunteer)
    home = client.get(reverse("vicp:home")).content.decode()
    assert "Concerns you raised" in home and "Received" in home
    services.acknowledge_concern(concern, by=alice)
    services.log_concern_action(
        concern, by=alice, action="Rang the MASH duty worker.", informed="MASH", means="phone"
    )
    services.close_concern(concern, by=alice, **CLOSING)
    home = client.get(reverse("vicp:home")).content.decode()
    assert "Closed" in home
    assert "MASH" not in home and CLOSING["follow_up"] not in home


def test_the_raise_page_offers_999_and_the_projects_safeguarding_phone(client_for, match):
    project = match.family.project
    project.safeguarding_phone = "01223 555 010"
    project.save()
    client = client_for(match.volunteer.user)
    page = client.get(reverse("families:raise_concern", args=[match.family.pk])).content.decode()
    assert 'href="tel:999"' in page
    assert 'href="tel:01223555010"' in page


def test_a_refused_concern_keeps_what_was_typed(client_for, match):
    client = client_for(match.volunteer.user)
    url = reverse("families:raise_concern", args=[match.family.pk])
    response = client.post(
        url,
        {
            "concern-kind": "child",
            "concern-category": "neglect",
            "concern-details": "No food in the house again.",
            "concern-noticed_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "No food in the house again." in page
    assert "This time is in the future" in page
    assert not Concern.objects.exists()


def test_a_concern_raised_on_the_page_reaches_the_managers(client_for, match, alice):
    client = client_for(match.volunteer.user)
    response = client.post(
        reverse("families:raise_concern", args=[match.family.pk]),
        {
            "concern-kind": "child",
            "concern-category": "emotional",
            "concern-details": "Amy said she is scared of her mum's partner.",
            # Yesterday: 09:30 today is still to come when the suite runs before then.
            "concern-noticed_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "concern-noticed_time": "09:30",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("vicp:home")
    concern = Concern.objects.get()
    assert concern.category == "emotional" and concern.visit is None
    assert timezone.localtime(concern.noticed_at).time() == datetime.time(9, 30)
    home = client_for(alice).get(reverse("vicp:home")).content.decode()
    assert reverse("families:concern", args=[concern.pk]) in home


# --- allegations against someone in a position of trust -------------------------------


@pytest.fixture
def leads(match, alice, cambridgeshire):
    """Dee, a second manager of Cambridgeshire, is its designated safeguarding lead; Alice
    is a manager but no lead."""
    dee = factories.ProjectManagerFactory(
        email="dee@example.org", first_name="Dee", last_name="Lead"
    )
    cambridgeshire.managers.add(dee)
    cambridgeshire.safeguarding_lead = dee
    cambridgeshire.save()
    return dee


def allege(match, by):
    return raise_one(
        match.family,
        by,
        kind=Concern.Kind.ALLEGATION,
        subject=match.volunteer.user,
        category="emotional",
        details="Val shouted at Amy and told her not to tell anyone.",
    )


def test_an_allegation_says_who_it_is_about(match, sam, una):
    with pytest.raises(ValidationError) as error:
        raise_one(match.family, sam, kind=Concern.Kind.ALLEGATION)
    assert "subject" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # a volunteer who never worked with them
        raise_one(match.family, sam, kind=Concern.Kind.ALLEGATION, subject=una)
    assert "subject" in error.value.message_dict
    concern = raise_one(
        match.family,
        sam,
        kind=Concern.Kind.ALLEGATION,
        subject_description="The driver who brings the volunteer",
    )
    assert concern.is_allegation and concern.subject is None


def test_an_allegation_is_read_only_by_the_leads_and_administrators(
    client_for, match, leads, alice, sam, ada
):
    concern = allege(match, sam)
    child = raise_one(match.family, sam)
    assert set(selectors.concerns_visible_to(leads)) == {concern, child}
    assert set(selectors.concerns_visible_to(ada)) == {concern, child}
    for person in (alice, sam):
        assert list(selectors.concerns_visible_to(person)) == [child]
        response = client_for(person).get(reverse("families:concern", args=[concern.pk]))
        assert response.status_code == 404
        home = client_for(person).get(reverse("vicp:home")).content.decode()
        assert reverse("families:concern", args=[concern.pk]) not in home
    assert client_for(leads).get(reverse("families:concern", args=[concern.pk])).status_code == 200
    with pytest.raises(ValidationError):
        services.acknowledge_concern(concern, by=alice)
    services.acknowledge_concern(concern, by=leads)


def test_an_allegation_is_emailed_to_the_leads_and_administrators_only(
    match, leads, alice, sam, ada, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        allege(match, sam)
    (message,) = mailoutbox
    assert sorted(message.to) == ["ada@example.org", "dee@example.org"]
    assert "Val" not in message.body and "shouted" not in message.body


def test_a_suspended_volunteer_loses_the_family_at_once(client_for, match, leads, sam):
    volunteer = match.volunteer.user
    family = match.family
    concern = allege(match, sam)
    client = client_for(volunteer)
    assert client.get(reverse("families:detail", args=[family.pk])).status_code == 200
    with pytest.raises(ValidationError):
        services.suspend_volunteer(concern, by=leads, reason="")
    services.suspend_volunteer(concern, by=leads, reason="Pending the LADO's advice.")
    match.refresh_from_db()
    assert match.is_suspended and match.is_active  # the match stays, paused
    assert client.get(reverse("families:detail", args=[family.pk])).status_code == 404
    assert client.get(reverse("families:log_visit", args=[family.pk])).status_code == 404
    home = client.get(reverse("vicp:home")).content.decode()
    assert family.case_reference not in home and "paused" in home
    assert not policy.is_matched_volunteer(volunteer, family)
    with pytest.raises(ValidationError):
        services.log_visit(
            match=match, by=volunteer, visited_on=timezone.localdate(), duration_minutes=60
        )
    with pytest.raises(ValidationError, match="already suspended"):
        services.suspend_volunteer(concern, by=leads, reason="Again.")
    services.lift_suspension(concern, by=leads, reason="The LADO advised no further action.")
    assert client.get(reverse("families:detail", args=[family.pk])).status_code == 200
    assert [entry.action.split(" (")[0] for entry in concern.actions.all()] == [
        "Volunteer suspended from their match",
        "Suspension lifted",
    ]


def test_only_the_leads_suspend(client_for, match, leads, alice, sam):
    concern = allege(match, sam)
    for person in (alice, sam):
        with pytest.raises(ValidationError):
            services.suspend_volunteer(concern, by=person, reason="x")
        response = client_for(person).post(
            reverse("families:suspend_volunteer", args=[concern.pk]),
            {"suspension-reason": "x"},
        )
        assert response.status_code == 404
    child = raise_one(match.family, sam)
    with pytest.raises(ValidationError):  # a concern about a child suspends nobody
        services.suspend_volunteer(child, by=leads, reason="x")
    match.refresh_from_db()
    assert not match.is_suspended


def test_the_lead_suspends_from_the_allegations_page(client_for, match, leads, sam):
    concern = allege(match, sam)
    client = client_for(leads)
    page = client.get(reverse("families:concern", args=[concern.pk])).content.decode()
    assert "Suspend from the match" in page
    response = client.post(
        reverse("families:suspend_volunteer", args=[concern.pk]), {"suspension-reason": ""}
    )
    assert response.status_code == 400 and "Give the reason." in response.content.decode()
    response = client.post(
        reverse("families:suspend_volunteer", args=[concern.pk]),
        {"suspension-reason": "Pending the LADO."},
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.suspended_for == concern
    page = client.get(reverse("families:concern", args=[concern.pk])).content.decode()
    assert "Lift the suspension" in page


# --- correcting the record ----------------------------------------------------------------


def test_a_manager_corrects_a_concern_and_the_earlier_account_is_kept(client_for, match, alice):
    concern = raise_one(match.family, match.volunteer.user, category="other")
    with pytest.raises(ValidationError) as error:
        services.correct_concern(concern, by=alice, reason="", details=" ")
    assert set(error.value.message_dict) == {"reason", "details"}
    services.correct_concern(
        concern,
        by=alice,
        reason="The volunteer rang to say it was neglect",
        category="neglect",
        details="Amy had a bruise on her arm; the cupboards were empty.",
    )
    concern.refresh_from_db()
    assert concern.category == "neglect"
    (correction,) = selectors.concern_corrections(concern)
    assert correction["reason"] == "The volunteer rang to say it was neglect"
    assert (
        "what was seen or heard",
        "Amy had a bruise on her arm she would not explain.",
        "Amy had a bruise on her arm; the cupboards were empty.",
    ) in correction["changes"]
    assert AuditEvent.objects.filter(action="concern.corrected").count() == 1
    page = client_for(alice).get(reverse("families:concern", args=[concern.pk])).content.decode()
    assert "The volunteer rang to say it was neglect" in page and "Something else" in page


def test_only_a_manager_corrects_a_concern(client_for, match, sam):
    concern = raise_one(match.family, match.volunteer.user)
    with pytest.raises(ValidationError):
        services.correct_concern(concern, by=sam, reason="x", details="Changed.")
    response = client_for(sam).post(
        reverse("families:correct_concern", args=[concern.pk]),
        {"correct-details": "Changed.", "correct-category": "other", "correct-reason": "x"},
    )
    assert response.status_code == 404
    concern.refresh_from_db()
    assert concern.details.startswith("Amy had a bruise")


def test_a_refused_correction_keeps_what_was_typed(client_for, match, alice):
    concern = raise_one(match.family, match.volunteer.user)
    response = client_for(alice).post(
        reverse("families:correct_concern", args=[concern.pk]),
        {"correct-details": "A corrected account.", "correct-category": "neglect"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A corrected account." in page and "Say why the record is corrected." in page
    concern.refresh_from_db()
    assert concern.category == "other"


@pytest.mark.parametrize(
    ("name", "lands_on"), [("sam", "case"), ("alice", "case"), ("dee", "concern")]
)
def test_who_may_not_read_the_allegation_they_raised_goes_back_to_the_case(
    client_for, match, leads, alice, sam, name, lands_on
):
    raiser = {"sam": sam, "alice": alice, "dee": leads}[name]
    response = client_for(raiser).post(
        reverse("families:raise_concern", args=[match.family.pk]),
        {
            "concern-kind": "allegation",
            "concern-subject": match.volunteer.user.pk,
            "concern-category": "physical",
            "concern-details": "Amy said Val grabbed her arm in the car.",
            "concern-noticed_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    concern = Concern.objects.get()
    assert concern.is_allegation and concern.subject == match.volunteer.user
    expected = {
        "case": reverse("families:detail", args=[match.family.pk]),
        "concern": reverse("families:concern", args=[concern.pk]),
    }[lands_on]
    assert response.redirect_chain == [(expected, 302)]
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your concern has been recorded." in page
    # Told who knows now: the leads only (the person it is about may be a manager).
    assert "The project&#x27;s safeguarding leads have been told." in page
    assert "managers have been told" not in page
