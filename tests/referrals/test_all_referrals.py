"""The list of every referral a manager may see: who reaches it, search and filters."""

import pytest
from django.urls import reverse

from families import services as family_services
from referrals import services
from referrals.models import Referral
from tests import factories
from tests.factories import make_referral, years_ago

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
LIST = reverse("referrals:list")


def shown(client, **query):
    response = client.get(LIST, query)
    assert response.status_code == 200
    return [referral.pk for referral in response.context["page"].object_list]


def child(first_name, dob=None):
    return {
        "first_name": first_name,
        "last_name": "",
        "date_of_birth": dob or years_ago(6),
        "plan_type": "none",
        "cp_category": None,
    }


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["sam", "sally", "vera", "una"])
def test_only_managers_and_admins_reach_the_list(client_for, cast, who):
    assert client_for(cast[who]).get(LIST).status_code == 404


def test_a_manager_sees_their_projects_referrals_and_an_admin_all(
    client_for, cast, cambridgeshire, southend
):
    ours = make_referral(cambridgeshire, cast["sam"], submit=True)
    theirs = make_referral(southend, cast["sally"], submit=True)
    assert shown(client_for(cast["alice"])) == [ours.pk]
    assert shown(client_for(cast["charlie"])) == [theirs.pk]
    assert shown(client_for(cast["ada"])) == [theirs.pk, ours.pk]


def test_other_peoples_drafts_are_not_listed_but_a_managers_own_are(
    client_for, alice, sam, cambridgeshire
):
    make_referral(cambridgeshire, sam)  # Sam's draft
    own = make_referral(cambridgeshire, alice, family_name="Paper")
    assert shown(client_for(alice)) == [own.pk]
    assert shown(client_for(alice), status="draft") == [own.pk]


def test_newest_first_and_paginated(client_for, alice, sam, cambridgeshire):
    made = [make_referral(cambridgeshire, sam, submit=True).pk for _ in range(27)]
    client = client_for(alice)
    first = shown(client)
    assert first == made[::-1][:25]
    assert shown(client, page=2) == made[::-1][25:]


def test_filtered_by_status(client_for, alice, sam, cambridgeshire):
    submitted = make_referral(cambridgeshire, sam, submit=True)
    declined = make_referral(cambridgeshire, sam, submit=True, family_name="Smith")
    services.decline_referral(declined, by=alice, reason="Out of area")
    waiting = make_referral(cambridgeshire, sam, submit=True, family_name="Jones")
    services.waitlist_referral(waiting, by=alice, reason="Full")
    withdrawn = make_referral(cambridgeshire, sam, submit=True, family_name="Brown")
    services.withdraw_referral(withdrawn, by=sam)
    client = client_for(alice)
    assert shown(client, status="declined") == [declined.pk]
    assert shown(client, status="waitlisted") == [waiting.pk]
    assert shown(client, status="withdrawn") == [withdrawn.pk]
    assert shown(client, status="submitted") == [submitted.pk]
    assert len(shown(client, status="")) == 4


@pytest.mark.parametrize(
    "q, matches",
    [
        ("nowak", True),  # family name, any case
        ("Zofia", True),  # a child's first name
        ("zof", True),
        ("CB2 3QQ", True),
        ("cb23qq", True),  # the postcode without its space
        ("cb2  3qq", True),
        ("CB2 3QR", False),
        ("Adam", False),
        ("Zofia Nowak", True),  # every word must match something
        ("Zofia Smith", False),
    ],
)
def test_the_search_box(client_for, alice, sam, cambridgeshire, q, matches):
    nowak = make_referral(
        cambridgeshire,
        sam,
        submit=True,
        family_name="Nowak",
        postcode="CB2 3QQ",
        children=[child("Zofia")],
    )
    make_referral(cambridgeshire, sam, submit=True, family_name="Smith", postcode="CB2 3QR")
    assert (shown(client_for(alice), q=q) == [nowak.pk]) is matches


def test_searched_by_referral_number_and_case_reference(client_for, alice, sam, cambridgeshire):
    family = factories.AcceptedFamilyFactory(
        project=cambridgeshire, social_worker=sam, accepted_by=alice, family_name="Case"
    )
    other = make_referral(cambridgeshire, sam, submit=True)
    client = client_for(alice)
    assert shown(client, q=family.case_reference.lower()) == [family.referral.pk]
    assert shown(client, q=str(other.pk)) == [other.pk]
    assert shown(client, q=family.case_reference[-4:]) == [family.referral.pk]


def test_search_and_status_together(client_for, alice, sam, cambridgeshire):
    declined = make_referral(cambridgeshire, sam, submit=True)
    services.decline_referral(declined, by=alice, reason="Out of area")
    make_referral(cambridgeshire, sam, submit=True)
    assert shown(client_for(alice), q="amy", status="declined") == [declined.pk]


@pytest.mark.parametrize(
    "query", [{"status": "nonsense"}, {"q": "\x00"}, {"q": "9" * 30}, {"q": "²"}, {"page": "x"}]
)
def test_malformed_queries_do_not_fail(client_for, alice, sam, cambridgeshire, query):
    make_referral(cambridgeshire, sam, submit=True)
    assert client_for(alice).get(LIST, query).status_code == 200


def test_the_list_shows_status_children_and_case(client_for, alice, sam, cambridgeshire):
    family = factories.AcceptedFamilyFactory(
        project=cambridgeshire, social_worker=sam, accepted_by=alice
    )
    family_services.close_case(family, by=alice, reason="Work done", missing_reason="family_moved")
    page = client_for(alice).get(LIST).content.decode()
    assert f"Accepted: {family.case_reference}" in page
    assert "Amy, Ben" in page


def test_the_managers_home_and_the_queue_link_to_the_list(client_for, alice):
    client = client_for(alice)
    for url in (reverse("vicp:home"), reverse("referrals:queue")):
        assert f'href="{LIST}"' in client.get(url).content.decode()


def test_constant_queries_for_1_or_many_referrals(
    client_for, alice, sam, cambridgeshire, django_assert_max_num_queries
):
    client = client_for(alice)
    client.get(LIST)
    counts = []
    for total in (1, 30):
        while Referral.objects.count() < total:
            referral = make_referral(cambridgeshire, sam, submit=True)
            if Referral.objects.count() % 3 == 0:
                services.accept_referral(referral, by=alice)
        with django_assert_max_num_queries(20) as queries:
            assert client.get(LIST, {"q": "doe"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
