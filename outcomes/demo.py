"""Demo outcomes for `seed_demo`: closed cases with their whole journey, so that the
impact figures, charts and reports have something to show. Safe to run again.

Each step is recorded on its own day (`vicp.demo_time.on_day`), months apart as in a
real case."""

import datetime

from django.utils import timezone

from families import services as family_services
from families.models import Family, Match
from referrals import services as referral_services
from referrals.models import CPCategory, LevelOfNeed, Referral
from vicp.demo_time import days_ago, on_day
from vicp.models import User
from volunteers import services as volunteer_services
from volunteers.models import Stage, TrainingSession, Volunteer

from . import services
from .models import Measure, RiskReview
from .reference_data import FAMILY_STAR_PLUS

# (family name, children as (first name, age, plan at referral → plan at closure),
#  level of need at referral → at closure, Star change per area, weeks ago closed,
#  which of ALUMNI worked with the family)
CLOSED_CASES = [
    ("Adams", [("Noah", 8, "cp", "cin"), ("Isla", 5, "cp", "cin")], (4, 3), 3, 4, 0),
    ("Bell", [("Freddie", 10, "cp", "none")], (4, 2), 4, 9, 1),
    ("Clarke", [("Poppy", 6, "cin", "none")], (3, 2), 2, 14, 2),
    ("Davies", [("Oscar", 12, "cp", "cp"), ("Lily", 9, "cp", "cin")], (4, 4), 1, 20, 3),
    ("Evans", [("Ava", 4, "cp", "cin")], (4, 3), 3, 26, 4),
    ("Foster", [("Harry", 7, "cin", "cin")], (3, 3), 0, 33, 0),
]
# Each case lasts 26 weeks, and a volunteer works with one family at a time: the
# former volunteers who worked with the closed cases, one after another.
ALUMNI = [
    ("Grace", "Ellis", "grace.ellis@example.org"),
    ("Daniel", "Reid", "daniel.reid@example.org"),
    ("Amira", "Hassan", "amira.hassan@example.org"),
    ("Joe", "Turner", "joe.turner@example.org"),
    ("Nadia", "Kowalski", "nadia.kowalski@example.org"),
]


def _born(years):
    return days_ago(365 * years + 40)


def _on(days):
    """Recorded `days` ago (a context manager)."""
    return on_day(days_ago(days))


def _demo_volunteer(project, manager, position):
    """A signed-off volunteer who worked with some of the closed demo families in turn,
    recruited some 16 months ago."""
    first_name, last_name, email = ALUMNI[position]
    volunteer = Volunteer.objects.filter(email=email).first()
    if volunteer is not None:
        return volunteer
    with _on(500 + 10 * position):
        volunteer = Volunteer.objects.create(
            project=project,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone="07700 900456",
            postcode="CB2 1AA",
            consent_to_checks=True,
            applied_at=timezone.now(),
        )
    for kind, day in (("informal", 490), ("formal", 480)):
        with _on(day):
            volunteer_services.record_interview(
                volunteer, kind=kind, outcome="passed", by=manager, held_on=days_ago(day)
            )
    with _on(470):
        volunteer_services.record_dbs_check(
            volunteer,
            certificate_number=f"0011223344{position:02d}",
            issued_on=days_ago(472),
            result="clear",
            by=manager,
        )
    for referee, day in (("Ruth Baker", 468), ("Tom Ellis", 466)):
        with _on(day):
            volunteer_services.record_reference(
                volunteer,
                referee_name=referee,
                relationship="Employer",
                outcome="satisfactory",
                received_on=days_ago(day),
                by=manager,
            )
    with _on(460):
        session, _ = TrainingSession.objects.get_or_create(
            project=project,
            title="Initial training (demo)",
            defaults={"held_on": days_ago(460), "hours": 18, "created_by": manager},
        )
        volunteer_services.record_training(volunteer, session=session, hours=18, by=manager)
    with _on(455):
        volunteer_services.record_interview(
            volunteer, kind="post_training", outcome="passed", by=manager, held_on=days_ago(455)
        )
        return volunteer_services.sign_off(volunteer, by=manager)


