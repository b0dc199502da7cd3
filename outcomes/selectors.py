"""What each person may see of outcomes and reports."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from families.models import Child, Family, Match
from families.policy import manages_family
from families.selectors import families_visible_to
from vicp import dates
from vicp.models import Project, User
from vicp.permissions import audit_refusal, in_managed_projects, projects_managed_by

from . import charts, policy
from .family_links import current_family_link
from .metrics import default_period, impact_summary
from .models import (
    ChildStatus,
    Evaluation,
    Report,
    Respondent,
    RiskReview,
    StarReading,
    StarScore,
)

ROLES_ASKED = ("admin", "project_manager", "social_worker", "volunteer")


def reports_visible_to(user: User) -> QuerySet[Report]:
    """Administrators: every report. Project managers: their projects' reports.
    Social workers: the case closure reports of the families they referred."""
    reports = Report.objects.select_related("project", "family", "volunteer", "requested_by")
    if not (user.is_authenticated and user.is_active):
        return reports.none()
    if user.is_admin:
        return reports
    if user.is_project_manager:
        return reports.filter(in_managed_projects(user))
    # Not volunteers: a closure report holds the referral, the concerns and the other
    # evaluations, none of which a volunteer may see (docs/domain.md, "Who may see what").
    if not user.is_social_worker:
        return reports.none()
    return reports.filter(
        kind=Report.Kind.CASE_CLOSURE, family__in=families_visible_to(user).values("pk")
    )


def report_for_user(user: User, pk: int | str) -> Report:
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        audit_refusal(user, Report, pk, "project")
        raise Http404("No such report.")
    return report


def _reads_every_evaluation(user: User) -> bool:
    return user.is_admin or user.is_project_manager or user.is_social_worker


def evaluations_visible_to(user: User, family: Family) -> QuerySet[Evaluation]:
    """The evaluations of a family this user may read: managers and the referring social
    worker all three; the family's volunteer only their own."""
    evaluations = family.evaluations.select_related("submitted_by")
    if _reads_every_evaluation(user):
        return evaluations  # the caller has already checked that the family is visible
    if user.is_volunteer:
        return evaluations.filter(respondent=Respondent.VOLUNTEER, submitted_by=user)
    return evaluations.none()


# Evaluations are asked for while the work is fresh: cases closed longer ago than this
# are no longer listed (the figures still show what was given).
EVALUATIONS_ASKED_DAYS = 183
# ...and a reminder goes a week after the case closed.
EVALUATION_REMINDER_DAYS = 7


def lacking_evaluations(
    families: QuerySet[Family], today: datetime.date | None = None
) -> QuerySet[Family]:
    """The cases among `families` closed in the last six months that had a volunteer and
    lack at least one of the three evaluations, most recently closed first (a queryset:
    filtered, counted and cut in the database)."""

    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=EVALUATIONS_ASKED_DAYS)

    given = (
        Evaluation.objects.filter(family=OuterRef("pk"))
        .order_by()
        .values("family")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        families.filter(status=Family.Status.CLOSED, closed_on__gte=since)
        .filter(Exists(Match.objects.filter(family=OuterRef("pk"))))
        .alias(evaluations_given=Coalesce(Subquery(given), 0))
        .filter(evaluations_given__lt=len(Respondent.values))
        .order_by("-closed_on", "-pk")
    )


def missing_evaluations(
    families: QuerySet[Family], limit: int | None = None, today: datetime.date | None = None
) -> list[tuple[Family, list[str]]]:
    """[(family, [respondent labels missing])] for the recently closed cases among
    `families` that lack an evaluation (the first `limit` of them)."""
    lacking = lacking_evaluations(families, today)
    chosen = list(lacking[:limit] if limit else lacking)
    given: dict[int, set[str]] = {}
    for family_id, respondent in Evaluation.objects.filter(
        family__in=[family.pk for family in chosen]
    ).values_list("family_id", "respondent"):
        given.setdefault(family_id, set()).add(respondent)
    return [
        (
            family,
            [label for value, label in Respondent.choices if value not in given.get(family.pk, ())],
        )
        for family in chosen
    ]


