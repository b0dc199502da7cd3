"""How the audit log words recruitment records and training sessions, and what is
done to them (see vicp/audit_labels.py); registered by VolunteersConfig.ready()."""

from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from vicp import audit_labels, dates
from vicp.audit_labels import Label, numeric_ids
from vicp.models import User

from .models import Stage
from .selectors import training_sessions_visible_to, volunteers_visible_to


def describe_volunteers(reader: User, ids: list[str]) -> dict[str, Label]:
    volunteers = (
        volunteers_visible_to(reader)
        .select_related(None)
        .filter(pk__in=numeric_ids(ids))
        .only("id", "first_name", "last_name")
    )
    return {
        str(volunteer.pk): (volunteer.full_name, reverse("volunteers:detail", args=[volunteer.pk]))
        for volunteer in volunteers
    }


def describe_training_sessions(reader: User, ids: list[str]) -> dict[str, Label]:
    sessions = (
        training_sessions_visible_to(reader)
        .select_related(None)
        .filter(pk__in=numeric_ids(ids))
        .only("id", "title", "held_on")
    )
    return {
        str(session.pk): (
            f"Training session: {session.title} ({dates.day(session.held_on)})",
            reverse("volunteers:training_detail", args=[session.pk]),
        )
        for session in sessions
    }


def _stage(value: Any) -> str | None:
    return Stage(value).label.lower() if value in Stage.values else None


def _stage_changed(details: Mapping[str, Any]) -> str | None:
    start, end = _stage(details.get("from_stage")), _stage(details.get("to_stage"))
    if start and end:
        return f"moved the volunteer from {start} to {end}"
    return None


def register() -> None:
    audit_labels.register(
        "volunteers.volunteer", describe_volunteers, one="Volunteer", many="Volunteers"
    )
    audit_labels.register(
        "volunteers.trainingsession",
        describe_training_sessions,
        one="Training session",
        many="Training sessions",
    )
    audit_labels.register_actions(
        "Volunteers",
        {
            "volunteer.viewed": "viewed the volunteer's record",
            "volunteers.exported": "exported the volunteers board",
            "training_sessions.exported": "exported the training sessions list",
            "volunteer.applied": "applied to volunteer",
            "volunteer.stage_changed": "moved the volunteer to another stage",
            "volunteer.interview_recorded": "recorded an interview",
            "volunteer.dbs_recorded": "recorded a DBS check",
            "volunteer.dbs_disclosure_accepted": "accepted a DBS check's disclosure",
            "volunteer.reference_recorded": "recorded a reference",
            "volunteer.reference_acknowledged": "acknowledged a reference's concerns",
            "volunteer.training_recorded": "recorded training attended",
            "volunteer.step_withdrawn": "withdrew a recruitment step recorded in error",
            "volunteer.signed_off": "signed the volunteer off",
            "volunteer.supervision_recorded": "recorded a supervision",
            "volunteer.details_corrected": "corrected the volunteer's details",
            "training_session.created": "created a training session",
        },
        viewing={"volunteer.viewed"},
        detailed={"volunteer.stage_changed": _stage_changed},
    )
