"""Families through the whole journey, for outcome and report tests: accepted and
matched as the services leave them (tests/factories.py), then ended and closed
through the services."""

import datetime

from django.utils import timezone

from families import services as family_services
from tests import factories


def accepted_family(project, manager, social_worker, **referral_fields):
    """A family accepted from `social_worker`'s referral (default: the Doe family,
    Amy 7 on a CP plan and Ben 3 on a CIN plan, level of need 4)."""
    return factories.AcceptedFamilyFactory(
        project=project, social_worker=social_worker, accepted_by=manager, **referral_fields
    )


def worked_with(family, manager, *, weeks=26, volunteer=None):
    """A signed-off volunteer matched with `family` `weeks` weeks ago (the match)."""
    volunteer = volunteer or factories.ReadyVolunteerFactory(
        project=family.project, signed_off_by=manager
    )
    return factories.ActiveMatchFactory(
        family=family,
        volunteer=volunteer,
        started_by=manager,
        started_on=timezone.localdate() - datetime.timedelta(weeks=weeks),
    )


def closed(family, manager, *, match=None, closed_on=None, missing_reason=None):
    """End the family's active match (if any) and close the case, dated `closed_on`.

    A case without its closure risk review closes with `missing_reason` (by default
    "other": the tests that need the review record it first)."""
    match = match or family.matches.filter(ended_on=None).first()
    if match is not None:
        family_services.end_match(match, by=manager, reason="planned")
    if missing_reason is None:
        has_review = family.risk_reviews.filter(stage="closure").exists()
        missing_reason = "" if has_review else "other"
    family = family_services.close_case(
        family, by=manager, reason="The work is done.", missing_reason=missing_reason
    )
    if closed_on is not None:
        type(family).objects.filter(pk=family.pk).update(closed_on=closed_on)
        family.closed_on = closed_on
    return family
