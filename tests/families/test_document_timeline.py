"""A case's History tab lists its documents' uploads for those who may read them."""

import pytest
from django.urls import reverse

from tests.documents_helpers import add
from vicp.documents import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def history(client, family):
    return client.get(reverse("families:history", args=[family.pk])).content.decode()


def test_an_upload_is_in_the_timeline_for_the_manager_and_social_worker(
    match, alice, sam, client_for
):
    add(match.family, alice, title="Core group minutes", kind="assessment")
    for reader in (alice, sam):
        page = history(client_for(reader), match.family)
        assert "Document: Core group minutes (assessment) uploaded" in page


def test_the_volunteer_sees_only_the_shared_ones_and_no_deleted_one(match, alice, client_for):
    add(match.family, alice, title="Core group minutes")
    add(match.family, alice, title="Letter about visits", kind="letter", shared_with_volunteer=True)
    gone = add(match.family, alice, title="Wrong family's letter", shared_with_volunteer=True)
    services.delete_document(gone, by=alice, reason="Uploaded to the wrong case.")
    page = history(client_for(match.volunteer.user), match.family)
    assert "Letter about visits (letter) uploaded" in page
    assert "Core group minutes" not in page
    assert "Wrong family" not in page
    assert "Wrong family" not in history(client_for(alice), match.family)
