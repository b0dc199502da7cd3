"""The volunteers board and all referrals, and their exports, issue the same number of
queries whatever the number of rows, with their filters and sort orders in use."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import services as referral_services
from referrals.models import Referral
from tests import factories
from tests.exports import confirmed
from volunteers.models import DBSCheck

from .exports import csv_rows, xlsx_rows
from .test_list_queries import query_counts

pytestmark = pytest.mark.django_db


def exported(response, fmt):
    return csv_rows(response) if fmt == "csv" else xlsx_rows(response)


def grow_volunteers(project):
    def grow(total):
        while project.volunteers.count() < total:
            n = project.volunteers.count()
            volunteer = factories.ReadyVolunteerFactory(
                project=project, languages="English, Gujarati", availability_days=["sat"]
            )
            # Due for renewal: issued nearly three years ago (and some with two checks).
            issued_on = timezone.localdate() - datetime.timedelta(days=365 * 3 - 20 - n % 10)
            DBSCheck.objects.filter(volunteer=volunteer).update(issued_on=issued_on)
            if n % 3 == 0:
                factories.VolunteerFactory(project=project)  # an applicant, filtered out

    return grow


VOLUNTEER_QUERIES = [
    {},
    {"q": "gujarati", "languages": "gujarati", "district": "CB1", "available": "sat"},
    {"dbs": "due", "stage": "ready", "sort": "-dbs"},
    {"sort": "stage"},
]


@pytest.mark.parametrize("query", VOLUNTEER_QUERIES)
def test_the_volunteers_board(
    client_for, alice, cambridgeshire, django_assert_max_num_queries, query
):
    url = reverse("volunteers:board") + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    client = client_for(alice)
    counts = query_counts(
        client, url, grow_volunteers(cambridgeshire), django_assert_max_num_queries
    )
    assert counts[0] == counts[1]
    # The filters keep every volunteer signed off (two in three).
    assert client.get(url).context["page"].paginator.count >= 33


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("query", VOLUNTEER_QUERIES[1:3])
def test_the_volunteers_export(
    client_for, alice, cambridgeshire, django_assert_max_num_queries, fmt, query
):
    url = reverse("volunteers:export", args=[fmt])
    url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    client = confirmed(client_for(alice))
    counts = query_counts(
        client, url, grow_volunteers(cambridgeshire), django_assert_max_num_queries
    )
    assert counts[0] == counts[1]
    ready = cambridgeshire.volunteers.filter(stage="ready").count()
    assert len(exported(client.get(url), fmt)) == 1 + ready  # the heading and each of them


def grow_referrals(project, sam, alice):
    def grow(total):
        while (n := Referral.objects.count()) < total:
            # Of the first two, one accepted and one on the waiting list.
            referral = factories.make_referral(project, sam, submit=True)
            if n % 3 == 0:
                referral_services.accept_referral(referral, by=alice)
            elif n % 3 == 1:
                referral_services.waitlist_referral(referral, by=alice, reason="Full")

    return grow


REFERRAL_QUERIES = [
    {},
    {"status": "waitlisted", "sort": "-waiting"},
    {"q": "doe", "project": "{project}", "received_from": "2020-01-01", "sort": "status"},
]


def _referral_url(name, query, project, *args):
    values = {k: v.format(project=project.pk) for k, v in query.items()}
    return reverse(name, args=args) + "?" + "&".join(f"{k}={v}" for k, v in values.items())


@pytest.mark.usefixtures("reference_data")
@pytest.mark.parametrize("query", REFERRAL_QUERIES)
def test_all_referrals(
    client_for, sam, alice, cambridgeshire, django_assert_max_num_queries, query
):
    client = client_for(alice)
    url = _referral_url("referrals:list", query, cambridgeshire)
    grow = grow_referrals(cambridgeshire, sam, alice)
    counts = query_counts(client, url, grow, django_assert_max_num_queries)
    assert counts[0] == counts[1]
    assert client.get(url).context["page"].paginator.count >= 16


@pytest.mark.usefixtures("reference_data")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("query", REFERRAL_QUERIES)
def test_the_referrals_export(
    client_for, sam, alice, cambridgeshire, django_assert_max_num_queries, fmt, query
):
    client = confirmed(client_for(alice))
    url = _referral_url("referrals:export", query, cambridgeshire, fmt)
    grow = grow_referrals(cambridgeshire, sam, alice)
    counts = query_counts(client, url, grow, django_assert_max_num_queries)
    assert counts[0] == counts[1]
    assert len(exported(client.get(url), fmt)) >= 17
