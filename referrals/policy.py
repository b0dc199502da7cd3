"""Who may do what with a referral: each rule defined once."""

from django.contrib.auth.models import AnonymousUser

from vicp.models import User

from .models import Referral


def is_referring_social_worker(user: User | AnonymousUser | None, referral: Referral) -> bool:
    """The social worker named on the referral (and, once accepted, on its case)."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_social_worker
        and referral.social_worker_id == user.pk
    )
