"""The one way ViCP writes a date, on pages, in emails, messages and PDFs: "1 Dec 2026";
"Tue 1 Dec 2026" where the day of the week matters; "1 Dec 2026 14:05" for a moment, in
Europe/London. CSV files write ISO 8601 instead (2026-12-01), for spreadsheets to read.

Templates use the filters of the same names (vicp/templatetags/vicp_dates.py, built in).
"""

import datetime

from django.utils import timezone

# Written out rather than looked up in the translations for each date: pages list dozens
# of dates, and ViCP writes them in English only.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _format(value, write) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return write(value)


def _day(value) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _time(value) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def day(value) -> str:
    """1 Dec 2026"""
    return _format(value, _day)


def weekday(value) -> str:
    """Tue 1 Dec 2026"""
    return _format(value, lambda value: f"{WEEKDAYS[value.weekday()]} {_day(value)}")


def moment(value) -> str:
    """1 Dec 2026 14:05, in Europe/London"""
    return _format(value, lambda value: f"{_day(value)} {_time(value)}")


def moment_seconds(value) -> str:
    """1 Dec 2026 14:05:09, in Europe/London"""
    return _format(value, lambda value: f"{_day(value)} {_time(value)}:{value.second:02d}")
