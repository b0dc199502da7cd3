"""Anonymising old records under the retention policy (`manage.py apply_retention`).

A closed case is anonymised VICP_RETENTION_YEARS after it closed, a volunteer
that long after they left. What reports need stays: projects, dates, statuses,
plan types, levels of need, visit counts and hours, outcome scores. Names,
contact details, addresses, free text and exact dates of birth go, including
from the change history, as do the record's documents and their files; each
anonymisation is audited.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from families.models import (
    CaseNote,
    Child,
    Concern,
    ConcernAction,
    Family,
    Goal,
    GoalReview,
    Visit,
    VisitChange,
)
from outcomes.models import Evaluation, MeasureScore, RiskReview, StarReading
from referrals.models import ReferralChild
from vicp import audit
from vicp.documents.services import erase_documents_of
from volunteers.models import DBSCheck, Interview, Reference, Stage, Supervision, Volunteer

REMOVED = "[removed under the retention policy]"


def cutoff(today=None):
    today = today or timezone.localdate()
    years = settings.VICP_RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def families_due(today=None):
    """Closed cases whose closing is more than the retention period ago."""

    return (
        Family.objects.filter(status=Family.Status.CLOSED, anonymised_on=None)
        .annotate(closed_at=Max("status_changes__at", filter=Q(status_changes__to_status="closed")))
        .filter(closed_at__date__lt=cutoff(today))
        .order_by("pk")
    )


def volunteers_due(today=None):
    return (
        Volunteer.objects.filter(stage=Stage.LEFT, anonymised_on=None)
        .annotate(left_at=Max("stage_changes__at", filter=Q(stage_changes__to_stage="left")))
        .filter(left_at__date__lt=cutoff(today))
        .order_by("pk")
    )


def _birth_year_only(day):
    return datetime.date(day.year, 7, 1)  # keeps the age band, not the birthday


def _anonymise_outcomes(family):
    """Outcome records keep their numbers (scores, ratings, levels of need, plans) for the
    reports; their free text goes, from the change history too. The labels that pair a
    parent's start and end scores become "Parent or carer 1", "2"..."""

    for model in (RiskReview, StarReading):
        model.objects.filter(family=family).exclude(notes="").update(notes=REMOVED)
        model.history.filter(family_id=family.pk).exclude(notes="").update(notes=REMOVED)
    scores = list(MeasureScore.objects.filter(family=family, child=None).order_by("pk"))
    history = list(
        MeasureScore.history.filter(family_id=family.pk, child=None)
        .order_by("history_id")
        .values_list("history_id", "parent")
    )
    labels = {}
    for label in [entry.parent for entry in scores] + [label for _, label in history]:
        labels.setdefault(label, f"Parent or carer {len(labels) + 1}")
    # Row by row and in two steps: a new label must never meet an old one still there
    # (the pairing is unique), nor be renamed again.
    for entry in scores:
        MeasureScore.objects.filter(pk=entry.pk).update(parent=f"#{entry.pk}")
    for entry in scores:
        MeasureScore.objects.filter(pk=entry.pk).update(parent=labels[entry.parent])
    for history_id, label in history:
        MeasureScore.history.filter(history_id=history_id).update(parent=labels[label])
    for evaluation in Evaluation.objects.filter(family=family):
        evaluation.answers = {
            slug: REMOVED if isinstance(value, str) and value else value
            for slug, value in evaluation.answers.items()
        }
        evaluation.save(update_fields=["answers"])


