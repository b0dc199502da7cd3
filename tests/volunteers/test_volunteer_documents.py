"""Documents on a volunteer's record (the DBS certificate, references, letters): read and
added by the project's managers only; never by a social worker, another project's
manager, or the volunteer themselves."""

import pytest
from django.urls import reverse

from tests import factories
from tests.documents_helpers import add, form_data
from vicp.models import AuditEvent, Document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def record_url(volunteer):
    return reverse("volunteers:detail", args=[volunteer.pk])


def add_url(volunteer):
    return reverse("vicp:document_add", args=["volunteer", volunteer.pk])


def reading_urls(document):
    return [
        reverse("vicp:document", args=[document.pk]),
        reverse("vicp:document_download", args=[document.pk]),
        reverse("vicp:document_version_download", args=[document.pk, 1]),
    ]


def statuses(client, document):
    return [client.get(url).status_code for url in reading_urls(document)]


def dbs_scan(volunteer, by):
    return add(volunteer, by, title="Enhanced DBS certificate", kind="dbs", name="dbs.pdf")


@pytest.fixture
def volunteer(cambridgeshire, alice):
    """Val, signed off by Alice: her login may view her own record."""
    return factories.ReadyVolunteerFactory(
        project=cambridgeshire,
        first_name="Val",
        last_name="Green",
        email="val@example.org",
        signed_off_by=alice,
    )


@pytest.mark.parametrize("kind", ["dbs", "reference", "letter", "other"])
def test_a_manager_adds_each_kind_of_document_from_the_record(kind, volunteer, alice, client_for):
    response = client_for(alice).post(
        add_url(volunteer), form_data(title="For the record", kind=kind)
    )
    assert response.status_code == 302
    assert response["Location"] == record_url(volunteer) + "#documents"
    document = Document.objects.get()
    assert (document.record, document.kind, document.project, document.added_by) == (
        volunteer,
        kind,
        volunteer.project,
        alice,
    )
    assert AuditEvent.objects.filter(
        action="document.added", actor=alice, object_id=str(document.pk)
    ).exists()


@pytest.mark.parametrize("kind", ["cp_plan", "consent", "referral_form", "assessment"])
def test_a_record_takes_no_case_kinds(kind, volunteer, alice, client_for):
    response = client_for(alice).post(add_url(volunteer), form_data(kind=kind))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"kind"}
    assert not Document.objects.exists()


def test_the_record_page_shows_the_panel_to_a_manager(volunteer, alice, client_for):
    document = dbs_scan(volunteer, alice)
    page = client_for(alice).get(record_url(volunteer)).content.decode()
    assert 'id="documents"' in page
    assert "Enhanced DBS certificate" in page
    assert reverse("vicp:document", args=[document.pk]) in page
    assert add_url(volunteer) in page and "document-file" in page
    assert "DBS certificate" in page and 'value="reference"' in page
    assert 'value="cp_plan"' not in page
    assert "document-shared_with_volunteer" not in page


def test_with_no_documents_the_panel_says_where_they_go(volunteer, alice, client_for):
    page = client_for(alice).get(record_url(volunteer)).content.decode()
    assert "a scan of the DBS certificate or a reference goes here" in page


@pytest.mark.parametrize("who", ["alice", "ada"])
def test_the_managers_read_a_records_documents(who, volunteer, cast, client_for):
    document = dbs_scan(volunteer, cast["alice"])
    client = client_for(cast[who])
    assert statuses(client, document) == [200, 200, 200]
    response = client.get(reading_urls(document)[1])
    assert response["Content-Disposition"] == 'attachment; filename="enhanced-dbs-certificate.pdf"'
    event = AuditEvent.objects.filter(action="document.downloaded").last()
    assert (event.actor, event.object_id) == (cast[who], str(document.pk))


@pytest.mark.parametrize("who", ["sam", "charlie", "sally", "vera"])
def test_others_never_read_or_add_a_records_documents(who, volunteer, cast, client_for):
    document = dbs_scan(volunteer, cast["alice"])
    client = client_for(cast[who])
    assert statuses(client, document) == [404, 404, 404]
    assert client.get(add_url(volunteer)).status_code == 404
    assert client.post(add_url(volunteer), form_data(kind="dbs")).status_code == 404
    assert Document.objects.count() == 1


def test_the_volunteer_never_reads_the_documents_of_their_own_record(volunteer, alice, client_for):
    document = dbs_scan(volunteer, alice)
    add(volunteer, alice, title="Reference from Ruth Baker", kind="reference")
    client = client_for(volunteer.user)
    assert statuses(client, document) == [404, 404, 404]
    assert client.get(add_url(volunteer)).status_code == 404
    assert client.post(add_url(volunteer), form_data(kind="dbs")).status_code == 404
    for url in ("vicp:document_replace", "vicp:document_share", "vicp:document_delete"):
        assert client.post(reverse(url, args=[document.pk])).status_code == 404, url
    own_page = client.get(reverse("volunteers:my_record"))
    assert own_page.status_code == 200
    text = own_page.content.decode()
    assert "Enhanced DBS certificate" not in text
    assert "Reference from Ruth Baker" not in text
    assert client.get(record_url(volunteer)).status_code == 404
    assert Document.objects.count() == 2


def test_only_a_manager_deletes_a_records_document(volunteer, alice, client_for):
    document = dbs_scan(volunteer, alice)
    delete_url = reverse("vicp:document_delete", args=[document.pk])
    response = client_for(alice).post(delete_url, {"delete-reason": "A scan of the wrong page"})
    assert response.status_code == 302
    assert response["Location"] == record_url(volunteer) + "#documents"
    document.refresh_from_db()
    assert document.deletion_reason == "A scan of the wrong page"
    page = client_for(alice).get(record_url(volunteer)).content.decode()
    assert reverse("vicp:document", args=[document.pk]) not in page
    assert "a scan of the DBS certificate or a reference goes here" in page
