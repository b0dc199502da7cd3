"""Exports of a list: CSV and XLSX files that open safely in a spreadsheet.

A list describes its file as `Column`s; `export_response` writes the rows the list's
filters show as either format and audits the download with those filters. Every
CSV, here or elsewhere, writes through `csv_writer`.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from . import audit

# A spreadsheet reads a cell that starts with one of these as a formula, which can
# fetch a web address or run a command (OWASP: "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel reads a CSV as UTF-8 only when it starts with the byte order mark.
BOM = "\ufeff"


def safe_csv_cell(value):
    """`value` as a cell a spreadsheet shows as typed and never runs.

    Text that starts like a formula gets a leading single quote, which marks the
    cell as text. Numbers are never formulas, so they stay numbers (a negative
    amount still adds up); a number already turned into text is treated as text.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeCSVWriter:
    """`csv.writer`, with every cell passed through `safe_csv_cell`."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_csv_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file, **kwargs):
    return SafeCSVWriter(file, **kwargs)


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading and how to read its cell from a row.

    A cell is text, a number, a yes/no, a date, a moment or None (an empty cell).
    """

    header: str
    value: Callable[[Any], Any]


def iso(value: date | datetime | None) -> str:
    """A CSV's date: ISO 8601; a moment to the second in London time, with its offset
    (the time the XLSX and the pages show, and unambiguous to any reader)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _csv_cell(value):
    return iso(value) if isinstance(value, date) else value


class _Echo:
    def write(self, value):
        return value


def csv_response(rows: Iterable[Any], columns: list[Column], filename: str):
    writer = csv_writer(_Echo())

    def lines():
        yield BOM + writer.writerow([column.header for column in columns])
        for row in rows:
            yield writer.writerow([_csv_cell(column.value(row)) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        # A spreadsheet's moments have no time zone: they are written as London time.
        cell = WriteOnlyCell(sheet, timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = "d mmm yyyy hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "d mmm yyyy"
        return cell
    value = safe_csv_cell(value)
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        # openpyxl would store text that starts with "=" as a formula.
        cell.data_type = "s"
    return cell


def xlsx_response(rows: Iterable[Any], columns: list[Column], filename: str, title: str):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    headers = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font = bold
        cell.data_type = "s"
        headers.append(cell)
    sheet.append(headers)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, column.value(row)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(
    request,
    *,
    fmt: str,
    rows: Iterable[Any],
    columns: list[Column],
    filename: str,
    title: str,
    action: str,
    filters: dict[str, Any],
):
    """The rows as a CSV or XLSX download, audited as `action` with the filters used.

    The view decides who may export and asks for the password again first; `rows`
    are exactly what the list shows that person under `filters`.
    """
    rows = list(rows)
    audit.record(action, actor=request.user, format=fmt, count=len(rows), filters=filters)
    if fmt == "xlsx":
        return xlsx_response(rows, columns, filename, title)
    return csv_response(rows, columns, filename)


class ExportFormatConverter:
    """`<export:fmt>` in a URL: csv or xlsx, anything else a 404."""

    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
