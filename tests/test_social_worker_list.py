"""The social workers list: filters, sorting and its downloads."""

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from tests import factories
from tests.exports import as_csv_text, confirmed, csv_rows, xlsx_rows
from tests.test_list_queries import query_counts
from vicp.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = reverse("vicp:social_workers")


def export(fmt):
    return reverse("vicp:social_worker_export", args=[fmt])


@pytest.fixture
def invited(cambridgeshire):
    """Nadia, invited to Cambridgeshire, who has not set her password yet."""
    user = factories.SocialWorkerFactory(
        email="nadia@example.org",
        first_name="Nadia",
        last_name="Begum",
        organisation='=HYPERLINK("x")',
        password=None,
    )
    assign_perm("vicp.refer_to_project", user, cambridgeshire)
    return user


def listed(client, **filters):
    response = client.get(LIST, filters)
    assert response.status_code == 200
    return [user.email for user in response.context["page"]]


def test_filters_by_account_search_and_project(client_for, alice, sam, invited, cambridgeshire):
    client = client_for(alice)
    assert listed(client, account="invited") == [invited.email]
    assert listed(client, account="active") == [sam.email]
    assert listed(client, q="begum") == [invited.email]
    assert listed(client, q="begum", account="active") == []
    assert sorted(listed(client, project=cambridgeshire.pk)) == sorted([sam.email, invited.email])


def test_sorted_by_name_either_way(client_for, alice, sam, invited):
    client = client_for(alice)
    assert listed(client, sort="name") == [invited.email, sam.email]  # Begum, Shah
    assert listed(client, sort="-name") == [sam.email, invited.email]


def test_another_projects_manager_lists_and_exports_none_of_them(
    client_for, charlie, sam, sally, invited, cambridgeshire
):
    client = confirmed(client_for(charlie))
    assert listed(client) == [sally.email]
    assert listed(client, project=cambridgeshire.pk) == [sally.email]  # not a choice: ignored
    assert [row[2] for row in csv_rows(client.get(export("csv")))[1:]] == [sally.email]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("who", ["sam", "vera"])
def test_only_managers_export(client_for, cast, fmt, who):
    assert confirmed(client_for(cast[who])).get(export(fmt)).status_code == 404


def test_the_export_asks_for_the_password_again(client_for, alice):
    response = client_for(alice).get(export("xlsx"))
    assert response["Location"].startswith(reverse("vicp:confirm_password"))


def test_the_csv_and_xlsx_hold_the_same_rows_formulas_as_text(client_for, alice, sam, invited):
    client = confirmed(client_for(alice))
    csv_table = csv_rows(client.get(export("csv"), {"sort": "name"}))
    xlsx_table = xlsx_rows(client.get(export("xlsx"), {"sort": "name"}))
    assert [[as_csv_text(cell) for cell in row] for row in xlsx_table] == csv_table
    assert csv_table[1][:4] == ["Nadia", "Begum", invited.email, '\'=HYPERLINK("x")']
    assert csv_table[1][-1] == "Invited, password not set yet"
    assert AuditEvent.objects.filter(action="social_workers.exported").count() == 2


def test_the_list_issues_the_same_queries_for_2_or_50(
    client_for, alice, cambridgeshire, django_assert_max_num_queries
):
    def grow(total):
        while cambridgeshire.projectuserobjectpermission_set.count() < total:
            assign_perm("vicp.refer_to_project", factories.SocialWorkerFactory(), cambridgeshire)

    counts = query_counts(client_for(alice), LIST, grow, django_assert_max_num_queries)
    assert counts[0] == counts[1]
