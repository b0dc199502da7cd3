"""Records behind the PDF report tests: a case worked through to closure, and reading PDFs."""

import datetime
import subprocess

from django.utils import timezone

from families import services as family_services
from outcomes import services
from outcomes.models import Measure
from outcomes.reference_data import FAMILY_STAR_PLUS

from .helpers import accepted_family, closed, worked_with

INJECTED = '<img src="file:///etc/passwd"><img src="http://example.org/x.png">'


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def pdf_text(pdf, tmp_path, name="report.pdf"):
    """The text of a PDF, as `pdftotext -layout` reads it."""
    path = tmp_path / name
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


def closed_case(project, manager, social_worker, *, start=3, end=6, caf_level=2):
    """A family worked with for 26 weeks and closed: visits and an attempt, a concern, a goal,
    Family Star `start` → `end` in every area, WEMWBS 40 → 52 for Mother, level of need
    4 → `caf_level`, Amy from a CP plan to a CIN plan (attendance 80% → 95%), Ben off his
    CIN plan, and the social worker's and the volunteer's evaluations. Free text typed by
    people carries markup that must stay text in a PDF."""
    family = accepted_family(project, manager, social_worker)
    match = worked_with(family, manager)
    volunteer = match.volunteer.user
    for days, contact in [(150, True), (120, True), (90, False), (60, True)]:
        family_services.log_visit(
            match=match,
            by=volunteer,
            visited_on=days_ago(days),
            duration_minutes=120 if contact else 15,
            contact_made=contact,
            engagement=4 if contact else None,
            concern="Bruise on the arm noticed." if days == 120 else "",
        )
    family_services.add_goal(
        family=family,
        by=manager,
        description=f"School on time every day {INJECTED}",
        star_area="routine",
    )
    areas = [slug for slug, _ in FAMILY_STAR_PLUS]
    services.record_star_reading(
        family=family,
        by=manager,
        stage="start",
        taken_on=days_ago(170),
        scores=dict.fromkeys(areas, start),
    )
    services.record_star_reading(
        family=family,
        by=manager,
        stage="end",
        taken_on=days_ago(2),
        scores=dict.fromkeys(areas, end),
    )
    wemwbs = Measure.objects.get(slug="wemwbs")
    for stage, score, days in (("start", 40, 170), ("end", 52, 2)):
        services.record_measure(
            family=family,
            by=manager,
            measure=wemwbs,
            stage=stage,
            taken_on=days_ago(days),
            score=score,
            parent="Mother",
        )
    amy = family.children.get(first_name="Amy")
    ben = family.children.get(first_name="Ben")
    services.record_risk_review(
        family=family,
        by=manager,
        reviewed_on=days_ago(160),
        caf_level=4,
        child_statuses={
            amy.pk: {"plan_type": "cp", "school_attendance": 80},
            ben.pk: {"plan_type": "cin", "school_attendance": None},
        },
    )
    services.record_risk_review(
        family=family,
        by=manager,
        reviewed_on=days_ago(1),
        caf_level=caf_level,
        stage="closure",
        child_statuses={
            amy.pk: {"plan_type": "cin", "school_attendance": 95},
            ben.pk: {"plan_type": "none", "school_attendance": None},
        },
    )
    family = closed(family, manager)
    services.submit_evaluation(
        family=family,
        respondent="social_worker",
        by=social_worker,
        answers={
            "helpful": 5,
            "engagement": 4,
            "partnership": 5,
            "changes": f"Mornings are calm now {INJECTED}",
        },
    )
    services.submit_evaluation(
        family=family,
        respondent="volunteer",
        by=volunteer,
        answers={"went-well": 4, "supported": 5, "changes": "Amy reads every night."},
    )
    return family
