"""Referral rules: who may refer, what a submitted referral needs, and decisions."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm
from simple_history.utils import bulk_create_with_history

from vicp import audit
from vicp.models import Project, User
from vicp.permissions import granted, manages

from .models import LevelOfNeed, Need, Referral, ReferralChild, ReferralStatusChange, RiskKind
from .signals import referral_accepted
from .tasks import notify_managers_of_referral, notify_social_worker_of_decision

CHILD_FIELDS = ("first_name", "last_name", "date_of_birth", "plan_type", "cp_category")


def may_refer_to(user: User, project: Project) -> bool:
    """Social workers granted the project, and the project's managers (paper referrals)."""
    if manages(user, project):
        return True
    return (
        user.is_social_worker
        and granted(
            user, "vicp.refer_to_project", type(project).objects.filter(pk=project.pk)
        ).exists()
    )


def _change_status(referral: Referral, to_status: str, *, by: User, reason: str = "") -> None:
    from_status = referral.status if referral.pk else ""
    referral.status = to_status
    referral.save()
    ReferralStatusChange.objects.create(
        referral=referral, from_status=from_status, to_status=to_status, by=by, reason=reason
    )
    audit.record(f"referral.{to_status}", actor=by, obj=referral, from_status=from_status)


def _age_problem(child: Mapping[str, Any], today: datetime.date) -> str | None:
    dob = child["date_of_birth"]
    name = child.get("first_name") or "A child"
    if dob > today:
        return f"{name}: the date of birth is in the future."
    try:
        eighteenth = dob.replace(year=dob.year + 18)
    except ValueError:  # born on 29 February
        eighteenth = dob.replace(year=dob.year + 18, day=28)
    if today >= eighteenth:
        return f"{name} is 18 or over: the programme supports children under 18."
    return None


@transaction.atomic
def save_referral(
    referral: Referral,
    *,
    by: User,
    children: Sequence[Mapping[str, Any]],
    needs: Iterable[Need] = (),
    risks: Iterable[RiskKind] = (),
) -> Referral:
    """Create or update a draft referral with its children (a draft may be incomplete).

    `children` is a list of dicts with CHILD_FIELDS; it replaces the children
    recorded so far. The person who creates a referral may view it; a social
    worker may also change it while it is a draft.
    """
    creating = referral.pk is None
    if not creating and referral.status != Referral.Status.DRAFT:
        raise ValidationError("Only a draft referral can be changed.")
    if not may_refer_to(by, referral.project):
        raise ValidationError({"project": "You cannot refer families to this project."})
    if by.is_social_worker:
        referral.social_worker = by
        referral.referrer_name = referral.referrer_name or by.get_full_name() or by.email
        referral.referrer_local_authority = (
            referral.referrer_local_authority
            or by.organisation
            or referral.project.local_authority
            or referral.project.name
        )
        referral.referrer_team = referral.referrer_team or by.team
        referral.referrer_email = referral.referrer_email or by.email
        referral.referrer_phone = referral.referrer_phone or by.phone
    referral.postcode = format_postcode(referral.postcode)
    if creating:
        referral.created_by = by
        referral.status = Referral.Status.DRAFT
    level = referral.level_of_need
    if (
        level is not None
        and not LevelOfNeed.for_project(referral.project).filter(pk=level.pk).exists()
    ):
        raise ValidationError({"level_of_need": "Choose a level from this project's list."})
    today = timezone.localdate()
    problems = [p for p in (_age_problem(c, today) for c in children) if p]
    if problems:
        raise ValidationError(problems)
    referral.full_clean()
    if creating:
        _change_status(referral, Referral.Status.DRAFT, by=by)
        for perm in ("referrals.view_referral", "referrals.change_referral"):
            assign_perm(perm, by, referral)
        if referral.social_worker_id and referral.social_worker_id != by.pk:
            assign_perm("referrals.view_referral", referral.social_worker, referral)
    else:
        referral.save()
        audit.record("referral.edited", actor=by, obj=referral)
    referral.needs.set(needs)
    referral.risks.set(risks)
    referral.children.all().delete()
    bulk_create_with_history(
        [ReferralChild(referral=referral, **{f: c.get(f) for f in CHILD_FIELDS}) for c in children],
        ReferralChild,
        default_user=by,
    )
    return referral


def submission_problems(referral: Referral) -> list[str]:
    """Everything a referral still lacks before it can be submitted."""
    problems = []
    if not referral.consent_given:
        problems.append("The family must consent to having a volunteer before you submit.")
    children = list(referral.children.all())
    if not children:
        problems.append("Add at least one child.")
    today = timezone.localdate()
    for child in children:
        problem = _age_problem(
            {"first_name": child.first_name, "date_of_birth": child.date_of_birth}, today
        )
        if problem:
            problems.append(problem)
    if referral.level_of_need_id is None:
        problems.append("Choose the level of need.")
    elif (
        not LevelOfNeed.for_project(referral.project).filter(pk=referral.level_of_need_id).exists()
    ):
        problems.append("Choose a level from this project's list.")
    if not referral.reasons.strip():
        problems.append("Say why you are referring the family.")
    if not referral.referrer_name.strip() or not referral.referrer_local_authority.strip():
        problems.append("Name the referring social worker and their local authority.")
    return problems


