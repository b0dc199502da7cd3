"""Goals corrected and reviewed on pages of their own; a match ended on a confirmation
page; the drafts an ended match leaves behind; who is told when a match starts and ends."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from families import selectors, services
from families.models import Family, Goal, Visit
from referrals.models import Need
from vicp.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


@pytest.fixture
def goal(match, alice):
    return services.add_goal(family=match.family, by=alice, description="Mornings on time")


@pytest.fixture
def former(match, alice):
    """Val's match has ended: she is a former volunteer of the family."""
    services.end_match(match, by=alice, reason="planned")
    return match.volunteer.user


def draft(match, **fields):
    return services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=fields.pop("visited_on", days_ago(2)),
        duration_minutes=60,
        notes=fields.pop("notes", "We went to the library"),
        draft=True,
        **fields,
    )


# --- Goals ------------------------------------------------------------------------------


def test_a_goal_is_corrected_with_its_before_and_after_kept(goal, match, alice):
    routines = Need.objects.get(slug="routines")
    services.edit_goal(goal, by=match.volunteer.user, description="Mornings on time, calmly")
    services.edit_goal(goal, by=alice, need=routines)
    goal.refresh_from_db()
    assert (goal.description, goal.need) == ("Mornings on time, calmly", routines)
    changes = [
        (what, field, before, after)
        for _, _, what, field, before, after in selectors.family_changes(match.family)
    ]
    assert ("Goal “Mornings on time, calmly”", "need", None, str(routines)) in changes
    assert (
        "Goal “Mornings on time, calmly”",
        "the goal",
        "Mornings on time",
        "Mornings on time, calmly",
    ) in changes
    assert AuditEvent.objects.filter(action="goal.changed").count() == 2


def test_a_goal_cannot_be_emptied_nor_changed_by_others_or_once_closed(goal, sam, charlie, alice):
    with pytest.raises(ValidationError, match="Describe"):
        services.edit_goal(goal, by=alice, description="  ")
    for person in (sam, charlie):
        with pytest.raises(ValidationError):
            services.edit_goal(goal, by=person, description="x")
    Family.objects.filter(pk=goal.family_id).update(status="closed", closed_on=TODAY())
    with pytest.raises(ValidationError, match="closed"):
        services.edit_goal(goal, by=alice, description="x")


