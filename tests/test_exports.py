"""A list's export: the same rows as CSV and XLSX, dates as dates, no cell a formula."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import PASSWORD, ProjectManagerFactory
from vicp.exports import FORMULA_STARTS, Column, csv_response, export_response, xlsx_response
from vicp.http import list_of_download
from vicp.models import AuditEvent

LONDON = ZoneInfo("Europe/London")
COLUMNS = [
    Column("name", lambda row: row["name"]),
    Column("visited on", lambda row: row["on"]),
    Column("logged at", lambda row: row["at"]),
    Column("miles", lambda row: row["miles"]),
    Column("contact made", lambda row: row["contact"]),
]
ROWS = [
    {
        "name": "Amira Khan",
        "on": datetime.date(2026, 3, 1),
        "at": datetime.datetime(2026, 7, 1, 9, 30, tzinfo=LONDON),
        "miles": Decimal("4.5"),
        "contact": True,
    },
    {"name": "Zoë Ørsted", "on": None, "at": None, "miles": None, "contact": False},
]


def csv_of(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    return body, list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def xlsx_of(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_csv_starts_with_the_byte_order_mark_excel_needs_for_utf8():
    body, _rows = csv_of(csv_response(ROWS, COLUMNS, "vicp-test"))
    assert body.startswith("\ufeffname,")
    assert "Zoë Ørsted" in body


def test_the_csv_writes_dates_and_moments_in_iso_8601():
    _body, rows = csv_of(csv_response(ROWS, COLUMNS, "vicp-test"))
    assert rows[0] == ["name", "visited on", "logged at", "miles", "contact made"]
    # A moment in London time to the second, with its offset: the time the XLSX shows.
    assert rows[1] == ["Amira Khan", "2026-03-01", "2026-07-01T09:30:00+01:00", "4.5", "yes"]
    assert rows[2] == ["Zoë Ørsted", "", "", "", "no"]


def test_the_xlsx_holds_real_dates_and_numbers():
    rows = xlsx_of(xlsx_response(ROWS, COLUMNS, "vicp-test", "Test"))
    assert rows[0] == ["name", "visited on", "logged at", "miles", "contact made"]
    name, visited_on, logged_at, miles, contact = rows[1]
    # openpyxl reads a date cell back as a moment with no time zone.
    assert visited_on == datetime.datetime(2026, 3, 1)  # noqa: DTZ001
    assert logged_at == datetime.datetime(2026, 7, 1, 9, 30)  # noqa: DTZ001  (London time)
    assert miles == 4.5
    assert (name, contact) == ("Amira Khan", "yes")
    assert rows[2] == ["Zoë Ørsted", None, None, None, "no"]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_formula_typed_anywhere_is_text_in_both_files(start):
    typed = f'{start}HYPERLINK("http://evil.example","x")'
    rows = [{**ROWS[0], "name": typed}]
    _body, csv_rows = csv_of(csv_response(rows, COLUMNS, "vicp-test"))
    assert csv_rows[1][0] == "'" + typed
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_response(rows, COLUMNS, "t", "T").content))
    cell = workbook.active["A2"]
    assert cell.data_type == "s"
    # XML keeps a carriage return as a line feed.
    assert cell.value == "'" + typed.replace("\r", "\n")


def test_the_xlsx_holds_the_same_rows_as_the_csv():
    _body, csv_rows = csv_of(csv_response(ROWS, COLUMNS, "vicp-test"))
    xlsx_rows = xlsx_of(xlsx_response(ROWS, COLUMNS, "vicp-test", "Test"))
    assert len(xlsx_rows) == len(csv_rows)
    assert [row[0] for row in xlsx_rows] == [row[0] for row in csv_rows]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_audited_with_its_filters_and_format(rf, fmt):
    request = rf.get("/x")
    request.user = ProjectManagerFactory()
    response = export_response(
        request,
        fmt=fmt,
        rows=ROWS,
        columns=COLUMNS,
        filename="vicp-test",
        title="Test",
        action="test.exported",
        filters={"status": "active"},
    )
    assert response["Content-Disposition"] == f'attachment; filename="vicp-test.{fmt}"'
    event = AuditEvent.objects.get(action="test.exported")
    assert event.actor == request.user
    assert event.details == {"format": fmt, "count": 2, "filters": {"status": "active"}}


def test_a_download_belongs_to_its_list_with_the_same_filters():
    assert list_of_download("/families/export.csv?status=closed") == "/families/?status=closed"
    assert list_of_download("/audit/export.xlsx") == "/audit/"
    assert list_of_download("/families/") is None
    assert list_of_download("/no/such/export.csv") is None


@pytest.mark.django_db
def test_the_password_page_of_a_download_leads_back_and_then_starts_it(client_for, alice):
    client = client_for(alice)
    download = "/families/export.csv?status=closed"
    confirm = reverse("vicp:confirm_password")
    page = client.get(confirm, {"next": download}).content.decode()
    assert 'href="/families/?status=closed">Cancel, back to the list</a>' in page
    started = client.post(confirm, {"password": PASSWORD, "next": download})
    assert started.status_code == 200
    body = started.content.decode()
    assert '<meta http-equiv="refresh" content="0;url=/families/export.csv?status=closed">' in body
    assert "Back to the list" in body
    assert client.post(confirm, {"password": PASSWORD, "next": "/"})["Location"] == "/"
