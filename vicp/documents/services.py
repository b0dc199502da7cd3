"""Adding, replacing, sharing and deleting documents: each checks who may, through the
record's Holder, and is audited. A file is checked (type from its content, size) and,
when ClamAV is configured, scanned before anything is stored."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from vicp import audit
from vicp.models import Document, DocumentVersion, Project, User

from . import clamav, files, holders
from .holders import Holder, Record

TITLE_MAX = 200


def _file_problem(problem: str) -> ValidationError:
    return ValidationError({"file": [problem]})


def _checked(file: UploadedFile | None) -> tuple[UploadedFile, files.CheckedFile]:
    if file is None:
        raise _file_problem("Choose the file to upload.")
    try:
        return file, files.check(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error


def _scan(
    file: UploadedFile, checked: files.CheckedFile, *, by: User, holder: Holder, record: Record
) -> bool:
    """Whether the file was scanned (False: no scanner is configured). Refuses a file
    that holds a virus, or any file while the configured scanner cannot be reached."""
    if not clamav.configured():
        return False
    file.seek(0)
    try:
        verdict = clamav.scan(file)
    except clamav.ScannerUnavailable:
        raise _file_problem(
            "The virus scanner could not be reached, so the file was not stored. "
            "Try again in a few minutes; if it goes on, tell the administrator."
        ) from None
    finally:
        file.seek(0)
    if not verdict.clean:
        # Kept even though the request's writes are undone: someone uploaded a virus.
        audit.record_even_if_rolled_back(
            "document.virus_refused",
            actor=by,
            project=holder.project_of(record),
            object_type=holder.model._meta.label_lower,
            object_id=str(record.pk),
            signature=verdict.signature,
            sha256=checked.sha256,
        )
        raise _file_problem(
            f"The virus scanner found {verdict.signature} in this file, so it was not "
            "stored. Do not open the file again; tell the administrator where it came from."
        )
    return True


def _check_details(
    holder: Holder, *, title: str, kind: str, about_on: datetime.date | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Give the document a title, such as “Child protection plan, Nov 2026”."]
    elif len(title.strip()) > TITLE_MAX:
        errors["title"] = [f"Keep the title to {TITLE_MAX} characters or fewer."]
    if kind not in holder.kinds:
        errors["kind"] = ["Choose what kind of document it is."]
    if about_on is None:
        errors["about_on"] = ["Give the date the document is about (its date, or the meeting's)."]
    elif about_on > timezone.localdate():
        errors["about_on"] = ["The date it is about cannot be in the future."]
    return errors


def _store(
    document: Document,
    file: UploadedFile,
    checked: files.CheckedFile,
    *,
    number: int,
    by: User,
    scanned: bool,
    note: str = "",
) -> DocumentVersion:
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=(file.name or "")[:255],
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
        sha256=checked.sha256,
        scanned=scanned,
        note=note,
        uploaded_by=by,
    )
    version.file.save("upload", file, save=False)
    # A file whose row is never written (the transaction rolls back) is removed again.
    stored = version.file.name

    def remove_if_unsaved() -> None:
        if not DocumentVersion.objects.filter(file=stored).exists():
            version.file.storage.delete(stored)

    try:
        version.save()
    except Exception:
        remove_if_unsaved()
        raise
    return version


def add_document(
    record: Record,
    *,
    by: User,
    file: UploadedFile | None,
    title: str,
    kind: str,
    about_on: datetime.date | None,
    shared_with_volunteer: bool = False,
) -> Document:
    holder = holders.of_record(record)
    if not holder.may_add(by, record):
        raise ValidationError(f"You cannot add documents to {holder.name_of(record)}.")
    errors = _check_details(holder, title=title, kind=kind, about_on=about_on)
    if shared_with_volunteer and not (
        holder.shares_with_volunteer and holder.may_manage(by, record)
    ):
        errors["shared_with_volunteer"] = [
            "Only the project's managers share documents with the volunteer."
        ]
    upload: tuple[UploadedFile, files.CheckedFile] | None = None
    try:
        upload = _checked(file)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors or upload is None or about_on is None:
        raise ValidationError(errors)
    file, checked = upload
    # Scanned before the transaction: a refused virus is audited even as nothing is kept.
    scanned = _scan(file, checked, by=by, holder=holder, record=record)
    with transaction.atomic():
        # The record as it is now, locked: one accepted, closed or anonymised since it
        # was read takes no document that it would refuse.
        record = holder.model._default_manager.select_for_update().get(pk=record.pk)
        if not holder.may_add(by, record):
            raise ValidationError(f"You cannot add documents to {holder.name_of(record)}.")
        return _write_document(
            record,
            holder,
            by=by,
            file=file,
            checked=checked,
            scanned=scanned,
            title=title,
            kind=kind,
            about_on=about_on,
            shared_with_volunteer=shared_with_volunteer,
        )


def _write_document(
    record: Record,
    holder: Holder,
    *,
    by: User,
    file: UploadedFile,
    checked: files.CheckedFile,
    scanned: bool,
    title: str,
    kind: str,
    about_on: datetime.date,
    shared_with_volunteer: bool,
) -> Document:
    project = holder.project_of(record)
    document = Document.objects.create(
        record=record,
        project=project,
        title=title.strip(),
        kind=kind,
        about_on=about_on,
        shared_with_volunteer=shared_with_volunteer,
        added_by=by,
    )
    document.current = _store(document, file, checked, number=1, by=by, scanned=scanned)
    document.save(update_fields=["current"])
    audit.record(
        "document.added",
        actor=by,
        obj=document,
        project=project,
        kind=kind,
        record=holder.key,
        record_id=record.pk,
        size=checked.size,
        scanned=scanned,
        shared_with_volunteer=shared_with_volunteer,
    )
    return document


def may_replace(user: User, document: Document, record: Record) -> bool:
    """A document's file is replaced by the record's managers, or by whoever added it
    while they may still add documents to the record."""
    holder = holders.of_document(document)
    return holder.may_manage(user, record) or (
        document.added_by_id == user.pk and holder.may_add(user, record)
    )


def replace_document(
    document: Document, *, by: User, file: UploadedFile | None, note: str = ""
) -> DocumentVersion:
    """A new version of the document's file; the earlier ones are kept."""
    holder = holders.of_document(document)
    record = document.record
    if document.deleted_at is not None or not may_replace(by, document, record):
        raise ValidationError(
            "Only the record's managers, or whoever added it, replace a document."
        )
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": ["Say why in 500 characters or fewer."]})
    file, checked = _checked(file)
    scanned = _scan(file, checked, by=by, holder=holder, record=record)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.deleted_at is not None:
            raise ValidationError("The document was deleted meanwhile.")
        number = (
            document.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = _store(document, file, checked, number=number, by=by, scanned=scanned, note=note)
        document.current = version
        document.save(update_fields=["current"])
        audit.record(
            "document.replaced",
            actor=by,
            obj=document,
            project=document.project,
            version=number,
            size=checked.size,
            scanned=scanned,
        )
    return version


@transaction.atomic
def set_shared_with_volunteer(document: Document, *, by: User, shared: bool) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk, deleted_at=None)
    holder = holders.of_document(document)
    if not (holder.shares_with_volunteer and holder.may_manage(by, document.record)):
        raise ValidationError(
            "Only the project's managers share a case's documents with its volunteer."
        )
    if document.shared_with_volunteer != shared:
        document.shared_with_volunteer = shared
        document.save(update_fields=["shared_with_volunteer"])
        audit.record(
            "document.shared" if shared else "document.unshared",
            actor=by,
            obj=document,
            project=document.project,
        )
    return document