def test_a_review_has_no_outcome_until_one_is_chosen(client_for, goal, alice):
    response = client_for(alice).post(
        reverse("families:review_goal", args=[goal.pk]),
        {
            "review-stage": "review",
            "review-reviewed_on": TODAY().isoformat(),
            "review-progress": "Most days",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose how far the goal was achieved." in page
    assert "Most days" in page  # what was typed is kept
    assert not goal.reviews.exists()
    form_page = (
        client_for(alice).get(reverse("families:review_goal", args=[goal.pk])).content.decode()
    )
    assert '<option value="" selected>Choose the outcome</option>' in form_page


def test_a_review_dated_today_is_kept_tomorrow_is_refused(goal, alice):
    with pytest.raises(ValidationError, match="future"):
        services.review_goal(
            goal,
            by=alice,
            stage="review",
            progress="x",
            outcome="partly",
            reviewed_on=TODAY() + datetime.timedelta(days=1),
        )
    review = services.review_goal(
        goal, by=alice, stage="review", progress="x", outcome="partly", reviewed_on=TODAY()
    )
    assert review.reviewed_on == TODAY()


def test_a_review_cannot_be_dated_before_the_goal_was_agreed(goal, alice):
    agreed = timezone.localtime(goal.created_at).date()
    with pytest.raises(ValidationError, match="before that"):
        services.review_goal(
            goal,
            by=alice,
            stage="review",
            progress="x",
            outcome="partly",
            reviewed_on=agreed - datetime.timedelta(days=1),
        )
    services.review_goal(
        goal, by=alice, stage="review", progress="x", outcome="partly", reviewed_on=agreed
    )


def test_a_goal_form_with_a_problem_keeps_what_was_typed(client_for, match, alice):
    response = client_for(alice).post(
        reverse("families:add_goal", args=[match.family.pk]),
        {"goal-description": "School every day", "goal-target_date": days_ago(1).isoformat()},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The target date has passed already." in page and "School every day" in page
    assert "data-error-summary" in page
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("matched", 200), ("charlie", 404), ("sam", 404), ("una", 404), ("ada", 200)],
)
def test_who_may_change_and_review_a_goal(client_for, cast, goal, match, who, status):
    user = match.volunteer.user if who == "matched" else cast[who]
    for name in ("families:edit_goal", "families:review_goal"):
        assert client_for(user).get(reverse(name, args=[goal.pk])).status_code == status


def test_a_former_volunteer_may_no_longer_change_a_goal(client_for, goal, former):
    for name in ("families:edit_goal", "families:review_goal"):
        assert client_for(former).get(reverse(name, args=[goal.pk])).status_code == 404


# --- Ending a match -----------------------------------------------------------------------


def test_ending_a_match_asks_on_a_page_that_says_what_will_happen(client_for, match, alice):
    draft(match)
    url = reverse("families:end_match", args=[match.pk])
    page = client_for(alice).get(url).content.decode()
    assert "will no longer see the family" in page and "1 draft visit is not finished" in page
    response = client_for(alice).post(url, {"reason": "", "ended_on": "", "notes": "Moving on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose why the match is ending." in page and "Give the date the match ended." in page
    assert "Moving on" in page
    match.refresh_from_db()
    assert match.is_active
    client_for(alice).post(url, {"reason": "planned", "ended_on": TODAY().isoformat(), "notes": ""})
    match.refresh_from_db()
    assert match.ended_on == TODAY()


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("charlie", 404), ("sam", 404), ("matched", 404), ("una", 404)],
)
def test_who_may_end_a_match(client_for, cast, match, who, status):
    user = match.volunteer.user if who == "matched" else cast[who]
    response = client_for(user).get(reverse("families:end_match", args=[match.pk]))
    assert response.status_code == status


def test_the_volunteer_and_the_social_worker_are_told_with_the_case_reference_only(
    match, alice, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.end_match(match, by=alice, reason="planned")
    assert sorted(m.to[0] for m in mail.outbox) == ["sam@example.org", "val@example.org"]
    for message in mail.outbox:
        assert match.family.case_reference in message.subject + message.body
        assert match.family.family_name not in message.subject + message.body
        for child in match.family.children.all():
            assert child.first_name not in message.body


def test_the_social_worker_is_told_when_a_match_starts(
    family, ready_volunteer, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.start_match(family=family, volunteer=ready_volunteer, by=alice)
    to_social_worker = next(m for m in mail.outbox if m.to == ["sam@example.org"])
    assert family.case_reference in to_social_worker.subject
    assert family.family_name not in to_social_worker.body
    assert ready_volunteer.last_name not in to_social_worker.body


# --- Drafts an ended match leaves -------------------------------------------------------


def test_a_draft_left_by_an_ended_match_is_finished_by_a_manager(match, alice):
    visit = draft(match, visited_on=days_ago(3))
    services.end_match(match, by=alice, reason="planned")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.UNFINISHED
    assert list(selectors.volunteer_unfinished_drafts(match.volunteer.user)) == [visit]
    assert list(selectors.unfinished_drafts(match.family)) == [visit]
    with pytest.raises(ValidationError):
        services.log_visit(
            match=match,
            by=match.volunteer.user,
            visited_on=days_ago(3),
            duration_minutes=60,
            visit=visit,
        )
    services.log_visit(
        match=match,
        by=alice,
        visited_on=days_ago(3),
        duration_minutes=60,
        engagement=4,
        visit=visit,
    )
    visit.refresh_from_db()
    assert visit.status == Visit.Status.LOGGED and visit.logged_by == match.volunteer.user
    assert selectors.visit_summary(match.family)["visits"] == 1
    assert not selectors.volunteer_unfinished_drafts(match.volunteer.user).exists()


def test_a_finished_draft_stays_inside_the_match(match, alice):
    visit = draft(match, visited_on=days_ago(3))
    services.end_match(match, by=alice, reason="planned", ended_on=days_ago(2))
    with pytest.raises(ValidationError, match="ended"):
        services.log_visit(
            match=match,
            by=alice,
            visited_on=days_ago(1),
            duration_minutes=60,
            engagement=4,
            visit=visit,
        )
    with pytest.raises(ValidationError, match="finished or discarded"):
        services.log_visit(
            match=match,
            by=alice,
            visited_on=days_ago(3),
            duration_minutes=60,
            draft=True,
            visit=visit,
        )


def test_a_draft_left_by_an_ended_match_is_discarded_with_a_reason_and_kept(match, alice, charlie):
    visit = draft(match)
    services.end_match(match, by=alice, reason="planned")
    with pytest.raises(ValidationError, match="Say why"):
        services.discard_draft(visit, by=alice, reason=" ")
    with pytest.raises(ValidationError):
        services.discard_draft(visit, by=charlie, reason="Not ours")
    services.discard_draft(visit, by=alice, reason="The visit did not take place")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DISCARDED and visit.notes == "We went to the library"
    assert (visit.discarded_by, visit.discard_reason) == (alice, "The visit did not take place")
    assert AuditEvent.objects.filter(action="visit.discarded").exists()
    assert selectors.visit_summary(match.family)["visits"] == 0
    assert not selectors.unfinished_drafts(match.family).exists()
    with pytest.raises(ValidationError):
        services.discard_draft(visit, by=alice, reason="Again")


def test_a_draft_of_an_active_match_cannot_be_discarded(match, alice):
    visit = draft(match)
    with pytest.raises(ValidationError):
        services.discard_draft(visit, by=alice, reason="x")


def test_the_volunteer_is_told_on_their_home_and_the_manager_on_the_family_page(
    client_for, match, alice
):
    visit = draft(match, visited_on=days_ago(3))
    services.end_match(match, by=alice, reason="planned")
    home = client_for(match.volunteer.user).get(reverse("vicp:home")).content.decode()
    assert "Drafts that could not be finished" in home
    assert match.family.case_reference in home
    assert reverse("families:visit_detail", args=[visit.pk]) not in home  # she no longer sees it
    page = (
        client_for(alice).get(reverse("families:detail", args=[match.family.pk])).content.decode()
    )
    assert "Drafts to finish or discard" in page
    detail = (
        client_for(alice).get(reverse("families:visit_detail", args=[visit.pk])).content.decode()
    )
    assert reverse("families:finish_visit", args=[visit.pk]) in detail
    assert reverse("families:discard_draft", args=[visit.pk]) in detail


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("charlie", 404), ("sam", 404), ("former", 404), ("ada", 200)],
)
def test_who_may_finish_or_discard_a_draft_of_an_ended_match(
    client_for, cast, match, alice, who, status
):
    visit = draft(match)
    services.end_match(match, by=alice, reason="planned")
    user = match.volunteer.user if who == "former" else cast[who]
    for name in ("families:finish_visit", "families:discard_draft"):
        assert client_for(user).get(reverse(name, args=[visit.pk])).status_code == status


def test_discarding_from_the_confirmation_page(client_for, match, alice):
    visit = draft(match)
    services.end_match(match, by=alice, reason="planned")
    url = reverse("families:discard_draft", args=[visit.pk])
    assert "will not count as a visit" in client_for(alice).get(url).content.decode()
    response = client_for(alice).post(url, {"reason": ""})
    assert (
        response.status_code == 400
        and "Say why the draft is being discarded." in response.content.decode()
    )
    client_for(alice).post(url, {"reason": "Logged again as a phone call"})
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DISCARDED


def test_a_draft_of_an_active_match_is_not_discarded_by_url(client_for, match, alice):
    visit = draft(match)
    assert (
        client_for(alice).get(reverse("families:discard_draft", args=[visit.pk])).status_code == 404
    )
