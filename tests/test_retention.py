"""Retention: closed cases and former volunteers are anonymised after 6 years."""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from families.models import Child, Family, FamilyStatusChange, SubjectAccessExport
from families.services import close_case, end_match
from outcomes import services as outcomes
from outcomes.models import Evaluation, Measure, MeasureScore, Report, RiskReview, StarReading
from outcomes.reference_data import FAMILY_STAR_PLUS
from outcomes.selectors import measure_journey
from tests import factories
from tests.document_files import pdf, upload
from tests.documents_helpers import add, referral_document
from vicp.composition import retention
from vicp.composition.retention import REMOVED
from vicp.documents import services as documents
from vicp.models import AuditEvent, Document, DocumentVersion
from vicp.settings import CELERY_BEAT_SCHEDULE
from volunteers.models import DBSCheck, VolunteerStageChange
from volunteers.services import record_leaving

pytestmark = pytest.mark.django_db


def years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def closed(family, alice, on):
    reviewed = family.risk_reviews.filter(stage="closure").exists()
    missing = "" if reviewed else "family_moved"
    close_case(family, by=alice, reason="Work complete", missing_reason=missing)
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    FamilyStatusChange.objects.filter(family=family, to_status="closed").update(at=at)
    return family


def test_a_case_closed_exactly_6_years_ago_is_kept(family, alice):
    closed(family, alice, years_ago(6))
    assert retention.apply_retention() == []
    assert Family.objects.get().family_name == "Doe"


def test_a_case_closed_6_years_and_a_day_ago_is_anonymised(family, alice):
    closed(family, alice, years_ago(6, days=1))
    Family.objects.filter(pk=family.pk).update(phone="01223 000000")
    (due,) = retention.apply_retention()
    assert due[0] == "family"
    family.refresh_from_db()
    assert (family.family_name, family.address, family.postcode, family.phone) == (
        "Anonymised",
        "",
        "",
        "",
    )
    assert family.anonymised_on == timezone.localdate()
    children = Child.objects.filter(family=family).order_by("pk")
    assert [c.first_name for c in children] == ["Child 1", "Child 2"]
    assert all((c.date_of_birth.month, c.date_of_birth.day) == (7, 1) for c in children)
    assert [c.plan_type for c in children] == ["cp", "cin"]  # what reports need stays
    family.referral.refresh_from_db()
    assert family.referral.family_name == "Anonymised"
    assert not family.history.filter(family_name="Doe").exists()
    assert not Child.history.filter(first_name="Amy").exists()
    assert AuditEvent.objects.filter(action="retention.family_anonymised").count() == 1


def test_an_open_case_is_never_touched(family):
    FamilyStatusChange.objects.filter(family=family).update(
        at=timezone.now() - datetime.timedelta(days=365 * 10)
    )
    assert retention.apply_retention() == []


def test_the_dry_run_changes_nothing_and_a_second_run_nothing_more(family, alice):
    closed(family, alice, years_ago(7))
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert f"Would anonymise {family.case_reference}" in out.getvalue()
    assert Family.objects.get().family_name == "Doe"
    call_command("apply_retention", stdout=StringIO())
    assert Family.objects.get().family_name == "Anonymised"
    again = StringIO()
    call_command("apply_retention", stdout=again)
    assert "Anonymised 0 records" in again.getvalue()
    assert AuditEvent.objects.filter(action="retention.family_anonymised").count() == 1


def test_a_volunteer_who_left_more_than_6_years_ago_is_anonymised(ready_volunteer, alice):
    record_leaving(ready_volunteer, by=alice, reason="Moved away")
    at = timezone.make_aware(datetime.datetime.combine(years_ago(6, days=1), datetime.time(12)))
    VolunteerStageChange.objects.filter(volunteer=ready_volunteer, to_stage="left").update(at=at)
    retention.apply_retention()
    ready_volunteer.refresh_from_db()
    assert (ready_volunteer.first_name, ready_volunteer.phone) == ("Former", "")
    assert DBSCheck.objects.get(volunteer=ready_volunteer).certificate_number == "000000000000"
    user = ready_volunteer.user
    user.refresh_from_db()
    assert not user.is_active and user.email.endswith("@invalid.invalid")


def test_it_runs_daily():
    assert CELERY_BEAT_SCHEDULE["retention"]["task"] == "vicp.composition.tasks.apply_retention"


