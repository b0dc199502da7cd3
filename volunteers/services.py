"""Safer recruitment rules. Views call these; nothing else changes a volunteer.

The stage follows the recorded steps: after each step it is recomputed as the
furthest stage whose prerequisites hold, so steps recorded out of order are
kept and the stage catches up when the missing step arrives. `ready` is only
reached through `sign_off`; `matched` belongs to the families app.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from guardian.shortcuts import assign_perm

from vicp import audit, dates
from vicp.models import Project, User
from vicp.services import invite_user

from .models import (
    DBSCheck,
    Interview,
    Reference,
    Stage,
    Step,
    Supervision,
    TrainingAttendance,
    TrainingSession,
    Volunteer,
    VolunteerStageChange,
)
from .tasks import notify_managers_of_application

DBS_RENEWAL_WINDOW_DAYS = 60
# The pipeline, in order; a volunteer in one of these has not been signed off.
PIPELINE = (Stage.APPLIED, Stage.INTERVIEWING, Stage.CHECKS, Stage.TRAINING)
CLOSED = (Stage.NOT_PROGRESSED, Stage.LEFT)
SIGNED_OFF = (Stage.READY, Stage.MATCHED)
# Volunteers whose DBS certificate must be kept in date, so whose renewals are followed.
DBS_RENEWED = (Stage.TRAINING, Stage.READY, Stage.MATCHED)


# --- Reading the recorded steps ------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _day(day: datetime.date) -> str:
    """A date as people read it on every page: 1 Dec 2026."""
    return date_format(day, "j M Y")


def applied_on(volunteer: Volunteer) -> datetime.date:
    return timezone.localdate(volunteer.applied_at)


def required_training_hours() -> Decimal:
    return Decimal(str(settings.VICP_REQUIRED_TRAINING_HOURS))


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def recheck_date(issued_on: datetime.date) -> datetime.date:
    """When a DBS certificate issued on `issued_on` must be checked again."""
    return add_years(issued_on, settings.VICP_DBS_VALID_YEARS)


def dbs_recheck_on(dbs_check: DBSCheck) -> datetime.date:
    return recheck_date(dbs_check.issued_on)


def last_issue_rechecked_by(day: datetime.date) -> datetime.date:
    """The latest issue date of a certificate whose re-check date is `day` or before: the
    checks due by a date, found in the database by their issue date."""
    issued_on = add_years(day, -settings.VICP_DBS_VALID_YEARS)
    next_day = issued_on + datetime.timedelta(days=1)
    # 29 February: its re-check date falls on 28 February, a day early.
    return next_day if recheck_date(next_day) <= day else issued_on


def dbs_renewal_due_by(on: datetime.date) -> datetime.date:
    """A renewal is due on `on` for a certificate whose re-check date is this day or
    before (past it, the certificate has lapsed)."""
    return on + datetime.timedelta(days=DBS_RENEWAL_WINDOW_DAYS)


def dbs_status(dbs_check: DBSCheck, *, on: datetime.date | None = None) -> str:
    """ "in_date", "renewal_due" (within 60 days of the re-check date) or "lapsed"."""
    on = on or _today()
    recheck_on = dbs_recheck_on(dbs_check)
    if on > recheck_on:
        return "lapsed"
    if recheck_on <= dbs_renewal_due_by(on):
        return "renewal_due"
    return "in_date"


def latest_dbs_check(volunteer: Volunteer) -> DBSCheck | None:
    """The DBS check that counts: the newest not withdrawn."""
    return (
        DBSCheck.objects.filter(volunteer=volunteer, withdrawn_at=None)
        .order_by("-issued_on", "-pk")
        .first()
    )


def dbs_in_date(volunteer: Volunteer, *, on: datetime.date | None = None) -> bool:
    """True when the volunteer's latest DBS check is acceptable and not past its
    re-check date on `on` (today by default). Matching relies on this."""
    check = latest_dbs_check(volunteer)
    return check is not None and check.acceptable and dbs_status(check, on=on) != "lapsed"


def format_hours(hours: Decimal) -> str:
    return f"{Decimal(hours).normalize():f}"


@dataclass(frozen=True)
class RecordedSteps:
    """A volunteer's recruitment rows that count (none withdrawn), read once: the
    gates are judged from these."""

    interviews: list[Interview]
    dbs_checks: list[DBSCheck]
    references: list[Reference]
    initial_training: list[TrainingAttendance]

    @classmethod
    def of(cls, volunteer: Volunteer, *, prefetched: bool = False) -> Self:
        """Fresh from the database; or, with `prefetched`, from the rows a page has
        prefetched on `volunteer` (interviews, dbs_checks, references,
        training_attendances with their sessions)."""
        if prefetched:
            interviews = list(volunteer.interviews.all())
            dbs_checks = list(volunteer.dbs_checks.all())
            references = list(volunteer.references.all())
            attendances = list(volunteer.training_attendances.all())
        else:
            interviews = list(volunteer.interviews.select_related("recorded_by"))
            dbs_checks = list(volunteer.dbs_checks.select_related("recorded_by"))
            references = list(volunteer.references.select_related("recorded_by", "acknowledged_by"))
            attendances = list(
                volunteer.training_attendances.select_related("session", "recorded_by")
            )
        return cls(
            interviews=[i for i in interviews if not i.withdrawn],
            dbs_checks=[c for c in dbs_checks if not c.withdrawn],
            references=[r for r in references if not r.withdrawn],
            initial_training=[
                a
                for a in attendances
                if a.session.kind == TrainingSession.Kind.INITIAL and not a.withdrawn
            ],
        )

    def latest_interview(self, kind: str) -> Interview | None:
        rows = [i for i in self.interviews if i.kind == kind]
        return max(rows, key=lambda i: (i.held_on, i.pk)) if rows else None

    def latest_dbs_check(self) -> DBSCheck | None:
        return max(self.dbs_checks, key=lambda c: (c.issued_on, c.pk)) if self.dbs_checks else None

    def satisfactory_references(self) -> list[Reference]:
        return [r for r in self.references if r.outcome == Reference.Outcome.SATISFACTORY]

    def unsatisfactory_references(self) -> list[Reference]:
        return [r for r in self.references if r.unsatisfactory]

    def training_hours(self) -> Decimal:
        return sum((a.hours for a in self.initial_training), start=Decimal("0"))


@dataclass(frozen=True)
class Gate:
    """One of the steps a volunteer must pass before sign-off, with its evidence
    ((date, recorded by, what) rows) and, while unmet, the reason in words."""

    label: str
    blocker: str | None
    evidence: list[tuple[datetime.date, User, str]]

    @property
    def done(self) -> bool:
        return self.blocker is None


def recruitment_gates(
    volunteer: Volunteer, *, on: datetime.date | None = None, steps: RecordedSteps | None = None
) -> list[Gate]:
    """The sign-off gates in the order they are passed: informal and formal interviews,
    an acceptable in-date enhanced DBS, the references (and a manager's acknowledgement
    of each unsatisfactory one), the training hours, the post-training interview. The
    one definition of "ready": sign-off, the stage and the volunteer's page all ask it."""
    on = on or _today()
    steps = steps or RecordedSteps.of(volunteer)
    dbs = steps.latest_dbs_check()
    references = steps.satisfactory_references()
    hours = steps.training_hours()
    required_hours = required_training_hours()
    return [
        _interview_gate(steps, Interview.Kind.INFORMAL),
        _interview_gate(steps, Interview.Kind.FORMAL),
        Gate(
            "Enhanced DBS with the children's barred list",
            _dbs_blocker(dbs, on),
            [(dbs.issued_on, dbs.recorded_by, dbs.get_result_display())] if dbs else [],
        ),
        Gate(
            f"{settings.VICP_REQUIRED_REFERENCES} satisfactory references",
            _references_blocker(steps),
            [(r.received_on, r.recorded_by, r.referee_name) for r in references],
        ),
        *(_acknowledgement_gate(r) for r in steps.unsatisfactory_references()),
        Gate(
            f"Training: {format_hours(hours)} of {format_hours(required_hours)} hours",
            None
            if hours >= required_hours
            else f"{format_hours(hours)} of {format_hours(required_hours)} hours of initial "
            "training attended.",
            [
                (a.session.held_on, a.recorded_by, f"{a.session.title}, {a.hours} h")
                for a in steps.initial_training
            ],
        ),
        _interview_gate(steps, Interview.Kind.POST_TRAINING),
    ]


