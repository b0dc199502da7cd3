import datetime

from django import template

from vicp import dates

from .. import charts
from ..models import Report

register = template.Library()


@register.filter
def report_period(report):
    """ "01/04/2025 to 31/03/2026" for an impact report, "" for the others."""
    try:
        start = datetime.date.fromisoformat(report.parameters["start"])
        end = datetime.date.fromisoformat(report.parameters["end"])
    except (KeyError, TypeError, ValueError):
        return ""
    return f"{dates.day(start)} to {dates.day(end)}"


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
