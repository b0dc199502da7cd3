"""Family cases: opening one from an accepted referral, and its status."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import dateformat, timezone
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm
from simple_history.utils import bulk_create_with_history

from referrals.models import LevelOfNeed, Need, Referral
from referrals.services import format_postcode, may_refer_to
from vicp import audit, dates
from vicp.documents import services as document_services
from vicp.models import Project, User
from vicp.permissions import manages
from volunteers.models import Stage, Volunteer
from volunteers.services import dbs_in_date, record_matched

from . import policy
from .models import (
    CaseNote,
    CaseReferenceCounter,
    Child,
    Concern,
    ConcernAction,
    ConcernCategory,
    ConcernOutcome,
    Family,
    FamilyStatusChange,
    Goal,
    GoalReview,
    Match,
    Visit,
    VisitActivity,
    VisitChange,
    age_on,
)
from .selectors import mileage_claims
from .signals import case_closing, case_moved, case_opened
from .tasks import (
    notify_case_closed,
    notify_case_handed_over,
    notify_case_moved,
    notify_claims_paid,
    notify_concern,
    notify_match_ended,
    notify_match_started,
)


def next_case_reference(project: Project, year: int) -> str:
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


def change_status(
    family: Family,
    to_status: str,
    *,
    by: User,
    reason: str = "",
    action: str = "",
    **details: Any,
) -> None:
    from_status = family.status if family.pk else ""
    family.status = to_status
    family.save()
    FamilyStatusChange.objects.create(
        family=family, from_status=from_status, to_status=to_status, by=by, reason=reason
    )
    audit.record(
        action or f"family.{to_status}",
        actor=by,
        obj=family,
        from_status=from_status,
        **details,
    )


@transaction.atomic
def open_case(referral: Referral, *, by: User) -> Family:
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
    change_status(family, Family.Status.AWAITING_MATCH, by=by)
    family.needs.set(referral.needs.all())
    family.risks.set(referral.risks.all())
    bulk_create_with_history(
        [
            Child(
                family=family,
                first_name=child.first_name,
                last_name=child.last_name,
                date_of_birth=child.date_of_birth,
                plan_type=child.plan_type,
                cp_category=child.cp_category,
            )
            for child in referral.children.all()
        ],
        Child,
        default_user=by,
    )
    if referral.social_worker_id:
        assign_perm("families.view_family", referral.social_worker, family)
    case_opened.send(sender=Family, family=family, by=by)
    return family


def _require_manager(user: User, project: Project) -> None:
    if not manages(user, project):
        raise ValidationError("Only a manager of this family's project can do this.")


# --- Matching -------------------------------------------------------------------------


@dataclass
class Suggestion:
    volunteer: Volunteer
    score: int = 0
    reasons: list[str] = field(default_factory=list)


def _district(postcode: str | None) -> str:
    return (postcode or "").upper().split(" ")[0]


def _area(postcode: str | None) -> str:
    return "".join(ch for ch in _district(postcode) if ch.isalpha())


def _words(text: str | None) -> set[str]:
    return {w.strip(".,;()").lower() for w in (text or "").replace("/", " ").split() if len(w) > 3}


def suggest_volunteers(family: Family) -> list[Suggestion]:
    """Ready volunteers of the family's project who could start now, best first,
    each with the reasons for its place."""

    candidates = (
        Volunteer.objects.filter(project=family.project, stage=Stage.READY)
        .exclude(pk__in=Match.objects.filter(ended_on=None).values("volunteer_id"))
        .order_by("last_name", "first_name")
    )
    needs = list(family.needs.all())
    family_languages = _words(family.languages)
    suggestions = []
    for volunteer in candidates:
        if not dbs_in_date(volunteer):
            continue
        suggestion = Suggestion(volunteer)
        if _district(volunteer.postcode) and _district(volunteer.postcode) == _district(
            family.postcode
        ):
            suggestion.score += 3
            suggestion.reasons.append(
                f"Lives in the same postcode district ({_district(family.postcode)})"
            )
        elif _area(volunteer.postcode) and _area(volunteer.postcode) == _area(family.postcode):
            suggestion.score += 1
            suggestion.reasons.append(f"Lives in the same postcode area ({_area(family.postcode)})")
        shared = family_languages & _words(volunteer.languages) - {"english"}
        if shared:
            suggestion.score += 2
            suggestion.reasons.append("Speaks " + ", ".join(sorted(w.title() for w in shared)))
        experience = _words(volunteer.experience)
        matched_needs = [need.name for need in needs if _words(need.name) & experience]
        if matched_needs:
            suggestion.score += len(matched_needs)
            suggestion.reasons.append("Experience with " + ", ".join(matched_needs).lower())
        if volunteer.drives:
            suggestion.score += 1
            suggestion.reasons.append("Drives (can go with the family to appointments)")
        if volunteer.availability_days:
            suggestion.reasons.append(f"Available {volunteer.availability_days_display}")
        suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (-s.score, s.volunteer.last_name, s.volunteer.first_name))
    return suggestions


@transaction.atomic
def start_match(
    *, family: Family, volunteer: Volunteer, by: User, started_on: datetime.date | None = None
) -> Match:
    family = Family.objects.select_for_update().get(pk=family.pk)
    # Lock the volunteer too: two managers matching them at once are served in turn.
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    started_on = started_on or timezone.localdate()
    _require_manager(by, family.project)
    problems = []
    if volunteer.project_id != family.project_id:
        problems.append("The volunteer belongs to another project.")
    if volunteer.stage != Stage.READY or volunteer.user_id is None:
        problems.append(
            f"{volunteer.full_name} is {volunteer.get_stage_display().lower()}, not signed off "
            "and free to be matched."
        )
    if not dbs_in_date(volunteer, on=started_on):
        problems.append(f"{volunteer.full_name}'s DBS check is not in date.")
    if family.status != Family.Status.AWAITING_MATCH:
        problems.append(
            f"The family is {family.get_status_display().lower()}, not awaiting a volunteer."
        )
    if not family.consent_given:
        problems.append("The family has not consented to having a volunteer.")
    if started_on > timezone.localdate():
        problems.append("A match cannot start in the future.")
    if problems:
        raise ValidationError(problems)
    match = Match(family=family, volunteer=volunteer, started_on=started_on, started_by=by)
    try:
        with transaction.atomic():
            match.save()
    except IntegrityError:
        raise ValidationError(
            "This volunteer or this family already has an active match."
        ) from None
    change_status(family, Family.Status.MATCHED, by=by)
    record_matched(volunteer, matched=True, by=by)
    assign_perm("families.view_family", volunteer.user, family)
    audit.record("match.started", actor=by, obj=match, project=family.project)

    transaction.on_commit(lambda: notify_match_started.delay(match.pk))
    return match


@transaction.atomic
def end_match(
    match: Match, *, by: User, reason: str, ended_on: datetime.date | None = None, notes: str = ""
) -> Match:
    """End a match; the volunteer loses access to the family in the same transaction."""

    match = Match.objects.select_for_update().select_related("family", "volunteer").get(pk=match.pk)
    _require_manager(by, match.family.project)
    if not match.is_active:
        raise ValidationError("This match has already ended.")
    ended_on = ended_on or timezone.localdate()
    if reason not in Match.EndReason.values:
        raise ValidationError({"reason": "Choose why the match is ending."})
    if ended_on < match.started_on:
        raise ValidationError({"ended_on": "A match cannot end before it started."})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "This date is in the future."})
    match.ended_on, match.end_reason, match.end_notes, match.ended_by = ended_on, reason, notes, by
    match.save()
    if match.volunteer.user_id:
        remove_perm("families.view_family", match.volunteer.user, match.family)
    # The volunteer can no longer finish their drafts: each passes to the project's
    # managers, who finish or discard it (never lost, never silently deleted).
    unfinished = list(match.visits.filter(status=Visit.Status.DRAFT).values_list("pk", flat=True))
    Visit.objects.filter(pk__in=unfinished).update(status=Visit.Status.UNFINISHED)
    change_status(
        match.family,
        Family.Status.AWAITING_MATCH,
        by=by,
        reason=match.get_end_reason_display(),
    )
    record_matched(match.volunteer, matched=False, by=by, reason="Match ended.")
    audit.record(
        "match.ended",
        actor=by,
        obj=match,
        project=match.family.project,
        reason=reason,
        unfinished_drafts=len(unfinished),
    )
    transaction.on_commit(lambda: notify_match_ended.delay(match.pk))
    return match


@transaction.atomic
def close_case(family: Family, *, by: User, reason: str, missing_reason: str = "") -> Family:
    """Close the case once its match has ended. The closure risk review must be recorded
    first, unless `missing_reason` (a `Family.ReviewMissing` value) says why it could not
    be; the social worker is then told, by the case reference only."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    _require_manager(by, family.project)
    if family.status == Family.Status.CLOSED:
        raise ValidationError("This case is already closed.")
    errors: dict[str, list[str]] = {}
    if family.matches.filter(ended_on=None).exists():
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            "End the volunteer's match before closing the case."
        )
    if not (reason or "").strip():
        errors.setdefault("reason", []).append("Say why the case is closing.")
    missing_reason = (missing_reason or "").strip()
    if missing_reason and missing_reason not in Family.ReviewMissing.values:
        errors.setdefault("missing_reason", []).append(
            "Choose why the closure risk review could not be done."
        )
    else:
        # The apps above (outcomes) add their own rules: the closure risk review.
        for _, problems in case_closing.send(
            sender=Family, family=family, by=by, missing_reason=missing_reason
        ):
            if isinstance(problems, dict):
                for name, message in problems.items():
                    errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)
    family.closed_on = timezone.localdate()
    family.closure_review_missing_reason = missing_reason
    change_status(
        family,
        Family.Status.CLOSED,
        by=by,
        reason=reason.strip(),
        closure_review_missing_reason=missing_reason,
    )
    transaction.on_commit(lambda: notify_case_closed.delay(family.pk))
    return family


