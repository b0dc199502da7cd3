"""The documents a person may read, as the pages that list them and the document's own
page show them."""

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.urls import reverse

from vicp.models import Document, DocumentVersion, User
from vicp.permissions import audit_refusal

from . import holders
from .forms import DocumentForm
from .holders import Holder, Record


def readable(user: User, record: Record, holder: Holder | None = None) -> list[Document]:
    """The record's documents (not deleted) this person may read, the latest dated first:
    one query."""
    holder = holder or holders.of_record(record)
    documents = Document.objects.of(record).live().select_related("current", "added_by")
    return [document for document in documents if holder.may_read(user, record, document)]


@dataclass
class Panel:
    """What a record's page shows of its documents, and the form that adds one."""

    heading: str
    documents: list[Document]
    add_url: str | None = None
    form: DocumentForm | None = None
    empty: str = "No documents yet."
    notes: list[str] = field(default_factory=list)


def panel(user: User, record: Record, *, heading: str = "Documents", empty: str = "") -> Panel:
    holder = holders.of_record(record)
    result = Panel(heading, readable(user, record, holder), empty=empty or "No documents yet.")
    if holder.may_add(user, record):
        result.add_url = reverse("vicp:document_add", args=[holder.key, record.pk])
        result.form = add_form(user, record, holder)
    return result


def add_form(
    user: User, record: Record, holder: Holder, data: Any = None, files: Any = None
) -> DocumentForm:
    return DocumentForm(
        data,
        files,
        prefix="document",
        kinds=holder.kinds,
        may_share=holder.shares_with_volunteer and holder.may_manage(user, record),
    )


@dataclass(frozen=True)
class Readable:
    document: Document
    holder: Holder
    record: Record


def document_for_user(user: User, pk: int | str) -> Readable:
    """The document (not deleted) with its record, or a 404 (audited when the document
    exists) unless this person may read it."""
    document = (
        Document.objects.live()
        .select_related("current", "added_by", "project")
        .filter(pk=pk)
        .first()
    )
    if document is not None:
        holder = holders.of_document(document)
        record = holder.record_for(user, document.object_id)
        if record is not None and holder.may_read(user, record, document):
            return Readable(document, holder, record)
    audit_refusal(user, Document, pk, "project")
    raise Http404("No such document.")


def versions_of(document: Document) -> list[DocumentVersion]:
    return list(document.versions.select_related("uploaded_by"))
