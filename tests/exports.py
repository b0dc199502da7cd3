"""Reading a list's downloads in tests: a session that has just typed its password,
and a CSV or XLSX response as rows of text."""

import csv
import datetime
import io

import openpyxl
from django.utils import timezone

from vicp.reauth import SESSION_KEY


def confirmed(client):
    """`client`, as if its person had just typed their password again."""
    session = client.session
    session[SESSION_KEY] = int(timezone.now().timestamp())
    session.save()
    return client


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
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
