"""Adding documents to records in tests, as the services do."""

import datetime

from django.utils import timezone

from referrals.models import Referral
from vicp.documents import services

from .document_files import upload


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def add(record, by, *, name="plan.pdf", content=None, **fields):
    arguments = {
        "title": "Child protection plan",
        "kind": "cp_plan",
        "about_on": yesterday(),
    } | fields
    return services.add_document(record, by=by, file=upload(name, content), **arguments)


def referral_document(family, by, **fields):
    """A document sent with the family's referral while it waited for a decision (an
    accepted referral takes no more)."""
    referral = family.referral
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.SUBMITTED)
    referral.refresh_from_db()
    document = add(referral, by, **fields)
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.ACCEPTED)
    return document


def form_data(name="plan.pdf", content=None, **fields):
    return {
        "document-file": upload(name, content),
        "document-title": "Child protection plan, Nov 2026",
        "document-kind": "cp_plan",
        "document-about_on": yesterday().isoformat(),
    } | {f"document-{key}": value for key, value in fields.items()}