@transaction.atomic
def reopen_case(family: Family, *, by: User, reason: str) -> Family:
    """Reopen a closed case: it waits for a volunteer again. An anonymised case cannot
    be reopened: its personal details are gone for good."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    _require_manager(by, family.project)
    if family.status != Family.Status.CLOSED:
        raise ValidationError("This case is not closed.")
    if family.anonymised_on is not None:
        raise ValidationError(
            "This case was anonymised under the retention policy on "
            f"{dateformat.format(family.anonymised_on, 'j M Y')}: the family's details are "
            "gone, so it cannot be reopened. A new referral opens a new case."
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the case is being reopened."})
    closed_on, missing = family.closed_on, family.closure_review_missing_reason
    # Both belong to the closing being undone; closing again asks for them afresh.
    family.closed_on, family.closure_review_missing_reason = None, ""
    change_status(
        family,
        Family.Status.AWAITING_MATCH,
        by=by,
        reason=reason.strip(),
        action="family.reopened",
        closed_on=closed_on.isoformat() if closed_on else None,
        closure_review_missing_reason=missing,
    )
    return family


# --- Visits and concerns --------------------------------------------------------------


@transaction.atomic
def log_visit(
    *,
    match: Match,
    by: User,
    visited_on: datetime.date | None,
    duration_minutes: int | None,
    contact_made: bool | None = True,
    medium: str = Visit.Medium.IN_PERSON,
    start_time: datetime.time | None = None,
    place: str = "",
    activities: Iterable[VisitActivity] = (),
    notes: str = "",
    engagement: int | None = None,
    miles: int | None = None,
    concern: str = "",
    draft: bool = False,
    visit: Visit | None = None,
) -> Visit:
    """Record a visit (or an attempt: `contact_made=False`) to the matched family.

    `draft=True` keeps whatever was typed, to finish later (`None` for an answer not
    given yet; a draft without a date is dated the day it is saved); `visit` is the
    draft being finished. An attempt keeps no activities nor engagement. A concern,
    if given, is raised with the visit and its alerts go out at once.
    """
    match = Match.objects.select_related("family__project", "volunteer").get(pk=match.pk)
    if visit is not None:
        # As it is now: its match may have ended since the caller read it.
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit is not None and visit.status == Visit.Status.UNFINISHED:
        if not policy.may_finish_unfinished(by, visit):
            raise ValidationError("Only a project manager can finish a draft of an ended match.")
    elif not policy.may_log_visit(by, match):
        raise ValidationError("Only the matched volunteer or a project manager can log this visit.")
    elif not match.is_active:
        raise ValidationError("This match has ended: visits can no longer be logged.")
    problems = visit_problems(
        match,
        visited_on=visited_on,
        duration_minutes=duration_minutes,
        contact_made=contact_made,
        medium=medium,
        engagement=engagement,
        miles=miles,
        draft=draft,
    )
    if problems:
        raise ValidationError(problems)
    if visit is None:
        visit = Visit(match=match, logged_by=by)
    elif visit.match_id != match.pk or visit.status not in FINISHABLE:
        raise ValidationError("Only a draft of this match can be finished.")
    elif visit.status == Visit.Status.UNFINISHED and draft:
        raise ValidationError("A draft of an ended match is finished or discarded, not kept.")
    finishing = visit.pk is not None and not draft
    attempt = contact_made is False
    visit.visited_on = visited_on or timezone.localdate()
    visit.start_time = start_time
    visit.duration_minutes = duration_minutes
    visit.contact_made = contact_made
    visit.medium = medium
    visit.place = place
    visit.notes = notes
    visit.engagement = None if attempt else engagement
    visit.miles = miles
    visit.status = Visit.Status.DRAFT if draft else Visit.Status.LOGGED
    visit.full_clean()
    visit.save()
    visit.activities.set(() if attempt else activities)
    action = "visit.draft_saved" if draft else ("visit.finished" if finishing else "visit.logged")
    audit.record(action, actor=by, obj=visit, project=match.family.project)
    # A concern cannot wait for the draft to be finished: it is raised, and its alerts
    # sent, as soon as it is saved.
    if concern and concern.strip():
        raise_concern(visit=visit, by=by, details=concern)
    return visit


FINISHABLE = (Visit.Status.DRAFT, Visit.Status.UNFINISHED)


@transaction.atomic
def discard_draft(visit: Visit, *, by: User, reason: str) -> Visit:
    """Set aside a draft its volunteer could not finish; it is kept, with the reason."""
    visit = (
        Visit.objects.select_for_update().select_related("match__family__project").get(pk=visit.pk)
    )
    if not policy.may_finish_unfinished(by, visit):
        raise ValidationError("Only a project manager can discard a draft of an ended match.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the draft is being discarded."})
    visit.status = Visit.Status.DISCARDED
    visit.discarded_by, visit.discarded_at = by, timezone.now()
    visit.discard_reason = reason.strip()
    visit.save()
    audit.record("visit.discarded", actor=by, obj=visit, project=visit.match.family.project)
    return visit


# What a logged visit must answer; a draft may leave any of them for later.
VISIT_ANSWERS_NEEDED = {
    "visited_on": "Give the date of the visit.",
    "duration_minutes": "Say how long it took, in minutes.",
    "contact_made": "Say whether you saw or spoke to the family.",
    "medium": "Say how: in person, by phone or by video.",
}
DURATION_MESSAGE = "A visit lasts between 15 minutes and 8 hours (480 minutes)."
MILES_MESSAGE = "Miles are a whole number from 1 to 999."
ENGAGEMENT_NEEDED = "Say how engaged the family was (1 to 5)."
CORRECTION_REASON_NEEDED = "Say why you are correcting this visit."


def visit_problems(
    match: Match,
    *,
    visited_on: datetime.date | None,
    duration_minutes: int | None,
    contact_made: bool | None,
    medium: str = Visit.Medium.IN_PERSON,
    engagement: int | None = None,
    miles: int | None = None,
    draft: bool = False,
) -> dict[str, str]:
    """Every rule these answers break, one message per field, all at once; nothing saved.

    The visit form asks this before it saves, so it shows every problem together; a
    draft is checked only on what was typed. An attempt is asked for no engagement.
    """
    answers = {
        "visited_on": visited_on,
        "duration_minutes": duration_minutes,
        "contact_made": contact_made,
        "medium": medium,
    }
    errors = {}
    if not draft:
        errors.update(
            {
                name: message
                for name, message in VISIT_ANSWERS_NEEDED.items()
                if answers[name] is None or answers[name] == ""
            }
        )
    today = timezone.localdate()
    if visited_on is None:  # not typed yet (a draft), or already said to be needed
        pass
    elif visited_on > today:
        errors["visited_on"] = "The visit cannot be in the future."
    elif visited_on < match.started_on:
        errors["visited_on"] = (
            f"The match started on {dates.day(match.started_on)}; the visit cannot be before that."
        )
    elif match.ended_on and visited_on > match.ended_on:
        errors["visited_on"] = f"The match ended on {dates.day(match.ended_on)}."
    if duration_minutes is not None and not (
        Visit.MIN_MINUTES <= duration_minutes <= Visit.MAX_MINUTES
    ):
        errors["duration_minutes"] = DURATION_MESSAGE
    if contact_made is not False:
        if engagement is None and contact_made and not draft:
            errors["engagement"] = ENGAGEMENT_NEEDED
        if engagement is not None and not (
            Visit.MIN_ENGAGEMENT <= engagement <= Visit.MAX_ENGAGEMENT
        ):
            errors["engagement"] = "Engagement is from 1 to 5."
    if miles is not None and not Visit.MIN_MILES <= miles <= Visit.MAX_MILES:
        errors["miles"] = MILES_MESSAGE
    return errors


EDITABLE_FIELDS = (
    "visited_on",
    "start_time",
    "duration_minutes",
    "contact_made",
    "medium",
    "place",
    "notes",
    "engagement",
    "miles",
)


@transaction.atomic
def edit_visit(
    visit: Visit,
    *,
    by: User,
    reason: str = "",
    activities: Iterable[VisitActivity] | None = None,
    **fields: Any,
) -> Visit:
    """Change a logged visit; every change is kept (field: before → after).

    Afterwards, only a project manager corrects it, giving the reason.
    """
    visit = (
        Visit.objects.select_for_update().select_related("match__family__project").get(pk=visit.pk)
    )
    manager = manages(by, visit.match.family.project)
    if visit.status != Visit.Status.LOGGED:
        raise ValidationError("Finish the draft instead of editing it.")
    if not manager and not policy.volunteer_may_still_edit(visit, by):
        raise ValidationError(
            "A visit can be changed by the volunteer for 7 days; "
            "after that, ask your project manager to correct it."
        )
    problems: dict[str, str] = {}
    if manager and visit.logged_by_id != by.pk and not (reason or "").strip():
        problems["reason"] = CORRECTION_REASON_NEEDED
    values = {name: fields.get(name, getattr(visit, name)) for name in EDITABLE_FIELDS}
    if values["contact_made"] is False:  # an attempt: nothing was done with the family
        values["engagement"] = None
        activities = ()
    problems |= visit_problems(
        visit.match,
        **{
            k: values[k]
            for k in (
                "visited_on",
                "duration_minutes",
                "contact_made",
                "medium",
                "engagement",
                "miles",
            )
        },
    )
    if problems:
        raise ValidationError(problems)
    changes = {
        name: [_plain(getattr(visit, name)), _plain(value)]
        for name, value in values.items()
        if getattr(visit, name) != value
    }
    if activities is not None:
        before = sorted(a.name for a in visit.activities.all())
        after = sorted(a.name for a in activities)
        if before != after:
            changes["activities"] = [before, after]
            visit.activities.set(activities)
    if not changes:
        return visit
    for name, value in values.items():
        setattr(visit, name, value)
    visit.full_clean()
    visit.save()
    VisitChange.objects.create(visit=visit, by=by, reason=(reason or "").strip(), changes=changes)
    audit.record(
        "visit.changed",
        actor=by,
        obj=visit,
        project=visit.match.family.project,
        fields=sorted(changes),
    )
    return visit


def _plain(value: object) -> object:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


# A time typed to the minute may be up to a minute ahead of the server's clock.
NOTICED_AT_LEEWAY = datetime.timedelta(minutes=1)


def _open_concern_locked(concern: Concern) -> Concern:
    return (
        Concern.objects.select_for_update(of=("self",))
        .select_related("family__project", "family__referral")
        .get(pk=concern.pk)
    )


def _not_in_future(moment: datetime.datetime | None, field_name: str, errors: dict) -> None:
    if moment is not None and moment > timezone.now() + NOTICED_AT_LEEWAY:
        errors[field_name] = "This time is in the future: give when it happened."


@transaction.atomic
def raise_concern(
    *,
    by: User,
    details: str,
    family: Family | None = None,
    visit: Visit | None = None,
    category: str = "",
    noticed_at: datetime.datetime | None = None,
    immediate_danger: bool = False,
    kind: str = Concern.Kind.CHILD,
    subject: User | None = None,
    subject_description: str = "",
) -> Concern:
    """Raise a safeguarding concern about a family's children, from a visit or at any
    time (give one of `family` or `visit`). Its alerts go out as soon as it is saved.

    `kind=Concern.Kind.ALLEGATION` is an allegation against someone in a position of
    trust: `subject` (a volunteer who has worked with the family, or one of the project's
    managers) or `subject_description` says who."""
    if (family is None) == (visit is None):
        raise TypeError("raise_concern takes one of family or visit.")
    family = visit.match.family if visit is not None else cast(Family, family)
    if not policy.may_raise_concern(by, family):
        raise ValidationError("Only people working on this case can raise a concern about it.")
    errors: dict[str, str] = {}
    if not (details or "").strip():
        errors["details"] = "Describe what you saw or heard."
    if category and category not in ConcernCategory.values:
        errors["category"] = "Choose the kind of concern from the list."
    _not_in_future(noticed_at, "noticed_at", errors)
    subject_description = (subject_description or "").strip()
    if kind == Concern.Kind.ALLEGATION:
        if subject is None and not subject_description:
            errors["subject"] = "Say who the allegation is about."
        elif subject is not None and subject not in allegation_subjects(family):
            errors["subject"] = "Choose someone who works with this family."
    elif kind == Concern.Kind.CHILD:
        subject, subject_description = None, ""
    else:
        errors["kind"] = "Choose what the concern is about."
    if errors:
        raise ValidationError(errors)
    concern = Concern.objects.create(
        family=family,
        visit=visit,
        kind=kind,
        subject=subject,
        subject_description=subject_description,
        category=category or ConcernCategory.OTHER,
        details=details.strip(),
        noticed_at=noticed_at,
        immediate_danger=immediate_danger,
        raised_by=by,
    )
    audit.record(
        "concern.raised",
        actor=by,
        obj=concern,
        project=family.project,
        kind=kind,
        category=concern.category,
        immediate_danger=immediate_danger,
    )
    transaction.on_commit(lambda: notify_concern.delay(concern.pk))
    return concern


def allegation_subjects(family: Family) -> list[User]:
    """The people in a position of trust an allegation about this family's work may name:
    its volunteers (now or before) and the project's managers."""
    return list(
        User.objects.filter(
            Q(volunteer_record__matches__family=family) | Q(managed_projects=family.project)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


@transaction.atomic
def suspend_volunteer(concern: Concern, *, by: User, reason: str) -> Match:
    """Suspend the volunteer an allegation is about from their match while it is looked
    into: their access to the family ends at once, as when a match ends, but the match
    stays so that it can resume."""
    concern = _open_concern_locked(concern)
    if not policy.may_suspend_for(by, concern):
        raise ValidationError("Only the project's safeguarding leads can suspend a volunteer.")
    if not concern.is_open:
        raise ValidationError("This allegation is closed: reopen it to suspend the volunteer.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the volunteer is suspended."})
    match = (
        Match.objects.select_for_update(of=("self",))
        .select_related("family__project", "volunteer")
        .filter(volunteer__user=concern.subject, ended_on=None)
        .first()
        if concern.subject_id
        else None
    )
    if match is None:
        raise ValidationError("The person this allegation is about has no active match.")
    if match.is_suspended:
        raise ValidationError("The volunteer is already suspended from their match.")
    match.suspended_at, match.suspended_by, match.suspended_for = timezone.now(), by, concern
    match.save(update_fields=["suspended_at", "suspended_by", "suspended_for"])
    remove_perm("families.view_family", concern.subject, match.family)
    ConcernAction.objects.create(
        concern=concern,
        action=f"Volunteer suspended from their match ({match.family.case_reference}): "
        f"{reason.strip()}",
        means=ConcernAction.Means.NOBODY,
        done_at=match.suspended_at,
        recorded_by=by,
    )
    audit.record("match.suspended", actor=by, obj=match, project=match.family.project)
    return match


@transaction.atomic
def lift_suspension(concern: Concern, *, by: User, reason: str) -> Match:
    """The volunteer may work with their family again (the allegation was looked into)."""
    concern = _open_concern_locked(concern)
    if not policy.may_suspend_for(by, concern):
        raise ValidationError("Only the project's safeguarding leads can lift a suspension.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the suspension is lifted."})
    match = (
        Match.objects.select_for_update(of=("self",))
        .select_related("family__project", "volunteer__user")
        .filter(suspended_for=concern, ended_on=None, suspended_at__isnull=False)
        .first()
    )
    if match is None:
        raise ValidationError("Nobody is suspended because of this allegation.")
    match.suspended_at, match.suspended_by, match.suspended_for = None, None, None
    match.save(update_fields=["suspended_at", "suspended_by", "suspended_for"])
    assign_perm("families.view_family", match.volunteer.user, match.family)
    ConcernAction.objects.create(
        concern=concern,
        action=f"Suspension lifted ({match.family.case_reference}): {reason.strip()}",
        means=ConcernAction.Means.NOBODY,
        done_at=timezone.now(),
        recorded_by=by,
    )
    audit.record("match.suspension_lifted", actor=by, obj=match, project=match.family.project)
    return match


