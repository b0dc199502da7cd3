"""What outcomes does when a lower app reports an event: call one service (or, asked
whether a case may close, one policy), nothing more."""

from django.dispatch import receiver

from families.models import Family
from families.signals import case_closing, case_moved, case_opened

from . import policy, services


@receiver(case_opened, sender=Family, dispatch_uid="outcomes.referral_baseline")
def record_baseline_of_new_case(sender, *, family, by, **kwargs):
    services.record_referral_baseline(family, by=by)


@receiver(case_closing, sender=Family, dispatch_uid="outcomes.closure_review")
def closure_review_before_closing(sender, *, family, missing_reason, **kwargs):
    return policy.closure_problems(family, missing_reason=missing_reason)


@receiver(case_moved, sender=Family, dispatch_uid="outcomes.reports_follow_the_case")
def reports_follow_the_moved_case(sender, *, family, by, **kwargs):
    services.move_family_reports(family, by=by)
