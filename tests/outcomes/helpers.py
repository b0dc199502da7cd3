"""Families through the whole journey, for outcome and report tests."""

import datetime

from django.utils import timezone

from families import services as family_services
from referrals import services as referral_services
from tests import factories
from tests.volunteers.helpers import signed_off


def accepted_family(project, manager, social_worker, **referral_fields):
    """A family accepted from `social_worker`'s referral (default: the Doe family,
    Amy 7 on a CP plan and Ben 3 on a CIN plan, level of need 4)."""
    referral = factories.make_referral(project, social_worker, submit=True, **referral_fields)
    return referral_services.accept_referral(referral, by=manager)


def worked_with(family, manager, *, weeks=26, volunteer=None):
    """A signed-off volunteer matched with `family` `weeks` weeks ago (the match)."""
    volunteer = volunteer or signed_off(factories.VolunteerFactory(project=family.project), manager)
    return family_services.start_match(
        family=family,
        volunteer=volunteer,
        by=manager,
        started_on=timezone.localdate() - datetime.timedelta(weeks=weeks),
    )


def closed(family, manager, *, match=None, closed_on=None):
    """End the family's active match (if any) and close the case, dated `closed_on`."""
    match = match or family.matches.filter(ended_on=None).first()
    if match is not None:
        family_services.end_match(match, by=manager, reason="planned")
    family = family_services.close_case(family, by=manager, reason="The work is done.")
    if closed_on is not None:
        type(family).objects.filter(pk=family.pk).update(closed_on=closed_on)
        family.closed_on = closed_on
    return family
