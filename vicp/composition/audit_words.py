"""What the composed pages and jobs record in the audit log, in words (see
vicp/audit_labels.py); registered by CompositionConfig.ready()."""

from vicp import audit_labels


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
    )
    audit_labels.register_actions(
        "Volunteers",
        {
            "retention.volunteer_anonymised": (
                "removed the volunteer's personal details (retention policy)"
            ),
        },
    )
    audit_labels.register_actions(
        "Searches, exports and refused access",
        {"search": "searched cases, referrals and volunteers"},
        viewing={"search"},
    )
