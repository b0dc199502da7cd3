"""The list of reports, filtered by kind, state and when they were asked for, sorted by that
date and downloaded (what the list shows of each, never what a report holds)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Report
from tests.exports import confirmed, csv_rows, xlsx_rows
from vicp.models import AuditEvent

from .test_report_state import as_status
from .test_report_views import closure, impact

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
LIST = reverse("outcomes:report_list")


def export_url(fmt, query=""):
    return reverse("outcomes:report_export", args=[fmt]) + (f"?{query}" if query else "")


def moment(days_ago):
    return timezone.now() - datetime.timedelta(days=days_ago)


@pytest.fixture
def reports(alice, charlie, family, cambridgeshire, southend):
    """Cambridgeshire's: an impact report ready (asked for 10 days ago), a case closure
    report being prepared (3 days ago), an impact report that failed (1 day ago); and a
    Southend report."""
    return {
        "ready": as_status(
            impact(alice, cambridgeshire), "done", days_ago=10, file="reports/1/impact-1.pdf"
        ),
        "preparing": as_status(
            closure(alice, family), "queued", days_ago=3, attempts=0, finished=False
        ),
        "failed": as_status(impact(alice, cambridgeshire), "failed", days_ago=1),
        "southend": as_status(
            impact(charlie, southend), "done", days_ago=2, file="reports/9/x.pdf"
        ),
    }


def listed(client, query=""):
    response = client.get(LIST + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return [report.pk for report in response.context["page"].object_list]


# --- Filters and sorting ----------------------------------------------------------------------


def test_each_filter(client_for, alice, reports):
    client = client_for(alice)
    ready, preparing, failed = (reports[k].pk for k in ("ready", "preparing", "failed"))
    assert listed(client) == [failed, preparing, ready]  # newest first
    assert listed(client, "kind=impact") == [failed, ready]
    assert listed(client, "kind=case_closure") == [preparing]
    assert listed(client, "status=ready") == [ready]
    assert listed(client, "status=preparing") == [preparing]
    assert listed(client, "status=failed") == [failed]
    since = timezone.localdate() - datetime.timedelta(days=3)
    assert listed(client, f"requested_from={since:%Y-%m-%d}") == [failed, preparing]
    assert listed(client, f"requested_to={since:%Y-%m-%d}") == [preparing, ready]


def test_being_prepared_is_queued_running_or_tried_again(client_for, alice, reports):
    as_status(reports["preparing"], "running", attempts=2, finished=False)
    assert listed(client_for(alice), "status=preparing") == [reports["preparing"].pk]
    assert Report.statuses_shown_as("preparing") == ["queued", "running"]


def test_the_filters_combine(client_for, alice, reports):
    client = client_for(alice)
    since = timezone.localdate() - datetime.timedelta(days=5)
    assert listed(client, f"kind=impact&requested_from={since:%Y-%m-%d}") == [reports["failed"].pk]
    assert listed(client, "kind=impact&status=preparing") == []
    assert listed(client, f"status=ready&requested_from={since:%Y-%m-%d}") == []


def test_sorting_by_when_it_was_asked_for(client_for, alice, reports):
    client = client_for(alice)
    ready, preparing, failed = (reports[k].pk for k in ("ready", "preparing", "failed"))
    assert listed(client, "sort=requested") == [ready, preparing, failed]
    assert listed(client, "sort=-requested") == [failed, preparing, ready]
    html = client.get(LIST + "?kind=impact&sort=requested").content.decode()
    assert 'aria-sort="ascending"' in html
    assert 'href="?kind=impact&amp;sort=-requested"' in html
    assert f'href="{export_url("csv", "kind=impact&amp;sort=requested")}"' in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("requested_from=2026-02-30", "requested_from"),
        ("requested_from=2026-05-02&requested_to=2026-05-01", "requested_to"),
        ("status=queued", "status"),
        ("kind=everything", "kind"),
    ],
)
def test_a_bad_filter_is_explained_beside_its_field(client_for, alice, reports, query, field):
    response = client_for(alice).get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert response.context["filter"].errors[field]
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert len(response.context["page"].object_list) == 3


# --- Downloads --------------------------------------------------------------------------------


def test_the_downloads_need_the_password_again(client_for, alice, reports):
    client = client_for(alice)
    for fmt in ("csv", "xlsx"):
        response = client.get(export_url(fmt))
        assert response["Location"].startswith(reverse("vicp:confirm_password"))
    assert not AuditEvent.objects.filter(action="reports.exported").exists()


def test_the_downloads_hold_the_lists_rows_as_its_filters_show_them(
    client_for, alice, reports, family
):
    client = confirmed(client_for(alice))
    query = "sort=requested"
    rows = csv_rows(client.get(export_url("csv", query)))
    assert rows[0] == [
        "report id", "kind", "about", "project", "period from", "period to", "status",
        "asked for at", "asked for by", "finished at",
    ]  # fmt: skip
    assert [int(row[0]) for row in rows[1:]] == listed(client, query)
    ready = reports["ready"]
    assert rows[1][:7] == [
        str(ready.pk), "Programme impact report", "Cambridgeshire", "CAM",
        ready.parameters["start"], ready.parameters["end"], "Ready",
    ]  # fmt: skip
    assert rows[1][8] == "Alice Archer" and rows[1][9]
    assert rows[2][2] == family.case_reference and rows[2][6] == "Being prepared"
    assert rows[2][9] == ""  # not finished
    xlsx = xlsx_rows(client.get(export_url("xlsx", query)))
    assert len(xlsx) == len(rows)
    assert [row[0] for row in xlsx[1:]] == [int(row[0]) for row in rows[1:]]
    assert xlsx[1][4] == datetime.datetime.fromisoformat(ready.parameters["start"])
    assert [row[6] for row in xlsx[1:]] == ["Ready", "Being prepared", "Failed"]

    rows = csv_rows(client.get(export_url("csv", "status=failed")))
    assert [int(row[0]) for row in rows[1:]] == [reports["failed"].pk]
    event = AuditEvent.objects.filter(action="reports.exported").order_by("-pk").first()
    assert (event.actor, event.details["count"], event.details["filters"]) == (
        alice,
        1,
        {"status": "failed"},
    )


def test_the_manager_of_another_project_sees_none_listed_or_exported(client_for, charlie, reports):
    client = confirmed(client_for(charlie))
    theirs = reports["southend"].pk
    assert listed(client) == [theirs]
    assert [int(row[0]) for row in csv_rows(client.get(export_url("csv")))[1:]] == [theirs]
    assert [row[0] for row in xlsx_rows(client.get(export_url("xlsx")))[1:]] == [theirs]


@pytest.mark.parametrize("who", ["sam", "sally", "vera"])
def test_volunteers_and_social_workers_get_404_for_the_exports(client_for, cast, reports, who):
    client = confirmed(client_for(cast[who]))
    for fmt in ("csv", "xlsx"):
        assert client.get(export_url(fmt)).status_code == 404
    html = client.get(LIST).content.decode()
    assert "Download CSV" not in html  # and the list offers none
    assert not AuditEvent.objects.filter(action="reports.exported").exists()


def test_the_referring_social_worker_still_lists_and_filters_the_closure_report(
    client_for, sam, reports
):
    client = client_for(sam)
    assert listed(client) == [reports["preparing"].pk]
    assert listed(client, "status=ready") == []