def _dbs_blocker(check: DBSCheck | None, on: datetime.date) -> str | None:
    if check is None:
        return "No enhanced DBS check has been recorded."
    if check.level != DBSCheck.Level.ENHANCED:
        return "The DBS check is not an enhanced check."
    if not check.barred_list_checked:
        return "The DBS check does not include the children's barred list."
    if check.result == DBSCheck.Result.DISCLOSURE and not check.disclosure_accepted:
        return (
            "The DBS check has a disclosure, and no risk-assessment decision to accept it "
            "has been recorded."
        )
    if dbs_status(check, on=on) == "lapsed":
        return (
            f"The DBS check was issued on {dates.day(check.issued_on)}, more than "
            f"{settings.VICP_DBS_VALID_YEARS} years ago: a new check is needed."
        )
    return None


def _references_blocker(steps: RecordedSteps) -> str | None:
    required = settings.VICP_REQUIRED_REFERENCES
    satisfactory = len(steps.satisfactory_references())
    if satisfactory >= required:
        return None
    unsatisfactory = sum(
        1 for r in steps.references if r.outcome == Reference.Outcome.UNSATISFACTORY
    )
    message = f"{satisfactory} of {required} satisfactory references received"
    if unsatisfactory:
        message += f" ({unsatisfactory} unsatisfactory)"
    return message + "."


