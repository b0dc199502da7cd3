"""Documents on a family case: read by its managers and social worker, by the matched
volunteer only what a manager shared and only while matched; added by the managers and
the social worker; replaced, shared and deleted by the managers; downloads audited."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from families import services
from families.models import Family
from referrals import services as referral_services
from tests import document_files as files
from tests import factories
from tests.documents_helpers import add, form_data, yesterday
from vicp.documents import services as document_services
from vicp.models import AuditEvent, Document, DocumentVersion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def documents_url(family):
    return reverse("families:documents", args=[family.pk])


def add_url(family):
    return reverse("vicp:document_add", args=["family", family.pk])


def page_url(document):
    return reverse("vicp:document", args=[document.pk])


def download_url(document):
    return reverse("vicp:document_download", args=[document.pk])


def version_url(document, number):
    return reverse("vicp:document_version_download", args=[document.pk, number])


def replace_url(document):
    return reverse("vicp:document_replace", args=[document.pk])


def share_url(document):
    return reverse("vicp:document_share", args=[document.pk])


def delete_url(document):
    return reverse("vicp:document_delete", args=[document.pk])


def reading_urls(document):
    return [page_url(document), download_url(document), version_url(document, 1)]


def statuses(client, document):
    return [client.get(url).status_code for url in reading_urls(document)]


def share(document, by, shared=True):
    return document_services.set_shared_with_volunteer(document, by=by, shared=shared)


def replacement(name="plan.pdf", content=None, note=""):
    return {"replace-file": files.upload(name, content), "replace-note": note}


def checked_radio(page, name):
    """The value of the radio button named `name` that the page has checked."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag):
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def close(family, alice):
    services.close_case(family, by=alice, reason="Work done", missing_reason="disengaged")
    family.refresh_from_db()


# --- Who reads a case's documents --------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("ada", 200), ("sam", 200), ("charlie", 404), ("sally", 404)],
)
def test_the_managers_and_the_social_worker_read_a_case_document(
    who, status, cast, match, client_for
):
    document = add(match.family, cast["alice"])
    assert statuses(client_for(cast[who]), document) == [status] * 3


def test_a_refused_reader_is_audited(match, charlie, client_for):
    document = add(match.family, match.started_by)
    client_for(charlie).get(page_url(document))
    refusal = AuditEvent.objects.get(action="access.refused")
    assert (refusal.actor, refusal.object_id) == (charlie, str(document.pk))
    assert not AuditEvent.objects.filter(action="document.viewed").exists()


def test_the_matched_volunteer_reads_a_document_only_once_a_manager_shares_it(
    match, alice, client_for
):
    document = add(match.family, alice)
    volunteer = match.volunteer.user
    assert statuses(client_for(volunteer), document) == [404, 404, 404]
    assert client_for(alice).post(share_url(document), {"shared": "1"}).status_code == 302
    assert statuses(client_for(volunteer), document) == [200, 200, 200]
    assert client_for(alice).post(share_url(document), {"shared": "0"}).status_code == 302
    assert statuses(client_for(volunteer), document) == [404, 404, 404]


def test_another_volunteer_never_reads_a_case_document_even_shared(match, alice, vera, client_for):
    document = add(match.family, alice, shared_with_volunteer=True)
    assert statuses(client_for(vera), document) == [404, 404, 404]
    assert client_for(vera).get(documents_url(match.family)).status_code == 404


def test_the_volunteer_lists_only_the_shared_documents_and_never_sees_the_form(
    match, alice, client_for
):
    add(match.family, alice, title="Consent form, signed", shared_with_volunteer=True)
    add(match.family, alice, title="Strategy meeting minutes")
    client = client_for(match.volunteer.user)
    page = client.get(documents_url(match.family)).content.decode()
    assert "Documents shared with you" in page
    assert "Consent form, signed" in page
    assert "Strategy meeting minutes" not in page
    assert "Sent with the referral" not in page
    assert "document-file" not in page and "Upload a document" not in page
    assert add_url(match.family) not in page
    assert client.get(add_url(match.family)).status_code == 404
    assert client.post(add_url(match.family), form_data()).status_code == 404
    assert Document.objects.count() == 2