def _awaiting(user: User, on: datetime.date) -> tuple[QuerySet[Family], Respondent | None]:
    """(queryset of families, respondent asked) for the evaluations `user` is asked for
    on the day `on`: the one rule of who is asked, and when.

    Managers: closed cases of their projects missing any of the three. Social workers:
    the closed families they referred, without the social worker's evaluation.
    Volunteers: as soon as the family's work with volunteers has ended (their match
    ended and no other volunteer carries on), without their evaluation. Nobody is asked
    about work that ended more than EVALUATIONS_ASKED_DAYS ago.
    """
    asked_since = on - datetime.timedelta(days=EVALUATIONS_ASKED_DAYS)
    if user.is_admin or user.is_project_manager:
        families = Family.objects.filter(in_managed_projects(user))
        return lacking_evaluations(families, today=on), None

    def given_by(respondent: str) -> Exists:
        return Exists(Evaluation.objects.filter(family=OuterRef("pk"), respondent=respondent))

    # EXISTS rather than joins: no DISTINCT, so listing and counting stay cheap.
    if user.is_social_worker:
        families = (
            Family.objects.filter(
                referral__social_worker=user,
                status=Family.Status.CLOSED,
                closed_on__gte=asked_since,
            )
            .filter(Exists(Match.objects.filter(family=OuterRef("pk"))))
            .exclude(given_by(Respondent.SOCIAL_WORKER))
        )
        return families.order_by("-closed_on", "-pk"), Respondent.SOCIAL_WORKER
    # A family has one volunteer's evaluation, so a volunteer who left early is not asked
    # while another carries on.
    theirs_ended = Match.objects.filter(
        family=OuterRef("pk"), volunteer__user=user, ended_on__gte=asked_since
    )
    families = (
        Family.objects.filter(Exists(theirs_ended))
        .exclude(Exists(Match.objects.filter(family=OuterRef("pk"), ended_on=None)))
        .exclude(given_by(Respondent.VOLUNTEER))
        .order_by("-closed_on", "-pk")
    )
    return families, Respondent.VOLUNTEER


def _asked(
    user: User, on: datetime.date, reminders: bool
) -> tuple[QuerySet[Family], Respondent | None]:
    families, respondent = _awaiting(user, on)
    if reminders:
        # Everyone is reminded a week after the case closed, not before.
        due = on - datetime.timedelta(days=EVALUATION_REMINDER_DAYS)
        families = families.filter(status=Family.Status.CLOSED, closed_on__lte=due)
    return families, respondent


def evaluations_awaiting(
    user: User,
    limit: int | None = None,
    *,
    on: datetime.date | None = None,
    reminders: bool = False,
) -> list[tuple[Family, list[str]]]:
    """Evaluations this user is asked for: [(family, [respondent labels])], the first
    `limit` of them (see `_awaiting` for who is asked). With `reminders`, only those
    whose case closed at least EVALUATION_REMINDER_DAYS before `on` (the daily
    reminder's list)."""
    if not (user.is_authenticated and user.is_active) or user.role not in ROLES_ASKED:
        return []
    families, respondent = _asked(user, on or timezone.localdate(), reminders)
    if respondent is None:
        return missing_evaluations(families, limit)
    chosen = families[:limit] if limit else families
    return [(family, [respondent.label]) for family in chosen]


def evaluations_awaiting_count(
    user: User, *, on: datetime.date | None = None, reminders: bool = False
) -> int:
    if not (user.is_authenticated and user.is_active) or user.role not in ROLES_ASKED:
        return 0
    return _asked(user, on or timezone.localdate(), reminders)[0].count()


# --- Risk reviews and measures on the family page ------------------------------------------

# Also looked up for a child missing from a review (None: no plan to show).
SHORT_PLAN: dict[str | None, str] = {"cp": "CP plan", "cin": "CIN plan", "none": "No plan"}


def _direction(change: Decimal | int | None, *, lower_is_better: bool) -> str | None:
    """Whether a change is "better", "worse" or the "same" (None: nothing to compare)."""
    if change is None:
        return None
    if change == 0:
        return "same"
    return "better" if (change < 0) == lower_is_better else "worse"