def _acknowledgement_gate(reference: Reference) -> Gate:
    if reference.acknowledged_at is None:
        return Gate(
            f"Unsatisfactory reference from {reference.referee_name} acknowledged",
            f"An unsatisfactory reference from {reference.referee_name} has not been acknowledged.",
            [],
        )
    return Gate(
        f"Unsatisfactory reference from {reference.referee_name} acknowledged",
        None,
        [
            (
                timezone.localdate(reference.acknowledged_at),
                reference.acknowledged_by,  # type: ignore[list-item]  # set with acknowledged_at
                reference.acknowledgement_note,
            )
        ],
    )


def _interview_gate(steps: RecordedSteps, kind: str) -> Gate:
    interview = steps.latest_interview(kind)
    label = Interview.Kind(kind).label
    if interview is None:
        blocker = f"{label}: not recorded yet."
    elif interview.outcome != Interview.Outcome.PASSED:
        blocker = f"{label}: found not suitable on {dates.day(interview.held_on)}."
    else:
        blocker = None
    evidence = (
        [(interview.held_on, interview.recorded_by, interview.get_outcome_display())]
        if interview
        else []
    )
    return Gate(label, blocker, evidence)


def sign_off_blockers(volunteer: Volunteer, *, on: datetime.date | None = None) -> list[str]:
    """Every gate still unmet before `volunteer` can be signed off (empty when ready)."""
    return [
        gate.blocker for gate in recruitment_gates(volunteer, on=on) if gate.blocker is not None
    ]


def pipeline_stage(
    volunteer: Volunteer, *, on: datetime.date | None = None, steps: RecordedSteps | None = None
) -> Stage:
    """The furthest pipeline stage whose prerequisites all hold (withdrawn steps do not
    count)."""
    informal, formal, dbs, references, *_ = recruitment_gates(volunteer, on=on, steps=steps)
    if not informal.done:
        return Stage.APPLIED
    if not formal.done:
        return Stage.INTERVIEWING
    if not (dbs.done and references.done):
        return Stage.CHECKS
    return Stage.TRAINING


# --- Changing the stage ----------------------------------------------------------


def _change_stage(volunteer: Volunteer, to_stage: str, *, by: User, reason: str = "") -> None:
    from_stage = volunteer.stage
    if from_stage == to_stage:
        return
    volunteer.stage = to_stage
    volunteer.stage_changed_at = timezone.now()
    volunteer.full_clean()
    volunteer.save()
    VolunteerStageChange.objects.create(
        volunteer=volunteer, from_stage=from_stage, to_stage=to_stage, by=by, reason=reason
    )
    audit.record(
        "volunteer.stage_changed",
        actor=by,
        obj=volunteer,
        from_stage=from_stage,
        to_stage=to_stage,
    )


