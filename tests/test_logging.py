"""Personal data never reaches the logs or error reports."""

import logging
import sys

import pytest
from django.test import RequestFactory

from vicp.log_privacy import NoPersonalDataReporterFilter, RedactPersonalData, redact


@pytest.mark.parametrize(
    "text",
    [
        "invited nadia.begum@cambs.example.gov.uk",
        "DBS 001234567890 recorded",
        "call 07700 900123",
        "call +44 1223 456789",
        "family at CB1 2AB",
        "family at cb12ab",
    ],
)
def test_it_masks_what_identifies_a_person(text):
    assert "[redacted]" in redact(text)


def test_it_leaves_ordinary_text_and_ids_alone():
    text = "GET /families/42/ 200 in 35 ms (case CAM-2026-0042)"
    assert redact(text) == text


def test_the_log_filter_rewrites_the_record():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "invited %s", ("a@b.org",), None)
    RedactPersonalData().filter(record)
    assert record.getMessage() == "invited [redacted]"


def test_error_reports_hide_form_values_and_variables():
    request = RequestFactory().post("/", {"notes": "Child disclosed ...", "name": "Ann"})
    reporter = NoPersonalDataReporterFilter()
    assert set(reporter.get_post_parameters(request).values()) == {reporter.cleansed_substitute}
    try:
        secret = "Ann Smith"  # noqa: F841
        raise ValueError("boom")
    except ValueError:
        frame = sys.exc_info()[2].tb_frame
    variables = reporter.get_traceback_frame_variables(request, frame)
    assert "Ann Smith" not in str(variables)


def test_settings_use_them(settings):
    assert (
        settings.DEFAULT_EXCEPTION_REPORTER_FILTER
        == "vicp.log_privacy.NoPersonalDataReporterFilter"
    )
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["redact"]