def _closed_case(project, manager, social_worker, volunteer, row):
    """A case from its referral to its closure, a week between referral and acceptance,
    26 weeks of work, the evaluations a week after closure."""
    family_name, children, (level_before, level_after), star_gain, closed_weeks_ago, _ = row
    end_day = closed_weeks_ago * 7
    start_day = end_day + 26 * 7
    neglect = CPCategory.objects.get(slug="neglect")
    with _on(start_day + 21):
        referral = referral_services.save_referral(
            Referral(
                project=project,
                family_name=family_name,
                parents_carers="Mum (main carer)",
                address="1 Example Street",
                postcode="CB1 1AA",
                level_of_need=LevelOfNeed.for_project(project).get(ordinal=level_before),
                reasons="Routines, school attendance and confidence in parenting.",
                consent_given=True,
                referrer_name=social_worker.get_full_name(),
                referrer_local_authority=project.local_authority,
                social_worker=social_worker,
            ),
            by=social_worker,
            children=[
                {
                    "first_name": name,
                    "last_name": family_name,
                    "date_of_birth": _born(age),
                    "plan_type": before,
                    "cp_category": neglect if before == "cp" else None,
                }
                for name, age, before, _ in children
            ],
        )
        referral_services.submit_referral(referral, by=social_worker)
    with _on(start_day + 14):
        family = referral_services.accept_referral(referral, by=manager)
    with _on(start_day):
        match = family_services.start_match(
            family=family, volunteer=volunteer, by=manager, started_on=days_ago(start_day)
        )
    for stage, day, gain in (("start", start_day - 7, 0), ("end", end_day + 3, star_gain)):
        with _on(day):
            services.record_star_reading(
                family=family,
                by=manager,
                stage=stage,
                taken_on=days_ago(day),
                scores={
                    slug: min(10, 3 + position % 4 + gain)
                    for position, (slug, _) in enumerate(FAMILY_STAR_PLUS)
                },
            )
    sdq, wemwbs = Measure.objects.get(slug="sdq-total"), Measure.objects.get(slug="wemwbs")
    eldest = family.children.order_by("date_of_birth").first()
    for stage, day, sdq_score, wemwbs_score in (
        ("start", start_day - 7, 24 + star_gain, 38),
        ("end", end_day + 3, 24 - 2 * star_gain, 38 + 3 * star_gain),
    ):
        with _on(day):
            services.record_measure(
                family=family,
                by=manager,
                measure=sdq,
                stage=stage,
                taken_on=days_ago(day),
                score=sdq_score,
                child=eldest,
            )
            services.record_measure(
                family=family,
                by=manager,
                measure=wemwbs,
                stage=stage,
                taken_on=days_ago(day),
                score=wemwbs_score,
                parent="Mother",
            )
    after = {name: plan for name, _, _, plan in children}
    for stage, day, level, attendance in (
        (RiskReview.Stage.REVIEW, start_day - 28, level_before, 84),
        (RiskReview.Stage.CLOSURE, end_day, level_after, 84 + 2 * star_gain),
    ):
        with _on(day):
            services.record_risk_review(
                family=family,
                by=manager,
                reviewed_on=days_ago(day),
                caf_level=level,
                stage=stage,
                child_statuses={
                    child.pk: {
                        "plan_type": child.plan_type
                        if stage == "review"
                        else after[child.first_name],
                        "school_attendance": attendance if child.age >= 5 else None,
                    }
                    for child in family.children.all()
                },
            )
    with _on(end_day):
        family_services.end_match(match, by=manager, reason="planned", ended_on=days_ago(end_day))
        family_services.close_case(family, by=manager, reason="Planned ending: the work is done.")
    with _on(end_day - 7):
        services.submit_evaluation(
            family=family,
            respondent="social_worker",
            by=social_worker,
            answers={
                "helpful": 4,
                "engagement": 4,
                "partnership": 5,
                "changes": "Mornings are calmer and the children get to school on time.",
            },
        )
        services.submit_evaluation(
            family=family,
            respondent="volunteer",
            by=volunteer.user,
            answers={"went-well": 4, "supported": 5, "changes": "Mum is more confident."},
        )


def _start_reading_of_the_active_case(project):
    """The demo family working with a volunteer now has its Family Star at the start."""
    matches = Match.objects.filter(
        family__project=project, family__family_name="Carter", ended_on=None
    ).select_related("family", "volunteer__user")
    for match in matches:
        if match.family.star_readings.exists():
            continue
        taken_on = match.started_on + datetime.timedelta(days=1)
        with on_day(taken_on):
            services.record_star_reading(
                family=match.family,
                by=match.volunteer.user,
                stage="start",
                taken_on=taken_on,
                scores={
                    slug: 3 + position % 4 for position, (slug, _) in enumerate(FAMILY_STAR_PLUS)
                },
            )


def seed_outcomes(projects):
    project = projects["CAM"]
    _start_reading_of_the_active_case(project)
    manager = User.objects.get(email="pm.cam@example.org")
    social_worker = User.objects.get(email="sw.cam@example.org")
    names = [row[0] for row in CLOSED_CASES]
    if Family.objects.filter(project=project, family_name__in=names).exists():
        return
    alumni = [_demo_volunteer(project, manager, position) for position in range(len(ALUMNI))]
    if any(volunteer.stage != Stage.READY for volunteer in alumni):
        return
    # The oldest first, so that each volunteer's cases follow one another.
    for row in sorted(CLOSED_CASES, key=lambda row: -row[4]):
        _closed_case(project, manager, social_worker, alumni[row[5]], row)
    # They have since stopped volunteering: their records stay, their accounts cannot
    # sign in.
    for volunteer in alumni:
        volunteer_services.record_leaving(volunteer, by=manager, reason="Moved away.")
        User.objects.filter(pk=volunteer.user_id).update(is_active=False)
