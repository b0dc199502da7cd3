"""The visit form says everything wrong at once; an attempt is an attempt; a draft keeps
whatever was typed."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from families import services
from families.models import Visit, VisitActivity

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def today():
    return timezone.localdate()


def url(match):
    return reverse("families:log_visit", args=[match.family.pk])


def visit_data(**overrides):
    data = {
        "visited_on": today().isoformat(),
        "duration_minutes": "120",
        "contact_made": "yes",
        "medium": "in_person",
        "engagement": "4",
        "action": "log",
    }
    return {k: v for k, v in {**data, **overrides}.items() if v is not None}


def summary(page):
    """The messages of the error summary at the top of the page."""
    found = re.search(r"data-error-summary>(.*?)</div>", page, re.S)
    assert found, "no error summary"
    return found.group(1)


# --- every problem at once ---------------------------------------------------------------


def test_every_problem_shows_in_one_response(client_for, match):
    response = client_for(match.volunteer.user).post(
        url(match),
        visit_data(
            visited_on=(today() + datetime.timedelta(days=1)).isoformat(),
            engagement="",
            has_concern="on",
            concern="  ",
            miles="2.5",
            notes="Nothing typed is lost.",
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors == {
        "visited_on": ["The visit cannot be in the future."],
        "engagement": ["Say how engaged the family was (1 to 5)."],
        "concern": ["Describe your concern."],
        "miles": ["Miles are a whole number from 1 to 999."],
    }
    page = response.content.decode()
    top = summary(page)
    for messages in errors.values():
        assert messages[0] in top  # in the summary, and beside the field:
        assert page.count(messages[0]) == 2
    assert 'href="#id_visited_on"' in top and 'href="#id_miles"' in top
    assert "Nothing typed is lost." in page
    assert not Visit.objects.exists()


def test_the_form_and_the_service_give_the_same_messages(client_for, match):
    arguments = {
        "visited_on": today() + datetime.timedelta(days=1),
        "duration_minutes": 481,
        "contact_made": True,
        "medium": "in_person",
        "engagement": None,
        "miles": 1000,
    }
    problems = services.visit_problems(match, **arguments)
    assert set(problems) == {"visited_on", "duration_minutes", "engagement", "miles"}
    with pytest.raises(services.ValidationError) as refused:
        services.log_visit(match=match, by=match.volunteer.user, **arguments)
    assert refused.value.message_dict == {name: [m] for name, m in problems.items()}
    response = client_for(match.volunteer.user).post(
        url(match),
        visit_data(
            visited_on=arguments["visited_on"].isoformat(),
            duration_minutes="481",
            engagement="",
            miles="1000",
        ),
    )
    assert response.context["form"].errors == refused.value.message_dict


def test_a_visit_with_nothing_answered_says_what_each_answer_needs(client_for, match):
    response = client_for(match.volunteer.user).post(url(match), {"action": "log"})
    assert response.context["form"].errors == {
        name: [message] for name, message in services.VISIT_ANSWERS_NEEDED.items()
    }
    top = summary(response.content.decode())
    # Each links to its answer; a group of radio buttons, to its first.
    for anchor in ("id_visited_on", "id_duration_minutes", "id_contact_made_0", "id_medium_0"):
        assert f'href="#{anchor}"' in top


@pytest.mark.parametrize(
    ("moment", "ok"),
    [
        # The last second of the day in London, and the first of the next.
        (datetime.time(23, 59, 59), False),
        (datetime.time(0, 0, 1), True),
    ],
)
def test_today_is_fine_and_tomorrow_refused_in_london(client_for, match, moment, ok):
    tomorrow = today() + datetime.timedelta(days=1)
    day = today() if not ok else tomorrow
    with time_machine.travel(datetime.datetime.combine(day, moment, tzinfo=LONDON), tick=False):
        response = client_for(match.volunteer.user).post(
            url(match), visit_data(visited_on=tomorrow.isoformat())
        )
    if ok:
        assert response.status_code == 302
        assert Visit.objects.get().visited_on == tomorrow
    else:
        assert response.context["form"].errors == {
            "visited_on": ["The visit cannot be in the future."]
        }


@pytest.mark.parametrize(("miles", "ok"), [("1", True), ("999", True), ("6.5", False)])
def test_miles_are_whole_numbers_as_the_page_says(client_for, match, miles, ok):
    response = client_for(match.volunteer.user).post(url(match), visit_data(miles=miles))
    if ok:
        assert Visit.objects.get().miles == int(miles)
    else:
        assert response.context["form"].errors == {"miles": [services.MILES_MESSAGE]}


def test_engagement_is_marked_as_needed_when_the_family_was_seen(client_for, match):
    page = client_for(match.volunteer.user).get(url(match)).content.decode()
    assert "Needed when you saw or spoke to the family." in page


def test_a_managers_correction_says_everything_at_once(client_for, match, alice):
    visit = services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=today(),
        duration_minutes=60,
        engagement=3,
    )
    response = client_for(alice).post(
        reverse("families:edit_visit", args=[visit.pk]),
        visit_data(duration_minutes="481", engagement="", reason=""),
    )
    assert set(response.context["form"].errors) == {"duration_minutes", "engagement", "reason"}


# --- an attempt --------------------------------------------------------------------------


def test_an_attempt_is_saved_with_its_15_minutes_and_no_contact_answers(client_for, match):
    response = client_for(match.volunteer.user).post(
        url(match),
        visit_data(
            contact_made="no",
            duration_minutes="15",
            engagement="",
            notes="Knocked twice; left a card.",
            miles="4",
        ),
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.contact_made, visit.duration_minutes, visit.engagement) == (False, 15, None)
    assert (visit.notes, visit.miles) == ("Knocked twice; left a card.", 4)


def test_an_attempt_ignores_the_answers_it_does_not_ask(client_for, match):
    """Without JavaScript the contact-only questions still show; the server drops them."""
    activity = VisitActivity.objects.first()
    client_for(match.volunteer.user).post(
        url(match),
        visit_data(contact_made="no", duration_minutes="15", activities=[activity.pk]),
    )
    visit = Visit.objects.get()
    assert visit.engagement is None and not visit.activities.exists()


def test_an_attempt_corrected_to_no_contact_loses_its_contact_answers(match):
    visit = services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=today(),
        duration_minutes=60,
        engagement=3,
        activities=VisitActivity.objects.all()[:1],
    )
    services.edit_visit(visit, by=match.volunteer.user, contact_made=False, duration_minutes=15)
    visit.refresh_from_db()
    assert visit.engagement is None and not visit.activities.exists()


def test_the_page_suggests_a_visits_and_an_attempts_duration(client_for, match):
    page = client_for(match.volunteer.user).get(url(match)).content.decode()
    assert 'data-visit-minutes="120" data-attempt-minutes="15"' in page
    assert page.count("data-contact-only") == 2  # what you did; how engaged
    assert "js/visit-form.js" in page


# --- a draft on the server ---------------------------------------------------------------


def test_a_draft_is_saved_with_only_the_date_typed(client_for, match):
    response = client_for(match.volunteer.user).post(
        url(match), {"visited_on": today().isoformat(), "action": "draft"}
    )
    assert response.status_code == 302
    draft = Visit.objects.get()
    assert draft.status == Visit.Status.DRAFT and draft.visited_on == today()
    assert (draft.duration_minutes, draft.contact_made, draft.medium) == (None, None, "")
    client = client_for(match.volunteer.user)
    page = client.get(reverse("families:visit_detail", args=[draft.pk])).content.decode()
    assert "Not answered yet" in page
    finish = client.get(reverse("families:finish_visit", args=[draft.pk]))
    assert finish.status_code == 200


def test_a_draft_with_nothing_typed_is_dated_the_day_it_is_saved(client_for, match):
    client_for(match.volunteer.user).post(url(match), {"action": "draft"})
    assert Visit.objects.get().visited_on == today()


def test_what_a_draft_has_typed_must_still_hold(client_for, match):
    response = client_for(match.volunteer.user).post(
        url(match),
        {
            "visited_on": (today() + datetime.timedelta(days=1)).isoformat(),
            "duration_minutes": "10",
            "miles": "6.5",
            "action": "draft",
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"visited_on", "duration_minutes", "miles"}
    assert not Visit.objects.exists()


def test_finishing_a_draft_asks_every_missing_answer_at_once(client_for, match):
    draft = services.log_visit(
        match=match, by=match.volunteer.user, visited_on=today(), duration_minutes=None, draft=True
    )
    response = client_for(match.volunteer.user).post(
        reverse("families:finish_visit", args=[draft.pk]),
        {"visited_on": today().isoformat(), "contact_made": "yes", "action": "log"},
    )
    assert set(response.context["form"].errors) == {"duration_minutes", "medium", "engagement"}
    draft.refresh_from_db()
    assert draft.status == Visit.Status.DRAFT


def test_a_logged_visit_has_every_answer_in_the_database(match):
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(
            match=match,
            logged_by=match.volunteer.user,
            visited_on=today(),
            duration_minutes=None,
            contact_made=True,
            medium="in_person",
            status=Visit.Status.LOGGED,
        )