def _recompute_stage(volunteer: Volunteer, *, by: User, reason: str = "") -> None:
    """Called in the transaction of every step recorded or withdrawn, with the
    volunteer locked, so the stage is always what the standing steps say."""
    if volunteer.stage in PIPELINE:
        _change_stage(volunteer, pipeline_stage(volunteer), by=by, reason=reason)


def _lock(volunteer: Volunteer) -> Volunteer:
    """Re-read the volunteer under a row lock, so two steps recorded at once
    cannot both compute the stage from stale data."""
    fresh = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    volunteer.__dict__.update(
        {f.attname: getattr(fresh, f.attname) for f in Volunteer._meta.concrete_fields}
    )
    return volunteer


def _require_open(volunteer: Volunteer) -> None:
    """Every recording service asks this: nothing new for someone not progressed or
    who has left."""
    if volunteer.stage == Stage.NOT_PROGRESSED:
        raise ValidationError(
            f"{volunteer.full_name} is not progressed: "
            "reopen their record before recording anything new."
        )
    if volunteer.stage == Stage.LEFT:
        raise ValidationError(
            f"{volunteer.full_name} has left the programme: nothing new is recorded for them."
        )


def _not_before_application(
    volunteer: Volunteer, day: datetime.date, field: str, what: str
) -> None:
    applied = applied_on(volunteer)
    if day < applied:
        raise ValidationError(
            {field: f"{what} cannot be before the application, received on {_day(applied)}."}
        )


def _check_interview_order(
    volunteer: Volunteer, kind: str, held_on: datetime.date, steps: RecordedSteps
) -> None:
    """A formal interview follows a passed informal one; the post-training interview
    follows the required hours of initial training."""
    if kind == Interview.Kind.FORMAL:
        informal = steps.latest_interview(Interview.Kind.INFORMAL)
        if informal is None or informal.outcome != Interview.Outcome.PASSED:
            raise ValidationError(
                {
                    "kind": "A formal interview follows a passed informal interview: "
                    "record that first."
                }
            )
        if held_on < informal.held_on:
            raise ValidationError(
                {
                    "held_on": "The formal interview cannot be before the informal interview, "
                    f"passed on {_day(informal.held_on)}."
                }
            )
    elif kind == Interview.Kind.POST_TRAINING:
        hours, required = steps.training_hours(), required_training_hours()
        if hours < required:
            raise ValidationError(
                {
                    "kind": "The post-training interview follows the training: "
                    f"{format_hours(hours)} of {format_hours(required)} hours of initial "
                    "training attended."
                }
            )


def _not_in_future(day: datetime.date, field: str) -> None:
    if day > _today():
        raise ValidationError({field: "This date is in the future."})


# --- Services --------------------------------------------------------------------


@transaction.atomic
def submit_application(*, project: Project, **fields: Any) -> Volunteer:
    """A public application: a new volunteer at stage `applied`; managers are told."""
    if not project.is_active:
        raise ValidationError({"project": "This project is not taking applications."})
    volunteer = Volunteer(project=project, stage=Stage.APPLIED, **fields)
    if not volunteer.consent_to_checks:
        raise ValidationError(
            {"consent_to_checks": "We can only consider applicants who agree to the checks."}
        )
    volunteer.full_clean()
    volunteer.save()
    VolunteerStageChange.objects.create(
        volunteer=volunteer, from_stage="", to_stage=Stage.APPLIED, reason="Application received."
    )
    audit.record("volunteer.applied", obj=volunteer)

    transaction.on_commit(lambda: notify_managers_of_application.delay(volunteer.pk))
    return volunteer


