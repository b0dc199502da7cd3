"""Reading a list's downloads in tests: a session that has just typed its password
(or the password typed on the page), and a CSV or XLSX response as rows of cells."""

import csv
import datetime
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from vicp.reauth import SESSION_KEY


def confirmed(client):
    """`client`, as if its person had just typed their password again."""
    session = client.session
    session[SESSION_KEY] = int(timezone.now().timestamp())
    session.save()
    return client


def confirm_password(client, next_url="/"):
    """The password typed on the "Confirm your password" page."""
    response = client.post(
        reverse("vicp:confirm_password"), {"password": PASSWORD, "next": next_url}
    )
    # Accepted: sent on, or (for a download) told that the download is starting.
    started = response.status_code == 200 and "download_url" in (response.context or {})
    assert response.status_code == 302 or started, "the password was refused"
    return response


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel reads UTF-8 only after the byte order mark"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_rows(response) -> list[list[object]]:
    assert response.status_code == 200, response.status_code
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def as_csv_text(value) -> str:
    """An XLSX cell as the CSV writes the same value (dates in ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # A date cell reads back as a moment at midnight.
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_csv(rows) -> list[list[str]]:
    """XLSX rows as the CSV writes the same cells (dates in ISO 8601, numbers as text)."""
    return [[as_csv_text(value) for value in row] for row in rows]


def both(client, url_name, query=None):
    """The CSV's rows and the XLSX's rows (read as the CSV writes them) of one export."""
    query = query or {}
    csv_part = csv_rows(client.get(reverse(url_name, args=["csv"]), query))
    xlsx_part = as_csv(xlsx_rows(client.get(reverse(url_name, args=["xlsx"]), query)))
    return csv_part, xlsx_part
