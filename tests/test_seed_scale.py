"""`seed_scale` (bench/seed), run tiny: the data keeps the services' rules, the same
seed gives the same data, and pages behave as with data made through the services."""

import datetime
import re
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from bench.seed import seed_scale
from families.models import CaseReferenceCounter, Family, Match, Visit
from families.selectors import families_visible_to
from outcomes.models import ChildStatus, RiskReview, StarReading
from referrals.models import Referral
from referrals.selectors import referrals_visible_to
from referrals.services import accept_referral
from vicp.models import Project, User
from volunteers import services as volunteer_services
from volunteers.models import DBSCheck, Volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

TINY = {"projects": 2, "families": 30, "volunteers": 10, "visits": 200}
EXTRA_CLOSED = 6


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def counts(today):
    return seed_scale(seed=7, today=today, closed_in_one_project=EXTRA_CLOSED, **TINY)


def test_it_writes_the_numbers_asked_for(counts):
    assert Project.objects.count() == 2
    assert Family.objects.count() == 30 + EXTRA_CLOSED
    assert Volunteer.objects.count() == 10 + EXTRA_CLOSED // 2
    assert Visit.objects.count() == 200
    for label, count in counts.items():
        assert apps.get_model(label).objects.count() == count, label


def test_it_keeps_every_constraint_and_field_rule(counts):
    """Every row passes full_clean: field validators, choices, checks and uniqueness."""
    for app_label in ("vicp", "volunteers", "referrals", "families", "outcomes"):
        for model in apps.get_app_config(app_label).get_models():
            for row in model._default_manager.all():
                row.full_clean()


def test_families_follow_their_matches_and_reviews(counts, today):
    for family in Family.objects.prefetch_related("matches", "status_changes", "children"):
        matches = list(family.matches.all())
        active = [m for m in matches if m.ended_on is None]
        assert (family.status == "closed") == (family.closed_on is not None)
        assert (family.status == "matched") == bool(active)
        assert family.status_changes.last().to_status == family.status
        for match in matches:
            assert family.accepted_on <= match.started_on <= today
            assert match.ended_on is None or match.ended_on <= (family.closed_on or today)
        reviews = list(RiskReview.objects.filter(family=family).order_by("reviewed_on", "pk"))
        assert reviews[0].stage == "referral"
        assert (reviews[-1].stage == "closure") == (family.status == "closed")
        assert family.level_of_need_id == reviews[-1].level_of_need_id
        latest = dict(
            ChildStatus.objects.filter(review=reviews[-1]).values_list("child_id", "plan_type")
        )
        assert latest == {child.pk: child.plan_type for child in family.children.all()}
        for reading in StarReading.objects.filter(family=family):
            assert reading.scores.count() == 10


def test_matches_and_visits_keep_the_rules(counts, today):
    for match in Match.objects.select_related("volunteer"):
        volunteer = match.volunteer
        assert volunteer.signed_off_on <= match.started_on
        assert any(
            check.acceptable
            and check.issued_on <= match.started_on
            and volunteer_services.dbs_status(check, on=match.started_on) != "lapsed"
            for check in DBSCheck.objects.filter(volunteer=volunteer)
        )
        last_day = match.ended_on or today
        for visit in match.visits.all():
            assert match.started_on <= visit.visited_on <= last_day
            assert visit.logged_by_id == volunteer.user_id
            if visit.status == "logged" and visit.contact_made:
                assert visit.engagement is not None
    assert Visit.objects.filter(status="draft").exclude(match__ended_on=None).count() == 0


def test_volunteers_are_at_the_stage_their_records_give(counts):
    for volunteer in Volunteer.objects.all():
        assert volunteer.stage_changes.last().to_stage == volunteer.stage
        active = volunteer.matches.filter(ended_on=None).exists()
        assert (volunteer.stage == "matched") == active
        if volunteer.stage in ("ready", "matched", "left"):
            assert volunteer.user.role == "volunteer"
            assert volunteer_services.sign_off_blockers(volunteer, on=volunteer.signed_off_on) == []
        elif volunteer.stage != "not_progressed":
            assert volunteer_services.pipeline_stage(volunteer) == volunteer.stage
            assert volunteer.user is None


def test_referrals_end_at_their_status(counts):
    for referral in Referral.objects.all():
        assert referral.status_changes.last().to_status == referral.status
        assert (referral.status == "accepted") == Family.objects.filter(referral=referral).exists()
    assert set(Referral.objects.values_list("status", flat=True)) >= {
        "draft",
        "submitted",
        "accepted",
        "declined",
        "waitlisted",
    }


