"""Recording outcomes (Family Star, risk reviews, measures, evaluations) and requesting
reports. Each service runs in one transaction, checks its rules, and audits."""

import datetime
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from families.models import Child, Family
from referrals.models import LevelOfNeed, PlanType
from vicp import audit
from vicp.models import Project, User
from vicp.permissions import manages
from volunteers.models import Volunteer

from . import policy
from .evaluation_tasks import email_family_evaluation_link as email_task
from .family_links import FAMILY_LINK_DAYS, current_family_link, family_link_url, link_problem
from .models import (
    ChildStatus,
    Evaluation,
    FamilyEvaluationLink,
    Measure,
    MeasureScore,
    OutcomeScale,
    Questionnaire,
    Report,
    Respondent,
    RiskReview,
    StarReading,
    StarScore,
)
from .tasks import render_report

MAX_ANSWER_LENGTH = 4000


@transaction.atomic
def record_star_reading(
    *,
    family: Family,
    by: User,
    stage: str,
    taken_on: datetime.date,
    scores: Mapping[str, Any],
    notes: str = "",
) -> StarReading:
    """Record the family's score on every area of the scale (`scores`: area slug → 1..10).

    Taken with the family by their volunteer, or by a project manager.
    """
    if not policy.may_record_star_readings(by, family):
        raise ValidationError("Only the family's volunteer or a project manager can record this.")
    scale = OutcomeScale.default()
    areas = list(scale.areas.all())
    errors = {}
    if stage not in StarReading.Stage.values:
        errors["stage"] = "Choose start, review or end."
    if taken_on > timezone.localdate():
        errors["taken_on"] = "This date is in the future."
    for area in areas:
        value = scores.get(area.slug)
        if value is None or value == "":
            errors[area.slug] = f"Give a score for {area.name}."
        elif not isinstance(value, int) or not scale.min_score <= value <= scale.max_score:
            errors[area.slug] = (
                f"Scores are whole numbers from {scale.min_score} to {scale.max_score}."
            )
    unknown = set(scores) - {area.slug for area in areas}
    if unknown:
        errors["__all__"] = f"Unknown areas: {', '.join(sorted(unknown))}."
    if errors:
        raise ValidationError(errors)
    reading = StarReading(
        family=family, scale=scale, stage=stage, taken_on=taken_on, notes=notes, recorded_by=by
    )
    try:
        with transaction.atomic():
            reading.save()
    except IntegrityError:
        raise ValidationError(
            {"stage": f"This family already has a {reading.get_stage_display().lower()} reading."}
        ) from None
    StarScore.objects.bulk_create(
        StarScore(reading=reading, area=area, score=scores[area.slug]) for area in areas
    )
    audit.record("star_reading.recorded", actor=by, obj=reading, project=family.project)
    return reading


# --- Risk reviews ---------------------------------------------------------------------------


def _percent(value: object) -> Decimal | str | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "invalid"
    if not number.is_finite() or not 0 <= number <= 100:
        return "invalid"
    return number.quantize(Decimal("0.1"))


