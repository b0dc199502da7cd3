"""Gathering everything held about a family for a subject access request.

The record spans the apps (the case, its referral, visits, outcomes and the
audit trail), so it is gathered here, above them. One function per source: a
new kind of record adds a function to SOURCES and appears in both the JSON and
the PDF.
"""

import datetime
import json
import secrets

from django.core.files.base import ContentFile
from django.db import models
from django.template.loader import render_to_string

from families.models import Visit
from outcomes.reports import html_to_pdf
from vicp.models import AuditEvent


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


def audit_trail(family):
    events = AuditEvent.objects.filter(object_type="families.family", object_id=str(family.pk))
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
            records = [list(item.items()) for item in value]
        else:
            records = [[(key, ", ".join(map(str, value)) or "none")]]
        sections.append((title, records))
    return sections


def render_pdf(data):
    """The export as a PDF, made as the reports are: WeasyPrint may read `data:` URLs and
    the project's own static files, nothing on the network or elsewhere on disk."""
    html = render_to_string(
        "families/subject_access_export.html",
        {"sections": _sections(data), "case_reference": data["case_reference"]},
    )
    return html_to_pdf(html)


def build(export):
    """Write the JSON and PDF files of `export` (called by the Celery task)."""
    data = collect(export.family)
    name = f"{export.family.case_reference}-{secrets.token_hex(8)}"
    export.json_file.save(
        f"{name}.json", ContentFile(json.dumps(data, default=_plain, indent=2).encode()), save=False
    )
    export.pdf_file.save(f"{name}.pdf", ContentFile(render_pdf(data)), save=False)
