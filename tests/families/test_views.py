"""Family pages: who may see a family, and what the record shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from families.models import Child, Family, VisitActivity
from outcomes import services as outcome_services
from outcomes.reference_data import FAMILY_STAR_PLUS
from tests import factories

pytestmark = pytest.mark.django_db
LIST = reverse("families:list")


def test_anonymous_visitors_are_asked_to_sign_in(client, family):
    for url in (LIST, reverse("families:detail", args=[family.pk])):
        assert client.get(url)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("ada", 200), ("sam", 200), ("charlie", 404), ("sally", 404), ("vera", 404)],
)
def test_who_sees_a_family(client_for, cast, family, who, status):
    assert (
        client_for(cast[who]).get(reverse("families:detail", args=[family.pk])).status_code
        == status
    )


def test_the_record_shows_children_with_ages_plans_and_history(client_for, alice, family):
    client = client_for(alice)
    page = client.get(reverse("families:details", args=[family.pk])).content.decode()
    assert family.case_reference in page
    assert "Amy" in page and "Child protection plan" in page and "Child in need plan" in page
    assert "<td>7</td>" in page and "<td>3</td>" in page
    assert "Awaiting a volunteer" in page
    history = client.get(reverse("families:history", args=[family.pk])).content.decode()
    assert "Referral: Submitted" in history


def test_lists_contain_only_what_each_person_may_see(
    client_for, cast, family, sally, charlie, southend
):
    other = factories.AcceptedFamilyFactory(
        project=southend, social_worker=sally, accepted_by=charlie
    )
    assert list(client_for(cast["alice"]).get(LIST).context["page"]) == [family]
    assert list(client_for(cast["sam"]).get(LIST).context["page"]) == [family]
    assert list(client_for(cast["sally"]).get(LIST).context["page"]) == [other]
    assert client_for(cast["vera"]).get(LIST).status_code == 404


@pytest.mark.usefixtures("reference_data")
def test_the_list_issues_the_same_queries_for_2_or_50_families(
    client_for, alice, sam, cambridgeshire, django_assert_max_num_queries
):
    client = client_for(alice)
    counts = []
    for total in (2, 50):
        factories.AcceptedFamilyFactory.create_batch(
            total - Family.objects.count(),
            project=cambridgeshire,
            social_worker=sam,
            accepted_by=alice,
        )
        with django_assert_max_num_queries(15) as queries:
            client.get(LIST)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_changes_to_the_record_are_kept_and_shown_to_managers(client_for, alice, sam, family):
    family.phone = "01223 111111"
    family.save()
    amy = Child.objects.get(family=family, first_name="Amy")
    amy.plan_type = "cin"
    amy.save()
    page = client_for(alice).get(reverse("families:history", args=[family.pk]))
    changes = {
        (what, str(field), before, after)
        for _, _, what, field, before, after in page.context["changes"]
    }
    assert ("Family", "phone", "", "01223 111111") in changes
    assert ("Child Amy", "plan type", "Child protection plan", "Child in need plan") in changes
    assert family.history.count() >= 2
    assert (
        "changes" not in client_for(sam).get(reverse("families:history", args=[family.pk])).context
    )


def grow_the_record(match, manager, n, already=0):
    """`n` more of each of what a family's record gathers over six months of work."""

    family, volunteer = match.family, match.volunteer.user
    today = timezone.localdate()
    activities = list(VisitActivity.objects.all()[:2])
    for day in range(n):
        family_services.log_visit(
            match=match,
            by=volunteer,
            visited_on=today - datetime.timedelta(days=already + day),
            duration_minutes=60,
            engagement=4,
            activities=activities,
            concern=f"Concern {day}",
        )
        goal = family_services.add_goal(
            family=family, by=manager, description=f"Goal {already + day}"
        )
        family_services.review_goal(
            goal, by=manager, stage="review", progress="Going well", outcome="partly"
        )
    scores = dict.fromkeys([slug for slug, _ in FAMILY_STAR_PLUS], 5)
    for stage in ("start", "review", "end")[already : already + n]:
        outcome_services.record_star_reading(
            family=family, by=manager, stage=stage, taken_on=today, scores=scores
        )
    for _ in range(n):
        children = {
            child.pk: {"plan_type": "cin", "school_attendance": "90"}
            for child in family.children.all()
        }
        outcome_services.record_risk_review(
            family=family, by=manager, reviewed_on=today, caf_level=3, child_statuses=children
        )


@pytest.mark.parametrize("who", ["alice", "volunteer"])
def test_the_family_page_issues_the_same_queries_however_full_the_record(
    client_for, match, alice, who, django_assert_max_num_queries
):
    user = alice if who == "alice" else match.volunteer.user
    url = reverse("families:detail", args=[match.family.pk])
    counts = []
    for total, already in ((1, 0), (5, 1)):
        grow_the_record(match, alice, total - already, already)
        client = client_for(user)
        client.get(url)  # charts and caches drawn once
        with django_assert_max_num_queries(45) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
