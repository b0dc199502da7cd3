"""The audit log in words: which record an event is about, and what was done.

The kernel knows no app, so each app registers, in its AppConfig.ready(), how the
records of its models are named (`register`) and what its action codes mean
(`register_actions`).

A describer takes the reader and the ids of one model's records on a page and
answers {id: (words, url or None)} in one query, reading through the same selectors
as the records' own pages: a record it leaves out (the reader may not see it, or it
is gone) is shown by its type and id alone, never by a name.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from .models import AuditEvent, User

Label = tuple[str, str | None]
Describer = Callable[[User, list[str]], dict[str, Label]]
# From a reference typed in the log's record filter (a case reference) to the ids of
# the records of one model, among those the reader may see.
Finder = Callable[[User, str], list[str]]
Detailed = Callable[[Mapping[str, Any]], str | None]


@dataclass(frozen=True)
class RecordType:
    label: str  # the model's label, as events store it: "families.family"
    one: str  # "Family case"
    many: str  # "Family cases"
    describe: Describer
    find: Finder | None = None


@dataclass(frozen=True)
class Action:
    code: str
    words: str  # what the actor did: "viewed the family page"
    group: str  # where the action list shows it: "Family cases"
    viewing: bool = False  # a page or list read, not a change
    detailed: Detailed | None = None  # words from the event's details, when they say more


_record_types: dict[str, RecordType] = {}
_actions: dict[str, Action] = {}


def register(
    model_label: str, describe: Describer, *, one: str, many: str, find: Finder | None = None
) -> None:
    """How the log names records of `model_label` ("app_label.modelname")."""
    _record_types[model_label.lower()] = RecordType(model_label.lower(), one, many, describe, find)


def register_actions(
    group: str,
    words: Mapping[str, str],
    *,
    viewing: Iterable[str] = (),
    detailed: Mapping[str, Detailed] | None = None,
) -> None:
    """What each action code means, as a sentence's verb phrase after the actor's name.
    `viewing` are the codes of reads (pages, lists, searches) that "Hide 'viewed'
    events" leaves out; `detailed` may word an event from its details."""
    viewing, detailed = set(viewing), detailed or {}
    for code, text in words.items():
        _actions[code] = Action(code, text, group, code in viewing, detailed.get(code))


def record_types() -> list[RecordType]:
    return sorted(_record_types.values(), key=lambda record_type: record_type.many)


def record_type(model_label: str) -> RecordType | None:
    return _record_types.get(model_label)


def actions() -> list[Action]:
    return sorted(_actions.values(), key=lambda action: (action.group, action.words))


def action(code: str) -> Action | None:
    return _actions.get(code)


def viewing_codes() -> list[str]:
    return sorted(code for code, action in _actions.items() if action.viewing)


def readable_code(code: str) -> str:
    """An action nobody has worded, readable all the same: "claims.archived" reads
    "claims archived"."""
    return code.replace(".", " ").replace("_", " ").strip() or "did something"


def action_words(code: str, details: Mapping[str, Any] | None = None) -> str:
    known = _actions.get(code)
    if known is None:
        words = readable_code(code)
    else:
        words = (known.detailed and known.detailed(details or {})) or known.words
    if details and details.get("format") and isinstance(details.get("count"), int):
        count = details["count"]
        words += f" ({count} row{'' if count == 1 else 's'}, {str(details['format']).upper()})"
    return words


def numeric_ids(ids: Iterable[str]) -> list[int]:
    """The ids that can be a model's integer key (an event may store any text)."""
    return [int(value) for value in ids if value.isascii() and value.isdigit() and len(value) < 19]


def type_name(model_label: str) -> str:
    """A record type in words, for a record the reader may not see: "Family case"."""
    registered = _record_types.get(model_label)
    if registered is not None:
        return registered.one
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return model_label
    return str(model._meta.verbose_name).capitalize()


@dataclass(frozen=True)
class Entry:
    """One event of the log as a person reads it."""

    event: AuditEvent
    who: str  # "Alice Archer, project manager", or "No one signed in"
    email: str
    did: str  # "viewed the family page"
    record: str  # "CAM-2026-0042 (Khan family)", "Family case 12", or ""
    url: str | None


NOBODY = "No one signed in"


def actor_words(actor: User | None) -> str:
    if actor is None:
        return NOBODY
    name = actor.get_full_name().strip() or actor.email
    return f"{name}, {actor.get_role_display().lower()}"


def entries(reader: User, events: Iterable[AuditEvent]) -> list[Entry]:
    """The events in words: one describer query per record type among them, whatever
    their number."""
    events = list(events)
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.object_type and event.object_id:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    labels: dict[tuple[str, str], Label] = {}
    for model_label, ids in wanted.items():
        registered = _record_types.get(model_label)
        if registered is None:
            continue
        for object_id, label in registered.describe(reader, sorted(ids)).items():
            labels[(model_label, str(object_id))] = label
    rows = []
    for event in events:
        record, url = "", None
        if event.object_type:
            known = labels.get((event.object_type, event.object_id))
            if known is not None:
                record, url = known
            else:
                record = f"{type_name(event.object_type)} {event.object_id}".strip()
        rows.append(
            Entry(
                event=event,
                who=actor_words(event.actor),
                email=event.actor.email if event.actor else "",
                did=action_words(event.action, event.details),
                record=record,
                url=url,
            )
        )
    return rows


def all_entries(reader: User, events: QuerySet[AuditEvent], batch: int = 500) -> Iterator[Entry]:
    """Every event of `events` in words, for an export: worded a batch at a time, so
    that the queries grow with the batches, not the events."""
    pending: list[AuditEvent] = []
    for event in events.iterator(chunk_size=batch):
        pending.append(event)
        if len(pending) == batch:
            yield from entries(reader, pending)
            pending = []
    yield from entries(reader, pending)
