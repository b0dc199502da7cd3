"""List pages issue the same number of queries whatever the number of rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from families import services as family_services
from families.models import Concern, Visit
from referrals import services as referral_services
from referrals.models import Referral
from tests import factories

pytestmark = pytest.mark.django_db


def query_counts(client, url, grow, django_assert_max_num_queries):
    counts = []
    client.get(url)  # warm the session and the content-type cache
    for total in (2, 50):
        grow(total)
        with django_assert_max_num_queries(25) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    return counts


@pytest.mark.usefixtures("reference_data")
def test_your_referrals(client_for, sam, cambridgeshire, django_assert_max_num_queries):
    def grow(total):
        while Referral.objects.count() < total:
            factories.make_referral(cambridgeshire, sam, submit=True)

    counts = query_counts(
        client_for(sam), reverse("referrals:mine"), grow, django_assert_max_num_queries
    )
    assert counts[0] == counts[1]


def test_social_workers(client_for, alice, cambridgeshire, django_assert_max_num_queries):
    def grow(total):
        while cambridgeshire.projectuserobjectpermission_set.count() < total:
            assign_perm("vicp.refer_to_project", factories.SocialWorkerFactory(), cambridgeshire)

    counts = query_counts(
        client_for(alice), reverse("vicp:social_workers"), grow, django_assert_max_num_queries
    )
    assert counts[0] == counts[1]


def test_mileage_claims(client_for, match, alice, django_assert_max_num_queries):
    def grow(total):
        while Visit.objects.count() < total:
            family_services.log_visit(
                match=match,
                by=match.volunteer.user,
                visited_on=match.started_on + datetime.timedelta(days=Visit.objects.count() % 20),
                duration_minutes=60,
                engagement=3,
                miles=5,
            )

    counts = query_counts(
        client_for(alice), reverse("families:claims"), grow, django_assert_max_num_queries
    )
    assert counts[0] == counts[1]


@pytest.mark.usefixtures("reference_data")
def test_all_referrals(client_for, sam, alice, cambridgeshire, django_assert_max_num_queries):
    def grow(total):
        while Referral.objects.count() < total:
            referral = factories.make_referral(cambridgeshire, sam, submit=True)
            if referral.pk % 3 == 0:
                referral_services.accept_referral(referral, by=alice)

    counts = query_counts(
        client_for(alice), reverse("referrals:list"), grow, django_assert_max_num_queries
    )
    assert counts[0] == counts[1]


@pytest.mark.usefixtures("reference_data")
def test_concerns_register(client_for, family, alice, django_assert_max_num_queries):
    def grow(total):
        while Concern.objects.count() < total:
            n = Concern.objects.count()
            factories.ConcernFactory(
                family=family,
                raised_at=timezone.now() - datetime.timedelta(hours=n),
                acknowledged_at=timezone.now() if n % 3 == 1 else None,
                closed_at=timezone.now() if n % 3 == 2 else None,
            )

    counts = query_counts(
        client_for(alice), reverse("families:concerns"), grow, django_assert_max_num_queries
    )
    assert counts[0] == counts[1]


@pytest.mark.usefixtures("reference_data")
def test_search(client_for, alice, sam, cambridgeshire, django_assert_max_num_queries):
    """Doe families, their referrals and Doe volunteers: ten of each shown, the rest
    counted."""

    def grow(total):
        while Referral.objects.count() < total:
            factories.AcceptedFamilyFactory(
                project=cambridgeshire, social_worker=sam, accepted_by=alice
            )
        while cambridgeshire.volunteers.count() < total:
            factories.VolunteerFactory(project=cambridgeshire, last_name="Doe")

    counts = query_counts(
        client_for(alice), reverse("vicp:search") + "?q=doe", grow, django_assert_max_num_queries
    )
    assert counts[0] == counts[1]
