"""The audit log's filters: by person, record, action and dates, and leaving out
what was only viewed. The state is in the URL; a bad value is explained next to its
field and filters nothing out (vicp.listing.ListFilter)."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.text import slugify

from . import audit_labels
from .forms import DateInput
from .listing import ListFilter, ListFilterForm
from .models import AuditEvent, User
from .selectors import people_in_audit_events_visible_to

NOBODY = "nobody"
GROUP = "group:"


class CheckboxFilter(django_filters.Filter):
    """A tick box: ticked filters, unticked leaves the list as it is (and is not among
    the filters in force)."""

    class field_class(forms.BooleanField):
        def to_python(self, value):
            return True if super().to_python(value) else None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)


def person_choices(reader: User) -> list[tuple[str, str]]:
    people = list(people_in_audit_events_visible_to(reader))
    labels = [audit_labels.actor_words(person) for person in people]
    return [
        (NOBODY, audit_labels.NOBODY),
        *(
            (str(person.pk), f"{label} ({person.email})" if labels.count(label) > 1 else label)
            for person, label in zip(people, labels, strict=True)
        ),
    ]


def record_type_choices() -> list[tuple[str, str]]:
    return [(record_type.label, record_type.many) for record_type in audit_labels.record_types()]


def _group_value(group: str) -> str:
    return GROUP + slugify(group)


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The actions, each group led by a choice of the whole group."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action in audit_labels.actions():
        groups.setdefault(action.group, [(_group_value(action.group), f"Any of: {action.group}")])
        groups[action.group].append((action.code, action.words.capitalize()))
    return list(groups.items())


def _is_number(text: str) -> bool:
    return text.strip().isascii() and text.strip().isdigit()


class AuditSearchForm(ListFilterForm):
    def clean(self):
        data = super().clean()
        record, model_label = data.get("record"), data.get("record_type")
        if record and not _is_number(record) and model_label:
            record_type = audit_labels.record_type(model_label)
            if record_type is not None and record_type.find is None:
                self.add_error("record", f"Give the number of the {record_type.one.lower()}.")
        return data


class AuditFilter(ListFilter):
    person = django_filters.ChoiceFilter(label="Person", empty_label="Anyone", method="by_person")
    record_type = django_filters.ChoiceFilter(
        label="Record", field_name="object_type", empty_label="Any record"
    )
    record = django_filters.CharFilter(
        label="Number or case reference",
        method="by_record",
        help_text="For example 42, or CAM-2026-0042.",
    )
    action = django_filters.ChoiceFilter(
        label="Action", empty_label="Any action", method="by_action"
    )
    date_from = django_filters.DateFilter(
        label="From", field_name="at", lookup_expr="date__gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label="To", field_name="at", lookup_expr="date__lte", widget=DateInput()
    )
    hide_viewed = CheckboxFilter(
        label="Hide 'viewed' events",
        method="by_hiding_viewed",
        help_text="Leaves out the pages and lists people viewed, and their searches; "
        "changes, downloads and sign-ins stay.",
    )

    class Meta:
        model = AuditEvent
        form = AuditSearchForm
        fields: list[str] = []

    def __init__(self, data=None, *args: Any, reader: User, **kwargs: Any):
        super().__init__(data, *args, **kwargs)
        self.reader = reader
        self.filters["person"].extra["choices"] = lambda: person_choices(reader)
        self.filters["record_type"].extra["choices"] = record_type_choices
        self.filters["action"].extra["choices"] = action_choices

    def by_person(self, events: QuerySet[AuditEvent], name: str, value: str):
        if value == NOBODY:
            return events.filter(actor=None)
        return events.filter(actor_id=int(value))

    def by_record(self, events: QuerySet[AuditEvent], name: str, value: str):
        value = value.strip()
        if _is_number(value):
            return events.filter(object_id=value)
        chosen = self.form.cleaned_data.get("record_type")
        found = Q()
        for record_type in audit_labels.record_types():
            if record_type.find is None or (chosen and record_type.label != chosen):
                continue
            ids = record_type.find(self.reader, value)
            if ids:
                found |= Q(object_type=record_type.label, object_id__in=ids)
        return events.filter(found) if found else events.none()

    def by_action(self, events: QuerySet[AuditEvent], name: str, value: str):
        if value.startswith(GROUP):
            codes = [
                action.code
                for action in audit_labels.actions()
                if _group_value(action.group) == value
            ]
            return events.filter(action__in=codes)
        return events.filter(action=value)

    def by_hiding_viewed(self, events: QuerySet[AuditEvent], name: str, value: bool):
        return events.exclude(action__in=audit_labels.viewing_codes()) if value else events
