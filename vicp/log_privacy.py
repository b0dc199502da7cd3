"""Keep personal data out of logs and error reports.

Logs travel further than the database (log shippers, support tickets), so
anything that looks like an email address, a phone number, a UK postcode or a
DBS certificate number is masked before a line is written; error reports never
carry the values of form fields or of a failing function's variables.
"""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

MASK = "[redacted]"
PATTERNS = [
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # email addresses
    re.compile(r"\b\d{12}\b"),  # DBS certificate numbers
    re.compile(r"(?<!\d)(\+44\s?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"),  # UK phones
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),  # UK postcodes
]


def redact(text):
    for pattern in PATTERNS:
        text = pattern.sub(MASK, text)
    return text


class RedactPersonalData(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class NoPersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports without form values or local variables (they hold case data)."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [("(variables hidden)", self.cleansed_substitute)]