def risk_journey(family: Family) -> dict[str, object] | None:
    """The family's risk reviews, and the level of need and each child's plan and school
    attendance from the first review (the one at referral) to the latest (the one at
    closure, once there is one), as the impact figures compare them. None without
    reviews. Two queries, however many reviews and children."""
    reviews = list(
        family.risk_reviews.select_related("level_of_need", "recorded_by").prefetch_related(
            Prefetch("child_statuses", queryset=ChildStatus.objects.select_related("child"))
        )
    )
    if not reviews:
        return None
    first = next((r for r in reviews if r.stage == RiskReview.Stage.REFERRAL), reviews[0])
    latest = next((r for r in reviews if r.stage == RiskReview.Stage.CLOSURE), reviews[-1])
    compared = latest is not first
    level_change = latest.level_of_need.ordinal - first.level_of_need.ordinal if compared else None
    children: dict[int, Child] = {}
    attendance: dict[int, list[Decimal]] = {}
    for review in reviews:
        # For the page, not a field of the review.
        review.status_rows = []  # type: ignore[attr-defined]
        for status in review.child_statuses.all():
            children[status.child_id] = status.child
            review.status_rows.append(  # type: ignore[attr-defined]
                {
                    "child": status.child,
                    "plan": SHORT_PLAN[status.plan_type],
                    "attendance": status.school_attendance,
                }
            )
            if status.school_attendance is not None:
                attendance.setdefault(status.child_id, []).append(status.school_attendance)
    first_plans = {s.child_id: s.plan_type for s in first.child_statuses.all()}
    latest_plans = {s.child_id: s.plan_type for s in latest.child_statuses.all()}
    rows = []
    for child in sorted(children.values(), key=lambda c: (c.date_of_birth, c.pk)):
        before, after = first_plans.get(child.pk), latest_plans.get(child.pk)
        # Attendance is not known at referral: compare the first figure with the last.
        figures = attendance.get(child.pk, [])
        attendance_change = figures[-1] - figures[0] if len(figures) >= 2 else None
        rows.append(
            {
                "child": child,
                "plan_type_first": before,
                "plan_type_latest": after if compared else None,
                "plan_first": SHORT_PLAN.get(before),
                "plan_latest": SHORT_PLAN.get(after) if compared else None,
                "plan_changed": compared and before is not None and before != after,
                "attendance_first": figures[0] if figures else None,
                "attendance_latest": figures[-1] if len(figures) >= 2 else None,
                "attendance_change": attendance_change,
                "attendance_direction": _direction(attendance_change, lower_is_better=False),
            }
        )
    return {
        "reviews": reviews,
        "first": first,
        "latest": latest,
        "compared": compared,
        "level_first": first.level_of_need,
        "level_latest": latest.level_of_need,
        "level_change": level_change,
        "level_steps": abs(level_change) if level_change else 0,
        "level_direction": _direction(level_change, lower_is_better=True),
        "children": rows,
    }


def measure_journey(family: Family) -> list[dict[str, Any]]:
    """Per measure and person (a child, or a parent by their label): the start and end
    scores, the change, and whether that is better (which way is better depends on the
    measure). One query."""
    rows: dict[tuple[int, int | None, str], dict[str, Any]] = {}
    for entry in family.measure_scores.select_related("measure", "child"):
        key = (entry.measure_id, entry.child_id, entry.parent)
        row = rows.setdefault(
            key,
            {
                "measure": entry.measure,
                "child": entry.child,
                "who": entry.child.first_name if entry.child else entry.parent,
                "start": None,
                "end": None,
            },
        )
        row[entry.stage] = entry
    for row in rows.values():
        start, end = row["start"], row["end"]
        row["change"] = end.score - start.score if start and end else None
        row["direction"] = _direction(
            row["change"], lower_is_better=not row["measure"].higher_is_better
        )
    # Children eldest first, then parents by their label.
    return sorted(
        rows.values(),
        key=lambda row: (
            row["measure"].position,
            row["measure"].name,
            row["child"] is None,
            (row["child"].date_of_birth, row["child"].pk) if row["child"] else (None, 0),
            row["who"],
        ),
    )


# --- Evaluations ------------------------------------------------------------------------------


def families_worked_with(user: User) -> QuerySet[Family]:
    """Families a volunteer has had a match with, the ended ones included: a volunteer
    evaluates the work after the match ends, though the family page is closed to them."""
    if not (user.is_authenticated and user.is_active and user.is_volunteer):
        return Family.objects.none()
    return Family.objects.filter(matches__volunteer__user=user).distinct()


def family_worked_with(user: User, pk: int | str) -> Family:
    family = families_worked_with(user).filter(pk=pk).first()
    if family is None:
        audit_refusal(user, Family, pk, "project")
        raise Http404("No such record.")
    return family


