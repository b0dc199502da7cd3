"""Events other apps may act on (see `referrals.signals` for why they exist)."""

from django.dispatch import Signal

# Sent inside `services.open_case`'s transaction once the case exists, with `family` and
# `by`: outcomes records the baseline risk review from the referral.
case_opened = Signal()
