"""The search box: what each person finds, and only what they may see."""

import pytest
from django.db import connection
from django.urls import reverse

from families import selectors as family_selectors
from families.models import Family
from referrals import selectors as referral_selectors
from tests import factories
from vicp.models import AuditEvent
from vicp.search import first_matches, sought

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

SEARCH = reverse("vicp:search")


def found(client, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["CAM-", "doe", "Amy", "amy doe", "doe family", "the Doe family", "cb41aa", "CB4 1AA", "Paper"],
)
def test_a_manager_finds_a_case_by_each_thing_people_type(client_for, alice, family, query):
    if query == "Paper":  # the referrer is not searched: only the family's own details are
        assert family.case_reference not in found(client_for(alice), query)
        return
    assert f'href="{reverse("families:detail", args=[family.pk])}"' in found(
        client_for(alice), query
    )


def test_a_referral_is_found_by_its_number(client_for, alice, referral):
    page = found(client_for(alice), str(referral.pk))
    assert f'href="{reverse("referrals:detail", args=[referral.pk])}"' in page


def test_a_volunteer_is_found_by_name_and_email(client_for, alice, ready_volunteer):
    link = f'href="{reverse("volunteers:detail", args=[ready_volunteer.pk])}"'
    client = client_for(alice)
    for query in ("Val Green", "green", "val@example"):
        assert link in found(client, query), query


def test_another_projects_manager_finds_nothing_not_even_a_count(
    client_for, charlie, family, ready_volunteer
):
    page = found(client_for(charlie), "doe")
    assert family.case_reference not in page and "Doe family" not in page
    assert "more" not in page
    assert page.count("None found.") == 3
    volunteer_page = reverse("volunteers:detail", args=[ready_volunteer.pk])
    assert volunteer_page not in found(client_for(charlie), "Val Green")


def test_social_workers_find_the_families_they_referred_and_no_volunteer(
    client_for, sam, sally, family, ready_volunteer
):
    page = found(client_for(sam), "doe")
    assert family.case_reference in page
    assert ">Volunteers</h2>" not in page
    volunteer_page = reverse("volunteers:detail", args=[ready_volunteer.pk])
    assert volunteer_page not in found(client_for(sam), "Val")
    assert family.case_reference not in found(client_for(sally), "doe")


@pytest.mark.parametrize("name", ["vera", "una"])
def test_volunteers_have_no_search(client_for, cast, name):
    assert client_for(cast[name]).get(SEARCH, {"q": "doe"}).status_code == 404


def test_the_words_around_a_name_are_not_searched_for_unless_alone():
    assert sought("the Carter family") == "Carter"
    assert sought("Carter household") == "Carter"
    assert sought("family") == "family"  # nothing else typed: searched as it is


def test_the_query_is_audited_not_the_results(client_for, alice, family):
    found(client_for(alice), "  Amy   Doe ")
    (event,) = AuditEvent.objects.filter(action="search")
    assert event.actor == alice and event.details == {"query": "Amy Doe"}


def test_a_query_too_short_is_not_run(client_for, alice, family):
    page = found(client_for(alice), "d")
    assert "Type at least two letters" in page and family.case_reference not in page
    assert not AuditEvent.objects.filter(action="search").exists()


@pytest.mark.parametrize("query", ["\x00doe", "doe\x00", "%", "_", "'; drop table", "d" * 500])
def test_no_query_however_malformed_fails(client_for, alice, family, query):
    found(client_for(alice), query)


def test_the_header_has_the_search_box_for_staff_and_social_workers(client_for, alice, sam, vera):
    for person in (alice, sam):
        page = client_for(person).get(reverse("vicp:home")).content.decode()
        assert f'action="{SEARCH}"' in page
    assert f'action="{SEARCH}"' not in client_for(vera).get(reverse("vicp:home")).content.decode()


def test_many_results_show_ten_a_kind_and_how_many_more(client_for, alice, cambridgeshire, sam):
    for _ in range(12):
        factories.AcceptedFamilyFactory(
            project=cambridgeshire, social_worker=sam, accepted_by=alice
        )
    page = found(client_for(alice), "doe")
    assert "And 2 more" in page


def test_a_misspelt_name_finds_the_family_on_postgresql(postgres, alice, cambridgeshire, sam):
    children = [{**factories.doe_children()[0], "first_name": "Jaydon", "last_name": "Smith"}]
    family = factories.AcceptedFamilyFactory(
        project=cambridgeshire,
        social_worker=sam,
        accepted_by=alice,
        family_name="Smith",
        children=children,
    )
    # Trigram similarity, not a substring: "Jayden" for Jaydon, "Smyth" for Smith.
    assert list(family_selectors.search_families(alice, "Jayden")) == [family]
    assert list(family_selectors.search_families(alice, "Smyth")) == [family]
    assert not family_selectors.search_families(alice, "Xylophone").exists()


def test_first_matches_counts_all_the_matches_in_the_same_query(
    alice, cambridgeshire, sam, django_assert_num_queries
):
    factories.AcceptedFamilyFactory.create_batch(
        3, project=cambridgeshire, social_worker=sam, accepted_by=alice
    )
    with django_assert_num_queries(1):
        head, more = first_matches(Family.objects.order_by("pk"), 2)
    assert (len(head), more) == (2, 1)
    assert first_matches(Family.objects.none(), 2) == ([], 0)


def test_the_matching_cases_are_read_by_id_once_found(db, alice, family):
    """On PostgreSQL the matches become an array the rows are then read by (`among`), so
    the planner fetches them by primary key rather than hash the whole table against a
    subquery; SQLite has no arrays and reads them through the subquery."""
    on_postgresql = connection.vendor == "postgresql"
    families = family_selectors.search_families(alice, "Doe")
    assert ('"families_family"."id" = ANY(ARRAY(' in str(families.query)) == on_postgresql
    assert list(families) == [family]
    referrals = referral_selectors.search_referrals(alice, "Doe")
    assert ('"referrals_referral"."id" = ANY(ARRAY(' in str(referrals.query)) == on_postgresql
    assert list(referrals) == [family.referral]


def test_the_planner_knows_what_a_similarity_costs_on_postgresql(postgres):
    """pg_trgm's operators say they cost what comparing two integers does; the migration
    says what they cost, so small tables are searched through their trigram index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, procost FROM pg_proc WHERE proname IN "
            "('similarity_op', 'word_similarity_op', 'word_similarity_commutator_op')"
        )
        costs = dict(cursor.fetchall())
    assert costs == {
        "similarity_op": 100,
        "word_similarity_op": 100,
        "word_similarity_commutator_op": 100,
    }
