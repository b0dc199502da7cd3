"""CSV files that open safely in a spreadsheet. Every CSV export writes through `csv_writer`."""

import csv
from decimal import Decimal

# A spreadsheet reads a cell that starts with one of these as a formula, which can
# fetch a web address or run a command (OWASP: "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_cell(value):
    """`value` as a cell a spreadsheet shows as typed and never runs.

    Text that starts like a formula gets a leading single quote, which marks the
    cell as text. Numbers are never formulas, so they stay numbers (a negative
    amount still adds up); a number already turned into text is treated as text.
    """
    if value is None:
        return ""
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
