"""What each person may see of outcomes and reports."""

from django.db.models import Q
from django.http import Http404

from families.models import Family
from families.selectors import families_visible_to
from vicp.permissions import audit_refusal, projects_managed_by

from .models import Evaluation, Report, Respondent


def reports_visible_to(user):
    """Administrators: every report. Project managers: their projects' reports.
    Social workers and volunteers: the case closure reports of families they may see."""
    reports = Report.objects.select_related("project", "family", "volunteer", "requested_by")
    if not (user.is_authenticated and user.is_active):
        return reports.none()
    if user.is_admin:
        return reports
    if user.is_project_manager:
        return reports.filter(project__in=projects_managed_by(user))
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


def missing_evaluations(families):
    """[(family, [respondent labels missing])] for closed families in `families`."""
    closed = (
        families.filter(status=Family.Status.CLOSED, matches__isnull=False)
        .distinct()
        .order_by("-closed_on", "-pk")
    )
    given = {}
    for family_id, respondent in Evaluation.objects.filter(family__in=closed).values_list(
        "family_id", "respondent"
    ):
        given.setdefault(family_id, set()).add(respondent)
    rows = []
    for family in closed:
        missing = [
            label for value, label in Respondent.choices if value not in given.get(family.pk, ())
        ]
        if missing:
            rows.append((family, missing))
    return rows


def evaluations_awaiting(user):
    """Evaluations this user is asked for.

    Managers: closed cases of their projects missing any of the three. Social workers:
    their closed families without the social worker's evaluation. Volunteers: families
    whose match with them ended, without their evaluation.
    """
    if not (user.is_authenticated and user.is_active):
        return []
    if user.is_admin or user.is_project_manager:
        families = Family.objects.filter(project__in=projects_managed_by(user))
        return missing_evaluations(families)
    if user.is_social_worker:
        families = Family.objects.filter(
            referral__social_worker=user, status=Family.Status.CLOSED
        ).exclude(evaluations__respondent=Respondent.SOCIAL_WORKER)
        return [(family, [Respondent.SOCIAL_WORKER.label]) for family in families.distinct()]
    if user.is_volunteer:
        families = (
            Family.objects.filter(Q(matches__volunteer__user=user) & ~Q(matches__ended_on=None))
            .exclude(evaluations__respondent=Respondent.VOLUNTEER)
            .distinct()
        )
        return [(family, [Respondent.VOLUNTEER.label]) for family in families]
    return []
