from django import template
from django.core.cache import cache
from django.utils import timezone

from vicp.permissions import projects_managed_by

from ..charts import as_data_uri, star_change_chart
from ..metrics import default_period, impact_summary

register = template.Library()
PANEL_SECONDS = 5 * 60


@register.inclusion_tag("outcomes/_home_impact.html", takes_context=True)
def impact_panel(context):
    """The last twelve months' headline figures: each managed project, or the whole
    organisation for an administrator."""
    user = context["request"].user
    start, end = default_period()
    projects = [None] if user.is_admin else list(projects_managed_by(user))
    panels = [_panel(project, start, end) for project in projects]
    return {"panels": panels, "start": start, "end": end}


def _panel(project, start, end):
    """One project's figures and chart, kept for a few minutes: programme figures need not
    be to the second, and the home page is every manager's first request."""
    key = f"vicp:impact-panel:{project.pk if project else 'all'}:{start}:{end}"
    panel = cache.get(key)
    if panel is None:
        figures = impact_summary(project=project, start=start, end=end)
        chart = None
        if any(row["n"] for row in figures["star_change"]):
            chart = as_data_uri(star_change_chart(figures["star_change"]))
        panel = {"figures": figures, "star_chart": chart, "as_of": timezone.now()}
        cache.set(key, panel, PANEL_SECONDS)
    return panel


@register.filter
def pounds(value):
    """£12,345 (whole pounds), with a minus sign before the £ for a loss."""
    if value is None:
        return "—"
    amount = round(value)
    return f"{'-' if amount < 0 else ''}£{abs(amount):,}"
