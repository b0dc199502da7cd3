"""The mileage claims list: unpaid claims by default (where they are paid), filtered by
volunteer, project, visit date and whether paid, sorted, and downloaded as CSV or XLSX of
exactly what the filters show, amounts as numbers."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from families import services
from tests.exports import confirmed
from vicp import dates
from vicp.models import AuditEvent

from .test_mileage import csv_rows, xlsx_rows
from .test_visit_list import other_match

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
CLAIMS = reverse("families:claims")


def export_url(fmt, query=""):
    return reverse("families:claims_export", args=[fmt]) + (f"?{query}" if query else "")


def day(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def log(match, days_ago, miles):
    return services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=day(days_ago),
        duration_minutes=60,
        engagement=3,
        miles=miles,
    )


@pytest.fixture
def claims(match, alice, charlie, southend):
    """Val (Green): 10 miles 2 days ago, 4 miles 9 days ago (paid); Bob Brown, of the same
    project: 7 miles 5 days ago; a Southend claim."""
    bob = other_match(match.family.project, alice, first_name="Bob", last_name="Brown")
    made = {
        "recent": log(match, 2, 10),
        "paid": log(match, 9, 4),
        "bob": log(bob, 5, 7),
        "southend": log(other_match(southend, charlie, first_name="Sue"), 3, 20),
    }
    services.mark_claims_paid([made["paid"]], by=alice)
    return made


def listed(client, query=""):
    response = client.get(CLAIMS + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return [claim.pk for claim in response.context["claims"]]


def test_unpaid_claims_are_listed_unless_asked_otherwise(client_for, alice, claims):
    client = client_for(alice)
    recent, paid, bob = claims["recent"].pk, claims["paid"].pk, claims["bob"].pk
    page = client.get(CLAIMS)
    assert [claim.pk for claim in page.context["claims"]] == [bob, recent]  # Brown, Green
    assert page.context["total_pence"] == 17 * 45
    assert "2 unpaid claims, £7.65 in all" in page.content.decode()
    assert listed(client, "paid=yes") == [paid]
    assert listed(client, "paid=any") == [bob, paid, recent]
    html = client.get(CLAIMS + "?paid=yes").content.decode()
    assert f"Paid {dates.day(timezone.localdate())}" in html  # when it was paid
    assert "Mark the ticked claims paid" not in html  # nothing left to pay here


def test_each_filter(client_for, alice, claims, cambridgeshire):
    client = client_for(alice)
    recent, paid, bob = claims["recent"].pk, claims["paid"].pk, claims["bob"].pk
    val = claims["recent"].match.volunteer_id
    assert listed(client, f"volunteer={val}") == [recent]
    assert listed(client, f"project={cambridgeshire.pk}") == [bob, recent]
    assert listed(client, f"visited_from={day(3):%Y-%m-%d}") == [recent]
    assert listed(client, f"visited_to={day(3):%Y-%m-%d}") == [bob]
    assert listed(client, f"paid=any&visited_to={day(3):%Y-%m-%d}") == [bob, paid]


def test_the_filters_combine_and_the_total_is_of_what_they_show(client_for, alice, claims):
    client = client_for(alice)
    val = claims["recent"].match.volunteer_id
    week = f"visited_from={day(10):%Y-%m-%d}&visited_to={day(4):%Y-%m-%d}"
    assert listed(client, f"paid=any&volunteer={val}&{week}") == [claims["paid"].pk]
    assert listed(client, f"volunteer={val}&{week}") == []  # Val's claim then is paid
    page = client.get(f"{CLAIMS}?paid=any&{week}")
    assert page.context["total_pence"] == (4 + 7) * 45


def test_sorting(client_for, alice, claims):
    client = client_for(alice)
    recent, paid, bob = claims["recent"].pk, claims["paid"].pk, claims["bob"].pk
    assert listed(client, "paid=any&sort=date") == [paid, bob, recent]
    assert listed(client, "paid=any&sort=-date") == [recent, bob, paid]
    assert listed(client, "paid=any&sort=-miles") == [recent, bob, paid]
    assert listed(client, "paid=any&sort=-volunteer") == [paid, recent, bob]  # oldest first


def test_paying_keeps_the_filters(client_for, alice, claims):
    client = client_for(alice)
    query = f"volunteer={claims['bob'].match.volunteer_id}&sort=date"
    html = client.get(f"{CLAIMS}?{query}").content.decode()
    assert f'action="{CLAIMS}?{query.replace("&", "&amp;")}"' in html
    response = client.post(f"{CLAIMS}?{query}", {"claim": [claims["bob"].pk]})
    assert response["Location"] == f"{CLAIMS}?{query}"
    claims["bob"].refresh_from_db()
    assert claims["bob"].claim_paid_by == alice


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("visited_to=2026-13-01", "visited_to", "Enter a valid date."),
        ("visited_from=2026-05-02&visited_to=2026-05-01", "visited_to", "The end date is before"),
        ("paid=perhaps", "paid", "Select a valid choice."),
    ],
)
def test_a_bad_filter_is_explained_beside_its_field(
    client_for, alice, claims, query, field, message
):
    response = client_for(alice).get(f"{CLAIMS}?{query}")
    assert response.status_code == 200
    assert any(message in error for error in response.context["filter"].errors[field])
    assert f'id="error_1_id_{field}"' in response.content.decode()


def test_the_downloads_hold_what_the_filters_show_with_amounts_as_numbers(
    client_for, alice, claims
):
    client = confirmed(client_for(alice))
    query = "paid=any&sort=date"
    rows = csv_rows(client.get(export_url("csv", query)))
    assert rows[0] == [
        "volunteer", "email", "project", "visit date", "miles", "amount (GBP)", "visit id",
        "paid at",
    ]  # fmt: skip
    assert [int(row[6]) for row in rows[1:]] == listed(client, query)
    paid = claims["paid"]
    paid.refresh_from_db()
    assert rows[1][:7] == [
        "Val Green", "val@example.org", "CAM", paid.visited_on.isoformat(), "4", "1.80",
        str(paid.pk),
    ]  # fmt: skip
    assert datetime.datetime.fromisoformat(rows[1][7]) == paid.claim_paid_at.replace(microsecond=0)
    assert rows[2][7] == ""  # not paid yet
    xlsx = xlsx_rows(client.get(export_url("xlsx", query)))
    assert len(xlsx) == len(rows)
    assert [row[6] for row in xlsx[1:]] == [int(row[6]) for row in rows[1:]]
    assert xlsx[1][4:6] == [4, 1.8] and isinstance(xlsx[1][5], float)
    assert sum(Decimal(row[5]) for row in rows[1:]) == Decimal("9.45")
    event = AuditEvent.objects.filter(action="claims.exported").order_by("pk").first()
    assert event.details == {
        "format": "csv",
        "count": 3,
        "filters": {"paid": "any", "sort": "date"},
    }


def test_the_download_of_the_default_list_is_of_the_unpaid_claims(client_for, alice, claims):
    client = confirmed(client_for(alice))
    rows = csv_rows(client.get(export_url("csv")))
    assert sorted(int(row[6]) for row in rows[1:]) == sorted(
        [claims["recent"].pk, claims["bob"].pk]
    )


def test_the_manager_of_another_project_sees_none_listed_or_exported(client_for, charlie, claims):
    client = confirmed(client_for(charlie))
    southend = claims["southend"].pk
    assert listed(client, "paid=any") == [southend]
    assert [int(row[6]) for row in csv_rows(client.get(export_url("csv", "paid=any")))[1:]] == [
        southend
    ]
    assert [row[6] for row in xlsx_rows(client.get(export_url("xlsx", "paid=any")))[1:]] == [
        southend
    ]


@pytest.mark.parametrize("who", ["sam", "sally", "vera", "matched"])
def test_volunteers_and_social_workers_get_404_for_the_list_and_its_exports(
    client_for, cast, claims, who
):
    user = claims["recent"].match.volunteer.user if who == "matched" else cast[who]
    client = confirmed(client_for(user))
    for url in (CLAIMS, export_url("csv"), export_url("xlsx")):
        assert client.get(url).status_code == 404, url
    assert client.post(CLAIMS, {"claim": [claims["recent"].pk]}).status_code == 404
    assert not AuditEvent.objects.filter(action="claims.exported").exists()