@transaction.atomic
def delete_document(document: Document, *, by: User, reason: str) -> Document:
    """Leaves every list; the document and its versions are kept, with who deleted it and
    why, until retention removes the record they belong to."""
    document = Document.objects.select_for_update().get(pk=document.pk, deleted_at=None)
    holder = holders.of_document(document)
    if not holder.may_manage(by, document.record):
        raise ValidationError("Only the project's managers delete a document.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the document is being deleted."]})
    document.deleted_at, document.deleted_by, document.deletion_reason = timezone.now(), by, reason
    document.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
    # The reason is kept on the document, which retention removes; the log keeps no free text.
    audit.record("document.deleted", actor=by, obj=document, project=document.project)
    return document


def move_to_project(record: Record, project: Project) -> None:
    """A record that moves project takes its documents with it."""
    Document.objects.of(record).update(project=project)


def erase_documents_of(record: Record) -> int:
    """Remove every document of `record` and its files, deleted ones too (retention).
    Returns how many documents there were."""
    documents = list(Document.objects.of(record).prefetch_related("versions"))
    names = [version.file.name for document in documents for version in document.versions.all()]
    storage = DocumentVersion._meta.get_field("file").storage
    for document in documents:
        document.current = None
        document.save(update_fields=["current"])
        document.delete()

    def delete_files() -> None:
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete_files)
    return len(documents)