@transaction.atomic
def record_interview(
    volunteer: Volunteer,
    *,
    kind: str,
    outcome: str,
    by: User,
    held_on: datetime.date,
    notes: str = "",
) -> Interview:
    _lock(volunteer)
    _require_open(volunteer)
    _not_in_future(held_on, "held_on")
    _not_before_application(volunteer, held_on, "held_on", "An interview")
    _check_interview_order(volunteer, kind, held_on, RecordedSteps.of(volunteer))
    interview = Interview(
        volunteer=volunteer,
        kind=kind,
        outcome=outcome,
        held_on=held_on,
        notes=notes,
        recorded_by=by,
    )
    interview.full_clean()
    interview.save()
    audit.record(
        "volunteer.interview_recorded",
        actor=by,
        obj=volunteer,
        kind=kind,
        outcome=outcome,
    )
    _recompute_stage(volunteer, by=by)
    return interview


@transaction.atomic
def record_dbs_check(
    volunteer: Volunteer,
    *,
    certificate_number: str,
    issued_on: datetime.date,
    result: str,
    by: User,
    barred_list_checked: bool = True,
    update_service: bool = False,
    last_status_check_on: datetime.date | None = None,
) -> DBSCheck:
    _lock(volunteer)
    _require_open(volunteer)
    _not_in_future(issued_on, "issued_on")
    if last_status_check_on is not None:
        _not_in_future(last_status_check_on, "last_status_check_on")
        if last_status_check_on < issued_on:
            raise ValidationError(
                {"last_status_check_on": "The status check cannot be before the issue date."}
            )
    check = DBSCheck(
        volunteer=volunteer,
        level=DBSCheck.Level.ENHANCED,
        barred_list_checked=barred_list_checked,
        certificate_number=(certificate_number or "").replace(" ", ""),
        issued_on=issued_on,
        result=result,
        update_service=update_service,
        last_status_check_on=last_status_check_on,
        recorded_by=by,
    )
    check.full_clean()
    check.save()
    # The certificate number never goes into the audit trail.
    audit.record("volunteer.dbs_recorded", actor=by, obj=volunteer, result=result)
    _recompute_stage(volunteer, by=by)
    return check


@transaction.atomic
def accept_dbs_disclosure(dbs_check: DBSCheck, *, by: User, risk_assessment: str) -> DBSCheck:
    """A project manager's risk-assessment decision to accept a DBS disclosure."""
    volunteer = _lock(dbs_check.volunteer)
    _require_open(volunteer)
    dbs_check = DBSCheck.objects.select_for_update().get(pk=dbs_check.pk)
    if dbs_check.result != DBSCheck.Result.DISCLOSURE:
        raise ValidationError("Only a DBS check with a disclosure needs a decision.")
    if dbs_check.disclosure_accepted_at is not None:
        raise ValidationError("A decision to accept this disclosure is already recorded.")
    if not (risk_assessment or "").strip():
        raise ValidationError(
            {"risk_assessment": "Record the risk assessment behind the decision."}
        )
    dbs_check.disclosure_accepted_by = by
    dbs_check.disclosure_accepted_at = timezone.now()
    dbs_check.disclosure_risk_assessment = risk_assessment.strip()
    dbs_check.full_clean()
    dbs_check.save()
    audit.record("volunteer.dbs_disclosure_accepted", actor=by, obj=volunteer)
    _recompute_stage(volunteer, by=by)
    return dbs_check


@transaction.atomic
def record_reference(
    volunteer: Volunteer,
    *,
    referee_name: str,
    relationship: str,
    outcome: str,
    received_on: datetime.date,
    by: User,
) -> Reference:
    _lock(volunteer)
    _require_open(volunteer)
    _not_in_future(received_on, "received_on")
    reference = Reference(
        volunteer=volunteer,
        referee_name=referee_name,
        relationship=relationship,
        outcome=outcome,
        received_on=received_on,
        recorded_by=by,
    )
    reference.full_clean()
    reference.save()
    audit.record("volunteer.reference_recorded", actor=by, obj=volunteer, outcome=outcome)
    _recompute_stage(volunteer, by=by)
    return reference