@transaction.atomic
def correct_concern(concern: Concern, *, by: User, reason: str, **fields: Any) -> Concern:
    """Put right what was recorded about a concern (the kind of harm, the account, when it
    happened); its history keeps before and after, with the reason."""
    concern = _open_concern_locked(concern)
    if not policy.may_handle_concern(by, concern):
        raise ValidationError("Only a manager of this family's project can correct a concern.")
    values = {name: fields.get(name, getattr(concern, name)) for name in Concern.CORRECTABLE_FIELDS}
    values["details"] = (values["details"] or "").strip()
    errors: dict[str, str] = {}
    if not values["details"]:
        errors["details"] = "Describe what was seen or heard."
    if values["category"] not in ConcernCategory.values:
        errors["category"] = "Choose the kind of concern from the list."
    _not_in_future(values["noticed_at"], "noticed_at", errors)
    if not (reason or "").strip():
        errors["reason"] = "Say why the record is corrected."
    if errors:
        raise ValidationError(errors)
    concern._change_reason = reason.strip()[:100]  # type: ignore[attr-defined]  # simple-history
    if changed := _save_changes(concern, values):
        audit.record(
            "concern.corrected",
            actor=by,
            obj=concern,
            project=concern.family.project,
            fields=changed,
        )
    return concern


