"""The plan `seed_scale` writes (`bench.seed.planner`), made without a database: no
test here may touch one, so any query would fail them. The reference data is the
migrations' defaults, numbered as a fresh database numbers them."""

import datetime
import math
from collections import Counter
from itertools import pairwise

import pytest
from django.conf import settings

from bench.seed.plan import Area, Need, Question, Questionnaire, ReferenceData
from bench.seed.planner import Planner
from families.reference_data import ACTIVITIES
from outcomes.reference_data import FAMILY_STAR_PLUS, MEASURES, QUESTIONNAIRES
from referrals.reference_data import CP_CATEGORIES, LEVELS, NEEDS, RISKS
from volunteers.services import add_years

TODAY = datetime.date(2026, 11, 24)
SIZE = {"projects": 2, "families": 300, "volunteers": 60, "visits": 3000}
EXTRA_CLOSED = 11
REFERENCE = ReferenceData(
    levels={ordinal: pk for pk, (ordinal, _) in enumerate(LEVELS, start=1)},
    cp_categories=list(range(1, len(CP_CATEGORIES) + 1)),
    needs=[Need(pk, name) for pk, (_, name) in enumerate(NEEDS, start=1)],
    risks=list(range(1, len(RISKS) + 1)),
    activities=list(range(1, len(ACTIVITIES) + 1)),
    scale=1,
    areas=[Area(pk, slug) for pk, (slug, _) in enumerate(FAMILY_STAR_PLUS, start=1)],
    measures={slug: pk for pk, (slug, *_) in enumerate(MEASURES, start=1)},
    questionnaires={
        respondent: Questionnaire(
            pk, tuple(Question(slug, kind, text) for slug, text, kind, _ in questions)
        )
        for pk, (respondent, (_, _, questions)) in enumerate(QUESTIONNAIRES.items(), start=1)
    },
)


def make_plan(seed=1, **size):
    options = {**SIZE, "closed_in_one_project": EXTRA_CLOSED, **size}
    return Planner(seed=seed, today=TODAY, **options).plan(REFERENCE)


@pytest.fixture(scope="module")
def plan():
    return make_plan()


def fingerprint(plan):
    """Everything the plan decides, as plain values."""
    return {
        "people": [
            (p.email, p.first_name, p.last_name, p.phone, p.team, p.totp_key)
            for p in [
                plan.admin,
                *(p.manager for p in plan.projects),
                *(sw for p in plan.projects for sw in p.social_workers),
                *(v.user for v in plan.volunteers if v.user),
            ]
        ],
        "volunteers": [
            (
                v.email,
                v.stage,
                v.applied_on,
                v.signed_off_on,
                v.leaves_on,
                v.postcode,
                v.availability_days,
                v.interviews,
                v.dbs_checks,
                v.references,
                v.training,
                v.workshops,
                v.supervisions,
                v.stage_changes,
            )
            for v in plan.volunteers
        ],
        "referrals": [
            (
                r.family_name,
                r.status,
                r.created_on,
                r.submitted_on,
                r.decided_on,
                r.consent_given,
                r.details,
                [(c.first_name, c.born, c.plan_type, c.cp_category) for c in r.children],
                r.needs,
                r.risks,
            )
            for r in plan.referrals
        ],
        "families": [
            (
                f.case_reference,
                f.status,
                f.accepted_on,
                f.closed_on,
                f.reviews,
                f.star_readings,
                f.measures,
                f.goals,
                [(e.respondent, e.submitted_on, e.answers, e.link_nonce) for e in f.evaluations],
            )
            for f in plan.families
        ],
        "matches": [
            (
                m.family.case_reference,
                m.volunteer.email,
                m.started_on,
                m.ended_on,
                m.end_reason,
                [
                    (v.visited_on, v.start_time, v.duration_minutes, v.engagement, v.concern)
                    for v in m.visits
                ],
            )
            for m in plan.matches
        ],
    }


def test_the_same_seed_and_day_give_the_same_plan(plan):
    assert fingerprint(make_plan(seed=1)) == fingerprint(plan)
    other = fingerprint(make_plan(seed=2))
    assert all(other[part] != value for part, value in fingerprint(plan).items())


def test_another_day_moves_the_whole_programme(plan):
    later = Planner(seed=1, today=TODAY + datetime.timedelta(days=7), **SIZE).plan(REFERENCE)
    first = Planner(seed=1, today=TODAY, **SIZE).plan(REFERENCE)
    assert [f.accepted_on + datetime.timedelta(days=7) for f in first.families] == [
        f.accepted_on for f in later.families
    ]


def test_it_plans_the_numbers_asked_for(plan):
    assert [p.code for p in plan.projects] == ["CAM", "STH"]
    assert len(plan.families) == SIZE["families"] + EXTRA_CLOSED
    assert [len(p.volunteers) for p in plan.projects] == [30 + math.ceil(EXTRA_CLOSED / 2), 30]
    assert [len(p.social_workers) for p in plan.projects] == [10, 10]
    assert sum(len(m.visits) for m in plan.matches) == SIZE["visits"] == plan.visits_asked
    assert all(len(m.visits) == m.visit_count for m in plan.matches)
    assert plan.matches == [m for f in plan.families for m in f.matches]