@transaction.atomic
def record_risk_review(
    *,
    family: Family,
    by: User,
    reviewed_on: datetime.date,
    caf_level: int,
    child_statuses: Mapping[int | str, Mapping[str, Any]] | None,
    stage: str = RiskReview.Stage.REVIEW,
    notes: str = "",
) -> RiskReview:
    """Record the family's level of need (`caf_level`: the ordinal on the project's scale)
    and each child's plan and school attendance (`child_statuses`: child pk →
    {"plan_type": "cp" | "cin" | "none", "school_attendance": percent or None})."""
    if not policy.may_record_risk_reviews(by, family):
        raise ValidationError("Only a manager of this family's project can record a risk review.")
    errors = {}
    if stage not in RiskReview.Stage.values:
        errors["stage"] = "Choose at referral, review or at closure."
    if reviewed_on > timezone.localdate():
        errors["reviewed_on"] = "This date is in the future."
    level = LevelOfNeed.for_project(family.project).filter(ordinal=caf_level).first()
    if level is None:
        errors["caf_level"] = "Choose a level of need from the project's scale."
    children = {child.pk: child for child in family.children.all()}
    statuses = {int(pk): value for pk, value in (child_statuses or {}).items()}
    unknown = set(statuses) - set(children)
    if unknown:
        errors["__all__"] = "Some children are not in this family."
    rows: list[tuple[Child, str, Decimal | None]] = []
    for pk, child in children.items():
        status = statuses.get(pk) or {}
        plan_type = status.get("plan_type")
        attendance = _percent(status.get("school_attendance"))
        if plan_type not in PlanType.values:
            errors[f"plan_{pk}"] = f"Choose {child.first_name}'s plan."
        if attendance == "invalid":
            errors[f"attendance_{pk}"] = "School attendance is a percentage from 0 to 100."
        # A row with an unknown plan or an invalid attendance stops at `errors` below.
        rows.append((child, plan_type, attendance))  # type: ignore[arg-type]
    if errors:
        raise ValidationError(errors)
    review = RiskReview(
        family=family,
        stage=stage,
        reviewed_on=reviewed_on,
        level_of_need=level,
        notes=(notes or "").strip(),
        recorded_by=by,
    )
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        raise ValidationError(
            {"stage": f"The family has a risk review {review.get_stage_display().lower()} already."}
        ) from None
    ChildStatus.objects.bulk_create(
        ChildStatus(review=review, child=child, plan_type=plan_type, school_attendance=attendance)
        for child, plan_type, attendance in rows
    )
    if not family.risk_reviews.filter(reviewed_on__gt=reviewed_on).exists():
        # The latest review says where the case stands now: the case record follows it
        # (with its change history), so the family page and lists are not left stale.
        if family.level_of_need_id != level.pk:
            # simple_history takes the author of the change it records from _history_user.
            family.level_of_need, family._history_user = level, by  # type: ignore[attr-defined]
            family.save(update_fields=["level_of_need"])
        for child, plan_type, _ in rows:
            if child.plan_type != plan_type:
                child.plan_type, child._history_user = plan_type, by  # type: ignore[attr-defined]
                child.save(update_fields=["plan_type"])
    audit.record(
        "risk_review.recorded",
        actor=by,
        obj=review,
        project=family.project,
        stage=stage,
    )
    return review


def record_referral_baseline(family: Family, *, by: User) -> RiskReview | None:
    """The first risk review of a new case, from the referral as accepted."""
    if family.level_of_need_id is None:
        return None
    review = RiskReview.objects.create(
        family=family,
        stage=RiskReview.Stage.REFERRAL,
        reviewed_on=family.accepted_on,
        level_of_need_id=family.level_of_need_id,
        notes="Taken from the referral.",
        recorded_by=by,
    )
    ChildStatus.objects.bulk_create(
        ChildStatus(review=review, child=child, plan_type=child.plan_type)
        for child in family.children.all()
    )
    return review


# --- Validated measures ---------------------------------------------------------------------


