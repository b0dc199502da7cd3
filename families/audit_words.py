"""How the audit log words the records and actions of family cases. Each describer
reads through the selector the record's own page uses, in one query (see
vicp/audit_labels.py); registered by FamiliesConfig.ready()."""

from django.urls import reverse

from vicp import audit_labels, dates
from vicp.audit_labels import Label, numeric_ids
from vicp.models import User

from .models import CaseNote, Child, Family, Goal, Match, SubjectAccessExport
from .selectors import (
    case_notes_visible_to,
    concerns_visible_to,
    families_visible_to,
    visits_visible_to,
)


def case_words(family: Family) -> str:
    """A case as the log names it: "CAM-2026-0042 (Khan family)"."""
    return f"{family.case_reference} ({family.family_name} family)"


def _family_fields(path: str = "") -> list[str]:
    return [f"{path}{field}" for field in ("id", "case_reference", "family_name")]


def describe_families(reader: User, ids: list[str]) -> dict[str, Label]:
    families = (
        families_visible_to(reader)
        .select_related(None)
        .filter(pk__in=numeric_ids(ids))
        .only(*_family_fields())
    )
    return {
        str(family.pk): (case_words(family), reverse("families:detail", args=[family.pk]))
        for family in families
    }


def find_families(reader: User, text: str) -> list[str]:
    """The case with this reference (CAM-2026-0042), if the reader may see it."""
    reference = text.strip().upper()
    return [
        str(pk)
        for pk in families_visible_to(reader)
        .filter(case_reference=reference)
        .values_list("pk", flat=True)
    ]


def _of_families(model, reader: User, ids: list[str], *fields: str):
    """Records of the cases the reader may see, with the case's reference and name."""
    return (
        model.objects.filter(pk__in=numeric_ids(ids), family__in=families_visible_to(reader))
        .select_related("family")
        .only("id", "family_id", *fields, *_family_fields("family__"))
    )


def describe_children(reader: User, ids: list[str]) -> dict[str, Label]:
    children = _of_families(Child, reader, ids, "first_name")
    return {
        str(child.pk): (
            f"{child.first_name}, a child of {case_words(child.family)}",
            reverse("families:details", args=[child.family_id]),
        )
        for child in children
    }


def describe_goals(reader: User, ids: list[str]) -> dict[str, Label]:
    return {
        str(goal.pk): (
            f"Goal {goal.pk} of the plan for {case_words(goal.family)}",
            reverse("families:plan", args=[goal.family_id]),
        )
        for goal in _of_families(Goal, reader, ids)
    }


def describe_matches(reader: User, ids: list[str]) -> dict[str, Label]:
    matches = _of_families(
        Match, reader, ids, "volunteer__first_name", "volunteer__last_name"
    ).select_related("volunteer")
    return {
        str(match.pk): (
            f"Match of {case_words(match.family)} with {match.volunteer.full_name}",
            reverse("families:detail", args=[match.family_id]),
        )
        for match in matches
    }


def describe_visits(reader: User, ids: list[str]) -> dict[str, Label]:
    visits = (
        visits_visible_to(reader)
        .select_related(None)
        .select_related("match__family")
        .filter(pk__in=numeric_ids(ids))
        .only("id", "visited_on", "match__family__case_reference")
    )
    return {
        str(visit.pk): (
            f"Visit on {dates.day(visit.visited_on)} to {visit.match.family.case_reference}",
            reverse("families:visit_detail", args=[visit.pk]),
        )
        for visit in visits
    }


def describe_concerns(reader: User, ids: list[str]) -> dict[str, Label]:
    concerns = (
        concerns_visible_to(reader)
        .filter(pk__in=numeric_ids(ids))
        .select_related("family")
        .only("id", "kind", "family_id", *_family_fields("family__"))
    )
    return {
        str(concern.pk): (
            f"{'Allegation' if concern.is_allegation else 'Concern'} {concern.pk} "
            f"about {case_words(concern.family)}",
            reverse("families:concern", args=[concern.pk]),
        )
        for concern in concerns
    }


