"""How the audit log words outcome records and reports, and what is done to them
(see vicp/audit_labels.py); registered by OutcomesConfig.ready()."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse

from families.audit_words import case_words
from families.selectors import families_visible_to
from vicp import audit_labels, dates
from vicp.audit_labels import Label, numeric_ids
from vicp.models import User

from .models import Evaluation, MeasureScore, Report, RiskReview, StarReading
from .selectors import reports_visible_to

_CASE = ("family_id", "family__case_reference", "family__family_name")


def _of_families(model: type[Model], reader: User, ids: list[str], *fields: str) -> QuerySet:
    """Records of the cases the reader may see (the outcomes section of the case page)."""
    return (
        model._default_manager.filter(
            pk__in=numeric_ids(ids), family__in=families_visible_to(reader)
        )
        .select_related("family")
        .only("id", *_CASE, *fields)
    )


def _on_the_case_page(records: QuerySet, words) -> dict[str, Label]:
    return {
        str(record.pk): (words(record), reverse("families:outcomes", args=[record.family_id]))
        for record in records
    }


def describe_star_readings(reader: User, ids: list[str]) -> dict[str, Label]:
    return _on_the_case_page(
        _of_families(StarReading, reader, ids, "stage", "taken_on"),
        lambda reading: (
            f"Family Star reading ({reading.get_stage_display().lower()}, "
            f"{dates.day(reading.taken_on)}) of {case_words(reading.family)}"
        ),
    )


def describe_risk_reviews(reader: User, ids: list[str]) -> dict[str, Label]:
    return _on_the_case_page(
        _of_families(RiskReview, reader, ids, "stage", "reviewed_on"),
        lambda review: (
            f"Risk review ({review.get_stage_display().lower()}, "
            f"{dates.day(review.reviewed_on)}) of {case_words(review.family)}"
        ),
    )


def describe_measure_scores(reader: User, ids: list[str]) -> dict[str, Label]:
    return _on_the_case_page(
        _of_families(MeasureScore, reader, ids, "stage", "measure__name").select_related("measure"),
        lambda score: (
            f"{score.measure.name} score ({score.get_stage_display().lower()}) "
            f"of {case_words(score.family)}"
        ),
    )


def describe_evaluations(reader: User, ids: list[str]) -> dict[str, Label]:
    return _on_the_case_page(
        _of_families(Evaluation, reader, ids, "respondent"),
        lambda evaluation: (
            f"{evaluation.get_respondent_display()}'s evaluation of {case_words(evaluation.family)}"
        ),
    )


def _report_words(report: Report) -> str:
    if report.kind == Report.Kind.CASE_CLOSURE and report.family is not None:
        return f"Case closure report for {case_words(report.family)}"
    if report.kind == Report.Kind.VOLUNTEER_RECORD and report.volunteer is not None:
        return f"Volunteer record of {report.volunteer.full_name}"
    scope = report.project.name if report.project is not None else "every project"
    return f"{report.get_kind_display()} {report.pk}: {scope}"


def describe_reports(reader: User, ids: list[str]) -> dict[str, Label]:
    reports = (
        reports_visible_to(reader)
        .filter(pk__in=numeric_ids(ids))
        .only(
            "id",
            "kind",
            "project__name",
            "family__case_reference",
            "family__family_name",
            "volunteer__first_name",
            "volunteer__last_name",
        )
        .select_related(None)
        .select_related("project", "family", "volunteer")
    )
    return {
        str(report.pk): (_report_words(report), reverse("outcomes:report_detail", args=[report.pk]))
        for report in reports
    }


def _kind(details: Mapping[str, Any]) -> str | None:
    kind = details.get("kind")
    return Report.Kind(kind).label.lower() if kind in Report.Kind.values else None


def _report_requested(details: Mapping[str, Any]) -> str | None:
    kind = _kind(details)
    return f"asked for a {kind}" if kind else None


def _report_downloaded(details: Mapping[str, Any]) -> str | None:
    kind = _kind(details)
    return f"downloaded the {kind}" if kind else None


def register() -> None:
    register = audit_labels.register
    register(
        "outcomes.starreading", describe_star_readings, one="Family Star reading",
        many="Family Star readings",
    )  # fmt: skip
    register("outcomes.riskreview", describe_risk_reviews, one="Risk review", many="Risk reviews")
    register(
        "outcomes.measurescore", describe_measure_scores, one="Measure score",
        many="Measure scores",
    )  # fmt: skip
    register("outcomes.evaluation", describe_evaluations, one="Evaluation", many="Evaluations")
    register("outcomes.report", describe_reports, one="Report", many="Reports")
    audit_labels.register_actions(
        "Outcomes and reports",
        {
            "star_reading.recorded": "recorded a Family Star reading",
            "risk_review.recorded": "recorded a risk review",
            "measure.recorded": "recorded a measure score",
            "evaluation.submitted": "submitted an evaluation",
            "evaluation.link_created": "made the family's link to give their views",
            "evaluation.link_emailed": "emailed the family their link to give their views",
            "report.requested": "asked for a report",
            "reports.exported": "exported the list of reports",
            "report.downloaded": "downloaded a report",
            "report.moved_with_case": "moved the case's reports with it to its new project",
        },
        detailed={"report.requested": _report_requested, "report.downloaded": _report_downloaded},
    )
