"""Events other apps may act on (see `referrals.signals` for why they exist)."""

from django.dispatch import Signal

# Sent inside `services.open_case`'s transaction once the case exists, with `family` and
# `by`: outcomes records the baseline risk review from the referral.
case_opened = Signal()

# Sent inside `services.close_case`'s transaction before the case closes, with `family`,
# `by` and `missing_reason`. Each receiver returns the rules of its app that closing
# would break, as {form field: message} ({} when none): outcomes asks for the closure
# risk review. Families cannot import the apps above it, so it asks them this way.
case_closing = Signal()

# Sent inside `services.move_to_project`'s transaction once the case (and its referral)
# belong to the new project, with `family`, `from_project` and `by`: outcomes moves the
# family's reports with it, so that only the new project's managers reach them.
case_moved = Signal()
