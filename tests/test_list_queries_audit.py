"""The audit log issues the same queries for 2 or 50 events of each kind of record:
one describer query per record type on the page, never one per event."""

import pytest
from django.urls import reverse

from families import services as family_services
from outcomes.models import Report
from tests import factories
from vicp import audit
from vicp.models import AuditEvent

from .test_list_queries import query_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(family, match, alice, sam, cambridgeshire):
    """One record of each kind the log names, all of Alice's project."""
    visit = family_services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=match.started_on,
        duration_minutes=60,
        engagement=3,
        miles=5,
    )
    return [
        family,
        family.referral,
        match,
        match.volunteer,
        visit,
        family.children.first(),
        factories.ConcernFactory(family=family),
        Report.objects.create(
            kind=Report.Kind.CASE_CLOSURE, project=cambridgeshire, family=family, requested_by=alice
        ),
        factories.TrainingSessionFactory(project=cambridgeshire),
        sam,
        cambridgeshire,
    ]


@pytest.mark.parametrize("query", ["", "?hide_viewed=on&record_type=families.family"])
def test_audit_log(
    client_for, alice, sam, records, cambridgeshire, query, django_assert_max_num_queries
):
    def grow(each):
        # Round the records, so that every page holds events of each kind.
        made = AuditEvent.objects.filter(action="x.changed").count() // len(records)
        for n in range(made, each):
            for record in records:
                actor = (alice, sam)[n % 2]
                audit.record("x.changed", actor=actor, obj=record, project=cambridgeshire)

    counts = query_counts(
        client_for(alice), reverse("vicp:audit_log") + query, grow, django_assert_max_num_queries
    )
    assert counts[0] == counts[1]
