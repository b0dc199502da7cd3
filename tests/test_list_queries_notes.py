"""The family's Notes tab and History tab: the same number of queries whatever the
number of notes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from families.models import CaseNote

from .test_list_queries import query_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def grow_notes(family, writers):
    def grow(total):
        while CaseNote.objects.count() < total:
            n = CaseNote.objects.count()
            family_services.write_case_note(
                family=family,
                by=writers[n % len(writers)],
                kind=CaseNote.Kind.values[n % 4],
                with_whom=CaseNote.WithWhom.values[n % 5],
                with_whom_detail=f"Person {n}",
                summary=f"Note {n}",
                happened_at=timezone.now() - datetime.timedelta(hours=n + 1),
                sensitive=n % 3 == 0 and writers[n % len(writers)].is_project_manager,
            )

    return grow


@pytest.mark.parametrize("section", ["families:notes", "families:history"])
@pytest.mark.parametrize("who", ["alice", "sam"])
def test_the_notes_of_a_case(
    section, who, family, alice, sam, client_for, django_assert_max_num_queries
):
    reader = {"alice": alice, "sam": sam}[who]
    counts = query_counts(
        client_for(reader),
        reverse(section, args=[family.pk]),
        grow_notes(family, [alice, sam]),
        django_assert_max_num_queries,
    )
    assert counts[0] == counts[1]
