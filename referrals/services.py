"""Referral rules: who may refer, what a submitted referral needs, and decisions."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Func, Model, Q, Value
from django.db.models.functions import Replace, Upper
from django.utils import dateformat, timezone
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


def level_of_need_problem(project: Project, level_id: int | None) -> str | None:
    """A level of need chosen from another scale than the project's, or None.

    The referral form asks this too, so it shows with the form's other problems."""
    if level_id is None or LevelOfNeed.for_project(project).filter(pk=level_id).exists():
        return None
    return "Choose a level from this project's list."


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
    level_problem = level_of_need_problem(referral.project, referral.level_of_need_id)
    if level_problem:
        raise ValidationError({"level_of_need": level_problem})
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
    elif level_problem := level_of_need_problem(referral.project, referral.level_of_need_id):
        problems.append(level_problem)
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


# The statuses each decision may be taken from.
DECIDABLE_FROM: dict[str, tuple[str, ...]] = {
    "accept": Referral.OPEN,
    "decline": Referral.OPEN,
    "waitlist": (Referral.Status.SUBMITTED,),
}


def may_decide(referral: Referral, by: User, action: str) -> bool:
    """Whether `by` may take this decision (`accept`, `decline`, `waitlist`) now."""
    return manages(by, referral.project) and referral.status in DECIDABLE_FROM[action]


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
    _decidable(referral, by, DECIDABLE_FROM["accept"])
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
    _decidable(referral, by, DECIDABLE_FROM["decline"])
    referral.decided_by, referral.decided_at = by, timezone.now()
    referral.decision_reason = reason
    _change_status(referral, Referral.Status.DECLINED, by=by, reason=reason)
    _notify_decision(referral)
    return referral


@transaction.atomic
def waitlist_referral(referral: Referral, *, by: User, reason: str) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    reason = _reason(reason)
    _decidable(referral, by, DECIDABLE_FROM["waitlist"])
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


# The referral's own record, as opposed to the family's details (the case keeps and
# corrects those): a manager may correct these once the referral is submitted.
CORRECTABLE_FIELDS = (
    "referrer_name",
    "referrer_team",
    "referrer_local_authority",
    "referrer_phone",
    "referrer_email",
    "reasons",
)
REQUIRED_ONCE_SUBMITTED = {
    "referrer_name": "Name the referring social worker.",
    "referrer_local_authority": "Name the referring social worker's local authority.",
    "reasons": "Say why the family was referred.",
}


@transaction.atomic
def correct_referral(referral: Referral, *, by: User, **fields: str) -> Referral:
    """Correct the record of a submitted referral (whatever its status since): its
    status, decision and notifications are untouched; the change history keeps who,
    when, before and after."""
    unknown = set(fields) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be corrected here: {', '.join(sorted(unknown))}.")
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not manages(by, referral.project):
        raise ValidationError("Only a manager of this project can correct its referrals.")
    if referral.is_draft:
        raise ValidationError("A draft is changed by the person writing it, not corrected.")
    values = {name: getattr(referral, name) for name in CORRECTABLE_FIELDS}
    values.update({name: (value or "").strip() for name, value in fields.items()})
    missing = {
        name: message for name, message in REQUIRED_ONCE_SUBMITTED.items() if not values[name]
    }
    if missing:
        raise ValidationError(missing)
    changed = [name for name in CORRECTABLE_FIELDS if getattr(referral, name) != values[name]]
    if not changed:
        return referral
    for name in changed:
        setattr(referral, name, values[name])
    referral.full_clean()
    referral._history_user = by  # type: ignore[attr-defined]  # simple-history's hook
    referral.save()
    audit.record("referral.corrected", actor=by, obj=referral, fields=changed)
    return referral


# The status of a closed case (`families.models.Family.Status.CLOSED`).
CASE_CLOSED = "closed"