def describe_case_notes(reader: User, ids: list[str]) -> dict[str, Label]:
    notes: list[CaseNote] = list(
        case_notes_visible_to(reader)
        .select_related(None)
        .select_related("family")
        .filter(pk__in=numeric_ids(ids))
        .only("id", "kind", "happened_at", "family_id", *_family_fields("family__"))
    )
    return {
        str(note.pk): (
            f"Note of a {note.get_kind_display().lower()} on {dates.day(note.happened_at)} "
            f"about {case_words(note.family)}",
            reverse("families:correct_case_note", args=[note.pk]),
        )
        for note in notes
    }


def describe_subject_access_exports(reader: User, ids: list[str]) -> dict[str, Label]:
    return {
        str(export.pk): (
            f"Subject access export {export.pk} of {case_words(export.family)}",
            reverse("families:sar_detail", args=[export.pk]),
        )
        for export in _of_families(SubjectAccessExport, reader, ids)
    }


def register() -> None:
    register = audit_labels.register
    register(
        "families.family", describe_families, one="Family case", many="Family cases",
        find=find_families,
    )  # fmt: skip
    register("families.child", describe_children, one="Child", many="Children")
    register("families.goal", describe_goals, one="Goal", many="Goals of plans")
    register("families.match", describe_matches, one="Match", many="Matches")
    register("families.visit", describe_visits, one="Visit", many="Visits and mileage claims")
    register("families.concern", describe_concerns, one="Concern", many="Concerns")
    register("families.casenote", describe_case_notes, one="Case note", many="Case notes")
    register(
        "families.subjectaccessexport",
        describe_subject_access_exports,
        one="Subject access export",
        many="Subject access exports",
    )
    audit_labels.register_actions(
        "Family cases",
        {
            "families.exported": "exported the families list",
            "family.awaiting_match": "opened the case, or set it to wait for a volunteer",
            "family.matched": "matched the family with a volunteer",
            "family.closed": "closed the case",
            "family.reopened": "reopened the case",
            "family.changed": "corrected the family's details",
            "family.social_worker_changed": "changed the family's social worker",
            "family.moved_project": "moved the case to another project",
            "child.added": "added a child to the case",
            "child.changed": "corrected a child's details",
            "child.left_household": "recorded that a child left the household",
            "match.started": "started the match",
            "match.ended": "ended the match",
            "match.suspended": "suspended the volunteer from the match",
            "match.suspension_lifted": "lifted the volunteer's suspension",
            "goal.added": "added a goal to the plan",
            "goal.changed": "changed a goal of the plan",
            "goal.reviewed": "reviewed a goal of the plan",
        },
    )
    audit_labels.register_actions(
        "Case notes",
        {
            "case_note.viewed": "viewed the note and its history",
            "case_note.written": "noted a contact about the case",
            "case_note.corrected": "corrected the note",
        },
        viewing={"case_note.viewed"},
    )
    audit_labels.register_actions(
        "Visits and mileage",
        {
            "visit.viewed": "viewed the visit",
            "visit.logged": "logged a visit",
            "visit.draft_saved": "saved a draft of a visit",
            "visit.finished": "finished a draft visit",
            "visit.discarded": "discarded a draft visit",
            "visit.changed": "corrected the visit",
            "claim.paid": "marked the mileage claim paid",
            "claims.exported": "exported the mileage claims",
            "visits.exported": "exported the visits list",
        },
        viewing={"visit.viewed"},
    )
    audit_labels.register_actions(
        "Concerns",
        {
            "concern.viewed": "viewed the concern",
            "concerns.listed": "viewed the concerns register",
            "concerns.exported": "exported the concerns register",
            "concern.raised": "raised the concern",
            "concern.acknowledged": "acknowledged the concern",
            "concern.action_logged": "logged an action on the concern",
            "concern.corrected": "corrected the concern",
            "concern.closed": "closed the concern",
            "concern.reopened": "reopened the concern",
            "concern.escalated": "escalated the concern, not acknowledged in time",
        },
        viewing={"concern.viewed", "concerns.listed"},
    )
