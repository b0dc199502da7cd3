"""The subject access export holds the case's and the referral's documents: listed in the
JSON and the PDF, and every version's file in the zip, deleted documents too."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from families.models import SubjectAccessExport
from tests.document_files import pdf, png, upload
from tests.documents_helpers import add, referral_document
from tests.exports import confirmed
from vicp.audit_labels import action_words
from vicp.composition import services as composed_services
from vicp.composition import subject_access as sar
from vicp.documents import services as documents
from vicp.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(family, alice, sam):
    """A plan with two versions, a deleted consent form and the referral's form."""
    plan = add(family, alice, title="Child protection plan: Amy & Ben", name="../../etc/passwd.pdf")
    documents.replace_document(
        plan, by=alice, file=upload("Amy's plan (final).pdf", pdf(padding=400)), note="Signed"
    )
    consent = add(family, sam, title="!!!", kind="consent", name="consent.png", content=png())
    consent = documents.delete_document(consent, by=alice, reason="Uploaded to the wrong case")
    form = referral_document(
        family, sam, title="Referral form", kind="referral_form", content=pdf(padding=900)
    )
    return {"plan": plan, "consent": consent, "form": form}


def built(family, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = composed_services.request_subject_access_export(family, by=alice)
    export.refresh_from_db()
    assert export.status == "done", export.error
    return export


def test_the_json_lists_every_document_of_the_case_and_the_referral(family, alice, sam, held):
    data = json.loads(json.dumps(sar.collect(family), default=sar._plain))
    by_title = {document["title"]: document for document in data["documents"]}
    assert set(by_title) == {"Child protection plan: Amy & Ben", "!!!", "Referral form"}
    plan, consent, form = (
        by_title["Child protection plan: Amy & Ben"],
        by_title["!!!"],
        by_title["Referral form"],
    )
    assert (plan["record"], plan["kind"], plan["added_by"]) == (
        "case",
        "Child protection plan",
        "Alice Archer",
    )
    assert plan["about_on"] == held["plan"].about_on.isoformat()
    assert plan["deleted_at"] is None
    assert [v["number"] for v in plan["versions"]] == [1, 2]
    first, second = plan["versions"]
    assert second["note"] == "Signed" and second["original_name"] == "Amy's plan (final).pdf"
    assert second["sha256"] == held["plan"].versions.get(number=2).sha256
    assert second["size"] == len(pdf(padding=400)) and second["content_type"] == "application/pdf"
    folder = f"documents/{held['plan'].pk}-child-protection-plan-amy-ben"
    assert (first["path_in_zip"], second["path_in_zip"]) == (
        f"{folder}/version-1.pdf",
        f"{folder}/version-2.pdf",
    )
    assert consent["deleted_by"] == "Alice Archer"
    assert consent["deletion_reason"] == "Uploaded to the wrong case"
    assert consent["versions"][0]["path_in_zip"] == (
        f"deleted-documents/{held['consent'].pk}-document/version-1.png"
    )
    assert form["record"] == "referral" and form["added_by"] == sam.get_full_name()


def test_the_zip_holds_the_pdf_the_json_and_every_version_deleted_too(
    family, alice, held, django_capture_on_commit_callbacks
):
    export = built(family, alice, django_capture_on_commit_callbacks)
    with export.zip_file.open("rb") as stored:
        archive = zipfile.ZipFile(io.BytesIO(stored.read()))
    names = archive.namelist()
    reference = family.case_reference
    assert archive.read(f"{reference}-subject-access.pdf").startswith(b"%PDF")
    data = json.loads(archive.read(f"{reference}-subject-access.json"))
    assert data["case_reference"] == reference
    with export.json_file.open("rb") as stored:
        assert json.loads(stored.read())["documents"] == data["documents"]
    expected = {}
    for document in (held["plan"], held["consent"], held["form"]):
        for version in document.versions.select_related("document"):
            with version.file.open("rb") as stored:
                expected[sar.zip_path(version)] = stored.read()
    assert len(expected) == 4
    for path, content in expected.items():
        assert archive.read(path) == content
    listed = {v["path_in_zip"] for d in data["documents"] for v in d["versions"]}
    assert listed == set(expected)
    assert set(names) == set(expected) | {
        f"{reference}-subject-access.pdf",
        f"{reference}-subject-access.json",
    }
    # Named from the document's id and title: never what the uploader called the file.
    for name in names:
        assert not name.startswith("/") and ".." not in name and "\\" not in name
        assert "passwd" not in name and "final" not in name


def test_the_pdf_lists_the_documents(family, alice, held, monkeypatch):
    rendered = {}
    real = sar.render_to_string

    def keep(template, context):
        rendered["html"] = real(template, context)
        return rendered["html"]

    monkeypatch.setattr(sar, "render_to_string", keep)
    assert sar.render_pdf(sar.collect(family)).startswith(b"%PDF")
    html = rendered["html"]
    assert "<h2>Documents</h2>" in html
    assert "Child protection plan: Amy &amp; Ben" in html and "Uploaded to the wrong case" in html
    assert f"documents/{held['plan'].pk}-child-protection-plan-amy-ben/version-2.pdf" in html


def test_a_manager_downloads_the_zip_and_it_is_audited(
    client_for, alice, family, held, django_capture_on_commit_callbacks
):
    export = built(family, alice, django_capture_on_commit_callbacks)
    client = confirmed(client_for(alice))
    page = client.get(reverse("families:sar_detail", args=[export.pk])).content.decode()
    assert "Download everything as a zip (the PDF, the JSON and the documents)" in page
    assert "Download the PDF" in page and "Download the JSON" in page
    response = client.get(reverse("families:sar_download", args=[export.pk, "zip"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{family.case_reference}-subject-access.zip"'
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.read(sar.zip_path(held["form"].current)) == pdf(padding=900)
    event = AuditEvent.objects.get(action="sar.downloaded", actor=alice)
    assert event.details == {"export": export.pk, "kind": "zip"}
    assert event.object_id == str(family.pk)
    for kind in ("pdf", "json"):
        download = client.get(reverse("families:sar_download", args=[export.pk, kind]))
        assert download.status_code == 200
    assert AuditEvent.objects.filter(action="sar.downloaded").count() == 3


def test_another_projects_manager_gets_no_zip(
    client_for, alice, charlie, family, held, django_capture_on_commit_callbacks
):
    export = built(family, alice, django_capture_on_commit_callbacks)
    client = confirmed(client_for(charlie))
    response = client.get(reverse("families:sar_download", args=[export.pk, "zip"]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="sar.downloaded").exists()


def test_an_export_made_before_zips_offers_none(client_for, alice, family):
    export = SubjectAccessExport.objects.create(family=family, requested_by=alice, status="done")
    client = confirmed(client_for(alice))
    page = client.get(reverse("families:sar_detail", args=[export.pk])).content.decode()
    assert "Download everything as a zip" not in page
    assert client.get(reverse("families:sar_download", args=[export.pk, "zip"])).status_code == 404


def test_a_file_missing_from_storage_fails_the_export_with_the_reason(
    family, alice, held, django_capture_on_commit_callbacks
):
    version = held["form"].current
    version.file.storage.delete(version.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        export = composed_services.request_subject_access_export(family, by=alice)
    export.refresh_from_db()
    assert export.status == "failed"
    assert f"version 1 of document {held['form'].pk} is missing from storage" in export.error


def test_the_audit_log_says_what_was_downloaded_and_removed():
    assert action_words("sar.downloaded", {"export": 1, "kind": "zip"}) == (
        "downloaded a subject access export (the zip)"
    )
    assert action_words("retention.family_anonymised", {"documents_removed": 2}) == (
        "removed the family's personal details and 2 documents (retention policy)"
    )
    assert action_words("retention.volunteer_anonymised", {"documents_removed": 0}) == (
        "removed the volunteer's personal details (retention policy)"
    )


def test_the_audit_trail_holds_the_documents_events(family, alice, client_for):
    document = add(family, alice)
    client_for(alice).get(reverse("vicp:document_download", args=[document.pk]))
    trail = sar.collect(family)["audit_trail"]
    actions = {(event["action"], event["object_id"]) for event in trail}
    assert ("document.added", str(document.pk)) in actions
    assert ("document.downloaded", str(document.pk)) in actions