def test_with_nothing_shared_the_volunteer_is_told_so(match, alice, client_for):
    add(match.family, alice, title="Strategy meeting minutes")
    page = client_for(match.volunteer.user).get(documents_url(match.family)).content.decode()
    assert "No documents have been shared with you." in page
    assert "Strategy meeting minutes" not in page


def test_the_managers_and_the_social_worker_list_every_document_with_the_form(
    match, alice, sam, client_for
):
    add(match.family, alice, title="Consent form, signed", shared_with_volunteer=True)
    add(match.family, alice, title="Strategy meeting minutes")
    for reader in (alice, sam):
        page = client_for(reader).get(documents_url(match.family)).content.decode()
        assert "Consent form, signed" in page and "Strategy meeting minutes" in page
        assert add_url(match.family) in page and "document-file" in page
    alice_page = client_for(alice).get(documents_url(match.family)).content.decode()
    assert alice_page.count("Shared with the volunteer</span>") == 1
    assert "document-shared_with_volunteer" in alice_page
    sam_page = client_for(sam).get(documents_url(match.family)).content.decode()
    assert "Shared with the volunteer</span>" not in sam_page
    assert "document-shared_with_volunteer" not in sam_page


# --- The end of the match ---------------------------------------------------------------


def test_the_volunteer_loses_a_shared_document_the_moment_the_match_ends(match, alice, client_for):
    document = add(match.family, alice, title="Consent form, signed", shared_with_volunteer=True)
    client = client_for(match.volunteer.user)
    assert statuses(client, document) == [200, 200, 200]
    assert "Consent form, signed" in client.get(documents_url(match.family)).content.decode()
    services.end_match(match, by=alice, reason="planned")
    assert statuses(client, document) == [404, 404, 404]
    listing = client.get(documents_url(match.family))
    assert listing.status_code == 404
    assert "Consent form, signed" not in listing.content.decode()
    # The case's own readers keep it.
    assert statuses(client_for(alice), document) == [200, 200, 200]


# --- Download -----------------------------------------------------------------------------


def test_a_download_is_an_attachment_with_the_stored_type_and_is_audited(
    family, alice, sam, client_for
):
    document = add(
        family,
        alice,
        title="Child protection plan: review, Nov 2026",
        name="scan.png",
        content=files.png(),
        kind="cp_plan",
    )
    response = client_for(sam).get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="child-protection-plan-review-nov-2026.png"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == files.png()
    event = AuditEvent.objects.get(action="document.downloaded")
    assert (event.actor, event.object_id, event.project) == (sam, str(document.pk), family.project)
    assert event.details["version"] == 1


def test_every_download_is_audited_by_who_and_which_version(family, alice, sam, client_for):
    document = add(family, alice)
    document_services.replace_document(document, by=alice, file=files.upload())
    client_for(sam).get(download_url(document))
    client_for(alice).get(version_url(document, 1))
    events = AuditEvent.objects.filter(action="document.downloaded").order_by("pk")
    assert [(event.actor, event.details["version"]) for event in events] == [(sam, 2), (alice, 1)]


def test_a_refused_download_sends_no_file_and_is_not_audited_as_one(
    family, alice, charlie, client_for
):
    document = add(family, alice)
    response = client_for(charlie).get(download_url(document))
    assert response.status_code == 404
    assert "Content-Disposition" not in response
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()


def test_a_version_that_does_not_exist_is_404(family, alice, client_for):
    document = add(family, alice)
    assert client_for(alice).get(version_url(document, 2)).status_code == 404


# --- Upload through the page ---------------------------------------------------------------


def test_the_social_worker_uploads_a_document_from_the_tab(family, sam, client_for):
    response = client_for(sam).post(add_url(family), form_data())
    assert response.status_code == 302
    assert response["Location"] == documents_url(family)
    document = Document.objects.get()
    assert (document.record, document.project, document.added_by) == (family, family.project, sam)
    assert (document.title, document.kind, document.about_on) == (
        "Child protection plan, Nov 2026",
        "cp_plan",
        yesterday(),
    )
    assert not document.shared_with_volunteer
    version = document.current
    assert (version.number, version.extension, version.content_type) == (
        1,
        "pdf",
        "application/pdf",
    )
    event = AuditEvent.objects.get(action="document.added")
    assert (event.actor, event.object_id, event.project) == (sam, str(document.pk), family.project)
    page = client_for(sam).get(documents_url(family)).content.decode()
    assert "Child protection plan, Nov 2026" in page


