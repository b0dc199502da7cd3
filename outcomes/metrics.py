"""The programme's impact figures, from its own records.

`impact_summary` is the single source of these figures: the dashboard, the
impact report (PDF) and the tests all read them from here.

Outcome figures (risk, plans, school attendance, Family Star, measures,
savings) are about the families whose case *closed* in the period: their
work is over, so before and after can be compared. Counts of referrals,
acceptances and work describe activity in the period.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean

from django.db.models import Q, Sum
from django.utils import timezone

from families.models import Family, Match
from referrals.models import Referral
from vicp import dates, money
from vicp.models import Project
from volunteers.models import Stage, TrainingAttendance, Volunteer, VolunteerStageChange

from .models import (
    ChildStatus,
    Measure,
    MeasureScore,
    OutcomeScale,
    RiskReview,
    StarReading,
    StarScore,
    UnitCosts,
)

PENNY = Decimal("0.01")
FUNNEL = [
    (Stage.APPLIED, "Applied"),
    (Stage.INTERVIEWING, "Interviewed"),
    (Stage.CHECKS, "Checks (DBS and references)"),
    (Stage.TRAINING, "Training"),
    (Stage.READY, "Signed off"),
    (Stage.MATCHED, "Matched with a family"),
]
FUNNEL_RANK = {stage: rank for rank, (stage, _) in enumerate(FUNNEL)}


def percent(part, whole):
    """A whole-number percentage, rounded half up (2.5 → 3), or None without a whole."""
    if not whole:
        return None
    exact = Decimal(part) * 100 / Decimal(whole)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _in_scope(queryset, project, field="project"):
    return queryset.filter(**{field: project}) if project is not None else queryset


def impact_summary(*, project=None, start, end):
    """The figures of the programme impact report for `project` (None: every project)
    over the period from `start` to `end` (both dates included)."""
    families = _in_scope(Family.objects.all(), project)
    # The closed cases, as a subquery: the outcome queries join it in the database.
    closed_ids = families.filter(status=Family.Status.CLOSED, closed_on__range=(start, end)).values(
        "pk"
    )
    summary = {
        "project": project,
        "start": start,
        "end": end,
        "families_referred": _in_scope(Referral.objects.all(), project)
        .filter(submitted_at__date__range=(start, end))
        .count(),
        "families_accepted": families.filter(accepted_on__range=(start, end)).count(),
        "families_worked_with": _in_scope(Match.objects.all(), project, "family__project")
        .filter(Q(started_on__lte=end) & (Q(ended_on=None) | Q(ended_on__gte=start)))
        .values("family_id")
        .distinct()
        .count(),
        "families_closed": closed_ids.count(),
    }
    first, closure = _first_and_closure_reviews(closed_ids)
    summary.update(_risk(first, closure))
    statuses = _child_statuses(first, closure)
    plan_changes = _plan_changes(statuses)
    summary.update(_cp_plans(statuses, plan_changes))
    summary.update(_school_attendance(closed_ids))
    star_pairs: set[int] = set()
    summary["star_change"] = _star_change(closed_ids, star_pairs)
    measure_pairs: set[int] = set()
    summary["measures"] = _measures(closed_ids, measure_pairs)
    summary["not_assessed"] = _not_assessed_by_figure(
        closed_ids, first, closure, statuses, summary, star_pairs, measure_pairs
    )
    summary["volunteer_funnel"] = _volunteer_funnel(project, start, end)
    summary["training_hours"] = _in_scope(
        TrainingAttendance.objects.filter(withdrawn_at=None), project, "session__project"
    ).filter(session__held_on__range=(start, end)).aggregate(total=Sum("hours"))[
        "total"
    ] or Decimal(0)
    summary.update(_savings(project, start, end, plan_changes))
    return summary


# --- Risk and plans ----------------------------------------------------------------------


def _first_and_closure_reviews(family_ids):
    """{family id: (review id, level ordinal)} of each family's first review (the one at
    referral, else the earliest other than the closure review) and of its closure review."""
    first, closure = {}, {}
    reviews = (
        RiskReview.objects.filter(family_id__in=family_ids)
        .order_by("family_id", "reviewed_on", "pk")
        .values_list("family_id", "pk", "stage", "level_of_need__ordinal")
    )
    for family_id, pk, stage, ordinal in reviews:
        if stage == RiskReview.Stage.CLOSURE:
            closure[family_id] = (pk, ordinal)
        elif stage == RiskReview.Stage.REFERRAL:
            first[family_id] = (pk, ordinal)
        else:
            first.setdefault(family_id, (pk, ordinal))
    return first, closure


def _risk(first, closure):
    """A family is in the denominator when it has a closure review and an earlier one:
    without an end review there is nothing to compare."""
    reviewed = [f for f in closure if f in first]
    decreased = [f for f in reviewed if closure[f][1] < first[f][1]]
    return {
        "risk_reviewed": len(reviewed),
        "risk_decreased": len(decreased),
        "risk_decreased_pct": percent(len(decreased), len(reviewed)),
    }


def _child_statuses(first, closure):
    """{family id: {child id: [plan at the first review, plan at closure or None]}}."""
    review_ids = {pk for pk, _ in first.values()} | {pk for pk, _ in closure.values()}
    first_of = {pk: family_id for family_id, (pk, _) in first.items()}
    closure_of = {pk: family_id for family_id, (pk, _) in closure.items()}
    statuses = defaultdict(dict)
    rows = (
        ChildStatus.objects.filter(review_id__in=review_ids)
        .order_by()
        .values_list("review_id", "child_id", "plan_type")
    )
    for review_id, child_id, plan_type in rows:
        if review_id in first_of:
            statuses[first_of[review_id]].setdefault(child_id, [None, None])[0] = plan_type
        if review_id in closure_of:
            statuses[closure_of[review_id]].setdefault(child_id, [None, None])[1] = plan_type
    return statuses


def _plan_changes(statuses):
    """[(family id, plan at first review, plan at closure)] for each child with both."""
    return [
        (family_id, before, after)
        for family_id, children in statuses.items()
        for before, after in children.values()
        if before is not None and after is not None
    ]


def _cp_plans(statuses, plan_changes):
    on_cp = {
        family_id
        for family_id, children in statuses.items()
        if any(before == "cp" for before, _ in children.values())
    }
    # Removed from plans: every child who started on a CP plan is now on a CIN plan
    # or none, which needs a closure review that says so for each of them.
    removed = {
        family_id
        for family_id in on_cp
        if all(
            after is not None and after != "cp"
            for before, after in statuses[family_id].values()
            if before == "cp"
        )
    }
    return {
        "families_on_cp_plan_at_start": len(on_cp),
        "families_removed_from_cp_plan": len(removed),
        "children_on_cp_plan_at_start": sum(
            before == "cp" for children in statuses.values() for before, _ in children.values()
        ),
        "children_removed_from_cp_plan": sum(
            before == "cp" and after != "cp" for _, before, after in plan_changes
        ),
    }


def _school_attendance(family_ids):
    """Families where any child's attendance rose from their first recorded figure to
    their last (a child needs two figures to count)."""
    readings = defaultdict(list)
    rows = (
        ChildStatus.objects.filter(review__family_id__in=family_ids)
        .exclude(school_attendance=None)
        .order_by("review__reviewed_on", "review_id")
        .values_list("review__family_id", "child_id", "school_attendance")
    )
    for family_id, child_id, attendance in rows:
        readings[(family_id, child_id)].append(attendance)
    measured, improved = set(), set()
    for (family_id, _), values in readings.items():
        if len(values) >= 2:
            measured.add(family_id)
            if values[-1] > values[0]:
                improved.add(family_id)
    return {
        "school_attendance_measured": len(measured),
        "school_attendance_improved": len(improved),
        "school_attendance_families": measured,
    }


# --- Family Star and measures ---------------------------------------------------------------


def _mean(values):
    return round(fmean(values), 1) if values else None


def _star_change(family_ids, paired=None):
    """Per area of the default scale: the mean score at the start and the end, and the mean
    change, over the families with both readings (whose ids are added to `paired`)."""
    scale = OutcomeScale.default()
    scores = defaultdict(dict)  # (family, area) → {stage: score}
    rows = (
        StarScore.objects.filter(
            reading__family_id__in=family_ids,
            reading__scale=scale,
            reading__stage__in=[StarReading.Stage.START, StarReading.Stage.END],
        )
        .order_by()
        .values_list("reading__family_id", "area_id", "reading__stage", "score")
    )
    for family_id, area_id, stage, score in rows:
        scores[(family_id, area_id)][stage] = score
    pairs_by_area = defaultdict(list)
    for (family_id, area_id), stages in scores.items():
        if len(stages) == 2:
            pairs_by_area[area_id].append((stages["start"], stages["end"]))
            if paired is not None:
                paired.add(family_id)
    result = []
    for area in scale.areas.all():
        pairs = pairs_by_area[area.pk]
        result.append(
            {
                "area": area.name,
                "slug": area.slug,
                "n": len(pairs),
                "mean_start": _mean([s for s, _ in pairs]),
                "mean_end": _mean([e for _, e in pairs]),
                "mean_change": _mean([e - s for s, e in pairs]),
            }
        )
    return result


def wilcoxon_p(before, after):
    """Two-sided p-value of the Wilcoxon signed-rank test on paired scores, or None when it
    cannot be computed (fewer than two pairs, or no pair changed)."""

    from scipy.stats import wilcoxon

    differences = [a - b for b, a in zip(before, after, strict=True)]
    if len(differences) < 2 or not any(differences):
        return None
    result = wilcoxon(after, before)
    return float(result.pvalue)


def _measures(family_ids, paired=None):
    """Per measure: pairs of start and end scores about the same person; their means and
    the significance of the change. The ids of families with a pair are added to
    `paired`."""
    pairs = defaultdict(dict)  # (measure, person) → {stage: score}
    rows = (
        MeasureScore.objects.filter(family_id__in=family_ids)
        .order_by()
        .values_list("measure_id", "family_id", "child_id", "parent", "stage", "score")
    )
    for measure_id, family_id, child_id, parent, stage, score in rows:
        person = ("child", child_id) if child_id else ("parent", family_id, parent.lower())
        pairs[(measure_id, family_id, person)][stage] = score
    paired_by_measure = defaultdict(list)
    for (measure_id, family_id, _), stages in pairs.items():
        if len(stages) == 2:
            paired_by_measure[measure_id].append((stages["start"], stages["end"]))
            if paired is not None:
                paired.add(family_id)
    result = []
    for measure in Measure.objects.filter(is_active=True):
        paired = paired_by_measure[measure.pk]
        before, after = [b for b, _ in paired], [a for _, a in paired]
        result.append(
            {
                "measure": measure.name,
                "slug": measure.slug,
                "about": measure.get_about_display(),
                "higher_is_better": measure.higher_is_better,
                "n": len(paired),
                "mean_before": _mean(before),
                "mean_after": _mean(after),
                "p_value": wilcoxon_p(before, after),
            }
        )
    return result


# --- Closed cases the figures could not count ------------------------------------------------

NO_CLOSURE_REVIEW = "no closure risk review recorded"


def _not_assessed(closed, assessed, fallback):
    """{"count", "reasons": [(reason, count)], "text"} of the closed cases (`closed`:
    {family id: the reason given at closing, or ""}) not in `assessed`. A case closed
    with a reason for its missing closure review counts under that reason; any other,
    under `fallback(family id)`."""
    counts = defaultdict(int)
    for family_id, given in closed.items():
        if family_id not in assessed:
            counts[given or fallback(family_id)] += 1
    reasons = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    total = sum(counts.values())
    text = ""
    if total:
        text = (
            f"{total} closed {'case' if total == 1 else 'cases'} could not be assessed: "
            + ", ".join(f"{reason} ({count})" for reason, count in reasons)
        )
    return {"count": total, "reasons": reasons, "text": text}


def _not_assessed_by_figure(closed_ids, first, closure, statuses, summary, star, measures):
    """For each figure that needs the closing records: the closed cases it could not count,
    and why."""
    labels = {value: label.lower() for value, label in Family.ReviewMissing.choices}
    closed = {
        pk: labels.get(reason, "")
        for pk, reason in Family.objects.filter(pk__in=closed_ids).values_list(
            "pk", "closure_review_missing_reason"
        )
    }
    on_cp = {
        family_id
        for family_id, children in statuses.items()
        if any(before == "cp" for before, _ in children.values())
    }
    star_started = set(
        StarReading.objects.filter(family_id__in=closed_ids, stage=StarReading.Stage.START)
        .order_by()
        .values_list("family_id", flat=True)
    )
    measured_at_start = set(
        MeasureScore.objects.filter(family_id__in=closed_ids, stage=MeasureScore.Stage.START)
        .order_by()
        .values_list("family_id", flat=True)
    )

    def review_missing(family_id):
        return NO_CLOSURE_REVIEW if family_id not in closure else None

    return {
        "risk": _not_assessed(
            closed,
            {f for f in closure if f in first},
            lambda f: review_missing(f) or "no earlier risk review to compare",
        ),
        # Only the families with a child on a CP plan at the start are in this figure.
        "cp_plans": _not_assessed(
            {f: given for f, given in closed.items() if f in on_cp},
            set(closure),
            lambda f: NO_CLOSURE_REVIEW,
        ),
        "school_attendance": _not_assessed(
            closed,
            summary.pop("school_attendance_families"),
            lambda f: review_missing(f) or "fewer than two attendance figures for any child",
        ),
        "star": _not_assessed(
            closed,
            star,
            lambda f: (
                "no end Family Star reading"
                if f in star_started
                else "no Family Star reading at the start"
            ),
        ),
        "measures": _not_assessed(
            closed,
            measures,
            lambda f: "no end measures recorded" if f in measured_at_start else "no measures",
        ),
    }


# --- Volunteers -----------------------------------------------------------------------------


def _volunteer_funnel(project, start, end):
    """How far the volunteers who applied in the period have got, stage by stage."""
    volunteers = _in_scope(Volunteer.objects.all(), project).filter(
        applied_at__date__range=(start, end)
    )
    furthest = {
        pk: FUNNEL_RANK.get(stage, 0) for pk, stage in volunteers.values_list("pk", "stage")
    }
    changes = VolunteerStageChange.objects.filter(volunteer__in=volunteers).values_list(
        "volunteer_id", "to_stage"
    )
    for volunteer_id, stage in changes:
        if stage in FUNNEL_RANK:
            furthest[volunteer_id] = max(furthest[volunteer_id], FUNNEL_RANK[stage])
    funnel = [
        (label, sum(rank >= position for rank in furthest.values()))
        for position, (_, label) in enumerate(FUNNEL)
    ]
    not_progressed = volunteers.filter(stage=Stage.NOT_PROGRESSED).count()
    return [*funnel, ("Not progressed (alternatives suggested)", not_progressed)]


# --- Cost and savings -----------------------------------------------------------------------


def unit_costs_for(project, on, rows=None):
    """The unit costs in force for `project` on a date: its own, else the default.

    `rows`: every UnitCosts row, newest first, when the caller has loaded them once.
    """
    if rows is None:
        rows = list(UnitCosts.objects.filter(valid_from__lte=on).order_by("-valid_from"))
    in_force = [row for row in rows if row.valid_from <= on]
    own = [row for row in in_force if project is not None and row.project_id == project.pk]
    default = [row for row in in_force if row.project_id is None]
    return (own or default or [None])[0]


def _money(value):
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def _pounds(value):
    return money.pounds(value)


CHANGE_WORDS = {
    ("cp", "cin"): "stepped down from a CP plan to a CIN plan",
    ("cp", "none"): "came off a CP plan altogether",
    ("cin", "none"): "came off a CIN plan",
    ("cin", "cp"): "stepped up from a CIN plan to a CP plan",
    ("none", "cp"): "went onto a CP plan",
    ("none", "cin"): "went onto a CIN plan",
}


def _plan_cost(costs, plan_type):
    return {"cp": costs.cp_plan_child_year, "cin": costs.cin_plan_child_year}.get(
        plan_type, Decimal(0)
    )


def _savings(project, start, end, plan_changes):
    """The scheme's cost for the period against a year of plan costs avoided per child
    whose plan stepped down (a step up counts against)."""

    days = (end - start).days + 1
    projects = [project] if project is not None else list(Project.objects.all())
    family_project = dict(
        Family.objects.filter(pk__in={f for f, _, _ in plan_changes}).values_list(
            "pk", "project_id"
        )
    )
    cost = savings = Decimal(0)
    method = []
    counts = defaultdict(int)
    rows = list(UnitCosts.objects.filter(valid_from__lte=end).order_by("-valid_from"))
    for each in projects:
        costs = unit_costs_for(each, end, rows)
        if costs is None:
            method.append(f"{each.name}: no unit costs recorded, so no estimate is made.")
            continue
        scheme = costs.scheme_year * days / 365
        cost += scheme
        saved = Decimal(0)
        for family_id, before, after in plan_changes:
            if family_project.get(family_id) != each.pk or before == after:
                continue
            saved += _plan_cost(costs, before) - _plan_cost(costs, after)
            counts[(before, after)] += 1
        savings += saved
        method.append(
            f"{each.name}: unit costs from {dates.day(costs.valid_from)} — a child on a CP plan "
            f"{_pounds(costs.cp_plan_child_year)} a year, on a CIN plan "
            f"{_pounds(costs.cin_plan_child_year)} a year; running the scheme "
            f"{_pounds(costs.scheme_year)} a year, so {_pounds(scheme)} for these {days} days."
            + (f" Source: {costs.source}" if costs.source else "")
        )
    method.append(
        "Estimated savings: each child whose plan changed between the family's first risk "
        "review and its closure review counts as one year of the difference in plan costs: "
        "a step down saves it, a step up counts against the savings."
    )
    for (before, after), count in sorted(counts.items()):
        method.append(
            f"{count} {'child' if count == 1 else 'children'} {CHANGE_WORDS[(before, after)]}."
        )
    method.append("Net savings are the estimated savings less the cost of the scheme.")
    return {
        "cost_of_scheme": _money(cost),
        "estimated_savings": _money(savings),
        "net_savings": _money(savings) - _money(cost),
        "savings_method": method,
    }


def default_period(today=None):
    """The last twelve months up to today: the period pages show by default."""

    today = today or timezone.localdate()
    try:
        start = today.replace(year=today.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28) + datetime.timedelta(days=1)
    return start, today
