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


STATE_BADGES = {
    Report.State.PREPARING: "text-bg-info",
    Report.State.READY: "text-bg-success",
    Report.State.FAILED: "text-bg-danger",
}


@register.inclusion_tag("outcomes/_report_state.html")
def report_state(report):
    """The report's state (`Report.state`) as its badge."""
    state = report.state
    return {"label": state.label, "badge": STATE_BADGES[state]}


@register.filter
def as_data_uri(svg):
    """An SVG chart (outcomes.charts) as a data: URI for <img src>."""
    return charts.as_data_uri(svg)