@transaction.atomic
def anonymise_family(family, today=None):
    today = today or timezone.localdate()
    for index, child in enumerate(family.children.order_by("pk"), start=1):
        child.first_name, child.last_name = f"Child {index}", ""
        child.date_of_birth = _birth_year_only(child.date_of_birth)
        child.save()
    referral = family.referral
    for index, child in enumerate(referral.children.order_by("pk"), start=1):
        child.first_name, child.last_name = f"Child {index}", ""
        child.date_of_birth = _birth_year_only(child.date_of_birth)
        child.save()
    personal = {
        "family_name": "Anonymised",
        "parents_carers": "",
        "address": "",
        "postcode": "",
        "phone": "",
        "email": "",
        "languages": "",
        "hopes": "",
        "risk_details": "",
    }
    for name, value in personal.items():
        setattr(family, name, value)
        setattr(referral, name, value)
    referral.reasons = ""
    referral.decision_reason = REMOVED if referral.decision_reason else ""
    referral.save()
    family.anonymised_on = today
    family.save()
    Visit.objects.filter(match__family=family).update(notes="")
    VisitChange.objects.filter(visit__match__family=family).delete()
    Concern.objects.filter(family=family).update(
        details=REMOVED, follow_up="", information_shared=""
    )
    ConcernAction.objects.filter(concern__family=family).update(action=REMOVED, informed="")
    CaseNote.objects.filter(family=family).update(summary=REMOVED, with_whom_detail="")
    Goal.objects.filter(family=family).update(description=REMOVED)
    GoalReview.objects.filter(goal__family=family).update(progress="")
    # The change history held the same details: keep no copy of them.
    family.history.all().delete()
    Child.history.filter(family_id=family.pk).delete()
    referral.history.all().delete()
    ReferralChild.history.filter(referral_id=referral.pk).delete()
    Concern.history.filter(family_id=family.pk).delete()
    Goal.history.filter(family_id=family.pk).delete()
    CaseNote.history.filter(family_id=family.pk).delete()
    _anonymise_outcomes(family)
    documents = erase_documents_of(family) + erase_documents_of(referral)
    _delete_generated_files(family.reports.all(), family.exports.all())
    audit.record(
        "retention.family_anonymised",
        obj=family,
        project=family.project,
        documents_removed=documents,
    )


def _delete_generated_files(*querysets):
    """PDFs and exports made from a record hold the details being removed: delete them
    (and their rows), the files once the transaction has committed."""
    files = []
    for queryset in querysets:
        for record in queryset:
            for field in ("file", "pdf_file", "json_file", "zip_file"):
                stored = getattr(record, field, None)
                if stored:
                    files.append((stored.storage, stored.name))
        queryset.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


@transaction.atomic
def anonymise_volunteer(volunteer, today=None):
    today = today or timezone.localdate()
    volunteer.first_name, volunteer.last_name = "Former", "volunteer"
    volunteer.email = f"anonymised-{volunteer.pk}@invalid.invalid"
    volunteer.phone = volunteer.postcode = volunteer.languages = ""
    volunteer.experience = volunteer.availability_times = ""
    volunteer.not_progressed_reason = volunteer.alternative_suggested = ""
    volunteer.anonymised_on = today
    volunteer.save()
    Interview.objects.filter(volunteer=volunteer).update(notes="")
    Reference.objects.filter(volunteer=volunteer).update(referee_name="Referee", relationship="")
    Supervision.objects.filter(volunteer=volunteer).update(notes=REMOVED)
    DBSCheck.objects.filter(volunteer=volunteer).update(certificate_number="000000000000")
    volunteer.history.all().delete()
    DBSCheck.history.filter(volunteer_id=volunteer.pk).delete()
    documents = erase_documents_of(volunteer)
    _delete_generated_files(volunteer.reports.all())
    if volunteer.user_id:
        user = volunteer.user
        user.first_name, user.last_name, user.phone = "Former", "volunteer", ""
        user.email = f"anonymised-user-{user.pk}@invalid.invalid"
        user.is_active = False
        user.set_unusable_password()
        user.save()
    audit.record(
        "retention.volunteer_anonymised",
        obj=volunteer,
        project=volunteer.project,
        documents_removed=documents,
    )


def apply_retention(*, today=None, dry_run=False):
    """Anonymise what is due; returns [(kind, record, date it became due from)]."""
    due = [("family", f, f.closed_at) for f in families_due(today)]
    due += [("volunteer", v, v.left_at) for v in volunteers_due(today)]
    if not dry_run:
        for kind, record, _ in due:
            if kind == "family":
                anonymise_family(record, today)
            else:
                anonymise_volunteer(record, today)
    return due
