"""Reading a list's exports in tests: the password typed again, then the CSV or the XLSX
as rows of cells."""

import csv
import datetime
import io

import openpyxl
from django.urls import reverse

from tests.factories import PASSWORD


def confirm_password(client, next_url="/"):
    response = client.post(
        reverse("vicp:confirm_password"), {"password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302, "the password was refused"


def csv_rows(response):
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def xlsx_rows(response):
    assert response.status_code == 200, response.status_code
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _as_csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # A date cell reads back as a moment at midnight.
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    return str(value)


def as_csv(rows):
    """XLSX rows as the CSV writes the same cells (dates in ISO 8601, numbers as text)."""
    return [[_as_csv_cell(value) for value in row] for row in rows]


def both(client, url_name, query=None):
    """The CSV's rows and the XLSX's rows (read as the CSV writes them) of one export."""
    query = query or {}
    csv_part = csv_rows(client.get(reverse(url_name, args=["csv"]), query))
    xlsx_part = as_csv(xlsx_rows(client.get(reverse(url_name, args=["xlsx"]), query)))
    return csv_part, xlsx_part
