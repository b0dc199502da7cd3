"""Subject access export: everything held about a family, as JSON and PDF, through Celery."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from families import services
from families.models import SubjectAccessExport
from families.services import end_match
from outcomes import services as outcomes
from outcomes.models import Measure
from outcomes.reference_data import FAMILY_STAR_PLUS
from outcomes.reports import RefusedResource
from tests.conftest import wait_for
from tests.exports import confirmed
from vicp.composition import services as composed_services
from vicp.composition import subject_access as sar
from vicp.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_collection_holds_everything_about_the_family(match):
    services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=match.started_on,
        duration_minutes=60,
        engagement=3,
        notes="Bedtime routine.",
        concern="A worry.",
    )
    services.add_goal(family=match.family, by=match.started_by, description="School every day")
    data = json.loads(json.dumps(sar.collect(match.family), default=sar._plain))
    assert data["case_reference"] == match.family.case_reference
    assert {c["first_name"] for c in data["children"]} == {"Amy", "Ben"}
    assert data["visits"][0]["notes"] == "Bedtime routine."
    assert data["concerns"][0]["details"] == "A worry."
    assert data["goals"][0]["description"] == "School every day"
    assert data["referral"]["family_name"] == "Doe"
    assert [h["to_status"] for h in data["referral_history"]] == ["draft", "submitted", "accepted"]


def test_the_collection_holds_the_familys_outcome_records(match, alice, sam):
    family, today = match.family, timezone.localdate()
    amy, ben = family.children.order_by("date_of_birth")
    outcomes.record_star_reading(
        family=family,
        by=alice,
        stage="start",
        taken_on=today,
        scores={slug: 4 for slug, _ in FAMILY_STAR_PLUS} | {"routine": 7},
        notes="At the kitchen table.",
    )
    outcomes.record_risk_review(
        family=family,
        by=alice,
        reviewed_on=today,
        caf_level=3,
        child_statuses={
            amy.pk: {"plan_type": "cin", "school_attendance": "91"},
            ben.pk: {"plan_type": "none"},
        },
        notes="Conference stepped Amy down.",
    )
    outcomes.record_measure(
        family=family,
        by=alice,
        measure=Measure.objects.get(slug="sdq-total"),
        stage="start",
        taken_on=today,
        score=22,
        child=amy,
    )

    end_match(match, by=alice, reason="planned")
    outcomes.submit_evaluation(
        family=family,
        respondent="social_worker",
        by=sam,
        answers={
            "helpful": 5,
            "engagement": 4,
            "partnership": 4,
            "changes": "Amy gets to school.",
        },
    )
    data = json.loads(json.dumps(sar.collect(family), default=sar._plain))
    (reading,) = data["family_star_readings"]
    assert (reading["stage"], reading["notes"]) == ("start", "At the kitchen table.")
    assert reading["scores"]["Family routine"] == 7
    assert reading["scores"]["Physical health"] == 4
    referral_review, review = data["risk_reviews"]
    assert referral_review["level_of_need"] == "4 Specialist / statutory"
    assert (review["stage"], review["level_of_need"], review["notes"]) == (
        "review",
        "3 Targeted",
        "Conference stepped Amy down.",
    )
    assert review["children"] == [
        {"child": "Amy", "plan_type": "Child in need plan", "school_attendance": "91.0"},
        {"child": "Ben", "plan_type": "No plan", "school_attendance": None},
    ]
    (score,) = data["measure_scores"]
    assert (score["measure"], score["child"], score["stage"], score["score"]) == (
        "SDQ total difficulties",
        "Amy",
        "start",
        22,
    )
    (evaluation,) = data["evaluations"]
    assert evaluation["respondent"] == "social_worker"
    assert evaluation["answers"]["What changed for the children and the family?"] == (
        "Amy gets to school."
    )
    assert sar.render_pdf(sar.collect(family)).startswith(b"%PDF")


def test_the_pdf_is_made_without_touching_the_network_or_files(family, monkeypatch):
    pdf = sar.render_pdf(sar.collect(family))
    assert pdf.startswith(b"%PDF")
    for url in ("file:///etc/passwd", "http://example.org/x.png", "https://x"):
        # Markup that reached the template unescaped still could not fetch anything.
        monkeypatch.setattr(
            sar, "render_to_string", lambda *args, url=url, **kwargs: f'<img src="{url}">'
        )
        with pytest.raises(RefusedResource, match="Refused"):
            sar.render_pdf(sar.collect(family))


def test_a_manager_asks_for_an_export_after_confirming_the_password(
    client_for, alice, family, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    url = reverse("families:sar_request", args=[family.pk])
    assert client.get(url)["Location"].startswith(reverse("vicp:confirm_password"))
    confirmed(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    export = SubjectAccessExport.objects.get()
    assert response["Location"] == reverse("families:sar_detail", args=[export.pk])
    assert export.status == "done" and export.pdf_file and export.json_file
    page = client.get(response["Location"]).content.decode()
    assert "Download the PDF" in page
    download = client.get(reverse("families:sar_download", args=[export.pk, "json"]))
    assert (
        json.loads(b"".join(download.streaming_content))["case_reference"] == family.case_reference
    )
    assert AuditEvent.objects.filter(action="sar.downloaded", actor=alice).exists()


@pytest.mark.parametrize("who", ["charlie", "sam", "vera"])
def test_nobody_else_reaches_an_export(
    client_for, cast, alice, family, who, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = composed_services.request_subject_access_export(family, by=alice)
    client = confirmed(client_for(cast[who]))
    for url in (
        reverse("families:sar_request", args=[family.pk]),
        reverse("families:sar_detail", args=[export.pk]),
        reverse("families:sar_download", args=[export.pk, "pdf"]),
    ):
        assert client.get(url).status_code == 404


def test_a_failure_is_recorded_with_its_reason(
    alice, family, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(data):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(sar, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        export = composed_services.request_subject_access_export(family, by=alice)
    export.refresh_from_db()
    assert export.status == "failed" and "fonts missing" in export.error


@pytest.mark.worker
def test_the_export_is_built_by_a_real_worker(celery_worker, alice, family):
    export = composed_services.request_subject_access_export(family, by=alice)
    assert wait_for(
        lambda: SubjectAccessExport.objects.get(pk=export.pk).status == "done", timeout=60
    )