@transaction.atomic
def acknowledge_concern(concern: Concern, *, by: User) -> Concern:
    """A safeguarding lead or manager has read the concern and is dealing with it; it is
    no longer escalated."""
    concern = _open_concern_locked(concern)
    if not policy.may_handle_concern(by, concern):
        raise ValidationError("Only a manager of this family's project can acknowledge it.")
    if not concern.is_open:
        raise ValidationError("This concern is closed.")
    if concern.acknowledged_at is not None:
        raise ValidationError(
            f"{concern.acknowledged_by} acknowledged this concern "
            f"{dates.moment(concern.acknowledged_at)}."
        )
    concern.acknowledged_by, concern.acknowledged_at = by, timezone.now()
    concern.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit.record("concern.acknowledged", actor=by, obj=concern, project=concern.family.project)
    return concern


@transaction.atomic
def log_concern_action(
    concern: Concern,
    *,
    by: User,
    action: str,
    means: str,
    informed: str = "",
    done_at: datetime.datetime | None = None,
) -> ConcernAction:
    """Add an entry to the concern's actions log: what was done, who was told and how. It
    does not close the concern."""
    concern = _open_concern_locked(concern)
    if not policy.may_log_concern_action(by, concern):
        raise ValidationError("Only people who follow this concern up can add to its log.")
    errors: dict[str, str] = {}
    if not (action or "").strip():
        errors["action"] = "Say what was done."
    if means not in ConcernAction.Means.values:
        errors["means"] = "Choose how they were told."
    elif means != ConcernAction.Means.NOBODY and not (informed or "").strip():
        errors["informed"] = 'Say who was told, or choose "Nobody was told".'
    _not_in_future(done_at, "done_at", errors)
    if errors:
        raise ValidationError(errors)
    entry = ConcernAction.objects.create(
        concern=concern,
        action=action.strip(),
        means=means,
        informed=(informed or "").strip(),
        done_at=done_at or timezone.now(),
        recorded_by=by,
    )
    audit.record(
        "concern.action_logged",
        actor=by,
        obj=concern,
        project=concern.family.project,
        entry=entry.pk,
    )
    return entry


