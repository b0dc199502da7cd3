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


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _day(value) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def day(value) -> str:
    """1 Dec 2026"""
    if value is None or value == "":
        return ""
    return _day(_local(value))


def weekday(value) -> str:
    """Tue 1 Dec 2026"""
    if value is None or value == "":
        return ""
    value = _local(value)
    return f"{WEEKDAYS[value.weekday()]} {_day(value)}"


def moment(value) -> str:
    """1 Dec 2026 14:05, in Europe/London"""
    if value is None or value == "":
        return ""
    value = _local(value)
    return f"{_day(value)} {value.hour:02d}:{value.minute:02d}"


def moment_seconds(value) -> str:
    """1 Dec 2026 14:05:09, in Europe/London"""
    if value is None or value == "":
        return ""
    value = _local(value)
    return f"{_day(value)} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"