def _attendance(
    volunteer: Volunteer, session: TrainingSession, hours: Decimal, by: User
) -> TrainingAttendance:
    if volunteer.project_id != session.project_id:
        raise ValidationError(f"{volunteer.full_name} belongs to another project.")
    _require_open(volunteer)
    if session.held_on < applied_on(volunteer):
        raise ValidationError(
            {
                "session": f"{volunteer.full_name} applied on {_day(applied_on(volunteer))}, "
                f"after this session ({_day(session.held_on)})."
            }
        )
    hours = Decimal(str(hours))
    if hours <= 0:
        raise ValidationError({"hours": "Hours attended must be more than 0."})
    if hours > session.hours:
        raise ValidationError({"hours": f"The session lasted {format_hours(session.hours)} hours."})
    if session.held_on > _today():
        raise ValidationError("Attendance is recorded once the session has taken place.")
    if TrainingAttendance.objects.filter(
        session=session, volunteer=volunteer, withdrawn_at=None
    ).exists():
        raise ValidationError(f"{volunteer.full_name}'s attendance is already recorded.")
    attendance = TrainingAttendance(
        session=session, volunteer=volunteer, hours=hours, recorded_by=by
    )
    attendance.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError as error:  # recorded by someone else a moment ago
        raise ValidationError(f"{volunteer.full_name}'s attendance is already recorded.") from error
    return attendance


@transaction.atomic
def record_training(
    volunteer: Volunteer, *, session: TrainingSession, hours: Decimal, by: User
) -> TrainingAttendance:
    _lock(volunteer)
    attendance = _attendance(volunteer, session, hours, by)
    audit.record(
        "volunteer.training_recorded",
        actor=by,
        obj=volunteer,
        session=session.pk,
        hours=str(attendance.hours),
    )
    _recompute_stage(volunteer, by=by)
    return attendance


@transaction.atomic
def record_attendance(
    session: TrainingSession,
    *,
    volunteers: Iterable[Volunteer],
    by: User,
    hours: Decimal | None = None,
) -> list[TrainingAttendance]:
    """The register: attendance of several volunteers at one session, all or none."""
    hours = session.hours if hours is None else hours
    errors = []
    attendances = []
    for volunteer in volunteers:
        try:
            attendances.append(record_training(volunteer, session=session, hours=hours, by=by))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    if not attendances:
        raise ValidationError("Tick at least one volunteer.")
    return attendances


@transaction.atomic
def create_training_session(
    *, project: Project, by: User, title: str, held_on: datetime.date, hours: Decimal, kind: str
) -> TrainingSession:
    session = TrainingSession(
        project=project, title=title, held_on=held_on, hours=hours, kind=kind, created_by=by
    )
    session.full_clean()
    session.save()
    audit.record("training_session.created", actor=by, obj=session)
    return session


@transaction.atomic
def sign_off(volunteer: Volunteer, *, by: User) -> Volunteer:
    """Ready to work with a family: creates the volunteer's login and invites them."""
    _lock(volunteer)
    if volunteer.stage not in PIPELINE:
        raise ValidationError(
            f"Only a volunteer in recruitment can be signed off; {volunteer.full_name} is "
            f"{volunteer.get_stage_display().lower()}."
        )
    blockers = sign_off_blockers(volunteer)
    if blockers:
        raise ValidationError(blockers)
    if volunteer.user is None:
        user = invite_user(
            by=by,
            email=volunteer.email,
            first_name=volunteer.first_name,
            last_name=volunteer.last_name,
            role=User.Role.VOLUNTEER,
            phone=volunteer.phone,
        )
        volunteer.user = user
    assign_perm("volunteers.view_volunteer", volunteer.user, volunteer)
    volunteer.signed_off_on = _today()
    volunteer.signed_off_by = by
    volunteer.full_clean()
    volunteer.save()
    _change_stage(volunteer, Stage.READY, by=by, reason="Signed off.")
    audit.record("volunteer.signed_off", actor=by, obj=volunteer)
    return volunteer


