"""Events other apps may act on. `referrals` knows no app above it, so when accepting a
referral must open a family case, it says so here and `families` acts (its receivers)."""

from django.dispatch import Signal

# Sent inside `services.accept_referral`'s transaction once the referral is accepted, with
# `referral`, `by` and `request`. A receiver that raises rolls the acceptance back.
referral_accepted = Signal()