def test_a_small_project_has_a_social_worker_for_each_three_families():
    small = Planner(today=TODAY, projects=3, families=20, volunteers=3, visits=0).plan(REFERENCE)
    assert [len(p.social_workers) for p in small.projects] == [2, 2, 2]
    assert [len(p.families) for p in small.projects] == [7, 7, 6]
    assert all(p.volunteers[0].kind == "signed_off" for p in small.projects)


def test_projects_past_the_named_ones_get_codes_of_their_own():
    many = Planner(today=TODAY, projects=28, families=28, volunteers=28, visits=0).plan(REFERENCE)
    codes = [p.code for p in many.projects]
    assert codes[24:] == ["DEV", "XAZ", "XBA", "XBB"]
    assert len(set(codes)) == 28


def test_it_refuses_a_programme_without_projects():
    with pytest.raises(ValueError, match="At least one project"):
        Planner(projects=0, families=1, volunteers=1, visits=1)


def test_every_stage_and_status_appears(plan):
    assert {v.stage for v in plan.volunteers} == {
        "applied",
        "interviewing",
        "checks",
        "training",
        "ready",
        "matched",
        "not_progressed",
        "left",
    }
    assert {r.status for r in plan.referrals} == {
        "draft",
        "submitted",
        "accepted",
        "declined",
        "waitlisted",
        "withdrawn",
    }
    assert {f.status for f in plan.families} == {"awaiting_match", "matched", "closed"}
    assert {m.end_reason for m in plan.matches if m.ended_on} >= {"planned", "volunteer_left"}


def dates_in(plan):
    """(what, day) for every day the plan records as having happened."""
    for v in plan.volunteers:
        yield from (("stage change", c.on) for c in v.stage_changes)
        yield from (("interview", i.held_on) for i in v.interviews)
        for check in v.dbs_checks:
            yield "DBS issued", check.issued_on
            yield "DBS recorded", check.recorded_on
            if check.last_status_check_on:
                yield "DBS status check", check.last_status_check_on
        yield from (("reference", r.received_on) for r in v.references)
        yield from (("training", day) for day in v.training + v.workshops)
        yield from (("supervision", s.held_on) for s in v.supervisions)
    for r in plan.referrals:
        for what in ("created_on", "submitted_on", "waitlisted_on", "decided_on", "withdrawn_on"):
            if getattr(r, what):
                yield what, getattr(r, what)
    for f in plan.families:
        yield "accepted", f.accepted_on
        if f.closed_on:
            yield "closed", f.closed_on
        yield from (("risk review", r.reviewed_on) for r in f.reviews)
        yield from (("star reading", r.taken_on) for r in f.star_readings)
        yield from (("measure", m.taken_on) for m in f.measures)
        for goal in f.goals:
            yield "goal", goal.created_on
            yield from (("goal review", r.reviewed_on) for r in goal.reviews)
        yield from (("evaluation", e.submitted_on) for e in f.evaluations)
    for m in plan.matches:
        yield "match started", m.started_on
        if m.ended_on:
            yield "match ended", m.ended_on
        for visit in m.visits:
            yield "visit", visit.visited_on
            if visit.paid_on:
                yield "claim paid", visit.paid_on
            if visit.concern and visit.concern.closed_on:
                yield "concern closed", visit.concern.closed_on


def test_nothing_happens_after_today(plan):
    days = list(dates_in(plan))
    assert len(days) > 10000
    assert [(what, day) for what, day in days if day > TODAY] == []
    assert max(day for _, day in days) == TODAY


def test_matches_keep_the_services_rules(plan):
    active = Counter()
    for match in plan.matches:
        volunteer, family = match.volunteer, match.family
        assert volunteer.kind == "signed_off"
        assert volunteer.signed_off_on <= match.started_on
        assert family.accepted_on <= match.started_on
        assert match.ended_on is None or match.started_on < match.ended_on
        assert any(
            check.result == "clear"
            and check.issued_on
            <= match.started_on
            < add_years(check.issued_on, settings.VICP_DBS_VALID_YEARS)
            for check in volunteer.dbs_checks
        ), volunteer.email
        if match.ended_on is None:
            active[volunteer] += 1
            active[family] += 1
    assert active and set(active.values()) == {1}
    for volunteer in plan.volunteers:
        spans = sorted((m.started_on, m.ended_on or TODAY) for m in volunteer.matches)
        assert all(end < start for (_, end), (start, _) in pairwise(spans)), "one at a time"


