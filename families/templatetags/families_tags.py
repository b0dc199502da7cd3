import datetime

from django import template
from django.conf import settings
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from vicp.selectors import first_rows

from ..models import Concern, Family, Match, Visit
from ..selectors import families_visible_to
from ..services import active_match_of

register = template.Library()


@register.inclusion_tag("families/_volunteer_family_panel.html", takes_context=True)
def volunteer_family_panel(context):
    user = context["request"].user
    match = active_match_of(user)
    if match is None:
        return {"match": None}
    visits = Visit.objects.filter(match=match, logged_by=user)
    return {
        "match": match,
        "drafts": visits.filter(status=Visit.Status.DRAFT),
        "last_visit": visits.filter(status=Visit.Status.LOGGED).first(),
    }


@register.inclusion_tag("families/_manager_families_panel.html", takes_context=True)
def manager_families_panel(context):
    user = context["request"].user
    families = families_visible_to(user)
    alert_days = settings.VICP_NO_VISIT_ALERT_DAYS
    since = timezone.localdate() - datetime.timedelta(days=alert_days)
    last_contact = (
        Visit.objects.filter(match=OuterRef("pk"), status=Visit.Status.LOGGED, contact_made=True)
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    # A visit never precedes its match, so "no contact since" is the last contact, or the
    # start of the match when there has been none: one probe of the contact index each.
    quiet = (
        Match.objects.filter(family__in=families, ended_on=None)
        .annotate(last_contact=Subquery(last_contact))
        .annotate(quiet_since=Coalesce("last_contact", "started_on"))
        .filter(quiet_since__lte=since)
        .select_related("family", "volunteer")
        .order_by(F("last_contact").asc(nulls_last=True), "started_on", "pk")
    )
    weeks = settings.VICP_MATCH_WEEKS
    reaching = Match.objects.filter(
        family__in=families,
        ended_on=None,
        started_on__lte=timezone.localdate() - datetime.timedelta(weeks=weeks),
    ).select_related("family", "volunteer")
    quiet, quiet_more = first_rows(quiet)
    reaching, reaching_more = first_rows(reaching.order_by("started_on", "pk"))
    return {
        "reaching": reaching,
        "reaching_more": reaching_more,
        "quiet_more": quiet_more,
        "match_weeks": weeks,
        "concerns": Concern.objects.filter(family__in=families, closed_at=None).select_related(
            "family", "raised_by"
        ),
        "quiet_matches": quiet,
        "alert_days": alert_days,
        "awaiting": families.filter(status=Family.Status.AWAITING_MATCH).count(),
    }


@register.inclusion_tag("families/_social_worker_concerns_panel.html", takes_context=True)
def social_worker_concerns_panel(context):
    families = families_visible_to(context["request"].user)
    return {
        "concerns": Concern.objects.filter(family__in=families, closed_at=None).select_related(
            "family"
        )
    }


@register.filter
def pounds(pence):
    """1234 → £12.34"""
    if pence is None:
        return ""
    return f"£{pence / 100:,.2f}"
