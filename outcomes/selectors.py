"""What each person may see of outcomes and reports."""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from families.models import Family
from families.selectors import families_visible_to
from vicp.permissions import audit_refusal, projects_managed_by

from .models import ChildStatus, Evaluation, Report, Respondent, RiskReview

ROLES_ASKED = ("admin", "project_manager", "social_worker", "volunteer")


def reports_visible_to(user):
    """Administrators: every report. Project managers: their projects' reports.
    Social workers: the case closure reports of the families they referred."""
    reports = Report.objects.select_related("project", "family", "volunteer", "requested_by")
    if not (user.is_authenticated and user.is_active):
        return reports.none()
    if user.is_admin:
        return reports
    if user.is_project_manager:
        return reports.filter(project__in=projects_managed_by(user))
    # Not volunteers: a closure report holds the referral, the concerns and the other
    # evaluations, none of which a volunteer may see (docs/domain.md, "Who may see what").
    if not user.is_social_worker:
        return reports.none()
    return reports.filter(
        kind=Report.Kind.CASE_CLOSURE, family__in=families_visible_to(user).values("pk")
    )


def report_for_user(user, pk):
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        audit_refusal(user, Report, pk, "project")
        raise Http404("No such report.")
    return report


def evaluations_visible_to(user, family):
    """The evaluations of a family this user may read: managers and the referring social
    worker all three; the family's volunteer only their own."""
    evaluations = family.evaluations.select_related("submitted_by")
    if user.is_admin or user.is_project_manager or user.is_social_worker:
        return evaluations  # the caller has already checked that the family is visible
    if user.is_volunteer:
        return evaluations.filter(respondent=Respondent.VOLUNTEER, submitted_by=user)
    return evaluations.none()


# Evaluations are asked for while the work is fresh: cases closed longer ago than this
# are no longer listed (the figures still show what was given).
EVALUATIONS_ASKED_DAYS = 183


def lacking_evaluations(families, today=None):
    """The cases among `families` closed in the last six months that had a volunteer and
    lack at least one of the three evaluations, most recently closed first (a queryset:
    filtered, counted and cut in the database)."""
    from django.utils import timezone

    from families.models import Match

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


def missing_evaluations(families, limit=None, today=None):
    """[(family, [respondent labels missing])] for the recently closed cases among
    `families` that lack an evaluation (the first `limit` of them)."""
    lacking = lacking_evaluations(families, today)
    chosen = list(lacking[:limit] if limit else lacking)
    given = {}
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


def _asked_since():
    from django.utils import timezone

    return timezone.localdate() - datetime.timedelta(days=EVALUATIONS_ASKED_DAYS)


def _awaiting(user):
    """(queryset of families, respondent asked) for the evaluations `user` is asked for."""
    if user.is_admin or user.is_project_manager:
        return lacking_evaluations(
            Family.objects.filter(project__in=projects_managed_by(user))
        ), None
    from families.models import Match

    def given_by(respondent):
        return Exists(Evaluation.objects.filter(family=OuterRef("pk"), respondent=respondent))

    # EXISTS rather than joins: no DISTINCT, so listing and counting stay cheap.
    if user.is_social_worker:
        families = (
            Family.objects.filter(
                referral__social_worker=user,
                status=Family.Status.CLOSED,
                closed_on__gte=_asked_since(),
            )
            .filter(Exists(Match.objects.filter(family=OuterRef("pk"))))
            .exclude(given_by(Respondent.SOCIAL_WORKER))
        )
        return families.order_by("-closed_on", "-pk"), Respondent.SOCIAL_WORKER
    # Volunteers: once the family has no active match: a family has one volunteer's
    # evaluation, so a volunteer who left early is not asked while another carries on.
    theirs_ended = Match.objects.filter(
        family=OuterRef("pk"), volunteer__user=user, ended_on__gte=_asked_since()
    )
    families = (
        Family.objects.filter(Exists(theirs_ended))
        .exclude(Exists(Match.objects.filter(family=OuterRef("pk"), ended_on=None)))
        .exclude(given_by(Respondent.VOLUNTEER))
        .order_by("-closed_on", "-pk")
    )
    return families, Respondent.VOLUNTEER


def evaluations_awaiting(user, limit=None):
    """Evaluations this user is asked for: [(family, [respondent labels])], the first
    `limit` of them.

    Managers: closed cases of their projects missing any of the three. Social workers:
    their closed families without the social worker's evaluation. Volunteers: families
    whose match with them ended, without their evaluation.
    """
    if not (user.is_authenticated and user.is_active) or user.role not in ROLES_ASKED:
        return []
    families, respondent = _awaiting(user)
    if respondent is None:
        return missing_evaluations(families, limit)
    chosen = families[:limit] if limit else families
    return [(family, [respondent.label]) for family in chosen]


def evaluations_awaiting_count(user):
    if not (user.is_authenticated and user.is_active) or user.role not in ROLES_ASKED:
        return 0
    return _awaiting(user)[0].count()


# --- Risk reviews and measures on the family page ------------------------------------------

SHORT_PLAN = {"cp": "CP plan", "cin": "CIN plan", "none": "No plan"}


def _direction(change, *, lower_is_better):
    """Whether a change is "better", "worse" or the "same" (None: nothing to compare)."""
    if change is None:
        return None
    if change == 0:
        return "same"
    return "better" if (change < 0) == lower_is_better else "worse"


def risk_journey(family):
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
    children, attendance = {}, {}
    for review in reviews:
        review.status_rows = []
        for status in review.child_statuses.all():
            children[status.child_id] = status.child
            review.status_rows.append(
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


def measure_journey(family):
    """Per measure and person (a child, or a parent by their label): the start and end
    scores, the change, and whether that is better (which way is better depends on the
    measure). One query."""
    rows = {}
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


def families_worked_with(user):
    """Families a volunteer has had a match with, the ended ones included: a volunteer
    evaluates the work after the match ends, though the family page is closed to them."""
    if not (user.is_authenticated and user.is_active and user.is_volunteer):
        return Family.objects.none()
    return Family.objects.filter(matches__volunteer__user=user).distinct()


def family_worked_with(user, pk):
    family = families_worked_with(user).filter(pk=pk).first()
    if family is None:
        audit_refusal(user, Family, pk, "project")
        raise Http404("No such record.")
    return family


def missing_evaluations_of(family):
    """Labels of the evaluations a family's case still lacks (none before it has had a
    volunteer: there is no work to evaluate)."""
    if not family.matches.exists():
        return []
    given = set(family.evaluations.values_list("respondent", flat=True))
    return [label for value, label in Respondent.choices if value not in given]
