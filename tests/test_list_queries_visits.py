"""The managers' lists of visits, mileage claims and reports, filtered and sorted, and their
downloads: the same number of queries whatever the number of rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from families.models import Visit
from outcomes import services as outcome_services
from outcomes.models import Report
from tests import factories
from tests.exports import confirmed

from .test_list_queries import query_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def grow_visits(match, alice):
    """Visits by two volunteers to two families, contacts and attempts, paid and not."""
    other = factories.ActiveMatchFactory(
        family=factories.AcceptedFamilyFactory(project=match.family.project, accepted_by=alice),
        volunteer=factories.ReadyVolunteerFactory(
            project=match.family.project, signed_off_by=alice
        ),
        started_by=alice,
        started_on=match.started_on,
    )

    def grow(total):
        while Visit.objects.count() < total:
            n = Visit.objects.count()
            visit = family_services.log_visit(
                match=(match, other)[n % 2],
                by=(match, other)[n % 2].volunteer.user,
                visited_on=match.started_on + datetime.timedelta(days=n % 20),
                duration_minutes=60,
                contact_made=n % 3 != 0,
                engagement=3 if n % 3 else None,
                miles=5 + n,
            )
            if n % 4 == 0:
                family_services.mark_claims_paid([visit], by=alice)

    return grow


URLS = {
    "visits": reverse("families:visit_list") + "?contact=yes&sort=volunteer",
    "visits, all": reverse("families:visit_list"),
    "claims": reverse("families:claims"),
    "claims, paid or not": reverse("families:claims") + "?paid=any&sort=-date",
    "visits as XLSX": reverse("families:visit_export", args=["xlsx"]) + "?sort=family",
    "claims as CSV": reverse("families:claims_export", args=["csv"]) + "?paid=any",
}


@pytest.mark.parametrize("name", URLS)
def test_visits_and_claims(name, client_for, match, alice, django_assert_max_num_queries):
    counts = query_counts(
        confirmed(client_for(alice)),
        URLS[name],
        grow_visits(match, alice),
        django_assert_max_num_queries,
    )
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "url",
    [
        reverse("outcomes:report_list") + "?kind=impact&status=preparing&sort=requested",
        reverse("outcomes:report_list") + "?sort=-requested",
        reverse("outcomes:report_export", args=["xlsx"]) + "?status=ready",
    ],
)
def test_reports(
    url, client_for, alice, sam, family, cambridgeshire, django_assert_max_num_queries
):
    today = timezone.localdate()

    def grow(total):
        while Report.objects.count() < total:
            n = Report.objects.count()
            if n % 3 == 1:
                report = outcome_services.request_report(
                    kind="case_closure", by=alice, family=family
                )
            else:
                report = outcome_services.request_report(
                    kind="impact", by=alice, project=cambridgeshire, start=today, end=today
                )
            status = ("queued", "running", "done", "failed")[n % 4]
            Report.objects.filter(pk=report.pk).update(status=status)

    counts = query_counts(confirmed(client_for(alice)), url, grow, django_assert_max_num_queries)
    assert counts[0] == counts[1]
