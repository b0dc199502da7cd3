"""What families does when a lower app reports an event: call one service, nothing more."""

from django.dispatch import receiver

from referrals.models import Referral
from referrals.signals import referral_accepted

from . import services


@receiver(referral_accepted, sender=Referral, dispatch_uid="families.open_case")
def open_case_for_accepted_referral(sender, *, referral, by, **kwargs):
    services.open_case(referral, by=by)