def test_the_social_worker_cannot_share_as_he_uploads(family, sam, client_for):
    response = client_for(sam).post(add_url(family), form_data(shared_with_volunteer="on"))
    assert response.status_code == 302
    assert Document.objects.get().shared_with_volunteer is False


def test_a_manager_shares_as_she_uploads(family, alice, client_for):
    response = client_for(alice).post(add_url(family), form_data(shared_with_volunteer="on"))
    assert response.status_code == 302
    assert Document.objects.get().shared_with_volunteer is True
    assert AuditEvent.objects.get(action="document.added").details["shared_with_volunteer"]


def test_a_bad_file_and_a_missing_title_are_said_at_once_keeping_what_was_typed(
    family, sam, client_for
):
    about_on = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    response = client_for(sam).post(
        add_url(family),
        form_data(
            name="plan.pdf",
            content=files.executable(),
            title="",
            kind="consent",
            about_on=about_on,
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "content is none of those" in page
    assert "Give the document a title." in page
    form = response.context["form"]
    assert set(form.errors) == {"file", "title"}
    assert form["kind"].value() == "consent"
    assert form["about_on"].value() == about_on
    assert checked_radio(page, "document-kind") == "consent"
    assert about_on in page
    assert "Choose the file again" in page
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not AuditEvent.objects.filter(action="document.added").exists()


def test_a_date_in_the_future_is_refused(family, alice, client_for):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for(alice).post(add_url(family), form_data(about_on=tomorrow))
    assert response.status_code == 400
    assert "The date it is about cannot be in the future." in response.content.decode()
    assert not Document.objects.exists()


def test_on_a_closed_case_the_social_worker_may_not_add_but_a_manager_may(
    family, alice, sam, client_for
):
    close(family, alice)
    sam_client = client_for(sam)
    assert sam_client.get(add_url(family)).status_code == 404
    assert sam_client.post(add_url(family), form_data()).status_code == 404
    assert add_url(family) not in sam_client.get(documents_url(family)).content.decode()
    assert not Document.objects.exists()
    response = client_for(alice).post(add_url(family), form_data(title="Closing letter"))
    assert response.status_code == 302
    assert Document.objects.get().title == "Closing letter"


def test_documents_of_a_closed_case_are_still_read_by_the_social_worker(
    family, alice, sam, client_for
):
    document = add(family, alice)
    close(family, alice)
    assert statuses(client_for(sam), document) == [200, 200, 200]


# --- Replacing the file -----------------------------------------------------------------


def test_a_manager_replaces_the_file_and_the_first_version_is_kept(family, alice, client_for):
    document = add(family, alice)
    client = client_for(alice)
    response = client.post(
        replace_url(document), replacement("signed.png", files.png(), note="Signed copy")
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(document)
    document.refresh_from_db()
    assert document.current.number == 2
    assert document.current.note == "Signed copy"
    assert document.versions.count() == 2
    current = client.get(download_url(document))
    assert current["Content-Type"] == "image/png"
    assert b"".join(current.streaming_content) == files.png()
    first = client.get(version_url(document, 1))
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == (
        'attachment; filename="child-protection-plan-version-1.pdf"'
    )
    assert b"".join(first.streaming_content) == files.pdf()
    second = client.get(version_url(document, 2))
    assert second["Content-Disposition"] == 'attachment; filename="child-protection-plan.png"'
    event = AuditEvent.objects.get(action="document.replaced")
    assert (event.actor, event.object_id, event.details["version"]) == (
        alice,
        str(document.pk),
        2,
    )
    page = client.get(page_url(document)).content.decode()
    assert "Version 2 (the current file)" in page and "Version 1" in page


def test_the_social_worker_may_not_replace_what_he_did_not_add(family, alice, sam, client_for):
    document = add(family, alice)
    client = client_for(sam)
    assert "replace-file" not in client.get(page_url(document)).content.decode()
    assert client.post(replace_url(document), replacement()).status_code == 404
    assert document.versions.count() == 1
    assert not AuditEvent.objects.filter(action="document.replaced").exists()


def test_the_social_worker_replaces_what_he_added(family, sam, client_for):
    document = add(family, sam)
    client = client_for(sam)
    assert "replace-file" in client.get(page_url(document)).content.decode()
    assert client.post(replace_url(document), replacement(note="Signed")).status_code == 302
    document.refresh_from_db()
    assert (document.current.number, document.current.uploaded_by) == (2, sam)
    assert AuditEvent.objects.filter(action="document.replaced", actor=sam).exists()


def test_a_bad_replacement_is_refused_and_the_file_kept(family, alice, client_for):
    document = add(family, alice)
    response = client_for(alice).post(
        replace_url(document), replacement("plan.pdf", files.executable())
    )
    assert response.status_code == 400
    assert "content is none of those" in response.content.decode()
    document.refresh_from_db()
    assert document.current.number == 1 and document.versions.count() == 1


def test_the_volunteer_reads_a_shared_document_but_never_replaces_it(match, alice, client_for):
    document = add(match.family, alice, shared_with_volunteer=True)
    client = client_for(match.volunteer.user)
    page = client.get(page_url(document)).content.decode()
    assert "replace-file" not in page and delete_url(document) not in page
    assert share_url(document) not in page
    assert client.post(replace_url(document), replacement()).status_code == 404
    assert client.post(share_url(document), {"shared": "0"}).status_code == 404
    assert client.get(delete_url(document)).status_code == 404


# --- Sharing ----------------------------------------------------------------------------


def test_only_a_manager_shares_a_document_with_the_volunteer(match, alice, sam, client_for):
    document = add(match.family, alice)
    assert client_for(sam).post(share_url(document), {"shared": "1"}).status_code == 404
    document.refresh_from_db()
    assert not document.shared_with_volunteer
    client = client_for(alice)
    response = client.post(share_url(document), {"shared": "1"})
    assert response.status_code == 302
    assert response["Location"] == page_url(document)
    document.refresh_from_db()
    assert document.shared_with_volunteer
    shared = AuditEvent.objects.get(action="document.shared")
    assert (shared.actor, shared.object_id, shared.project) == (
        alice,
        str(document.pk),
        match.family.project,
    )
    assert client_for(sam).post(share_url(document), {"shared": "0"}).status_code == 404
    document.refresh_from_db()
    assert document.shared_with_volunteer
    client_for(alice).post(share_url(document), {"shared": "0"})
    document.refresh_from_db()
    assert not document.shared_with_volunteer
    unshared = AuditEvent.objects.get(action="document.unshared")
    assert unshared.actor == alice


def test_sharing_what_is_shared_already_records_nothing_more(family, alice, client_for):
    document = add(family, alice, shared_with_volunteer=True)
    client_for(alice).post(share_url(document), {"shared": "1"})
    assert not AuditEvent.objects.filter(action="document.shared").exists()


def test_sharing_is_a_post(family, alice, client_for):
    document = add(family, alice)
    assert client_for(alice).get(share_url(document)).status_code == 405


# --- Deleting ---------------------------------------------------------------------------


def test_deleting_asks_why_on_a_page_of_its_own(family, alice, client_for):
    document = add(family, alice, title="Plan of another family")
    response = client_for(alice).get(delete_url(document))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Delete “Plan of another family”" in page
    assert "What will happen" in page
    assert "delete-reason" in page


def test_a_deletion_without_a_reason_is_refused_and_nothing_deleted(family, alice, client_for):
    document = add(family, alice)
    response = client_for(alice).post(delete_url(document), {"delete-reason": "  "})
    assert response.status_code == 400
    assert "Say why the document is being deleted." in response.content.decode()
    document.refresh_from_db()
    assert document.deleted_at is None
    assert not AuditEvent.objects.filter(action="document.deleted").exists()


def test_a_deleted_document_is_kept_with_why_and_leaves_every_list(match, alice, sam, client_for):
    document = add(match.family, alice, title="Wrong family's plan", shared_with_volunteer=True)
    response = client_for(alice).post(
        delete_url(document), {"delete-reason": "Uploaded to the wrong case"}
    )
    assert response.status_code == 302
    assert response["Location"] == documents_url(match.family)
    document = Document.objects.get(pk=document.pk)
    assert document.deleted_at is not None
    assert (document.deleted_by, document.deletion_reason) == (alice, "Uploaded to the wrong case")
    assert DocumentVersion.objects.filter(document=document).count() == 1
    assert document.current.file.storage.exists(document.current.file.name)
    event = AuditEvent.objects.get(action="document.deleted")
    assert event.actor == alice
    assert "wrong case" not in str(event.details)  # the log keeps no free text
    for reader in (alice, sam, match.volunteer.user):
        client = client_for(reader)
        assert page_url(document) not in client.get(documents_url(match.family)).content.decode()
        assert statuses(client, document) == [404, 404, 404]
        assert client.get(delete_url(document)).status_code == 404


def test_the_social_worker_may_not_delete(family, alice, sam, client_for):
    document = add(family, sam)
    client = client_for(sam)
    assert delete_url(document) not in client.get(page_url(document)).content.decode()
    assert client.get(delete_url(document)).status_code == 404
    assert client.post(delete_url(document), {"delete-reason": "Mine"}).status_code == 404
    document.refresh_from_db()
    assert document.deleted_at is None


# --- Moving the case --------------------------------------------------------------------


def test_a_case_moved_to_another_project_takes_its_documents_and_its_referrals(
    cambridgeshire, southend, alice, sam, ada, charlie, client_for
):
    referral = factories.make_referral(cambridgeshire, sam, submit=True)
    on_referral = add(referral, sam, title="Referral form", kind="referral_form")
    family = referral_services.accept_referral(referral, by=alice)
    on_case = add(family, alice)
    assign_perm("vicp.refer_to_project", sam, southend)
    services.move_to_project(family, to_project=southend, by=ada, reason="Moved to Southend")
    on_case.refresh_from_db()
    on_referral.refresh_from_db()
    assert (on_case.project, on_referral.project) == (southend, southend)
    assert Document.objects.filter(project=cambridgeshire).count() == 0
    charlie_client = client_for(charlie)
    assert charlie_client.get(page_url(on_case)).status_code == 200
    assert charlie_client.get(page_url(on_referral)).status_code == 200
    assert client_for(alice).get(page_url(on_case)).status_code == 404


# --- Queries ----------------------------------------------------------------------------


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def matched_with_referral_documents(cambridgeshire, alice, sam, ready_volunteer):
    """A case whose referral came with two documents, matched with Val."""
    referral = factories.make_referral(cambridgeshire, sam, submit=True)
    add(referral, sam, title="Referral form", kind="referral_form")
    add(referral, sam, title="Consent to the referral", kind="consent")
    family = referral_services.accept_referral(referral, by=alice)
    return factories.ActiveMatchFactory(family=family, volunteer=ready_volunteer, started_by=alice)


@pytest.mark.parametrize("who", ["alice", "sam", "volunteer"])
def test_the_documents_tab_takes_as_many_queries_for_ten_documents_as_for_two(
    who, matched_with_referral_documents, alice, sam, client_for
):
    match = matched_with_referral_documents
    family = match.family
    reader = {"alice": alice, "sam": sam, "volunteer": match.volunteer.user}[who]
    client = client_for(reader)
    url = documents_url(family)
    client.get(url)  # warm the session and the content-type cache
    counts = []
    for total in (2, 10):
        while Document.objects.of(family).count() < total:
            n = Document.objects.of(family).count()
            document = add(
                family,
                (alice, sam)[n % 2],
                title=f"Case document {n}",
                about_on=yesterday() - datetime.timedelta(days=n),
            )
            if n % 2 == 0:
                share(document, alice)
            if n % 3 == 0:
                document_services.replace_document(document, by=alice, file=files.upload())
        counts.append(query_count(client, url))
    assert counts[0] == counts[1]
    page = client.get(url).content.decode()
    listed = [n for n in range(10) if f"Case document {n}<" in page]
    assert listed == (list(range(0, 10, 2)) if who == "volunteer" else list(range(10)))
    assert ("Consent to the referral" in page) is (who != "volunteer")


def test_a_case_closed_while_the_social_worker_uploads_takes_nothing_from_him(family, alice, sam):
    # The upload read the case before the manager closed it.
    as_read = Family.objects.get(pk=family.pk)
    close(family, alice)
    with pytest.raises(ValidationError, match="cannot add documents"):
        add(as_read, sam)
    assert not Document.objects.exists()
