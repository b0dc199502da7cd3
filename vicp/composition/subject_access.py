"""Gathering everything held about a family for a subject access request.

The record spans the apps (the case, its referral, visits, outcomes and the
audit trail), so it is gathered here, above them. One function per source: a
new kind of record adds a function to SOURCES and appears in both the JSON and
the PDF. The zip holds both, with every version of the case's and the referral's
documents.
"""

import datetime
import json
import re
import secrets
import shutil
import tempfile
import zipfile

from django.core.files.base import ContentFile, File
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from families.models import Visit
from vicp.models import AuditEvent, Document


def _row(obj, exclude=()):
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(obj, field.attname)
        data[field.name] = value
    return data


def family_record(family):
    return {
        "family": _row(family),
        "needs": [n.name for n in family.needs.all()],
        "risks": [r.name for r in family.risks.all()],
    }


def children(family):
    return {"children": [_row(child, exclude=("family",)) for child in family.children.all()]}


def referral(family):
    referral = family.referral
    return {
        "referral": _row(referral),
        "referral_children": [_row(c, exclude=("referral",)) for c in referral.children.all()],
        "referral_history": [_row(c, exclude=("referral",)) for c in referral.status_changes.all()],
    }


def case_history(family):
    return {"case_history": [_row(c, exclude=("family",)) for c in family.status_changes.all()]}


def matches_and_visits(family):
    return {
        "matches": [
            {**_row(m, exclude=("family",)), "volunteer_name": m.volunteer.full_name}
            for m in family.matches.select_related("volunteer")
        ],
        "visits": [
            {**_row(v), "activities": [a.name for a in v.activities.all()]}
            for v in Visit.objects.filter(match__family=family).prefetch_related("activities")
        ],
    }


def concerns(family):
    return {
        "concerns": [
            {
                **_row(concern, exclude=("family",)),
                "actions": [_row(entry, exclude=("concern",)) for entry in concern.actions.all()],
            }
            for concern in family.concerns.prefetch_related("actions")
        ]
    }


def case_notes(family):
    """Every note, the sensitive ones too: the export is the family's whole record."""
    return {
        "case_notes": [
            {**_row(note, exclude=("family",)), "written_by_name": note.written_by.get_full_name()}
            for note in family.case_notes.select_related("written_by").order_by("happened_at", "pk")
        ]
    }


def plan_of_work(family):
    return {
        "goals": [
            {
                **_row(g, exclude=("family",)),
                "reviews": [_row(r, exclude=("goal",)) for r in g.reviews.all()],
            }
            for g in family.goals.all()
        ]
    }


def family_star(family):
    return {
        "family_star_readings": [
            {
                **_row(reading, exclude=("family",)),
                "scores": {score.area.name: score.score for score in reading.scores.all()},
            }
            for reading in family.star_readings.prefetch_related("scores__area")
        ]
    }


def risk_reviews(family):
    reviews = family.risk_reviews.select_related("level_of_need").prefetch_related(
        "child_statuses__child"
    )
    return {
        "risk_reviews": [
            {
                **_row(review, exclude=("family", "level_of_need")),
                "level_of_need": str(review.level_of_need),
                "children": [
                    {
                        "child": status.child.first_name,
                        "plan_type": status.get_plan_type_display(),
                        "school_attendance": status.school_attendance,
                    }
                    for status in review.child_statuses.all()
                ],
            }
            for review in reviews
        ]
    }


def measure_scores(family):
    return {
        "measure_scores": [
            {
                **_row(entry, exclude=("family", "measure", "child")),
                "measure": entry.measure.name,
                "child": entry.child.first_name if entry.child else None,
            }
            for entry in family.measure_scores.select_related("measure", "child")
        ]
    }


def evaluations(family):
    return {
        "evaluations": [
            {
                **_row(evaluation, exclude=("family", "questionnaire", "answers", "questions")),
                "answers": dict(evaluation.rows()),
            }
            for evaluation in family.evaluations.all()
        ]
    }


def _held_documents(family):
    """[(record, document)]: the case's documents and its referral's, deleted ones too."""
    held = []
    for label, record in (("referral", family.referral), ("case", family)):
        documents = (
            Document.objects.of(record)
            .select_related("added_by", "deleted_by")
            .prefetch_related("versions__uploaded_by")
            .order_by("about_on", "pk")
        )
        held += [(label, document) for document in documents]
    return held


def _zip_folder(document):
    """Where a document's versions go in the zip: named from its id and title (never from
    what the uploader called the file), deleted documents in a folder of their own."""
    state = "deleted-documents" if document.deleted_at else "documents"
    return f"{state}/{document.pk}-{slugify(document.title)[:60].strip('-') or 'document'}"


def zip_path(version):
    extension = version.extension.lower()
    if not re.fullmatch(r"[a-z0-9]{1,10}", extension):
        extension = "bin"
    return f"{_zip_folder(version.document)}/version-{version.number}.{extension}"


def _name(user):
    return (user.get_full_name() or user.email) if user else None


