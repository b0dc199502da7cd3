"""The plan of work: goals agreed with the family, reviewed at 3 months and at the end."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from families import services
from families.models import Goal, GoalReview
from referrals.models import Need

pytestmark = pytest.mark.django_db


def test_the_volunteer_and_the_manager_add_goals(match, alice):
    routines = Need.objects.get(slug="routines")
    services.add_goal(
        family=match.family, by=match.volunteer.user, description="Mornings on time", need=routines
    )
    services.add_goal(family=match.family, by=alice, description="School every day")
    assert Goal.objects.filter(family=match.family).count() == 2


def test_others_cannot_add_goals(match, sam, charlie):
    for person in (sam, charlie):
        with pytest.raises(ValidationError):
            services.add_goal(family=match.family, by=person, description="x")


def test_a_target_date_today_is_fine_yesterday_is_refused(match, alice):
    today = timezone.localdate()
    services.add_goal(family=match.family, by=alice, description="x", target_date=today)
    with pytest.raises(ValidationError, match="passed"):
        services.add_goal(
            family=match.family,
            by=alice,
            description="y",
            target_date=today - datetime.timedelta(days=1),
        )


def test_one_review_per_stage(match, alice):
    goal = services.add_goal(family=match.family, by=alice, description="Mornings on time")
    services.review_goal(
        goal, by=match.volunteer.user, stage="review", progress="Most days", outcome="partly"
    )
    with pytest.raises(ValidationError):
        services.review_goal(goal, by=alice, stage="review", progress="Again", outcome="partly")
    services.review_goal(goal, by=alice, stage="end", progress="Every day", outcome="achieved")
    assert list(GoalReview.objects.values_list("stage", "outcome")) == [
        ("review", "partly"),
        ("end", "achieved"),
    ]


def test_the_family_page_shows_the_plan_to_the_social_worker(client_for, match, alice, sam):
    goal = services.add_goal(family=match.family, by=alice, description="Mornings on time")
    services.review_goal(goal, by=alice, stage="review", progress="Most days", outcome="partly")
    page = client_for(sam).get(reverse("families:plan", args=[match.family.pk])).content.decode()
    assert "Mornings on time" in page and "Partly achieved" in page
    assert "Add a goal" not in page


def test_the_plan_links_to_a_page_of_its_own_for_a_new_goal(client_for, match, alice, sam):
    plan = reverse("families:plan", args=[match.family.pk])
    add = reverse("families:add_goal", args=[match.family.pk])
    for person in (match.volunteer.user, alice):
        page = client_for(person).get(plan).content.decode()
        assert f'href="{add}">Add a goal</a>' in page
        assert "<form" not in page.split('id="plan-heading"')[1]  # the section holds no form
        form = client_for(person).get(add)
        assert form.status_code == 200 and 'name="goal-description"' in form.content.decode()
    assert add not in client_for(sam).get(plan).content.decode()
    services.end_match(match, by=alice, reason="planned")
    services.close_case(match.family, by=alice, reason="Goals met", missing_reason="family_moved")
    assert add not in client_for(alice).get(plan).content.decode()


def test_goals_from_the_page(client_for, match):
    client = client_for(match.volunteer.user)
    client.post(
        reverse("families:add_goal", args=[match.family.pk]), {"goal-description": "Budget weekly"}
    )
    goal = Goal.objects.get()
    client.post(
        reverse("families:review_goal", args=[goal.pk]),
        {
            "review-stage": "review",
            "review-outcome": "achieved",
            "review-reviewed_on": timezone.localdate().isoformat(),
            "review-progress": "Done",
        },
    )
    assert goal.reviews.get().outcome == "achieved"


def test_after_the_match_ends_the_volunteer_cannot_plan(match, alice):
    services.end_match(match, by=alice, reason="planned")
    with pytest.raises(ValidationError):
        services.add_goal(family=match.family, by=match.volunteer.user, description="x")