def test_outcome_records_keep_their_numbers_and_lose_their_words(match, alice, sam):
    family, today = match.family, timezone.localdate()
    amy, ben = family.children.order_by("date_of_birth")
    outcomes.record_star_reading(
        family=family,
        by=alice,
        stage="start",
        taken_on=today,
        scores=dict.fromkeys((slug for slug, _ in FAMILY_STAR_PLUS), 6),
        notes="Mum spoke about the debts.",
    )
    outcomes.record_risk_review(
        family=family,
        by=alice,
        reviewed_on=today,
        stage="closure",
        caf_level=2,
        child_statuses={
            amy.pk: {"plan_type": "cin", "school_attendance": "93.5"},
            ben.pk: {"plan_type": "none"},
        },
        notes="Dad is back in the house.",
    )
    wemwbs = Measure.objects.get(slug="wemwbs")
    for stage, parent, score in (
        ("start", "Jane Doe", 40),
        ("end", "jane doe", 51),
        ("start", "Gran", 60),
    ):
        outcomes.record_measure(
            family=family,
            by=alice,
            measure=wemwbs,
            stage=stage,
            taken_on=today,
            score=score,
            parent=parent,
        )
    end_match(match, by=alice, reason="planned")
    outcomes.submit_evaluation(
        family=family,
        respondent="social_worker",
        by=sam,
        answers={"helpful": 5, "engagement": 4, "partnership": 3, "changes": "Jane copes."},
    )
    closed(family, alice, years_ago(6, days=1))

    retention.apply_retention()

    reading = StarReading.objects.get(family=family)
    assert reading.notes == REMOVED
    assert sorted(set(reading.scores.values_list("score", flat=True))) == [6]
    reviews = RiskReview.objects.filter(family=family).order_by("pk")
    assert [(r.stage, r.level_of_need.ordinal, r.notes) for r in reviews] == [
        ("referral", 4, REMOVED),
        ("closure", 2, REMOVED),
    ]
    closure = reviews.last().child_statuses.order_by("child__date_of_birth")
    assert [(s.plan_type, s.school_attendance) for s in closure] == [
        ("cin", Decimal("93.5")),
        ("none", None),
    ]
    # The parents' labels go, but still pair each start with its end.
    rows = [
        (row["who"], row["start"].score, row["end"] and row["end"].score)
        for row in measure_journey(family)
    ]
    assert rows == [("Parent or carer 1", 40, 51), ("Parent or carer 2", 60, None)]
    evaluation = Evaluation.objects.get(family=family)
    assert evaluation.answers == {
        "helpful": 5,
        "engagement": 4,
        "partnership": 3,
        "changes": REMOVED,
    }
    # Nor does the change history keep a copy of the words.
    for model, field, words in (
        (StarReading, "notes", "debts"),
        (RiskReview, "notes", "Dad"),
        (MeasureScore, "parent", "jane"),
    ):
        assert model.history.filter(family_id=family.pk).exists()
        assert not model.history.filter(**{f"{field}__icontains": words}).exists()
    assert set(MeasureScore.history.values_list("score", flat=True)) == {40, 51, 60}


def test_reports_and_exports_made_from_an_anonymised_case_are_deleted(
    family, alice, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    report = Report.objects.create(
        kind="case_closure", project=family.project, family=family, requested_by=alice
    )
    report.file.save("closure.pdf", ContentFile(b"%PDF Doe family"))
    export = SubjectAccessExport.objects.create(family=family, requested_by=alice)
    export.pdf_file.save("export.pdf", ContentFile(b"%PDF Doe family"))
    files = [tmp_path / report.file.name, tmp_path / export.pdf_file.name]
    assert all(path.exists() for path in files)

    closed(family, alice, years_ago(6, days=1))
    with django_capture_on_commit_callbacks(execute=True):
        retention.apply_retention()
    assert not Report.objects.filter(family=family).exists()
    assert not SubjectAccessExport.objects.filter(family=family).exists()
    assert not any(path.exists() for path in files)


def test_an_anonymised_cases_documents_and_its_referrals_go_with_their_files(
    family, alice, sam, django_capture_on_commit_callbacks
):
    plan = add(family, alice, title="Doe family plan")
    documents.replace_document(plan, by=alice, file=upload("plan-2.pdf", pdf(padding=300)))
    letter = add(family, alice, title="Letter to Mrs Doe", kind="letter")
    documents.delete_document(letter, by=alice, reason="Sent to the wrong address")
    form = referral_document(family, sam, title="Referral form", kind="referral_form")
    versions = list(DocumentVersion.objects.filter(document__in=[plan, letter, form]))
    paths = [Path(version.file.path) for version in versions]
    assert len(paths) == 4 and all(path.exists() for path in paths)
    other = add(factories.AcceptedFamilyFactory(project=family.project, accepted_by=alice), alice)

    closed(family, alice, years_ago(6, days=1))
    with django_capture_on_commit_callbacks(execute=True):
        retention.apply_retention()
    assert not Document.objects.filter(pk__in=[plan.pk, letter.pk, form.pk]).exists()
    assert not DocumentVersion.objects.filter(pk__in=[v.pk for v in versions]).exists()
    assert not any(path.exists() for path in paths)
    assert Path(other.current.file.path).exists()  # another case keeps its own
    event = AuditEvent.objects.get(action="retention.family_anonymised")
    assert event.details == {"documents_removed": 3}


def test_a_former_volunteers_documents_go_with_their_files(
    ready_volunteer, alice, django_capture_on_commit_callbacks
):
    dbs = add(ready_volunteer, alice, title="DBS certificate", kind="dbs")
    path = Path(dbs.current.file.path)
    record_leaving(ready_volunteer, by=alice, reason="Moved away")
    at = timezone.make_aware(datetime.datetime.combine(years_ago(6, days=1), datetime.time(12)))
    VolunteerStageChange.objects.filter(volunteer=ready_volunteer, to_stage="left").update(at=at)
    with django_capture_on_commit_callbacks(execute=True):
        retention.apply_retention()
    assert not Document.objects.filter(pk=dbs.pk).exists() and not path.exists()
    event = AuditEvent.objects.get(action="retention.volunteer_anonymised")
    assert event.details == {"documents_removed": 1}


def test_an_anonymised_cases_export_zips_are_deleted(
    family, alice, django_capture_on_commit_callbacks
):
    export = SubjectAccessExport.objects.create(family=family, requested_by=alice)
    export.zip_file.save("export.zip", ContentFile(b"PK Doe family"))
    path = Path(export.zip_file.path)
    assert path.exists()
    closed(family, alice, years_ago(6, days=1))
    with django_capture_on_commit_callbacks(execute=True):
        retention.apply_retention()
    assert not SubjectAccessExport.objects.filter(pk=export.pk).exists()
    assert not path.exists()
