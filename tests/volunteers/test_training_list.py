"""The training sessions list: filters, sorting, attendance counts and its downloads."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.exports import as_csv, confirmed, csv_rows, xlsx_rows
from tests.test_list_queries import query_counts
from volunteers import services

pytestmark = pytest.mark.django_db

LIST = reverse("volunteers:training_list")


def export(fmt):
    return reverse("volunteers:training_export", args=[fmt])


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def sessions(cambridgeshire, southend, alice, applicant):
    made = {
        "initial": factories.TrainingSessionFactory(
            project=cambridgeshire, title="Initial, part 1", held_on=days_ago(10)
        ),
        "workshop": factories.TrainingSessionFactory(
            project=cambridgeshire,
            title="=Workshop on trauma",
            held_on=days_ago(3),
            kind="workshop",
        ),
        "southend": factories.TrainingSessionFactory(project=southend, title="Southend initial"),
    }
    services.record_training(applicant, session=made["initial"], hours=6, by=alice)
    return made


def listed(client, **filters):
    response = client.get(LIST, filters)
    assert response.status_code == 200
    return [session.title for session in response.context["page"]]


def test_newest_first_of_the_managers_projects_only(client_for, alice, charlie, sessions):
    assert listed(client_for(alice)) == ["=Workshop on trauma", "Initial, part 1"]
    assert listed(client_for(charlie)) == ["Southend initial"]


def test_filters_combine(client_for, alice, sessions):
    client = client_for(alice)
    assert listed(client, kind="workshop") == ["=Workshop on trauma"]
    assert listed(client, q="initial") == ["Initial, part 1"]
    assert listed(client, held_to=days_ago(10).isoformat()) == ["Initial, part 1"]
    assert listed(client, held_from=days_ago(9).isoformat(), kind="initial") == []


def test_sorted_by_attendance(client_for, alice, sessions):
    assert listed(client_for(alice), sort="-attended") == ["Initial, part 1", "=Workshop on trauma"]


def test_an_end_before_the_start_is_explained(client_for, alice, sessions):
    response = client_for(alice).get(
        LIST, {"held_from": days_ago(1).isoformat(), "held_to": days_ago(5).isoformat()}
    )
    assert "The end date is before the start date." in response.content.decode()


@pytest.mark.parametrize("who", ["sam", "vera"])
def test_others_get_404(client_for, cast, sessions, who):
    client = confirmed(client_for(cast[who]))
    assert client.get(LIST).status_code == 404
    assert client.get(export("csv")).status_code == 404


def test_the_export_asks_for_the_password_again(client_for, alice, sessions):
    assert (
        client_for(alice)
        .get(export("csv"))["Location"]
        .startswith(reverse("vicp:confirm_password"))
    )


def test_csv_and_xlsx_hold_the_same_rows_and_formulas_are_text(client_for, alice, sessions):
    client = confirmed(client_for(alice))
    csv_table = csv_rows(client.get(export("csv")))
    assert csv_table[0] == ["title", "date", "hours", "kind", "project", "attended"]
    assert csv_table[1][0] == "'=Workshop on trauma"
    assert csv_table[2][-1] == "1"
    xlsx_table = as_csv(xlsx_rows(client.get(export("xlsx"))))
    # Hours are the number 6.0: "6.0" in the CSV, 6 in the spreadsheet.
    for row in csv_table[1:]:
        row[2] = str(int(float(row[2])))
    assert xlsx_table == csv_table


def test_another_projects_manager_exports_none_of_these(client_for, charlie, sessions):
    rows = csv_rows(confirmed(client_for(charlie)).get(export("csv")))
    assert [row[0] for row in rows[1:]] == ["Southend initial"]


def test_the_list_issues_the_same_queries_for_2_or_50(
    client_for, alice, cambridgeshire, django_assert_max_num_queries
):
    def grow(total):
        factories.TrainingSessionFactory.create_batch(
            total - cambridgeshire.training_sessions.count(), project=cambridgeshire
        )

    counts = query_counts(client_for(alice), LIST, grow, django_assert_max_num_queries)
    assert counts[0] == counts[1]
