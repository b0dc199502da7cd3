"""Outcomes of the work with each family: risk reviews (at referral, at about three
months, at closure), Family Star readings, measures, the goals of the plan of work
and the end-of-work evaluations."""

from decimal import Decimal

from bench.seed import vocabulary as words
from bench.seed.plan import (
    EvaluationPlan,
    GoalPlan,
    GoalReviewPlan,
    MeasurePlan,
    RiskReviewPlan,
    StarReadingPlan,
)
from bench.seed.planner.draws import DAY
from families.models import age_on


def plan_risk_reviews(draws, project):
    """For every family: at referral; at about three months of work; at closure."""
    rng, days, today = draws.rng, draws.days, draws.today
    for family in project.families:
        children = family.children
        plans = [(child.plan_type, None) for child in children]
        family.reviews = [
            RiskReviewPlan("referral", family.accepted_on, family.referral.level, plans)
        ]
        first = family.matches[0] if family.matches else None
        last_day = min(family.matches[-1].ended_on or today, today) if first else None
        level = family.referral.level
        attendance = [
            Decimal(rng.randint(600, 900)) / 10
            if 5 <= age_on(child.born, family.accepted_on) <= 16
            else None
            for child in children
        ]
        if first and first.started_on + 84 * DAY <= last_day:
            day = min(first.started_on + days(84, 100), last_day)
            if rng.random() < 0.3 and level > 1:
                level -= 1
            plans = [(plan, attendance[i]) for i, (plan, _) in enumerate(plans)]
            family.reviews.append(RiskReviewPlan("review", day, level, plans))
        if family.closed_on:
            if first:
                step = rng.choices([-2, -1, 0, 1], weights=[15, 70, 12, 3])[0]
                level = min(max(level + step, 1), 4)
                plans = [
                    (plan_at_closure(draws, plan), attendance_at_closure(draws, attendance[i]))
                    for i, (plan, _) in enumerate(plans)
                ]
            family.reviews.append(RiskReviewPlan("closure", family.closed_on, level, plans))


def plan_at_closure(draws, plan):
    if plan == "cp":
        return draws.rng.choices(["cp", "cin", "none"], weights=[50, 35, 15])[0]
    if plan == "cin":
        return draws.rng.choices(["cp", "cin", "none"], weights=[5, 55, 40])[0]
    return "none"


def attendance_at_closure(draws, before):
    if before is None:
        return None
    return min(before + Decimal(draws.rng.randint(-30, 150)) / 10, Decimal(100))


def work_days(draws, family):
    """(first day of work, last day of work or today, finished?) for a matched family."""
    first = family.matches[0]
    last = family.matches[-1]
    end = min(last.ended_on or draws.today, draws.today)
    return first.started_on, end, family.closed_on is not None


def plan_star_readings(draws, family):
    """At the start of the work; at review, after about three months; at the end."""
    if not family.matches:
        return
    rng, days = draws.rng, draws.days
    start, end, finished = work_days(draws, family)
    taken = min(start + days(7, 14), end)
    base = [rng.randint(2, 6) for _ in draws.reference.areas]
    family.star_readings.append(StarReadingPlan("start", taken, base))
    if start + 90 * DAY <= end:
        day = min(start + days(85, 100), end)
        scores = [min(s + rng.randint(0, 2), 10) for s in base]
        family.star_readings.append(StarReadingPlan("review", day, scores))
    if finished:
        scores = [min(max(s + rng.randint(-1, 4), 1), 10) for s in base]
        family.star_readings.append(StarReadingPlan("end", family.closed_on, scores))


def plan_measures(draws, family):
    """SDQ for a child of 4 to 17 (when there is one) and WEMWBS for the parent, at
    the start and, when the work is finished, at the end."""
    measures = draws.reference.measures
    if not family.matches or not all(
        slug in measures for slug in ("sdq-total", "sdq-emotional", "wemwbs")
    ):
        return
    rng, days = draws.rng, draws.days
    start, end, finished = work_days(draws, family)
    taken = min(start + days(7, 21), end)
    child = next(
        (i for i, c in enumerate(family.children) if 4 <= age_on(c.born, taken) <= 17), None
    )
    parent = "Mother" if rng.random() < 0.9 else "Father"
    values = []
    if child is not None:
        total = rng.randint(12, 30)
        feelings = rng.randint(3, 9)
        values += [
            ("sdq-total", child, "", total, min(max(total - rng.randint(-2, 8), 0), 40)),
            (
                "sdq-emotional",
                child,
                "",
                feelings,
                min(max(feelings - rng.randint(-1, 4), 0), 10),
            ),
        ]
    wellbeing = rng.randint(28, 50)
    values.append(
        ("wemwbs", None, parent, wellbeing, min(max(wellbeing + rng.randint(-3, 12), 14), 70))
    )
    for measure, about, who, before, after in values:
        family.measures.append(MeasurePlan(measure, about, who, "start", taken, before))
        if finished:
            family.measures.append(MeasurePlan(measure, about, who, "end", family.closed_on, after))


def plan_goals(draws, family):
    """Two to four goals of the plan of work, reviewed at three months and at the end."""
    if not family.matches:
        return
    rng, days = draws.rng, draws.days
    start, end, finished = work_days(draws, family)
    created = min(start + days(3, 14), end)
    areas = rng.sample(draws.reference.areas, 3)
    needs = family.referral.needs
    for n in range(rng.randint(2, 4)):
        need = needs[n % len(needs)]
        target_date = created + days(60, 180)
        reviews = []
        if start + 90 * DAY <= end:
            reviews.append(GoalReviewPlan("review", min(start + days(85, 100), end), "partly"))
        if finished:
            outcome = rng.choices(["achieved", "partly", "not_achieved"], weights=[55, 35, 10])
            reviews.append(GoalReviewPlan("end", family.closed_on, outcome[0]))
        family.goals.append(
            GoalPlan(
                need=need,
                description=f"{need.name}: agree small steps and keep to them each week.",
                star_area=areas[n % 3].slug,
                created_on=created,
                target_date=target_date,
                reviews=reviews,
            )
        )


def plan_evaluations(draws, family):
    """The end-of-work evaluations of a closed case that most respondents send back
    within a month (all of them for the extra closed families)."""
    if not (family.closed_on and family.matches):
        return
    rng, days = draws.rng, draws.days
    social_worker = family.referral.social_worker
    volunteer = family.matches[-1].volunteer.user
    for respondent, by, chance in (
        ("social_worker", social_worker, 0.8),
        ("volunteer", volunteer, 0.85),
        ("family", None, 0.65),
    ):
        if respondent == "social_worker" and social_worker is None:
            continue
        submitted_on = family.closed_on + days(1, 30)
        if submitted_on > draws.today or not (family.full_outcomes or rng.random() < chance):
            continue
        questions = draws.reference.questionnaires[respondent].questions
        answers = {
            q.slug: rng.randint(3, 5) if q.kind == "rating" else rng.choice(words.TEXT_ANSWERS)
            for q in questions
        }
        nonce = f"{rng.getrandbits(128):032x}" if respondent == "family" else ""
        family.evaluations.append(
            EvaluationPlan(respondent, by, submitted_on, answers, link_nonce=nonce)
        )
