"""What a piece of code writes to the database, in a form two ways of building the
same thing can be compared with (the services against the factories).

`rows_written(build)` runs `build()` in a savepoint, reads every table before and
after (history, permission and audit tables included), and rolls the savepoint
back, so two builds can start from the same database. A written row is told by its
table and its position among the rows written to that table (the order of
insertion); a reference to a row written by the build names that position, a
reference to a row that was already there names its key (so do an audit event's
object and the record ids in its details). Moments (`now`) are only told apart
from empty ones, and an unusable password from a usable one.
"""

from django.apps import apps
from django.db import models, transaction

# Record ids in audit events' details, and the table they are ids of.
AUDIT_DETAIL_IDS = {"session": "volunteers.TrainingSession"}


def _tables():
    return sorted(apps.get_models(include_auto_created=True), key=lambda m: m._meta.label)


def _read(model):
    """Every row of `model`, by primary key, as {column: value}."""
    columns = [field.attname for field in model._meta.concrete_fields]
    return {row[model._meta.pk.attname]: row for row in model._base_manager.values(*columns)}


def _read_all():
    return {model: _read(model) for model in _tables()}


def _target(model, field):
    """The model a column refers to: a foreign key's, or the recorded model for the
    `id` of a history row (simple-history keeps it as a plain integer)."""
    if field.is_relation:
        return field.related_model
    instance_type = getattr(model, "instance_type", None)
    if instance_type is not None and field.attname == instance_type._meta.pk.attname:
        return instance_type
    return None


def _describe(model, row, labels):
    described = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and _target(model, field) is None:
            continue
        value = row[field.attname]
        target = _target(model, field)
        if target is not None and value is not None:
            value = labels.get((target._meta.label, value), ("existing", value))
        elif isinstance(field, models.DateTimeField):
            value = "set" if value is not None else None
        elif field.name == "password":
            value = "unusable" if value.startswith("!") else "usable"
        described[field.name] = value
    if model._meta.label == "vicp.AuditEvent":
        _describe_audit_event(described, labels)
    return described


def _describe_audit_event(described, labels):
    def label(table, key):
        return labels.get((table, key), ("existing", key))

    if described["object_type"] and described["object_id"]:
        table = apps.get_model(described["object_type"])._meta.label
        described["object_id"] = label(table, _key(table, described["object_id"]))
    described["details"] = {
        name: label(AUDIT_DETAIL_IDS[name], value) if name in AUDIT_DETAIL_IDS else value
        for name, value in described["details"].items()
    }


def _key(table, text):
    """A primary key as the model `table` has it, from its text in an audit event."""
    return apps.get_model(table)._meta.pk.to_python(text)


def rows_written(build):
    """{table: [row, ...]} for the rows `build()` inserted, and under "changed"
    {table: {key: {column: (before, after)} or "deleted"}} for rows that were there
    before; nothing of it is kept."""
    with transaction.atomic():
        before = _read_all()
        build()
        after = _read_all()
        transaction.set_rollback(True)
    inserted = {
        model: [key for key in sorted(rows) if key not in before[model]]
        for model, rows in after.items()
    }
    labels = {
        (model._meta.label, key): f"{model._meta.label}#{position}"
        for model, keys in inserted.items()
        for position, key in enumerate(keys, start=1)
    }
    written = {
        model._meta.label: [_describe(model, after[model][key], labels) for key in keys]
        for model, keys in inserted.items()
        if keys
    }
    changed = _changed(before, after, labels)
    if changed:
        written["changed"] = changed
    return written


def _changed(before, after, labels):
    changed = {}
    for model, rows in before.items():
        for key, row in rows.items():
            if key not in after[model]:
                changed.setdefault(model._meta.label, {})[key] = "deleted"
                continue
            old, new = _describe(model, row, labels), _describe(model, after[model][key], labels)
            if new != old:
                changed.setdefault(model._meta.label, {})[key] = {
                    column: (old[column], new[column])
                    for column in old
                    if old[column] != new[column]
                }
    return changed
