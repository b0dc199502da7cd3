"""The family's evaluation link: signed, single-use, expiring after FAMILY_LINK_DAYS.

Read by the services that make and email links, the task that sends them and the
public page the family opens.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import FamilyEvaluationLink, Respondent

FAMILY_LINK_DAYS = 30
FAMILY_LINK_SALT = "outcomes.family-evaluation"


def family_link_url(link) -> str:
    """The absolute URL of a family link (signed afresh: the row, not the signature's
    timestamp, says when it expires)."""
    token = signing.dumps({"l": link.pk, "n": link.nonce}, salt=FAMILY_LINK_SALT)
    return settings.VICP_BASE_URL + reverse("outcomes:family_evaluation", args=[token])


def current_family_link(family):
    """The family's link that can still be used, or None."""
    link = family.evaluation_links.filter(
        used_at=None, retired_at=None, expires_at__gt=timezone.now()
    ).first()
    return link if link is not None and link_problem(link) is None else None


def link_problem(link, now=None):
    """Why a family link cannot be used ("used", "expired", "replaced"), or None."""
    now = now or timezone.now()
    if (
        link.used_at is not None
        or link.family.evaluations.filter(respondent=Respondent.FAMILY).exists()
    ):
        return "used"
    if link.retired_at is not None:
        return "replaced"
    if link.expires_at <= now:
        return "expired"
    return None


def link_from_token(token, *, max_age=datetime.timedelta(days=FAMILY_LINK_DAYS)):
    """(link, problem): the link a token names, and why it cannot be used (None if it can).

    A token that was altered, or names no link, gives (None, "invalid").
    """
    try:
        data = signing.loads(token, salt=FAMILY_LINK_SALT, max_age=max_age)
    except signing.SignatureExpired:
        # A family who answered in time is thanked, not told to ask for a new link.
        link, problem = link_from_token(token, max_age=None)
        return (link, "used") if problem == "used" else (None, "expired")
    except signing.BadSignature:
        return None, "invalid"
    if not isinstance(data, dict):
        return None, "invalid"
    link = (
        FamilyEvaluationLink.objects.select_related("family__project")
        .filter(pk=data.get("l"), nonce=data.get("n"))
        .first()
    )
    if link is None:
        return None, "invalid"
    return link, link_problem(link)