def documents(family):
    """Every document held on the case and its referral, deleted ones too, with each
    version's details and where its file is in the zip."""
    return {
        "documents": [
            {
                "id": document.pk,
                "title": document.title,
                "kind": document.get_kind_display(),
                "about_on": document.about_on,
                "record": label,
                "added_by": _name(document.added_by),
                "added_at": document.added_at,
                "shared_with_volunteer": document.shared_with_volunteer,
                "deleted_at": document.deleted_at,
                "deleted_by": _name(document.deleted_by),
                "deletion_reason": document.deletion_reason,
                "versions": [
                    {
                        "number": version.number,
                        "size": version.size,
                        "content_type": version.content_type,
                        "sha256": version.sha256,
                        "original_name": version.original_name,
                        "note": version.note,
                        "uploaded_by": _name(version.uploaded_by),
                        "uploaded_at": version.uploaded_at,
                        "path_in_zip": zip_path(version),
                    }
                    for version in sorted(document.versions.all(), key=lambda v: v.number)
                ],
            }
            for label, document in _held_documents(family)
        ]
    }


def audit_trail(family):
    """The case's events, and those of its documents and its referral's (uploads,
    downloads, sharing, deletion)."""
    document_ids = [
        str(pk)
        for record in (family, family.referral)
        for pk in Document.objects.of(record).values_list("pk", flat=True)
    ]
    events = AuditEvent.objects.filter(
        Q(object_type="families.family", object_id=str(family.pk))
        | Q(object_type="vicp.document", object_id__in=document_ids)
    )
    return {"audit_trail": [_row(e) for e in events.select_related("actor")]}


SOURCES = [
    family_record,
    children,
    referral,
    case_history,
    matches_and_visits,
    concerns,
    case_notes,
    plan_of_work,
    family_star,
    risk_reviews,
    measure_scores,
    evaluations,
    documents,
    audit_trail,
]


def collect(family):
    data = {
        "case_reference": family.case_reference,
        "generated_at": datetime.datetime.now(datetime.UTC),
    }
    for source in SOURCES:
        data.update(source(family))
    return data


def _plain(value):
    if isinstance(value, datetime.date | datetime.time | datetime.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def _cell(value):
    """A value as the PDF shows it: records nested in a record (a concern's actions, a
    document's versions) one to a line."""
    if isinstance(value, dict):
        return "\n".join(f"{key}: {_cell(item)}" for key, item in value.items())
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "\n\n".join(_cell(item) for item in value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "—" if value is None else value


def _sections(data):
    """[(title, [[(field, value), ...] per record])] for the PDF."""
    sections = [
        (
            "Case",
            [[("case reference", data["case_reference"]), ("generated", data["generated_at"])]],
        )
    ]
    for key, value in data.items():
        if key in ("case_reference", "generated_at"):
            continue
        title = key.replace("_", " ").capitalize()
        if isinstance(value, dict):
            records = [list(value.items())]
        elif value and isinstance(value[0], dict):
            records = [[(field, _cell(item)) for field, item in row.items()] for row in value]
        else:
            records = [[(key, ", ".join(map(str, value)) or "none")]]
        sections.append((title, records))
    return sections


def render_pdf(data):
    """The export as a PDF, made as the reports are: WeasyPrint may read `data:` URLs and
    the project's own static files, nothing on the network or elsewhere on disk."""
    from outcomes.reports import html_to_pdf

    html = render_to_string(
        "families/subject_access_export.html",
        {"sections": _sections(data), "case_reference": data["case_reference"]},
    )
    return html_to_pdf(html)


class MissingDocumentFile(Exception):
    pass


def _write_zip(spool, *, reference, json_bytes, pdf_bytes, family):
    """The zip, written to `spool`: each document's file is copied in from storage in
    turn, never all of them in memory at once."""
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{reference}-subject-access.pdf", pdf_bytes)
        archive.writestr(f"{reference}-subject-access.json", json_bytes)
        for _, document in _held_documents(family):
            for version in sorted(document.versions.all(), key=lambda v: v.number):
                stored = version.file
                if not stored or not stored.storage.exists(stored.name):
                    raise MissingDocumentFile(
                        f"the file of version {version.number} of document {document.pk} "
                        "is missing from storage"
                    )
                entry = zipfile.ZipInfo(
                    zip_path(version),
                    date_time=timezone.localtime(version.uploaded_at).timetuple()[:6],
                )
                entry.compress_type = zipfile.ZIP_DEFLATED
                with (
                    stored.storage.open(stored.name, "rb") as source,
                    archive.open(
                        entry, "w", force_zip64=version.size >= zipfile.ZIP64_LIMIT
                    ) as target,
                ):
                    shutil.copyfileobj(source, target, 1024 * 1024)


def build(export):
    """Write the JSON, PDF and zip files of `export` (called by the Celery task)."""
    family = export.family
    data = collect(family)
    name = f"{family.case_reference}-{secrets.token_hex(8)}"
    json_bytes = json.dumps(data, default=_plain, indent=2).encode()
    pdf_bytes = render_pdf(data)
    export.json_file.save(f"{name}.json", ContentFile(json_bytes), save=False)
    export.pdf_file.save(f"{name}.pdf", ContentFile(pdf_bytes), save=False)
    with tempfile.TemporaryFile() as spool:
        _write_zip(
            spool,
            reference=family.case_reference,
            json_bytes=json_bytes,
            pdf_bytes=pdf_bytes,
            family=family,
        )
        spool.seek(0)
        export.zip_file.save(f"{name}.zip", File(spool), save=False)