@transaction.atomic
def record_measure(
    *,
    family: Family,
    by: User,
    measure: Measure,
    stage: str,
    taken_on: datetime.date,
    score: int | None,
    child: Child | None = None,
    parent: str = "",
) -> MeasureScore:
    """A score on a validated measure (SDQ for a child, WEMWBS for a parent) at the
    start or the end of the work."""
    if not policy.may_record_measures(by, family):
        raise ValidationError("Only the family's volunteer or a project manager can record this.")
    errors = {}
    parent = (parent or "").strip()
    if stage not in MeasureScore.Stage.values:
        errors["stage"] = "Choose start or end."
    if taken_on > timezone.localdate():
        errors["taken_on"] = "This date is in the future."
    if measure.about == Measure.About.CHILD:
        if child is None or child.family_id != family.pk:
            errors["child"] = "Choose which child this score is about."
        parent = ""
    else:
        child = None
        if not parent:
            errors["parent"] = "Say which parent or carer this score is about, e.g. Mother."
        else:
            # The label pairs the start and end scores: "mother" at the end is the
            # "Mother" of the start, not a second person.
            parent = (
                family.measure_scores.filter(child=None, parent__iexact=parent)
                .values_list("parent", flat=True)
                .first()
                or parent
            )
    if score is None or not isinstance(score, int):
        errors["score"] = "Give the score as a whole number."
    elif not measure.min_score <= score <= measure.max_score:
        errors["score"] = (
            f"{measure.name} scores run from {measure.min_score} to {measure.max_score}."
        )
    if errors:
        raise ValidationError(errors)
    entry = MeasureScore(
        family=family,
        measure=measure,
        child=child,
        parent=parent,
        stage=stage,
        taken_on=taken_on,
        score=score,  # type: ignore[misc]  # a missing score stops at `errors` above
        recorded_by=by,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        who = child.first_name if child else parent
        raise ValidationError(
            {"stage": f"{measure.name} already has a {stage} score for {who}."}
        ) from None
    audit.record(
        "measure.recorded",
        actor=by,
        obj=entry,
        project=family.project,
        measure=measure.slug,
        stage=stage,
    )
    return entry


# --- Evaluations ----------------------------------------------------------------------------


def clean_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, int | str]:
    """Answers checked against the questionnaire: {slug: 1..5 or text}, or ValidationError
    with one message per question."""
    errors: dict[str, str] = {}
    cleaned: dict[str, int | str] = {}
    for question in questionnaire.questions.filter(is_active=True):
        value = answers.get(question.slug)
        if question.kind == question.Kind.RATING:
            if value in (None, ""):
                if question.required:
                    errors[question.slug] = "Choose a rating from 1 to 5."
                continue
            try:
                rating = int(value)  # type: ignore[arg-type]  # None raises TypeError, caught
            except (TypeError, ValueError):
                rating = None
            if rating is None or not 1 <= rating <= 5:
                errors[question.slug] = "Choose a rating from 1 to 5."
            else:
                cleaned[question.slug] = rating
        else:
            text = str(value or "").strip()
            if not text:
                if question.required:
                    errors[question.slug] = "Please answer this question."
                continue
            if len(text) > MAX_ANSWER_LENGTH:
                errors[question.slug] = f"Please keep this under {MAX_ANSWER_LENGTH} characters."
            else:
                cleaned[question.slug] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require_work_ended(family: Family) -> None:
    if not family.matches.exists():
        raise ValidationError("The family has not worked with a volunteer yet.")
    if family.matches.filter(ended_on=None).exists():
        raise ValidationError(
            "Evaluations are given once the volunteer's work with the family has ended."
        )


