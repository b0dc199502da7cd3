"""The one way ViCP writes a date, on pages, in emails, messages and PDFs: "1 Dec 2026";
"Tue 1 Dec 2026" where the day of the week matters; "1 Dec 2026 14:05" for a moment, in
Europe/London. CSV files write ISO 8601 instead (2026-12-01), for spreadsheets to read.

Templates use the filters of the same names (vicp/templatetags/vicp_dates.py, built in).
"""

import datetime

from django.utils import dateformat, timezone

DAY = "j M Y"
WEEKDAY = "D j M Y"
MOMENT = "j M Y H:i"
MOMENT_SECONDS = "j M Y H:i:s"


def _format(value, style):
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, style)


def day(value) -> str:
    return _format(value, DAY)


def weekday(value) -> str:
    return _format(value, WEEKDAY)


def moment(value) -> str:
    return _format(value, MOMENT)


def moment_seconds(value) -> str:
    return _format(value, MOMENT_SECONDS)
