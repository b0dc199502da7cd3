"""Logging visits and raising concerns: the rules at their edges, and who sees what."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from families import services
from families.models import Concern, Visit, VisitActivity
from tests import factories

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def log(match, by=None, **overrides):
    arguments = {
        "visited_on": today(),
        "duration_minutes": 120,
        "contact_made": True,
        "medium": "in_person",
        "engagement": 4,
    }
    return services.log_visit(
        match=match, by=by or match.volunteer.user, **{**arguments, **overrides}
    )


# --- the rules ----------------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "ok"), [(14, False), (15, True), (480, True), (481, False)])
def test_a_visit_lasts_15_to_480_minutes(match, minutes, ok):
    if ok:
        assert log(match, duration_minutes=minutes).duration_minutes == minutes
    else:
        with pytest.raises(ValidationError) as error:
            log(match, duration_minutes=minutes)
        assert "duration_minutes" in error.value.message_dict


def test_a_visit_today_is_fine_tomorrow_is_refused(match):
    log(match, visited_on=today())
    with pytest.raises(ValidationError, match="future"):
        log(match, visited_on=today() + datetime.timedelta(days=1))


def test_a_visit_on_the_first_day_of_the_match_but_not_before(match):
    log(match, visited_on=match.started_on)
    with pytest.raises(ValidationError, match="cannot be before"):
        log(match, visited_on=match.started_on - datetime.timedelta(days=1))


def test_a_family_not_at_home_is_an_attempt_worth_recording(match):
    visit = log(match, contact_made=False, engagement=None, duration_minutes=15)
    assert visit.contact_made is False and visit.engagement is None


def test_engagement_is_needed_when_the_family_was_seen(match):
    with pytest.raises(ValidationError) as error:
        log(match, engagement=None)
    assert "engagement" in error.value.message_dict


@pytest.mark.parametrize(("miles", "ok"), [(0, False), (1, True), (999, True), (1000, False)])
def test_miles_are_1_to_999(match, miles, ok):
    if ok:
        assert log(match, miles=miles).miles == miles
    else:
        with pytest.raises(ValidationError):
            log(match, miles=miles)


def test_only_the_matched_volunteer_or_a_manager_logs(
    match, alice, charlie, ready_volunteer, cambridgeshire
):
    log(match, by=alice)
    other = factories.ReadyVolunteerFactory(project=cambridgeshire, signed_off_by=alice)
    for person in (charlie, other.user):
        with pytest.raises(ValidationError, match="Only the matched volunteer"):
            log(match, by=person)


def test_no_visit_after_the_match_ended(match, alice):
    services.end_match(match, by=alice, reason="planned")
    with pytest.raises(ValidationError, match="has ended"):
        log(match)


def test_a_draft_is_kept_and_finished_later(match):
    draft = log(match, engagement=None, notes="Half written", draft=True)
    assert draft.status == Visit.Status.DRAFT
    finished = log(match, visit=draft, notes="All written")
    assert finished.pk == draft.pk
    assert finished.status == Visit.Status.LOGGED


# --- concerns ----------------------------------------------------------------------------


def test_a_concern_alerts_the_manager_and_the_social_worker_at_once(
    match, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        log(match, concern="Amy had a bruise she would not explain.")
    concern = Concern.objects.get()
    assert concern.is_open and concern.family == match.family
    (message,) = mail.outbox[-1:]
    assert sorted(message.to) == ["alice@example.org", "sam@example.org"]
    assert "bruise" not in message.body  # the email carries no details


def test_a_concern_typed_into_a_draft_is_raised_at_once(match, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = log(match, draft=True, concern="Amy said she is scared to go home.")
    assert draft.status == Visit.Status.DRAFT
    concern = Concern.objects.get()
    assert concern.is_open and concern.visit == draft
    (message,) = mail.outbox[-1:]
    assert sorted(message.to) == ["alice@example.org", "sam@example.org"]


def test_a_concern_is_closed_with_its_follow_up_by_a_manager(match, alice, sam):
    log(match, concern="Worried.")
    concern = Concern.objects.get()
    closing = {"outcome": "social_worker", "information_shared": "Told the SW by phone."}
    with pytest.raises(ValidationError):
        services.close_concern(concern, by=sam, follow_up="Seen", **closing)
    with pytest.raises(ValidationError) as error:
        services.close_concern(concern, by=alice, follow_up="", **closing)
    assert "follow_up" in error.value.message_dict
    services.close_concern(
        concern, by=alice, follow_up="Spoke to the duty team; SW visited.", **closing
    )
    concern.refresh_from_db()
    assert not concern.is_open and concern.closed_by == alice


def test_open_concerns_show_on_both_home_pages(client_for, match, alice, sam):
    log(match, concern="Worried.")
    for person in (alice, sam):
        page = client_for(person).get(reverse("vicp:home")).content.decode()
        assert "Open safeguarding concern" in page
        assert match.family.case_reference in page


# --- pages -------------------------------------------------------------------------------


def test_the_volunteer_logs_a_visit_from_the_phone_form(client_for, match):
    client = client_for(match.volunteer.user)
    url = reverse("families:log_visit", args=[match.family.pk])
    assert client.get(url).status_code == 200
    activity = VisitActivity.objects.first()
    response = client.post(
        url,
        {
            "visited_on": today().isoformat(),
            "start_time": "10:00",
            "duration_minutes": "90",
            "contact_made": "yes",
            "medium": "in_person",
            "place": "home",
            "activities": [activity.pk],
            "notes": "Morning routine went well.",
            "engagement": "4",
            "action": "log",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("families:visit_detail", args=[visit.pk]))
    assert (visit.duration_minutes, visit.engagement, visit.logged_by) == (
        90,
        4,
        match.volunteer.user,
    )


def test_bad_input_keeps_everything_typed(client_for, match):
    response = client_for(match.volunteer.user).post(
        reverse("families:log_visit", args=[match.family.pk]),
        {
            "visited_on": today().isoformat(),
            "duration_minutes": "481",
            "contact_made": "yes",
            "medium": "in_person",
            "notes": "A long note I must not lose.",
            "engagement": "3",
            "action": "log",
        },
    )
    assert response.status_code == 400
    assert "duration_minutes" in response.context["form"].errors
    assert "A long note I must not lose." in response.content.decode()
    assert not Visit.objects.exists()


def test_a_concern_box_ticked_without_details_is_explained(client_for, match):
    response = client_for(match.volunteer.user).post(
        reverse("families:log_visit", args=[match.family.pk]),
        {
            "visited_on": today().isoformat(),
            "duration_minutes": "60",
            "contact_made": "yes",
            "medium": "in_person",
            "engagement": "3",
            "has_concern": "on",
            "concern": "",
            "action": "log",
        },
    )
    assert "concern" in response.context["form"].errors


def test_the_volunteer_sees_the_family_only_while_matched(client_for, match, alice):
    client = client_for(match.volunteer.user)
    visit = log(match)
    family_url = reverse("families:detail", args=[match.family.pk])
    visit_url = reverse("families:visit_detail", args=[visit.pk])
    assert client.get(family_url).status_code == 200
    assert client.get(visit_url).status_code == 200
    services.end_match(match, by=alice, reason="planned")
    for url in (family_url, visit_url, reverse("families:log_visit", args=[match.family.pk])):
        assert client.get(url).status_code == 404


def test_a_volunteer_sees_only_the_visits_they_logged(client_for, match, alice):
    by_manager = log(match, by=alice)
    response = client_for(match.volunteer.user).get(
        reverse("families:visit_detail", args=[by_manager.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["sam", "charlie", "vera"])
def test_others_cannot_open_a_visit_or_log_one(client_for, cast, match, who):
    visit = log(match)
    client = client_for(cast[who])
    assert client.get(reverse("families:visit_detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("families:log_visit", args=[match.family.pk])).status_code == 404


def test_the_volunteers_home_shows_the_family_and_drafts(client_for, match):
    log(match, engagement=None, draft=True)
    page = client_for(match.volunteer.user).get(reverse("vicp:home")).content.decode()
    assert "Doe family" in page and "Log a visit" in page and "Visits to finish" in page
    assert "Amy (7)" in page


def test_the_managers_home_lists_matches_without_contact_for_14_days(client_for, match, alice):
    log(match, visited_on=today() - datetime.timedelta(days=14))
    page = client_for(alice).get(reverse("vicp:home")).content.decode()
    assert f"{match.family.case_reference}</a> with Val Green: last contact" in page
    with time_machine.travel(timezone.now() - datetime.timedelta(days=1)):
        page = client_for(alice).get(reverse("vicp:home")).content.decode()
    assert "Every active match has had contact" in page


def test_the_family_page_summarises_the_visits(client_for, match, alice):
    log(match, duration_minutes=120)
    log(match, duration_minutes=90, visited_on=today() - datetime.timedelta(days=7))
    log(match, contact_made=False, engagement=None, duration_minutes=15)
    summary = (
        client_for(alice).get(reverse("families:detail", args=[match.family.pk])).context["summary"]
    )
    assert (summary["visits"], summary["attempts"], summary["hours"]) == (2, 1, 3.5)
    assert summary["per_week"] == 0.5
    assert summary["last_contact"] == today()


def test_the_managers_home_lists_matches_reaching_26_weeks(client_for, match, alice):
    match.started_on = today() - datetime.timedelta(weeks=26)
    match.save()
    page = client_for(alice).get(reverse("vicp:home")).content.decode()
    assert "Matches of 26 weeks or more" in page


@pytest.fixture
def second_match(cambridgeshire, sam, alice):
    """Another family of Cambridgeshire, matched with another volunteer today."""

    family = factories.AcceptedFamilyFactory(
        project=cambridgeshire, social_worker=sam, accepted_by=alice
    )
    volunteer = factories.ReadyVolunteerFactory(
        project=cambridgeshire, email="wes@example.org", signed_off_by=alice
    )
    return factories.ActiveMatchFactory(family=family, volunteer=volunteer, started_by=alice)


def quiet_matches(client_for, alice):
    return client_for(alice).get(reverse("vicp:home")).context["quiet_matches"]


@pytest.mark.parametrize(("days_ago", "quiet"), [(13, False), (14, True)])
def test_no_contact_alert_at_14_days_since_the_last_contact(
    client_for, match, alice, days_ago, quiet
):
    log(match, visited_on=today() - datetime.timedelta(days=days_ago))
    # Neither an attempt nor an unfinished draft is contact.
    log(match, contact_made=False, engagement=None, duration_minutes=15)
    log(match, draft=True)
    listed = quiet_matches(client_for, alice)
    assert [m.pk for m in listed] == ([match.pk] if quiet else [])
    if quiet:
        assert listed[0].last_contact == today() - datetime.timedelta(days=14)


@pytest.mark.parametrize(("started_days_ago", "quiet"), [(13, False), (14, True)])
def test_no_contact_alert_at_14_days_into_a_match_without_contact(
    client_for, match, alice, started_days_ago, quiet
):
    match.started_on = today() - datetime.timedelta(days=started_days_ago)
    match.save()
    log(match, contact_made=False, engagement=None, duration_minutes=15)
    listed = quiet_matches(client_for, alice)
    assert [m.pk for m in listed] == ([match.pk] if quiet else [])
    if quiet:
        assert listed[0].last_contact is None
        assert (
            "no contact since the match started"
            in client_for(alice).get(reverse("vicp:home")).content.decode()
        )


def test_no_contact_alert_longest_silence_first_never_contacted_last(
    client_for, match, alice, second_match
):
    log(match, visited_on=today() - datetime.timedelta(days=20))
    second_match.started_on = today() - datetime.timedelta(days=60)
    second_match.save()
    assert [m.pk for m in quiet_matches(client_for, alice)] == [match.pk, second_match.pk]
    services.end_match(match, by=alice, reason="disengaged")
    assert [m.pk for m in quiet_matches(client_for, alice)] == [second_match.pk]


# --- changing a visit afterwards --------------------------------------------------------


def test_the_volunteer_may_change_a_visit_for_7_days(match):
    visit = log(match, duration_minutes=60)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6, hours=23)):
        services.edit_visit(visit, by=match.volunteer.user, duration_minutes=75)
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)),
        pytest.raises(ValidationError, match="7 days"),
    ):
        services.edit_visit(visit, by=match.volunteer.user, duration_minutes=90)
    visit.refresh_from_db()
    assert visit.duration_minutes == 75


def test_a_managers_correction_needs_a_reason_and_is_kept(match, alice):
    visit = log(match, duration_minutes=60, notes="Before")
    with pytest.raises(ValidationError) as error:
        services.edit_visit(visit, by=alice, duration_minutes=90)
    assert "reason" in error.value.message_dict
    services.edit_visit(
        visit, by=alice, duration_minutes=90, notes="After", reason="Volunteer's note"
    )
    (change,) = visit.changes.all()
    assert change.by == alice and change.reason == "Volunteer's note"
    assert change.changes == {"duration_minutes": [60, 90], "notes": ["Before", "After"]}


def test_changes_follow_the_same_rules(match):
    visit = log(match)
    with pytest.raises(ValidationError):
        services.edit_visit(visit, by=match.volunteer.user, duration_minutes=481)


def test_the_edit_page_for_the_volunteer_and_the_manager(client_for, match, alice):
    visit = log(match, duration_minutes=60)
    url = reverse("families:edit_visit", args=[visit.pk])
    volunteer = client_for(match.volunteer.user)
    assert volunteer.get(url).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert client_for(match.volunteer.user).get(url).status_code == 404
    manager = client_for(alice)
    data = {
        "visited_on": visit.visited_on.isoformat(),
        "duration_minutes": "90",
        "contact_made": "yes",
        "medium": "in_person",
        "engagement": "4",
        "reason": "",
    }
    refused = manager.post(url, data)
    assert "reason" in refused.context["form"].errors
    manager.post(url, {**data, "reason": "Typo"})
    page = manager.get(reverse("families:visit_detail", args=[visit.pk])).content.decode()
    assert "How long (minutes): 60 → 90" in page


def test_the_visit_page_offers_the_change_to_whoever_may_still_make_it(
    client_for, match, alice, sam
):
    visit = log(match, duration_minutes=60)
    detail = reverse("families:visit_detail", args=[visit.pk])
    edit = reverse("families:edit_visit", args=[visit.pk])

    def offered(user):
        return f'href="{edit}"' in client_for(user).get(detail).content.decode()

    assert offered(match.volunteer.user) and offered(alice)
    later = timezone.now() + datetime.timedelta(days=7, seconds=1)
    with time_machine.travel(later):
        assert not offered(match.volunteer.user)  # past the volunteer's week
        assert offered(alice)  # a manager corrects it at any time
