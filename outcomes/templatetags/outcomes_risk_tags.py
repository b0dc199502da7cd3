"""The risk reviews and measures on the family page, for those who may see them."""

from decimal import Decimal

from django import template

from vicp.permissions import manages

from ..selectors import measure_journey, risk_journey

register = template.Library()


def _number(value):
    """82.0 → "82", 82.5 → "82.5", 100.0 → "100" (not "1E+2")."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


@register.filter
def signed(value):
    """A change with its sign: +9, -2.5 (with a true minus sign), 0."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{_number(value)}"
    return f"\u2212{_number(abs(value))}" if value < 0 else "0"


@register.filter
def percent(value):
    """82.0 → 82%, 82.5 → 82.5%."""
    return "—" if value is None else f"{_number(value)}%"


@register.inclusion_tag("outcomes/_risk_and_measures_panel.html", takes_context=True)
def risk_and_measures(context, family):
    """Risk reviews: the family's managers and the social worker who referred it (never the
    volunteer). Measures: those, and the volunteer working with the family now."""
    user = context["user"]
    is_manager = manages(user, family.project)
    is_referrer = user.is_social_worker and family.referral.social_worker_id == user.pk
    is_volunteer = (
        user.is_volunteer
        and family.matches.filter(ended_on=None, volunteer__user_id=user.pk).exists()
    )
    sees_risk = is_manager or is_referrer
    sees_measures = sees_risk or is_volunteer
    return {
        "family": family,
        "sees_risk": sees_risk,
        "risk": risk_journey(family) if sees_risk else None,
        "may_record_risk": is_manager,
        "sees_measures": sees_measures,
        "measures": measure_journey(family) if sees_measures else [],
        "may_record_measures": is_manager or is_volunteer,
    }
