"""Family cases: opening one from an accepted referral, and its status."""

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from vicp import audit

from .models import CaseReferenceCounter, Child, Family, FamilyStatusChange


def next_case_reference(project, year):
    """The next case reference of a project in a year, e.g. CAM-2026-0042.

    The counter row is locked until the transaction ends, so two managers
    accepting referrals at the same moment get consecutive, different numbers.
    """
    counter, _ = CaseReferenceCounter.objects.select_for_update().get_or_create(
        project=project, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{project.code}-{year}-{counter.last_number:04d}"


def change_status(family, to_status, *, by, reason="", request=None):
    from_status = family.status if family.pk else ""
    family.status = to_status
    family.save()
    FamilyStatusChange.objects.create(
        family=family, from_status=from_status, to_status=to_status, by=by, reason=reason
    )
    audit.record(
        f"family.{to_status}", actor=by, obj=family, request=request, from_status=from_status
    )


@transaction.atomic
def open_case(referral, *, by, request=None):
    """Create the family case of an accepted referral (called by accept_referral)."""
    today = timezone.localdate()
    family = Family(
        project=referral.project,
        referral=referral,
        case_reference=next_case_reference(referral.project, today.year),
        family_name=referral.family_name,
        parents_carers=referral.parents_carers,
        address=referral.address,
        postcode=referral.postcode,
        phone=referral.phone,
        email=referral.email,
        languages=referral.languages,
        level_of_need=referral.level_of_need,
        hopes=referral.hopes,
        risk_details=referral.risk_details,
        consent_given=referral.consent_given,
        accepted_on=today,
    )
    family.full_clean()
    change_status(family, Family.Status.AWAITING_MATCH, by=by, request=request)
    family.needs.set(referral.needs.all())
    family.risks.set(referral.risks.all())
    Child.objects.bulk_create(
        Child(
            family=family,
            first_name=child.first_name,
            last_name=child.last_name,
            date_of_birth=child.date_of_birth,
            plan_type=child.plan_type,
            cp_category=child.cp_category,
        )
        for child in referral.children.all()
    )
    if referral.social_worker_id:
        assign_perm("families.view_family", referral.social_worker, family)
    return family