@transaction.atomic
def not_progressed(
    volunteer: Volunteer, *, by: User, reason: str, alternative_suggested: str
) -> Volunteer:
    _lock(volunteer)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Say why the application is not going ahead."
    if not (alternative_suggested or "").strip():
        errors["alternative_suggested"] = (
            "Record the other volunteering roles suggested to the person (or why none were)."
        )
    if errors:
        raise ValidationError(errors)
    if volunteer.stage == Stage.MATCHED:
        raise ValidationError("End the volunteer's match before closing their record.")
    if volunteer.stage in CLOSED:
        raise ValidationError(
            f"{volunteer.full_name} is already {volunteer.get_stage_display().lower()}."
        )
    volunteer.not_progressed_reason = reason.strip()
    volunteer.alternative_suggested = alternative_suggested.strip()
    _change_stage(
        volunteer,
        Stage.NOT_PROGRESSED,
        by=by,
        reason=volunteer.not_progressed_reason,
    )
    return volunteer


@transaction.atomic
def record_leaving(volunteer: Volunteer, *, by: User, reason: str) -> Volunteer:
    """A signed-off volunteer stops volunteering; their record and history stay."""
    _lock(volunteer)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the volunteer is leaving."})
    if volunteer.stage == Stage.MATCHED:
        raise ValidationError("End the volunteer's match before recording that they left.")
    if volunteer.stage != Stage.READY:
        raise ValidationError(
            'Only a signed-off volunteer can leave; use "not progressed" during recruitment.'
        )
    _change_stage(volunteer, Stage.LEFT, by=by, reason=reason.strip())
    return volunteer


@transaction.atomic
def reopen(volunteer: Volunteer, *, by: User, reason: str) -> Volunteer:
    """Bring back a volunteer who was not progressed, with a reason on record."""
    _lock(volunteer)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the record is being reopened."})
    if volunteer.stage != Stage.NOT_PROGRESSED:
        raise ValidationError("Only a volunteer who was not progressed can be reopened.")
    if volunteer.signed_off_on and not sign_off_blockers(volunteer):
        to_stage = Stage.READY
    else:
        to_stage = pipeline_stage(volunteer)
    _change_stage(volunteer, to_stage, by=by, reason=reason.strip())
    return volunteer


def supervision_interval() -> datetime.timedelta:
    return datetime.timedelta(days=settings.VICP_SUPERVISION_INTERVAL_DAYS)


@transaction.atomic
def record_supervision(
    volunteer: Volunteer,
    *,
    by: User,
    held_on: datetime.date,
    notes: str,
    next_due: datetime.date | None = None,
) -> Supervision:
    _lock(volunteer)
    if volunteer.stage not in SIGNED_OFF:
        raise ValidationError("Supervision is recorded for signed-off volunteers.")
    _not_in_future(held_on, "held_on")
    if not (notes or "").strip():
        raise ValidationError({"notes": "Write a short note of the supervision."})
    next_due = next_due or held_on + supervision_interval()
    if next_due <= held_on:
        raise ValidationError({"next_due": "The next supervision is due after this one."})
    supervision = Supervision(
        volunteer=volunteer,
        held_on=held_on,
        notes=notes.strip(),
        next_due=next_due,
        recorded_by=by,
    )
    supervision.full_clean()
    supervision.save()
    audit.record("volunteer.supervision_recorded", actor=by, obj=volunteer)
    return supervision


def next_supervision_due(
    volunteer: Volunteer, supervisions: Sequence[Supervision] | QuerySet[Supervision] | None = None
) -> datetime.date | None:
    """When the next supervision is due: as recorded at the last one, or one
    interval after sign-off for someone never supervised."""
    if supervisions is None:
        supervisions = Supervision.objects.filter(volunteer=volunteer).order_by("-held_on", "-pk")
    latest = supervisions[0] if supervisions else None
    if latest is not None:
        return latest.next_due
    if volunteer.signed_off_on:
        return volunteer.signed_off_on + supervision_interval()
    return None


def record_matched(volunteer: Volunteer, *, matched: bool, by: User, reason: str = "") -> None:
    """Called by the families app when a match starts (matched) or ends (ready again)."""
    _change_stage(volunteer, Stage.MATCHED if matched else Stage.READY, by=by, reason=reason)


# --- Correcting what was recorded ---------------------------------------------------

STEP_KINDS: dict[type[Step], tuple[str, str]] = {
    Interview: ("interview", "interview"),
    DBSCheck: ("dbs_check", "DBS check"),
    Reference: ("reference", "reference"),
    TrainingAttendance: ("training", "training attendance"),
}