def missing_evaluations_of(family: Family) -> list[str]:
    """Labels of the evaluations a family's case still lacks (none before it has had a
    volunteer: there is no work to evaluate)."""
    if not family.matches.exists():
        return []
    given = set(family.evaluations.values_list("respondent", flat=True))
    return [label for value, label in Respondent.choices if value not in given]


def star_journey(family: Family) -> dict[str, object] | None:
    """Per area: the start score, the latest score and the change, for the family page.
    Two queries: the readings (all are listed by their dates), and the scores of the two
    that are compared."""
    readings = list(family.star_readings.all())
    if not readings:
        return None
    start = next((r for r in readings if r.stage == StarReading.Stage.START), None)
    latest = readings[-1]
    prefetch_related_objects(
        list({r.pk: r for r in (start, latest) if r is not None}.values()),
        Prefetch("scores", queryset=StarScore.objects.select_related("area")),
    )
    start_scores = {s.area_id: s.score for s in start.scores.all()} if start else {}
    rows = []
    for score in latest.scores.all():
        before = start_scores.get(score.area_id)
        change = score.score - before if before is not None and latest is not start else None
        rows.append(
            {"area": score.area.name, "start": before, "latest": score.score, "change": change}
        )

    series = [
        (reading.get_stage_display(), reading) for reading in {start, latest} if reading is not None
    ]
    series.sort(key=lambda item: (item[1].taken_on, item[1].pk))
    names = [score.area.name for score in latest.scores.all()]
    chart = charts.star_chart(
        names,
        [
            (f"{label} {dates.day(reading.taken_on)}", [s.score for s in reading.scores.all()])
            for label, reading in series
        ],
    )
    return {
        "start": start,
        "latest": latest,
        "rows": rows,
        "readings": readings,
        "chart": charts.as_data_uri(chart),
    }


# --- Sections of the family page and home pages ------------------------------------------

# Rows listed on a home page; the rest are counted.
AWAITING_SHOWN = 25
IMPACT_PANEL_SECONDS = 5 * 60


def evaluations_awaiting_panel(user: User) -> dict[str, object]:
    """Home page: the evaluations this user is asked for (a constant number of queries)."""
    rows = evaluations_awaiting(user, limit=AWAITING_SHOWN)
    more = evaluations_awaiting_count(user) - len(rows)  # always asked: constant queries
    return {"rows": rows, "more": more, "role": user.role}


def impact_panels(user: User) -> dict[str, object]:
    """The last twelve months' headline figures: each managed project, or the whole
    organisation for an administrator."""
    start, end = default_period()
    projects: list[Project | None] = [None] if user.is_admin else list(projects_managed_by(user))
    return {
        "panels": [_impact_panel(project, start, end) for project in projects],
        "start": start,
        "end": end,
    }


def _impact_panel(
    project: Project | None, start: datetime.date, end: datetime.date
) -> dict[str, object]:
    """One project's figures and chart, kept for a few minutes: programme figures need not
    be to the second, and the home page is every manager's first request."""
    key = f"vicp:impact-panel:{project.pk if project else 'all'}:{start}:{end}"
    panel = cache.get(key)
    if panel is None:
        figures = impact_summary(project=project, start=start, end=end)
        chart = None
        if any(row["n"] for row in figures["star_change"]):
            chart = charts.as_data_uri(charts.star_change_chart(figures["star_change"]))
        panel = {"figures": figures, "star_chart": chart, "as_of": timezone.now()}
        cache.set(key, panel, IMPACT_PANEL_SECONDS)
    return panel


def _work_state(family: Family) -> tuple[bool, bool]:
    """(has had a volunteer, the work with volunteers has ended)."""
    ended = [match.ended_on for match in family.matches.all()]  # prefetched on the page
    return bool(ended), bool(ended) and all(ended)