def test_case_references_continue_through_the_service(counts, today):
    for project in Project.objects.all():
        numbers = Counter()
        for reference in Family.objects.filter(project=project).values_list(
            "case_reference", flat=True
        ):
            code, year, number = re.fullmatch(r"([A-Z]+)-(\d{4})-(\d{4})", reference).groups()
            assert code == project.code
            numbers[int(year)] = max(numbers[int(year)], int(number))
        counters = dict(
            CaseReferenceCounter.objects.filter(project=project).values_list("year", "last_number")
        )
        assert counters == dict(numbers)
    referral = Referral.objects.filter(status="submitted").select_related("project").first()
    manager = referral.project.managers.get()
    family = accept_referral(referral, by=manager)
    last = counters_for(referral.project, today.year)
    assert family.case_reference == f"{referral.project.code}-{today.year}-{last:04d}"
    assert Family.objects.filter(case_reference=family.case_reference).count() == 1


def counters_for(project, year):
    return CaseReferenceCounter.objects.get(project=project, year=year).last_number


def test_each_volunteer_sees_only_the_family_of_their_active_match(counts):
    for volunteer in Volunteer.objects.exclude(user=None).select_related("user"):
        active = volunteer.matches.filter(ended_on=None).first()
        visible = set(families_visible_to(volunteer.user).values_list("pk", flat=True))
        assert visible == ({active.family_id} if active else set())


def test_social_workers_see_exactly_what_they_referred(counts):
    for social_worker in User.objects.filter(role="social_worker"):
        referred = set(
            Family.objects.filter(referral__social_worker=social_worker).values_list(
                "pk", flat=True
            )
        )
        assert set(families_visible_to(social_worker).values_list("pk", flat=True)) == referred
        mine = Referral.objects.filter(social_worker=social_worker)
        visible = referrals_visible_to(social_worker)
        assert set(visible.values_list("pk", flat=True)) == set(mine.values_list("pk", flat=True))


def test_pages_answer_for_each_role(counts, client_for):
    manager = User.objects.filter(role="project_manager").first()
    client = client_for(manager)
    for name in ("vicp:home", "families:list", "referrals:queue", "volunteers:board"):
        assert client.get(reverse(name)).status_code == 200, name
    family = Family.objects.filter(project__managers=manager).first()
    assert client.get(reverse("families:detail", args=[family.pk])).status_code == 200
    volunteer = Match.objects.filter(ended_on=None).select_related("volunteer__user").first()
    client = client_for(volunteer.volunteer.user)
    assert client.get(reverse("families:log_visit", args=[volunteer.family_id])).status_code == 200


def fingerprint():
    """The seeded data by natural keys (primary keys differ between runs)."""
    rows = Counter()
    queries = [
        Family.objects.values_list("case_reference", "status", "accepted_on", "closed_on"),
        Match.objects.values_list(
            "family__case_reference", "volunteer__email", "started_on", "ended_on"
        ),
        Visit.objects.values_list(
            "match__family__case_reference",
            "visited_on",
            "start_time",
            "duration_minutes",
            "contact_made",
            "engagement",
            "miles",
            "status",
        ),
        Volunteer.objects.values_list("email", "stage", "signed_off_on", "applied_at"),
        Referral.objects.values_list("family_name", "status", "created_at", "social_worker__email"),
        StarReading.objects.values_list("family__case_reference", "stage", "taken_on"),
        RiskReview.objects.values_list(
            "family__case_reference", "stage", "reviewed_on", "level_of_need__ordinal"
        ),
    ]
    for query in queries:
        rows.update((query.model.__name__, *row) for row in query)
    return rows


def test_the_same_seed_gives_the_same_data(today):
    def run(seed):
        with transaction.atomic():
            seed_scale(seed=seed, today=today, **TINY)
            result = fingerprint()
            transaction.set_rollback(True)
        return result

    first = run(11)
    assert first == run(11)
    assert first != run(12)
    assert Family.objects.count() == 0


def test_it_refuses_a_database_that_has_projects(counts, today):
    with pytest.raises(CommandError, match="empty database"):
        call_command("seed_scale", projects=1, families=1, volunteers=1, visits=1)


def test_the_extra_closed_families_closed_within_the_year(counts, today):
    first = Project.objects.order_by("pk").first()
    closed = Family.objects.filter(
        project=first, status="closed", closed_on__gt=today - datetime.timedelta(days=365)
    )
    assert closed.count() >= EXTRA_CLOSED
    assert closed.aggregate(last=Max("closed_on"))["last"] <= today
