"""What outcomes does when a lower app reports an event: call one service, nothing more."""

from django.dispatch import receiver

from families.models import Family
from families.signals import case_opened

from . import services


@receiver(case_opened, sender=Family, dispatch_uid="outcomes.referral_baseline")
def record_baseline_of_new_case(sender, *, family, by, **kwargs):
    services.record_referral_baseline(family, by=by)
