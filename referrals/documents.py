"""A referral holds what the social worker sent with it (the referral form, the plan,
the family's consent). Volunteers never read a referral's documents."""

from django.urls import reverse

from vicp.documents import holders
from vicp.models import Document, User
from vicp.permissions import manages

from .models import Referral
from .policy import is_referring_social_worker
from .selectors import referrals_visible_to

KINDS = (
    Document.Kind.REFERRAL_FORM,
    Document.Kind.CP_PLAN,
    Document.Kind.CONSENT,
    Document.Kind.ASSESSMENT,
    Document.Kind.LETTER,
    Document.Kind.OTHER,
)


def may_read(user: User, referral: Referral, document: Document | None = None) -> bool:
    """The project's managers and the social worker who made the referral."""
    return manages(user, referral.project) or is_referring_social_worker(user, referral)


def may_add(user: User, referral: Referral) -> bool:
    """While the referral waits for a decision (or is a draft): an accepted referral's
    documents go on its case, and a declined or withdrawn one takes no more."""
    undecided = referral.status in (Referral.Status.DRAFT, *Referral.OPEN)
    return undecided and may_read(user, referral)


def may_manage(user: User, referral: Referral) -> bool:
    return manages(user, referral.project)


def referral_for(user: User, pk: int) -> Referral | None:
    return referrals_visible_to(user).filter(pk=pk).first()


def register() -> None:
    holders.register(
        holders.Holder(
            key="referral",
            model=Referral,
            kinds=tuple(KINDS),
            record_for=referral_for,
            may_read=may_read,
            may_add=may_add,
            may_manage=may_manage,
            project_of=lambda referral: referral.project,
            url_of=lambda referral: reverse("referrals:detail", args=[referral.pk]) + "#documents",
            name_of=lambda referral: f"referral {referral.pk} ({referral.family_name} family)",
        )
    )
