"""Which records hold documents, and who may read and add them: each app registers a
Holder for its model in its AppConfig.ready(), with the rules of its own policy."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from vicp.models import Document, Project, User

Record = Any  # a model instance of a registered holder


@dataclass(frozen=True)
class Holder:
    key: str  # in URLs: "family", "referral", "volunteer"
    model: type[models.Model]
    kinds: tuple[str, ...]  # the Document.Kind values its records take
    # The record, read through the same selector as its own page, or None when this
    # person may not see it.
    record_for: Callable[[User, int], Record | None]
    may_read: Callable[[User, Record, Document], bool]
    may_add: Callable[[User, Record], bool]
    # Replacing anyone's document, deleting, sharing: the record's managers.
    may_manage: Callable[[User, Record], bool]
    project_of: Callable[[Record], Project]
    url_of: Callable[[Record], str]  # the page that lists the record's documents
    name_of: Callable[[Record], str]  # "case VICP-CAM-0001"
    # Whether a manager may share a document with the volunteer working with the record.
    shares_with_volunteer: bool = False


_holders: dict[str, Holder] = {}


def register(holder: Holder) -> None:
    _holders[holder.key] = holder


def by_key(key: str) -> Holder | None:
    return _holders.get(key)


def of_model(model: type[models.Model]) -> Holder:
    label = model._meta.label_lower
    for holder in _holders.values():
        if holder.model._meta.label_lower == label:
            return holder
    raise LookupError(f"{label} holds no documents")


def of_record(record: Record) -> Holder:
    return of_model(type(record))


def of_document(document: Document) -> Holder:
    model = ContentType.objects.get_for_id(document.content_type_id).model_class()
    if model is None:
        raise LookupError(f"document {document.pk} belongs to a model that is gone")
    return of_model(model)