@transaction.atomic
def close_concern(
    concern: Concern,
    *,
    by: User,
    outcome: str,
    follow_up: str,
    information_shared: str = "",
) -> Concern:
    """Close a concern with its outcome, the reasons, and the information-sharing decision
    (what was shared, with whom and why, or why nothing was)."""
    concern = _open_concern_locked(concern)
    if not policy.may_handle_concern(by, concern):
        raise ValidationError("Only a manager of this family's project can close a concern.")
    if not concern.is_open:
        raise ValidationError("This concern has already been closed.")
    errors: dict[str, str] = {}
    if outcome not in dict(ConcernOutcome.choosable()):
        errors["outcome"] = "Choose the outcome of the concern."
    if not (follow_up or "").strip():
        errors["follow_up"] = "Give the reasons for the outcome."
    if not (information_shared or "").strip():
        errors["information_shared"] = (
            "Record what information was shared and with whom, or why none was."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if concern.acknowledged_at is None:
        concern.acknowledged_by, concern.acknowledged_at = by, now
    concern.outcome = outcome
    concern.follow_up = follow_up.strip()
    concern.information_shared = information_shared.strip()
    concern.closed_by, concern.closed_at = by, now
    concern.save()
    audit.record(
        "concern.closed",
        actor=by,
        obj=concern,
        project=concern.family.project,
        outcome=outcome,
    )
    return concern


@transaction.atomic
def reopen_concern(concern: Concern, *, by: User, reason: str) -> Concern:
    """Open a closed concern again (its earlier outcome stays in its history); the reason
    goes into its actions log."""
    concern = _open_concern_locked(concern)
    if not policy.may_handle_concern(by, concern):
        raise ValidationError("Only a manager of this family's project can reopen a concern.")
    if concern.is_open:
        raise ValidationError("This concern is already open.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the concern is being reopened."})
    concern.closed_by, concern.closed_at = None, None
    concern.save()
    ConcernAction.objects.create(
        concern=concern,
        action=f"Concern reopened: {reason.strip()}",
        means=ConcernAction.Means.NOBODY,
        done_at=timezone.now(),
        recorded_by=by,
    )
    audit.record("concern.reopened", actor=by, obj=concern, project=concern.family.project)
    return concern


# --- Mileage claims ---------------------------------------------------------------------


def unpaid_claims(user: User) -> QuerySet[Visit]:
    """Logged visits with miles, not yet paid, in the projects `user` manages."""
    return mileage_claims(user).filter(claim_paid_at=None)


@transaction.atomic
def mark_claims_paid(visits: Iterable[Visit], *, by: User) -> list[Visit]:
    """Mark these claims paid; each volunteer is emailed what was paid."""
    ids = [visit.pk for visit in visits]
    claims = list(unpaid_claims(by).filter(pk__in=ids).select_for_update(of=("self",)))
    if len(claims) != len(set(ids)):
        raise ValidationError("Some of these claims are already paid or are not yours to pay.")
    now = timezone.now()
    for claim in claims:
        claim.claim_paid_at, claim.claim_paid_by = now, by
        claim.save(update_fields=["claim_paid_at", "claim_paid_by"])
        audit.record("claim.paid", actor=by, obj=claim, project=claim.match.family.project)

    for user_id in {claim.logged_by_id for claim in claims}:
        paid = [c.pk for c in claims if c.logged_by_id == user_id]
        # The defaults bind this loop's values; mypy cannot infer a lambda's defaults.
        transaction.on_commit(
            lambda user_id=user_id, paid=paid: notify_claims_paid.delay(user_id, paid)  # type: ignore[misc]
        )
    return claims


# --- The plan of work ---------------------------------------------------------------------


@transaction.atomic
def add_goal(
    *,
    family: Family,
    by: User,
    description: str,
    need: Need | None = None,
    star_area: str = "",
    target_date: datetime.date | None = None,
) -> Goal:
    if not policy.may_plan(by, family):
        raise ValidationError("Only the family's volunteer or a project manager can add goals.")
    if family.status == Family.Status.CLOSED:
        raise ValidationError("The case is closed.")
    if target_date and target_date < timezone.localdate():
        raise ValidationError({"target_date": "The target date has passed already."})
    goal = Goal(
        family=family,
        description=(description or "").strip(),
        need=need,
        star_area=star_area,
        target_date=target_date,
        created_by=by,
    )
    goal.full_clean()
    goal.save()
    audit.record("goal.added", actor=by, obj=goal, project=family.project)
    return goal