def format_postcode(postcode: str | None) -> str:
    """UK postcodes in one form (CB1 2AB), so that lookups can compare them."""
    compact = "".join((postcode or "").split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


@dataclass(frozen=True)
class PossibleDuplicate:
    """Another referral, or the case one became, that may be about the same family.

    `case_pk` and `case_reference` are set for a case (the families app's record, reached
    through `Referral.family`); otherwise it is the referral `referral` itself."""

    referral: Referral
    description: str
    case_pk: int | None = None
    case_reference: str = ""
    case_status: str = ""

    @property
    def is_case(self) -> bool:
        return self.case_pk is not None

    @property
    def is_closed_case(self) -> bool:
        return self.case_status == CASE_CLOSED


def compact_postcode(postcode: str | None) -> str:
    """A postcode without its spaces, in capitals: "cb41aa" and "CB4 1AA" compare equal."""
    return "".join((postcode or "").split()).upper()


def compact_postcode_sql(field: str) -> Func:
    return Replace(Upper(field), Value(" "), Value(""))


def _day(day: datetime.date) -> str:
    return dateformat.format(day, "j M Y")


def _decision_description(other: Referral) -> str:
    """What became of a referral, e.g. "Referral 7: Declined on 1 Dec 2026: out of area"."""
    if other.status in Referral.OPEN:
        submitted = _day(timezone.localdate(other.submitted_at or other.created_at))
        if other.status == Referral.Status.WAITLISTED:
            return f"Referral {other.pk}: on the waiting list (submitted on {submitted})"
        return f"Referral {other.pk}: submitted on {submitted}, waiting for a decision"
    last = [c for c in other.status_changes.all() if c.to_status == other.status][-1:]
    when = last[0].at if last else (other.decided_at or other.updated_at)
    reason = other.decision_reason or (last[0].reason if last else "")
    text = f"Referral {other.pk}: {other.get_status_display()} on {_day(timezone.localdate(when))}"
    return f"{text}: {reason}" if reason else text


def possible_duplicates(referral: Referral) -> list[PossibleDuplicate]:
    """Referrals and cases of the same project that may be about the same family: a child
    with the same first name and date of birth, and either the same family name or the
    same postcode (ignoring spaces and capitals).

    Looked at: referrals waiting for a decision, declined and withdrawn ones, and every
    case an accepted referral became, closed ones too (a re-referral). A case is the
    family an accepted referral became (`Referral.family`, declared by the families app):
    it is compared through that relation, with its own name, postcode and children, which
    may have been corrected since the referral."""
    children = {(c.first_name.strip().lower(), c.date_of_birth) for c in referral.children.all()}
    if not children:
        return []
    family_name = referral.family_name.strip()
    postcode = compact_postcode(referral.postcode)

    def same_family(prefix: str) -> Q:
        same = Q(**{f"{prefix}family_name__iexact": family_name})
        if postcode:
            same |= Q(_compact_postcode=postcode)
        return same

    others = (
        Referral.objects.filter(project=referral.project)
        .exclude(pk=referral.pk)
        .select_related("project")
    )
    referrals = (
        others.filter(
            status__in=(
                *Referral.OPEN,
                Referral.Status.DECLINED,
                Referral.Status.WITHDRAWN,
            )
        )
        .annotate(_compact_postcode=compact_postcode_sql("postcode"))
        .filter(same_family(""))
        .prefetch_related("children", "status_changes")
        .order_by("-created_at", "-pk")
    )
    accepted = (
        others.filter(family__isnull=False)
        .annotate(_compact_postcode=compact_postcode_sql("family__postcode"))
        .filter(same_family("family__"))
        .select_related("family")
        .prefetch_related("family__children")
        .order_by("-family__accepted_on", "-pk")
    )

    def matches(other_children: Iterable[Any]) -> bool:
        return any(
            (c.first_name.strip().lower(), c.date_of_birth) in children for c in other_children
        )

    found = []
    for other in accepted:
        case = other.family
        if not matches(case.children.all()):
            continue
        if case.status == CASE_CLOSED:
            closed = f" on {_day(case.closed_on)}" if case.closed_on else ""
            description = f"Closed case {case.case_reference}{closed}"
        else:
            description = f"Open case {case.case_reference} ({case.get_status_display().lower()})"
        found.append(
            PossibleDuplicate(
                referral=other,
                description=description,
                case_pk=case.pk,
                case_reference=case.case_reference,
                case_status=case.status,
            )
        )
    found.extend(
        PossibleDuplicate(referral=other, description=_decision_description(other))
        for other in referrals
        if matches(other.children.all())
    )
    return found