def test_visits_fall_within_their_match(plan):
    for match in plan.matches:
        last_day = match.ended_on or TODAY
        days = [visit.visited_on for visit in match.visits]
        assert days == sorted(days)
        assert all(match.started_on <= day <= last_day for day in days)
        for n, visit in enumerate(match.visits):
            assert 15 <= visit.duration_minutes <= 480
            if visit.draft:
                assert match.ended_on is None and n == len(match.visits) - 1
            elif visit.contact_made:
                assert visit.engagement in {1, 2, 3, 4, 5}
            if not visit.contact_made:
                assert visit.activities == [] and visit.concern is None
            if visit.paid_on:
                assert visit.miles and visit.visited_on < visit.paid_on
            if visit.concern and visit.concern.closed_on:
                assert visit.visited_on < visit.concern.closed_on
    concerns = [v.concern for m in plan.matches for v in m.visits if v.concern]
    assert len(concerns) > 5
    assert all(bool(c.follow_up) == (c.closed_on is not None) for c in concerns)


def test_volunteers_pass_every_gate_before_sign_off(plan):
    for volunteer in plan.volunteers:
        days = [change.on for change in volunteer.stage_changes]
        assert days == sorted(days), volunteer.email
        assert volunteer.applied_on == days[0]
        if volunteer.kind != "signed_off":
            assert volunteer.user is None and volunteer.signed_off_on is None
            continue
        signed_off = volunteer.signed_off_on
        assert volunteer.user.email == volunteer.email
        assert [(i.kind, i.outcome) for i in volunteer.interviews] == [
            ("informal", "passed"),
            ("formal", "passed"),
            ("post_training", "passed"),
        ]
        assert [i.held_on for i in volunteer.interviews] == sorted(
            i.held_on for i in volunteer.interviews
        )
        assert volunteer.interviews[-1].held_on < signed_off
        assert volunteer.dbs_checks[0].result == "clear"
        assert volunteer.dbs_checks[0].issued_on < signed_off
        good = [r for r in volunteer.references if r.outcome == "satisfactory"]
        assert len(good) >= settings.VICP_REQUIRED_REFERENCES
        assert all(r.received_on < signed_off for r in good)
        hours = 3 * sum(1 for day in volunteer.training if day < signed_off)
        assert hours >= settings.VICP_REQUIRED_TRAINING_HOURS
        assert all(signed_off < day for day in volunteer.workshops)


def test_those_not_progressed_have_a_reason_and_an_alternative(plan):
    stopped = [v for v in plan.volunteers if v.stage == "not_progressed"]
    assert stopped
    for volunteer in stopped:
        reason, alternative = volunteer.not_progressed
        assert volunteer.stage_changes[-1].reason == reason
        assert alternative


def test_families_follow_their_matches_and_reviews(plan):
    for family in plan.families:
        assert (family.status == "closed") == (family.closed_on is not None)
        assert family.reviews[0].stage == "referral"
        assert (family.reviews[-1].stage == "closure") == (family.status == "closed")
        assert all(len(r.children) == len(family.children) for r in family.reviews)
        assert family.level == family.reviews[-1].level
        stages = [r.stage for r in family.star_readings]
        if not family.matches:
            assert stages == [] and family.goals == [] and family.evaluations == []
            continue
        assert stages[0] == "start" and ("end" in stages) == (family.status == "closed")
        assert all(len(r.scores) == len(REFERENCE.areas) for r in family.star_readings)
        assert all(1 <= s <= 10 for r in family.star_readings for s in r.scores)
        assert 2 <= len(family.goals) <= 4
        assert not family.evaluations or family.status == "closed"
    extra = [f for f in plan.families if f.full_outcomes]
    assert len(extra) == EXTRA_CLOSED
    for family in extra:
        assert family.project is plan.projects[0] and family.status == "closed"
        assert TODAY - family.closed_on < datetime.timedelta(days=365)
        # Every evaluation came back: the social worker's unless it was a paper referral.
        respondents = {"volunteer", "family"} | (
            {"social_worker"} if family.referral.social_worker else set()
        )
        assert {e.respondent for e in family.evaluations} == respondents


def test_case_references_count_up_within_each_year(plan):
    for project in plan.projects:
        numbers = {}
        for family in project.families:
            code, year, number = family.case_reference.split("-")
            assert code == project.code and int(year) == family.accepted_on.year
            numbers.setdefault(int(year), []).append(int(number))
        assert {year: sorted(n) for year, n in numbers.items()} == {
            year: list(range(1, len(n) + 1)) for year, n in numbers.items()
        }
        assert project.case_numbers == {year: len(n) for year, n in numbers.items()}


def test_referrals_end_at_their_status(plan):
    for referral in plan.referrals:
        history = referral.status_history()
        assert history[-1][1] == referral.status
        assert [day for _, _, day, *_ in history] == sorted(day for _, _, day, *_ in history)
        assert referral.consent_given or referral.status == "draft"
        assert referral.children and referral.needs
        assert referral.social_worker is None or referral.social_worker in (
            referral.project.social_workers
        )
    accepted = [r for r in plan.referrals if r.status == "accepted"]
    assert accepted == [f.referral for f in plan.families]