@transaction.atomic
def review_goal(
    goal: Goal,
    *,
    by: User,
    stage: str,
    progress: str,
    outcome: str,
    reviewed_on: datetime.date | None = None,
) -> GoalReview:
    family = goal.family
    if not policy.may_plan(by, family):
        raise ValidationError("Only the family's volunteer or a project manager can review goals.")
    reviewed_on = reviewed_on or timezone.localdate()
    errors = {}
    if reviewed_on > timezone.localdate():
        errors["reviewed_on"] = "The review cannot be dated in the future."
    elif reviewed_on < timezone.localtime(goal.created_at).date():
        errors["reviewed_on"] = (
            f"The goal was agreed on {dates.day(timezone.localtime(goal.created_at))}; "
            "the review cannot be before that."
        )
    if outcome not in Goal.Outcome.values:
        errors["outcome"] = "Choose how far the goal was achieved."
    if GoalReview.objects.filter(goal=goal, stage=stage).exists():
        errors["stage"] = "This goal already has a review at this stage."
    if errors:
        raise ValidationError(errors)
    review = GoalReview(
        goal=goal,
        stage=stage,
        progress=(progress or "").strip(),
        outcome=outcome,
        reviewed_on=reviewed_on,
        by=by,
    )
    review.full_clean()
    review.save()
    audit.record("goal.reviewed", actor=by, obj=goal, project=family.project, stage=stage)
    return review


GOAL_FIELDS = ("description", "need", "target_date")


@transaction.atomic
def edit_goal(goal: Goal, *, by: User, **fields: Any) -> Goal:
    """Correct a goal of the plan; its history keeps who changed what, before and after."""
    goal = Goal.objects.select_for_update().select_related("family__project").get(pk=goal.pk)
    family = goal.family
    if not policy.may_plan(by, family):
        raise ValidationError("Only the family's volunteer or a project manager can change goals.")
    if family.status == Family.Status.CLOSED:
        raise ValidationError("The case is closed: its plan can no longer change.")
    values = {name: fields.get(name, getattr(goal, name)) for name in GOAL_FIELDS}
    values["description"] = (values["description"] or "").strip()
    if not values["description"]:
        raise ValidationError({"description": "Describe the goal."})
    target_date = values["target_date"]
    if target_date and target_date != goal.target_date and target_date < timezone.localdate():
        raise ValidationError({"target_date": "The target date has passed already."})
    if changed := _save_changes(goal, values):
        audit.record("goal.changed", actor=by, obj=goal, project=family.project, fields=changed)
    return goal


def _save_changes(record: Any, values: dict[str, Any]) -> list[str]:
    """Set `values` on `record` and save it (its history keeps before and after) if any
    differs; the names of the fields that changed."""
    changed = sorted(name for name, value in values.items() if getattr(record, name) != value)
    if changed:
        for name, value in values.items():
            setattr(record, name, value)
        record.full_clean()
        record.save()
    return changed


# --- Case notes ------------------------------------------------------------------------