def step_label(step: Step) -> str:
    return STEP_KINDS[type(step)][1]


@transaction.atomic
def acknowledge_reference(reference: Reference, *, by: User, note: str) -> Reference:
    """A manager's acknowledgement that they read an unsatisfactory reference and
    still consider the applicant, with their note: sign-off waits for it."""
    volunteer = _lock(reference.volunteer)
    _require_open(volunteer)
    reference = Reference.objects.select_for_update().get(pk=reference.pk)
    if reference.outcome != Reference.Outcome.UNSATISFACTORY:
        raise ValidationError("Only an unsatisfactory reference is acknowledged.")
    if reference.withdrawn:
        raise ValidationError("This reference was withdrawn: it no longer counts.")
    if reference.acknowledged_at is not None:
        raise ValidationError("This reference has already been acknowledged.")
    if not (note or "").strip():
        raise ValidationError({"note": "Say how the concerns in the reference were considered."})
    reference.acknowledged_by = by
    reference.acknowledged_at = timezone.now()
    reference.acknowledgement_note = note.strip()
    reference.full_clean()
    reference.save()
    audit.record(
        "volunteer.reference_acknowledged", actor=by, obj=volunteer, reference=reference.pk
    )
    _recompute_stage(volunteer, by=by)
    return reference


@transaction.atomic
def withdraw_step(step: Step, *, by: User, reason: str) -> Step:
    """Withdraw an interview, DBS check, reference or training attendance recorded by
    mistake: it is kept and shown struck through, and no longer counts. The stage
    follows at once. Not once the volunteer is signed off: sign-off relied on it."""
    model = type(step)
    if model not in STEP_KINDS:
        raise TypeError(f"{model.__name__} is not a recruitment step.")
    volunteer = _lock(step.volunteer)  # type: ignore[attr-defined]  # every step has one
    label = step_label(step)
    if volunteer.stage in (*SIGNED_OFF, Stage.LEFT):
        raise ValidationError(
            f"{volunteer.full_name} is signed off, and sign-off relied on this {label}: it "
            "cannot be withdrawn. If they should not be volunteering, record that they left; "
            "to correct their recruitment, mark them not progressed and reopen their record."
        )
    _require_open(volunteer)
    step = model._default_manager.select_for_update().get(pk=step.pk)
    if step.withdrawn:
        raise ValidationError(f"This {label} has already been withdrawn.")
    if not (reason or "").strip():
        raise ValidationError({"reason": f"Say why the {label} is being withdrawn."})
    step.withdrawn_at = timezone.now()
    step.withdrawn_by = by
    step.withdrawal_reason = reason.strip()
    step.full_clean(validate_constraints=False)
    step.save()
    audit.record(
        "volunteer.step_withdrawn",
        actor=by,
        obj=volunteer,
        step=STEP_KINDS[model][0],
        step_id=step.pk,
    )
    _recompute_stage(volunteer, by=by, reason=f"The {label} was withdrawn.")
    return step


# The applicant's own details, which a manager may correct.
DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "availability_days",
    "availability_times",
    "languages",
    "experience",
    "drives",
    "heard_about",
)


@transaction.atomic
def correct_details(volunteer: Volunteer, *, by: User, **fields: Any) -> list[str]:
    """A manager corrects the applicant's details. The change history keeps before
    and after; the audit trail names the fields changed, never their values.
    Returns the names of the fields changed."""
    _lock(volunteer)
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Not a volunteer's own detail: {sorted(unknown)}")
    if volunteer.anonymised_on is not None:
        raise ValidationError(
            "This record's personal details were removed under the retention policy."
        )
    changed = sorted(name for name, value in fields.items() if getattr(volunteer, name) != value)
    if not changed:
        return []
    for name in changed:
        setattr(volunteer, name, fields[name])
    volunteer.full_clean()
    volunteer._history_user = by  # type: ignore[attr-defined]  # read by simple-history
    volunteer.save()
    audit.record("volunteer.details_corrected", actor=by, obj=volunteer, fields=changed)
    return changed
