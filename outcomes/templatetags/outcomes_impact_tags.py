from django import template

from vicp.permissions import projects_managed_by

from ..charts import as_data_uri, star_change_chart
from ..metrics import default_period, impact_summary

register = template.Library()


@register.inclusion_tag("outcomes/_home_impact.html", takes_context=True)
def impact_panel(context):
    """The last twelve months' headline figures: each managed project, or the whole
    organisation for an administrator."""
    user = context["request"].user
    start, end = default_period()
    projects = [None] if user.is_admin else list(projects_managed_by(user))
    panels = []
    for project in projects:
        figures = impact_summary(project=project, start=start, end=end)
        chart = None
        if any(row["n"] for row in figures["star_change"]):
            chart = as_data_uri(star_change_chart(figures["star_change"]))
        panels.append({"figures": figures, "star_chart": chart})
    return {"panels": panels, "start": start, "end": end}


@register.filter
def pounds(value):
    """£12,345 (whole pounds), with a minus sign before the £ for a loss."""
    if value is None:
        return "—"
    amount = round(value)
    return f"{'-' if amount < 0 else ''}£{abs(amount):,}"
