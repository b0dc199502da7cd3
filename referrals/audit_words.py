"""How the audit log words referrals and what is done to them (see
vicp/audit_labels.py); registered by ReferralsConfig.ready()."""

from django.urls import reverse

from vicp import audit_labels
from vicp.audit_labels import Label, numeric_ids
from vicp.models import User

from .selectors import referrals_visible_to


def describe_referrals(reader: User, ids: list[str]) -> dict[str, Label]:
    referrals = (
        referrals_visible_to(reader)
        .select_related(None)
        .filter(pk__in=numeric_ids(ids))
        .only("id", "family_name")
    )
    return {
        str(referral.pk): (str(referral), reverse("referrals:detail", args=[referral.pk]))
        for referral in referrals
    }


def register() -> None:
    audit_labels.register(
        "referrals.referral", describe_referrals, one="Referral", many="Referrals"
    )
    audit_labels.register_actions(
        "Referrals",
        {
            "referral.viewed": "viewed the referral",
            "referral.draft": "started a draft referral",
            "referral.edited": "changed the draft referral",
            "referral.submitted": "sent the referral",
            "referral.accepted": "accepted the referral",
            "referrals.exported": "exported the referrals list",
            "referral.declined": "declined the referral",
            "referral.waitlisted": "put the referral on the waiting list",
            "referral.withdrawn": "withdrew the referral",
            "referral.corrected": "corrected the referral",
        },
        viewing={"referral.viewed"},
    )
