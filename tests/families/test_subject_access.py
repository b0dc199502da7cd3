"""Subject access export: everything held about a family, as JSON and PDF, through Celery."""

import json

import pytest
from django.urls import reverse

from families import sar, services
from families.models import SubjectAccessExport
from tests.conftest import wait_for
from tests.factories import PASSWORD
from vicp.models import AuditEvent

pytestmark = pytest.mark.django_db


def confirmed(client):
    client.post(reverse("vicp:confirm_password"), {"password": PASSWORD, "next": "/"})
    return client


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


def test_the_pdf_is_made_without_touching_the_network_or_files(family):
    pdf = sar.render_pdf(sar.collect(family))
    assert pdf.startswith(b"%PDF")
    for url in ("file:///etc/passwd", "http://example.org/x.png", "https://x"):
        with pytest.raises(ValueError, match="Refused"):
            sar.no_network_fetcher(url)


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
        export = services.request_subject_access_export(family, by=alice)
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
        export = services.request_subject_access_export(family, by=alice)
    export.refresh_from_db()
    assert export.status == "failed" and "fonts missing" in export.error


def test_the_export_is_built_by_a_real_worker(celery_worker, alice, family):
    export = services.request_subject_access_export(family, by=alice)
    assert wait_for(
        lambda: SubjectAccessExport.objects.get(pk=export.pk).status == "done", timeout=60
    )
