import datetime

from django import template

from vicp.permissions import manages

from .. import charts
from ..models import Report
from ..selectors import reports_visible_to

register = template.Library()


def may_request_case_closure(user, family):
    """As `services.request_report` decides: the family's managers, or the social worker
    who referred it."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_social_worker:
        return family.referral.social_worker_id == user.pk
    return (user.is_admin or user.is_project_manager) and manages(user, family.project)


@register.inclusion_tag("outcomes/_family_reports_panel.html", takes_context=True)
def family_reports(context, family):
    """The family's case closure reports this person may see, and the button to ask for one."""
    user = context["request"].user
    reports = reports_visible_to(user).filter(family=family, kind=Report.Kind.CASE_CLOSURE)
    return {
        "family": family,
        "reports": reports[:5],
        "may_request": may_request_case_closure(user, family),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def report_period(report):
    """ "01/04/2025 to 31/03/2026" for an impact report, "" for the others."""
    try:
        start = datetime.date.fromisoformat(report.parameters["start"])
        end = datetime.date.fromisoformat(report.parameters["end"])
    except (KeyError, TypeError, ValueError):
        return ""
    return f"{start:%d/%m/%Y} to {end:%d/%m/%Y}"


STATUS_BADGES = {
    Report.Status.QUEUED: "text-bg-secondary",
    Report.Status.RUNNING: "text-bg-info",
    Report.Status.DONE: "text-bg-success",
    Report.Status.FAILED: "text-bg-danger",
}


@register.filter
def status_badge(report):
    return STATUS_BADGES.get(report.status, "text-bg-secondary")


@register.filter
def as_data_uri(svg):
    """An SVG chart (outcomes.charts) as a data: URI for <img src>."""
    return charts.as_data_uri(svg)