def family_evaluations(user: User, family: Family) -> dict[str, object]:
    """The family page's evaluations: the ones this user may read, the ones they may give,
    and for managers the family's link and what is missing."""
    has_worked, work_ended = _work_state(family)
    readable = {e.respondent: e for e in evaluations_visible_to(user, family)}
    if _reads_every_evaluation(user):  # what was received is what they read
        received = {respondent: e.submitted_at for respondent, e in readable.items()}
    else:
        received = dict(family.evaluations.values_list("respondent", "submitted_at"))
    is_manager = manages_family(user, family)
    # A volunteer reads and gives only their own; the others see all three.
    shown = [Respondent.VOLUNTEER] if user.is_volunteer else list(Respondent)
    rows = []
    for respondent in shown:
        evaluation = readable.get(respondent)
        rows.append(
            {
                "respondent": respondent.value,
                "label": respondent.label,
                "evaluation": evaluation,
                "answers": evaluation.rows() if evaluation else [],
                "received_at": received.get(respondent.value),
                "may_give": work_ended
                and respondent.value not in received
                and respondent != Respondent.FAMILY
                and policy.may_evaluate(user, family, respondent.value),
                "own": (respondent == Respondent.SOCIAL_WORKER and user.is_social_worker)
                or (respondent == Respondent.VOLUNTEER and user.is_volunteer),
            }
        )
    family_missing = Respondent.FAMILY.value not in received
    return {
        "family": family,
        "rows": rows,
        "has_worked": has_worked,
        "work_ended": work_ended,
        "is_manager": is_manager,
        "may_make_link": is_manager and work_ended and family_missing,
        "current_link": current_family_link(family) if is_manager and family_missing else None,
        "missing": [label for value, label in Respondent.choices if value not in received]
        if has_worked and family.status == Family.Status.CLOSED
        else [],
    }


def evaluations_due(user: User, family: Family) -> dict[str, object]:
    """At the top of a closed case: the evaluations still to come, for whoever is asked
    (managers: any of the three; the referring social worker: their own)."""
    if family.status != Family.Status.CLOSED or user.is_volunteer:
        return {"missing": []}
    has_worked, _ = _work_state(family)
    if not has_worked:
        return {"missing": []}
    received = set(family.evaluations.values_list("respondent", flat=True))
    if manages_family(user, family):
        missing = [label for value, label in Respondent.choices if value not in received]
        return {"family": family, "missing": missing, "for_manager": True}
    if Respondent.SOCIAL_WORKER not in received and policy.may_evaluate(
        user, family, Respondent.SOCIAL_WORKER
    ):
        return {"family": family, "missing": [Respondent.SOCIAL_WORKER.label], "for_manager": False}
    return {"missing": []}


def family_reports(user: User, family: Family) -> dict[str, object]:
    """The family's case closure reports this person may see, and whether they may ask
    for one."""
    reports = reports_visible_to(user).filter(family=family, kind=Report.Kind.CASE_CLOSURE)
    return {
        "family": family,
        "reports": reports.select_related(None)[:5],  # each shown by its date and state
        "may_request": policy.may_request_case_closure_report(user, family),
    }


def risk_and_measures(user: User, family: Family) -> dict[str, object]:
    """Risk reviews and measures on the family page, for those who may see them."""
    sees_risk = policy.may_see_risk_reviews(user, family)
    sees_measures = policy.may_see_measures(user, family)
    return {
        "family": family,
        "sees_risk": sees_risk,
        "risk": risk_journey(family) if sees_risk else None,
        "may_record_risk": policy.may_record_risk_reviews(user, family),
        "sees_measures": sees_measures,
        "measures": measure_journey(family) if sees_measures else [],
        "may_record_measures": policy.may_record_measures(user, family),
    }


def closure_records(family: Family) -> dict[str, object]:
    """What outcomes has recorded for a case's closure, for its closing checklist: the
    closure risk review (with each child's plan and attendance), the end Family Star
    reading, the end measures, and the evaluations received and asked for."""
    review = (
        family.risk_reviews.filter(stage=RiskReview.Stage.CLOSURE)
        .select_related("level_of_need")
        .prefetch_related(
            Prefetch("child_statuses", queryset=ChildStatus.objects.select_related("child"))
        )
        .first()
    )
    end_measures = list(
        family.measure_scores.filter(stage="end").select_related("measure", "child")
    )
    received = dict(family.evaluations.values_list("respondent", "submitted_at"))
    return {
        "closure_review": review,
        "closure_statuses": [
            {
                "child": status.child,
                "plan": SHORT_PLAN[status.plan_type],
                "attendance": status.school_attendance,
            }
            for status in review.child_statuses.all()
        ]
        if review
        else [],
        "end_star": family.star_readings.filter(stage=StarReading.Stage.END).first(),
        "end_measures": end_measures,
        "has_worked": family.matches.exists(),
        "evaluations_received": [
            (label, received[value]) for value, label in Respondent.choices if value in received
        ],
        "family_link": current_family_link(family),
        "family_evaluated": Respondent.FAMILY.value in received,
    }