def _case_note_problems(family: Family, by: User, values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values["kind"] not in CaseNote.Kind.values:
        errors["kind"] = "Choose the kind of contact."
    if values["with_whom"] not in CaseNote.WithWhom.values:
        errors["with_whom"] = "Choose who the contact was with."
    elif values["with_whom"] == CaseNote.WithWhom.OTHER and not values["with_whom_detail"]:
        errors["with_whom_detail"] = "Say who the contact was with."
    if len(values["with_whom_detail"]) > 100:
        errors["with_whom_detail"] = "Say who in 100 characters or fewer."
    if not values["summary"]:
        errors["summary"] = "Say what was said or agreed."
    if values["happened_at"] is None:
        errors["happened_at"] = "Give the date of the contact."
    _not_in_future(values["happened_at"], "happened_at", errors)
    if values["sensitive"] and not policy.may_mark_sensitive(by, family):
        errors["sensitive"] = "Only the project's managers mark a note sensitive."
    return errors


def _case_note_values(fields: dict[str, Any], current: CaseNote | None = None) -> dict[str, Any]:
    values = {
        name: fields.get(name, getattr(current, name) if current else None)
        for name in CaseNote.CORRECTABLE_FIELDS
    }
    for name in ("kind", "with_whom", "with_whom_detail", "summary"):
        values[name] = (values[name] or "").strip()
    values["sensitive"] = bool(values["sensitive"])
    return values


@transaction.atomic
def write_case_note(
    *,
    family: Family,
    by: User,
    kind: str,
    with_whom: str,
    summary: str,
    happened_at: datetime.datetime | None,
    with_whom_detail: str = "",
    sensitive: bool = False,
) -> CaseNote:
    """Note a contact about the case: a call, email, meeting or text, with whom and when."""
    family = Family.objects.select_related("project", "referral").get(pk=family.pk)
    if not policy.may_write_case_note(by, family):
        raise ValidationError(
            "Only the case's managers and social worker add notes, while the case is open."
        )
    values = _case_note_values(
        {
            "kind": kind,
            "with_whom": with_whom,
            "with_whom_detail": with_whom_detail,
            "happened_at": happened_at,
            "summary": summary,
            "sensitive": sensitive,
        }
    )
    if errors := _case_note_problems(family, by, values):
        raise ValidationError(errors)
    note = CaseNote(family=family, written_by=by, **values)
    note.full_clean()
    note.save()
    audit.record(
        "case_note.written",
        actor=by,
        obj=note,
        project=family.project,
        kind=note.kind,
        sensitive=note.sensitive,
    )
    return note


@transaction.atomic
def correct_case_note(note: CaseNote, *, by: User, reason: str = "", **fields: Any) -> CaseNote:
    """Put a note right; its history keeps what it said before, who changed it, when and
    (if given) why."""
    note = (
        CaseNote.objects.select_for_update(of=("self",))
        .select_related("family__project", "family__referral")
        .get(pk=note.pk)
    )
    if not policy.may_correct_note(by, note):
        raise ValidationError("Only the note's writer or a manager of the project corrects it.")
    values = _case_note_values(fields, note)
    if values["sensitive"] != note.sensitive and not policy.may_mark_sensitive(by, note.family):
        values["sensitive"] = note.sensitive  # only a manager changes who reads the note
    errors = _case_note_problems(note.family, by, values | {"sensitive": False})
    if errors:
        raise ValidationError(errors)
    reason = (reason or "").strip()
    if reason:
        note._change_reason = reason[:100]  # type: ignore[attr-defined]  # simple-history
    if changed := _save_changes(note, values):
        audit.record(
            "case_note.corrected",
            actor=by,
            obj=note,
            project=note.family.project,
            fields=changed,
        )
    return note


# --- Corrections to the family's details and children ----------------------------------

FAMILY_DETAIL_FIELDS = (
    "family_name",
    "parents_carers",
    "address",
    "postcode",
    "phone",
    "email",
    "languages",
    "level_of_need",
    "hopes",
    "risk_details",
    "consent_given",
)
FAMILY_DETAIL_SETS = ("needs", "risks")


def _require_open_record(family: Family) -> None:
    if family.anonymised_on:
        raise ValidationError(
            "This case's personal details were removed under the retention policy."
        )


@transaction.atomic
def update_family_details(family: Family, *, by: User, **fields: Any) -> Family:
    """Correct the family's details as the project keeps them (the referral keeps what was
    referred). Each change is kept in the family's history and audited by field name."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    _require_manager(by, family.project)
    _require_open_record(family)
    values = {name: fields.get(name, getattr(family, name)) for name in FAMILY_DETAIL_FIELDS}
    values["family_name"] = (values["family_name"] or "").strip()
    if not values["family_name"]:
        raise ValidationError({"family_name": "Give the family's name."})
    values["postcode"] = format_postcode(values["postcode"])
    changed = [name for name, value in values.items() if getattr(family, name) != value]
    sets = {name: fields[name] for name in FAMILY_DETAIL_SETS if name in fields}
    for name, chosen in sets.items():
        if {o.pk for o in getattr(family, name).all()} != {o.pk for o in chosen}:
            changed.append(name)
    if not changed:
        return family
    for name, value in values.items():
        setattr(family, name, value)
    family.full_clean()
    family.save()
    for name, chosen in sets.items():
        getattr(family, name).set(chosen)
    audit.record("family.changed", actor=by, obj=family, fields=sorted(changed))
    return family


def _child_problems(
    family: Family, *, date_of_birth: datetime.date, plan_type: str, cp_category: Any
) -> dict[str, str]:
    errors = {}
    today = timezone.localdate()
    if date_of_birth > today:
        errors["date_of_birth"] = "The date of birth cannot be in the future."
    elif age_on(date_of_birth, family.accepted_on) >= 18:
        errors["date_of_birth"] = (
            f"The child would have been 18 or over when the case was accepted "
            f"({dates.day(family.accepted_on)}): the programme is for children."
        )
    if plan_type == "cp" and cp_category is None:
        errors["cp_category"] = "Choose the category of the child protection plan."
    return errors


CHILD_FIELDS = ("first_name", "last_name", "date_of_birth", "plan_type", "cp_category")


@transaction.atomic
def add_child(family: Family, *, by: User, **fields: Any) -> Child:
    """A child who joins the household (a new baby, a child coming home)."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    _require_manager(by, family.project)
    _require_open_record(family)
    if family.status == Family.Status.CLOSED:
        raise ValidationError("The case is closed: reopen it to add a child.")
    child = Child(family=family, **{name: fields.get(name) for name in CHILD_FIELDS})
    child.first_name = (child.first_name or "").strip()
    child.last_name = (child.last_name or "").strip()
    if child.plan_type != "cp":
        child.cp_category = None
    if errors := _child_problems(
        family,
        date_of_birth=child.date_of_birth,
        plan_type=child.plan_type,
        cp_category=child.cp_category,
    ):
        raise ValidationError(errors)
    child.full_clean()
    child.save()
    audit.record("child.added", actor=by, obj=child, project=family.project)
    return child


@transaction.atomic
def correct_child(child: Child, *, by: User, **fields: Any) -> Child:
    """Correct a child's details (a mistyped date of birth, a plan that changed)."""
    child = Child.objects.select_for_update().select_related("family__project").get(pk=child.pk)
    family = child.family
    _require_manager(by, family.project)
    _require_open_record(family)
    values = {name: fields.get(name, getattr(child, name)) for name in CHILD_FIELDS}
    values["first_name"] = (values["first_name"] or "").strip()
    values["last_name"] = (values["last_name"] or "").strip()
    if values["plan_type"] != "cp":
        values["cp_category"] = None
    errors = _child_problems(
        family,
        date_of_birth=values["date_of_birth"],
        plan_type=values["plan_type"],
        cp_category=values["cp_category"],
    )
    if not values["first_name"]:
        errors["first_name"] = "Give the child's first name."
    if errors:
        raise ValidationError(errors)
    if changed := _save_changes(child, values):
        audit.record("child.changed", actor=by, obj=child, project=family.project, fields=changed)
    return child


@transaction.atomic
def record_child_left(child: Child, *, by: User, left_on: datetime.date, reason: str) -> Child:
    """A child who no longer lives with the family: kept on the record, marked as left."""
    child = Child.objects.select_for_update().select_related("family__project").get(pk=child.pk)
    family = child.family
    _require_manager(by, family.project)
    _require_open_record(family)
    errors = {}
    if child.left_household_on:
        left_on_text = f"{dates.day(child.left_household_on)}"
        raise ValidationError(
            f"{child.first_name} is already recorded as leaving on {left_on_text}."
        )
    if left_on > timezone.localdate():
        errors["left_on"] = "The date cannot be in the future."
    elif left_on < child.date_of_birth:
        errors["left_on"] = "The date is before the child was born."
    if not (reason or "").strip():
        errors["reason"] = (
            "Say why the child left the household (for example, moved to live with a relative)."
        )
    if errors:
        raise ValidationError(errors)
    child.left_household_on, child.left_household_reason = left_on, reason.strip()
    child.save()
    audit.record("child.left_household", actor=by, obj=child, project=family.project)
    return child


# --- Who works with the family ------------------------------------------------------------


def social_workers_for(family: Family) -> QuerySet[User]:
    """Active social workers who may refer to the family's project: those who may hold
    its case."""
    granted = cast(
        "QuerySet[User]",  # a list only with attached_perms=True
        get_users_with_perms(
            family.project, only_with_perms_in=["refer_to_project"], with_group_users=True
        ),
    )
    return (
        User.objects.filter(pk__in=granted.values("pk"), role=User.Role.SOCIAL_WORKER)
        .filter(is_active=True)
        .order_by("last_name", "first_name", "pk")
    )


@transaction.atomic
def change_social_worker(family: Family, *, by: User, social_worker: User, reason: str) -> Family:
    """Hand the case to another social worker (the social worker moved team, say).

    The new one sees the family and its referral from now on; the one before no longer
    does. The referral's history keeps who held the case before."""
    family = Family.objects.select_for_update().select_related("referral").get(pk=family.pk)
    _require_manager(by, family.project)
    referral = family.referral
    errors = {}
    if social_worker.pk == referral.social_worker_id:
        errors["social_worker"] = f"{social_worker.get_full_name()} already holds this case."
    elif not (
        social_worker.is_social_worker
        and social_worker.is_active
        and may_refer_to(social_worker, family.project)
    ):
        errors["social_worker"] = (
            "Choose a social worker who may refer to this project (invite them first if needed)."
        )
    if not (reason or "").strip():
        errors["reason"] = "Say why the case is moving to another social worker."
    if errors:
        raise ValidationError(errors)
    before = referral.social_worker
    if before is not None:
        remove_perm("families.view_family", before, family)
        remove_perm("referrals.view_referral", before, referral)
    referral.social_worker = social_worker
    referral._change_reason = reason.strip()[:100]  # type: ignore[attr-defined]  # simple-history
    referral.save()
    assign_perm("families.view_family", social_worker, family)
    assign_perm("referrals.view_referral", social_worker, referral)
    audit.record(
        "family.social_worker_changed",
        actor=by,
        obj=family,
        before=before.pk if before else None,
        after=social_worker.pk,
        reason=reason.strip(),
    )
    transaction.on_commit(lambda: notify_case_handed_over.delay(family.pk))
    return family


@transaction.atomic
def change_volunteer(
    match: Match, *, by: User, volunteer: Volunteer, reason: str, notes: str = ""
) -> Match:
    """End the family's match and start one with another volunteer, in one step: either
    both happen or neither does."""
    if volunteer.pk == match.volunteer_id:
        raise ValidationError({"volunteer": "Choose a different volunteer."})
    end_match(match, by=by, reason=reason, notes=notes)
    return start_match(family=match.family, volunteer=volunteer, by=by)


def _project_move_problems(
    family: Family, to_project: Project, level_of_need: LevelOfNeed | None
) -> dict[str, list[str]]:
    """What stops the case moving to `to_project`, {form field: [messages]}."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    old = family.project
    if to_project.pk == old.pk:
        add("to_project", f"The case is already in {old.name}: choose another project.")
        return errors
    if not to_project.is_active:
        add("to_project", f"{to_project.name} is no longer running: choose another project.")
        return errors
    match = next((m for m in family.matches.all() if m.ended_on is None), None)
    if match is not None:
        add(
            NON_FIELD_ERRORS,
            f"{match.volunteer.full_name} works with the family and belongs to {old.name}: "
            "end the match first.",
        )
    visits = Visit.objects.filter(match__family=family)
    if unfinished := visits.filter(status=Visit.Status.UNFINISHED).count():
        add(
            NON_FIELD_ERRORS,
            f"Finish or discard the {unfinished} unfinished visit draft"
            f"{'s' if unfinished > 1 else ''} that the ended match left first: "
            f"they are for {old.name}'s managers.",
        )
    unpaid = visits.filter(
        status=Visit.Status.LOGGED, miles__isnull=False, claim_paid_at=None
    ).count()
    if unpaid:
        add(
            NON_FIELD_ERRORS,
            f"Pay the {unpaid} mileage claim{'s' if unpaid > 1 else ''} for visits to the "
            f"family first: {old.name} pays them, at its own rate.",
        )
    social_worker = family.referral.social_worker
    if social_worker is not None and not (
        social_worker.is_active and may_refer_to(social_worker, to_project)
    ):
        add(
            NON_FIELD_ERRORS,
            f"{social_worker.get_full_name()}, the case's social worker, may not refer to "
            f"{to_project.name}: change the social worker first (or have an administrator "
            f"let them refer to {to_project.name}).",
        )
    # A level of need belongs to a scale, and each project may have a scale of its own.
    scale = LevelOfNeed.for_project(to_project)
    if level_of_need is not None:
        if not scale.filter(pk=level_of_need.pk).exists():
            add("level_of_need", f"Choose a level of need on {to_project.name}'s scale.")
    elif family.level_of_need_id and not scale.filter(pk=family.level_of_need_id).exists():
        add(
            "level_of_need",
            f"{to_project.name} uses another scale of need: choose the family's level on it.",
        )
    return errors


@transaction.atomic
def move_to_project(
    family: Family,
    *,
    to_project: Project,
    by: User,
    reason: str,
    level_of_need: LevelOfNeed | None = None,
) -> Family:
    """Move the case to another project of the charity (the family moved to its area).

    The case keeps its reference and its history; its referral moves with it, so that
    the new project's managers hold the whole case and the old project's no longer see
    it. The social worker keeps the case only if they may refer to the new project.
    `level_of_need` is the family's level on the new project's scale, needed when the
    two projects' scales differ."""
    family = (
        # Only the family's row: PostgreSQL locks no row of an outer join's nullable side.
        Family.objects.select_for_update(of=("self",))
        .select_related("project", "referral__social_worker", "level_of_need")
        .get(pk=family.pk)
    )
    if not policy.may_move_to_project(by, family, to_project):
        raise ValidationError(
            "Only an administrator, or a manager of both projects, can move a case between them."
        )
    _require_open_record(family)
    if family.status == Family.Status.CLOSED:
        raise ValidationError("The case is closed: reopen it before moving it to another project.")
    errors = _project_move_problems(family, to_project, level_of_need)
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append("Say why the case is moving to another project.")
    if errors:
        raise ValidationError(errors)

    from_project, level_before = family.project, family.level_of_need
    change_reason = f"moved to {to_project.name}: {reason}"
    family.project = to_project
    if level_of_need is not None:
        family.level_of_need = level_of_need
    # simple-history keeps who made the change and why, beside the before and after.
    family._change_reason = change_reason[:100]  # type: ignore[attr-defined]
    family._history_user = by  # type: ignore[attr-defined]
    family.full_clean()
    family.save()
    referral = family.referral
    referral.project = to_project
    referral._change_reason = change_reason[:100]  # type: ignore[attr-defined]
    referral._history_user = by  # type: ignore[attr-defined]
    referral.save()
    # Managers reach the case through its project, so no grant of theirs changes. The
    # social worker's grants stay (they may refer to the new project); a volunteer's
    # ended with their match, and any left over would reach into another project now.
    holders = get_users_with_perms(family, only_with_perms_in=["view_family"])
    for holder in cast("QuerySet[User]", holders):
        if holder.pk != referral.social_worker_id:
            remove_perm("families.view_family", holder, family)
    if referral.social_worker is not None:
        assign_perm("families.view_family", referral.social_worker, family)
        assign_perm("referrals.view_referral", referral.social_worker, referral)
    document_services.move_to_project(family, to_project)
    document_services.move_to_project(referral, to_project)
    case_moved.send(sender=Family, family=family, from_project=from_project, by=by)
    audit.record(
        "family.moved_project",
        actor=by,
        obj=family,
        project=to_project,
        from_project=from_project.pk,
        to_project=to_project.pk,
        level_of_need_before=level_before.pk if level_before else None,
        level_of_need_after=family.level_of_need_id,
        reason=reason,
    )
    transaction.on_commit(lambda: notify_case_moved.delay(family.pk, from_project.pk))
    return family