@transaction.atomic
def submit_evaluation(
    *,
    family: Family,
    respondent: str,
    answers: Mapping[str, Any],
    by: User | AnonymousUser | None = None,
    link: FamilyEvaluationLink | None = None,
) -> Evaluation:
    """Record an end-of-work evaluation; one per family and respondent."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    if respondent not in Respondent.values:
        raise ValidationError("Unknown kind of evaluation.")
    if respondent == Respondent.FAMILY:
        if link is None:
            raise ValidationError("The family's evaluation comes through its link.")
        link = FamilyEvaluationLink.objects.select_for_update().get(pk=link.pk)
        if link.family_id != family.pk or link_problem(link):
            raise ValidationError("This link cannot be used any more.")
    elif not policy.may_evaluate(by, family, respondent):
        raise ValidationError("You cannot submit this evaluation.")
    _require_work_ended(family)
    if Evaluation.objects.filter(family=family, respondent=respondent).exists():
        raise ValidationError("This evaluation has been submitted already.")
    questionnaire = Questionnaire.objects.get(respondent=respondent)
    cleaned = clean_answers(questionnaire, answers)
    texts = {q.slug: q.text for q in questionnaire.questions.all()}
    evaluation = Evaluation.objects.create(
        family=family,
        respondent=respondent,
        questionnaire=questionnaire,
        answers=cleaned,
        questions={slug: texts[slug] for slug in cleaned},
        submitted_by=by if by is not None and by.is_authenticated else None,
    )
    if link is not None:
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    audit.record(
        "evaluation.submitted",
        actor=by,
        obj=evaluation,
        project=family.project,
        respondent=respondent,
    )
    return evaluation


@transaction.atomic
def family_evaluation_link(family: Family, *, by: User) -> str:
    """A signed, single-use link to the family's evaluation, valid for 30 days.

    Making a new link retires the family's earlier ones.
    """
    if not manages(by, family.project):
        raise ValidationError("Only a manager of this family's project can send this link.")
    _require_work_ended(family)
    if family.evaluations.filter(respondent=Respondent.FAMILY).exists():
        raise ValidationError("The family has already given their evaluation.")
    now = timezone.now()
    family.evaluation_links.filter(used_at=None, retired_at=None).update(retired_at=now)
    link = FamilyEvaluationLink.objects.create(
        family=family,
        nonce=secrets.token_urlsafe(16),
        created_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=FAMILY_LINK_DAYS),
    )
    audit.record("evaluation.link_created", actor=by, obj=family, link=link.pk)
    return family_link_url(link)


@transaction.atomic
def email_family_evaluation_link(family: Family, *, by: User) -> str:
    """Email the family's current link to the family's email address, once the
    transaction commits. Returns the address."""

    if not manages(by, family.project):
        raise ValidationError("Only a manager of this family's project can send this link.")
    if not family.email:
        raise ValidationError("The family has no email address on record.")
    link = current_family_link(family)
    if link is None:
        raise ValidationError("The family has no link that can still be used: make a new one.")
    audit.record("evaluation.link_emailed", actor=by, obj=family, link=link.pk)
    transaction.on_commit(lambda: email_task.delay(link.pk))
    return family.email


# --- Reports --------------------------------------------------------------------------------


def _report_target(
    kind: str, by: User, params: Mapping[str, Any]
) -> tuple[Project | None, Family | None, Volunteer | None, dict[str, str]]:
    """(project, family, volunteer, parameters) of a report request, or ValidationError."""

    if kind == Report.Kind.IMPACT:
        project, start, end = params.get("project"), params.get("start"), params.get("end")
        errors = {}
        if project is None and not by.is_admin:
            errors["project"] = "Choose a project."
        elif project is not None and not manages(by, project):
            errors["project"] = "You do not manage this project."
        if not isinstance(start, datetime.date):
            errors["start"] = "Give the first day of the period."
        if not isinstance(end, datetime.date):
            errors["end"] = "Give the last day of the period."
        elif isinstance(start, datetime.date) and end < start:
            errors["end"] = "The period ends before it starts."
        if errors:
            raise ValidationError(errors)
        # Both are dates here: anything else stopped at `errors` above.
        period = {"start": start.isoformat(), "end": end.isoformat()}  # type: ignore[union-attr]
        return project, None, None, period
    if kind == Report.Kind.CASE_CLOSURE:
        family = params.get("family")
        if not isinstance(family, Family):
            raise ValidationError("Choose a family.")
        if not policy.may_request_case_closure_report(by, family):
            raise ValidationError("You cannot ask for this family's report.")
        return family.project, family, None, {}
    if kind == Report.Kind.VOLUNTEER_RECORD:
        volunteer = params.get("volunteer")
        if not isinstance(volunteer, Volunteer):
            raise ValidationError("Choose a volunteer.")
        if not manages(by, volunteer.project):
            raise ValidationError("You cannot ask for this volunteer's record.")
        return volunteer.project, None, volunteer, {}
    raise ValidationError("Unknown kind of report.")


def move_family_reports(family: Family, *, by: User) -> int:
    """A case moved to another project takes its reports with it: a report is reached
    through its project, and the old project's managers no longer hold the case."""
    moved = Report.objects.filter(family=family).exclude(project=family.project)
    count = moved.update(project=family.project)
    if count:
        audit.record(
            "report.moved_with_case", actor=by, obj=family, project=family.project, reports=count
        )
    return count


@transaction.atomic
def request_report(*, kind: str, by: User, **params: Any) -> Report:
    """Create a report and queue its rendering once the transaction commits."""
    project, family, volunteer, parameters = _report_target(kind, by, params)
    report = Report.objects.create(
        kind=kind,
        project=project,
        family=family,
        volunteer=volunteer,
        parameters=parameters,
        requested_by=by,
    )
    audit.record("report.requested", actor=by, obj=report, project=project, kind=kind)

    transaction.on_commit(lambda: render_report.delay(report.pk))
    return report