@transaction.atomic
def submit_referral(referral: Referral, *, by: User) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.DRAFT:
        raise ValidationError("This referral has already been submitted.")
    if by.pk != referral.created_by_id and not manages(by, referral.project):
        raise ValidationError("Only the person who wrote this referral can submit it.")
    problems = submission_problems(referral)
    if problems:
        raise ValidationError(problems)
    referral.submitted_at = timezone.now()
    _change_status(referral, Referral.Status.SUBMITTED, by=by)
    if referral.social_worker_id:
        remove_perm("referrals.change_referral", referral.social_worker, referral)

    transaction.on_commit(lambda: notify_managers_of_referral.delay(referral.pk))
    return referral


def _decidable(referral: Referral, by: User, allowed: Iterable[str]) -> None:
    if not manages(by, referral.project):
        raise ValidationError("Only a manager of this project can decide on its referrals.")
    if referral.status in Referral.DECIDED:
        raise ValidationError(
            f"This referral was already {referral.get_status_display().lower()}; "
            "a decision cannot be made twice."
        )
    if referral.status not in allowed:
        raise ValidationError(
            f"A referral that is {referral.get_status_display().lower()} cannot be decided."
        )


def _notify_decision(referral: Referral) -> None:
    transaction.on_commit(lambda: notify_social_worker_of_decision.delay(referral.pk))


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason; the social worker will see it."})
    return reason


@transaction.atomic
def accept_referral(referral: Referral, *, by: User) -> Model:
    """Accept a referral: the family becomes a case awaiting a volunteer (opened by the
    families app, which receives `referral_accepted`)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _decidable(referral, by, Referral.OPEN)
    referral.decided_by, referral.decided_at = by, timezone.now()
    referral.decision_reason = ""
    _change_status(referral, Referral.Status.ACCEPTED, by=by)
    referral_accepted.send(sender=Referral, referral=referral, by=by)
    _notify_decision(referral)
    return referral.family


@transaction.atomic
def decline_referral(referral: Referral, *, by: User, reason: str) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    reason = _reason(reason)
    _decidable(referral, by, Referral.OPEN)
    referral.decided_by, referral.decided_at = by, timezone.now()
    referral.decision_reason = reason
    _change_status(referral, Referral.Status.DECLINED, by=by, reason=reason)
    _notify_decision(referral)
    return referral


@transaction.atomic
def waitlist_referral(referral: Referral, *, by: User, reason: str) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    reason = _reason(reason)
    _decidable(referral, by, (Referral.Status.SUBMITTED,))
    referral.decision_reason = reason
    _change_status(referral, Referral.Status.WAITLISTED, by=by, reason=reason)
    _notify_decision(referral)
    return referral


@transaction.atomic
def withdraw_referral(referral: Referral, *, by: User, reason: str = "") -> Referral:
    """The referrer (or a project manager) takes back a referral not yet decided."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if by.pk not in (referral.created_by_id, referral.social_worker_id) and not manages(
        by, referral.project
    ):
        raise ValidationError("Only the referrer or a project manager can withdraw this referral.")
    if referral.status in Referral.DECIDED or referral.status == Referral.Status.WITHDRAWN:
        raise ValidationError(
            f"This referral was already {referral.get_status_display().lower()}, so it cannot "
            "be withdrawn."
        )
    _change_status(referral, Referral.Status.WITHDRAWN, by=by, reason=reason.strip())
    return referral


# The status of a closed case (`families.models.Family.Status.CLOSED`).
CASE_CLOSED = "closed"


def format_postcode(postcode: str | None) -> str:
    """UK postcodes in one form (CB1 2AB), so that lookups can compare them."""
    compact = "".join((postcode or "").split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def possible_duplicates(referral: Referral) -> list[Model]:
    """Open referrals and open cases of the same project at the same postcode with a
    child of the same first name and date of birth.

    A case is the family an accepted referral became (`Referral.family`, declared by the
    families app): it is reached through that relation, with the case's own postcode and
    children, which may have been corrected since the referral."""
    if not referral.postcode:
        return []
    children = {(c.first_name.strip().lower(), c.date_of_birth) for c in referral.children.all()}
    referrals = (
        Referral.objects.filter(
            project=referral.project, postcode=referral.postcode, status__in=Referral.OPEN
        )
        .exclude(pk=referral.pk)
        .prefetch_related("children")
    )
    cases = [
        other.family
        for other in Referral.objects.filter(
            family__project=referral.project,
            family__postcode=referral.postcode,
        )
        .exclude(family__status=CASE_CLOSED)
        .exclude(pk=referral.pk)
        .select_related("family")
        .prefetch_related("family__children")
    ]
    # Referrals and cases both have children; this app cannot name the families app's model.
    return [
        other
        for other in [*referrals, *cases]
        if any(
            (c.first_name.strip().lower(), c.date_of_birth) in children
            for c in other.children.all()  # type: ignore[attr-defined]
        )
    ]
