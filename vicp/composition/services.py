"""Services that work across apps."""

from django.core.exceptions import ValidationError
from django.db import transaction

from families.models import Family, SubjectAccessExport
from vicp import audit
from vicp.models import User
from vicp.permissions import manages

from . import tasks


@transaction.atomic
def request_subject_access_export(family: Family, *, by: User) -> SubjectAccessExport:
    """Queue the export of everything held about a family (JSON, PDF and a zip of both
    with the documents)."""
    if not manages(by, family.project):
        raise ValidationError("Only a manager of this family's project can do this.")
    export = SubjectAccessExport.objects.create(family=family, requested_by=by)
    audit.record("sar.requested", actor=by, obj=family, export=export.pk)
    transaction.on_commit(lambda: tasks.build_subject_access_export.delay(export.pk))
    return export
