"""What the composed pages and jobs record in the audit log, in words (see
vicp/audit_labels.py); registered by CompositionConfig.ready()."""

from vicp import audit_labels


def _documents_removed(details):
    count = details.get("documents_removed")
    if not isinstance(count, int) or count == 0:
        return ""
    return f"{count} document{'' if count == 1 else 's'}"


def _family_anonymised(details):
    documents = _documents_removed(details)
    return documents and (
        f"removed the family's personal details and {documents} (retention policy)"
    )


def _volunteer_anonymised(details):
    documents = _documents_removed(details)
    return documents and (
        f"removed the volunteer's personal details and {documents} (retention policy)"
    )


def _sar_downloaded(details):
    words = {"pdf": "the PDF", "json": "the JSON", "zip": "the zip"}.get(details.get("kind"))
    return words and f"downloaded a subject access export ({words})"


def register() -> None:
    audit_labels.register_actions(
        "Family cases",
        {
            "family.viewed": "viewed the family page",
            "sar.requested": "asked for a subject access export",
            "sar.downloaded": "downloaded a subject access export",
            "retention.family_anonymised": (
                "removed the family's personal details (retention policy)"
            ),
        },
        viewing={"family.viewed"},
        detailed={
            "retention.family_anonymised": _family_anonymised,
            "sar.downloaded": _sar_downloaded,
        },
    )
    audit_labels.register_actions(
        "Volunteers",
        {
            "retention.volunteer_anonymised": (
                "removed the volunteer's personal details (retention policy)"
            ),
        },
        detailed={"retention.volunteer_anonymised": _volunteer_anonymised},
    )
    audit_labels.register_actions(
        "Searches, exports and refused access",
        {"search": "searched cases, referrals and volunteers"},
        viewing={"search"},
    )
