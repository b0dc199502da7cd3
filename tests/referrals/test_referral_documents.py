"""Documents sent with a referral: read and added by the social worker who referred and
the project's managers while the referral waits for a decision; once it is accepted
they are read on the case (under "Sent with the referral"), never by a volunteer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from referrals import services
from tests import factories
from tests.documents_helpers import add, form_data
from vicp.documents import services as document_services
from vicp.models import AuditEvent, Document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

REASON = "No volunteer free in the area this month"


def add_url(referral):
    return reverse("vicp:document_add", args=["referral", referral.pk])


def detail_url(referral):
    return reverse("referrals:detail", args=[referral.pk])


def reading_urls(document):
    return [
        reverse("vicp:document", args=[document.pk]),
        reverse("vicp:document_download", args=[document.pk]),
        reverse("vicp:document_version_download", args=[document.pk, 1]),
    ]


def statuses(client, document):
    return [client.get(url).status_code for url in reading_urls(document)]


@pytest.fixture
def referral(cambridgeshire, sam):
    return factories.make_referral(cambridgeshire, sam, submit=True)


def waitlisted(referral, alice):
    return services.waitlist_referral(referral, by=alice, reason=REASON)


def accepted(referral, alice):
    return services.accept_referral(referral, by=alice)


# --- While the referral waits for a decision -------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "waitlisted"])
@pytest.mark.parametrize("who", ["sam", "alice"])
def test_the_referrer_and_the_managers_upload_while_the_referral_waits(
    who, status, referral, cast, client_for
):
    if status == "waitlisted":
        waitlisted(referral, cast["alice"])
    uploader = cast[who]
    client = client_for(uploader)
    page = client.get(detail_url(referral)).content.decode()
    assert add_url(referral) in page and "document-file" in page
    response = client.post(
        add_url(referral), form_data(title="Referral form", kind="referral_form")
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(referral) + "#documents"
    document = Document.objects.get()
    assert (document.record, document.project, document.added_by) == (
        referral,
        referral.project,
        uploader,
    )
    event = AuditEvent.objects.get(action="document.added")
    assert (event.actor, event.object_id) == (uploader, str(document.pk))
    for reader in ("sam", "alice"):
        reader_client = client_for(cast[reader])
        assert statuses(reader_client, document) == [200, 200, 200]
        assert "Referral form" in reader_client.get(detail_url(referral)).content.decode()


def test_a_referral_takes_no_sharing_with_a_volunteer(referral, alice, client_for):
    client = client_for(alice)
    assert "document-shared_with_volunteer" not in client.get(detail_url(referral)).content.decode()
    document = add(referral, alice, kind="referral_form")
    page = client.get(reading_urls(document)[0]).content.decode()
    assert reverse("vicp:document_share", args=[document.pk]) not in page
    share_url = reverse("vicp:document_share", args=[document.pk])
    assert client.post(share_url, {"shared": "1"}).status_code == 404
    document.refresh_from_db()
    assert not document.shared_with_volunteer
    with pytest.raises(Exception, match="share a case's documents"):
        document_services.set_shared_with_volunteer(document, by=alice, shared=True)


@pytest.mark.parametrize("who", ["charlie", "sally", "vera", "una"])
def test_outsiders_never_read_or_add_a_referrals_documents(who, referral, cast, client_for):
    document = add(referral, cast["sam"], kind="referral_form")
    client = client_for(cast[who])
    assert statuses(client, document) == [404, 404, 404]
    assert client.get(add_url(referral)).status_code == 404
    assert client.post(add_url(referral), form_data()).status_code == 404
    assert Document.objects.count() == 1


def test_only_the_managers_delete_a_referrals_document(referral, alice, sam, client_for):
    document = add(referral, sam, kind="referral_form")
    delete_url = reverse("vicp:document_delete", args=[document.pk])
    assert client_for(sam).get(delete_url).status_code == 404
    response = client_for(alice).post(delete_url, {"delete-reason": "Another family's form"})
    assert response.status_code == 302
    assert response["Location"] == detail_url(referral) + "#documents"
    document.refresh_from_db()
    assert document.deleted_at is not None
    assert statuses(client_for(sam), document) == [404, 404, 404]


@pytest.mark.parametrize(
    "decide",
    [
        lambda referral, alice: services.decline_referral(referral, by=alice, reason=REASON),
        lambda referral, alice: services.withdraw_referral(referral, by=referral.social_worker),
    ],
    ids=["declined", "withdrawn"],
)
def test_a_declined_or_withdrawn_referral_takes_no_more(decide, referral, alice, sam, client_for):
    document = add(referral, sam, kind="referral_form")
    decide(referral, alice)
    for who in (sam, alice):
        client = client_for(who)
        assert client.post(add_url(referral), form_data()).status_code == 404
    assert statuses(client_for(alice), document) == [200, 200, 200]
    assert Document.objects.count() == 1


# --- Once accepted ----------------------------------------------------------------------


def test_after_acceptance_nobody_uploads_but_everyone_who_read_still_reads(
    referral, alice, sam, client_for
):
    document = add(referral, sam, title="Referral form", kind="referral_form")
    accepted(referral, alice)
    for who in (sam, alice):
        client = client_for(who)
        assert client.get(add_url(referral)).status_code == 404
        assert client.post(add_url(referral), form_data()).status_code == 404
        page = client.get(detail_url(referral)).content.decode()
        assert "Referral form" in page
        assert add_url(referral) not in page and "document-file" not in page
        assert statuses(client, document) == [200, 200, 200]
    assert Document.objects.count() == 1


def test_the_case_shows_what_was_sent_with_the_referral(referral, alice, sam, client_for):
    document = add(referral, sam, title="Referral form", kind="referral_form")
    family = accepted(referral, alice)
    documents_url = reverse("families:documents", args=[family.pk])
    for who in (alice, sam):
        page = client_for(who).get(documents_url).content.decode()
        assert "Sent with the referral" in page
        referral_part = page[page.index("Sent with the referral") :]
        assert "Referral form" in referral_part
        assert reverse("vicp:document", args=[document.pk]) in referral_part
        # Upload goes to the case, not to the accepted referral.
        assert add_url(referral) not in page
        assert reverse("vicp:document_add", args=["family", family.pk]) in page


def test_the_matched_volunteer_never_reads_what_was_sent_with_the_referral(
    referral, alice, ready_volunteer, vera, client_for
):
    document = add(referral, referral.social_worker, title="Referral form", kind="referral_form")
    family = accepted(referral, alice)
    match = factories.ActiveMatchFactory(family=family, volunteer=ready_volunteer, started_by=alice)
    share_url = reverse("vicp:document_share", args=[document.pk])
    # No manager can share it: there is no sharing of a referral's documents.
    assert client_for(alice).post(share_url, {"shared": "1"}).status_code == 404
    for volunteer in (match.volunteer.user, vera):
        client = client_for(volunteer)
        assert statuses(client, document) == [404, 404, 404]
        assert client.post(share_url, {"shared": "0"}).status_code == 404
    page = (
        client_for(match.volunteer.user)
        .get(reverse("families:documents", args=[family.pk]))
        .content.decode()
    )
    assert "Sent with the referral" not in page
    assert "Referral form" not in page
    # Even a referral's document marked shared in the database stays unread by a volunteer.
    Document.objects.filter(pk=document.pk).update(shared_with_volunteer=True)
    assert statuses(client_for(match.volunteer.user), document) == [404, 404, 404]


def test_a_referral_accepted_while_a_document_is_uploaded_takes_it_on_no_record(
    referral, alice, sam
):
    # The upload read the referral before the manager accepted it.
    as_read = type(referral).objects.get(pk=referral.pk)
    accepted(referral, alice)
    with pytest.raises(ValidationError, match="cannot add documents"):
        add(as_read, sam, kind="referral_form")
    assert not Document.objects.exists()
    assert not AuditEvent.objects.filter(action="document.added").exists()
