"""PDF reports: what each report says, and rendering it with WeasyPrint.

Plain functions, testable without Celery; `outcomes.tasks.render_report` calls
`render_pdf`. Reports are summaries: WeasyPrint costs about 0.4 s per page of
table, so nothing here lists one row per visit or per family.
"""

import datetime
import mimetypes
import posixpath
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from families.models import Visit
from families.selectors import case_notes_for_report, documents_for_report, visit_summary
from referrals.models import PlanType
from vicp import dates, money
from volunteers.models import Interview, TrainingSession
from volunteers.services import format_hours, required_training_hours

from . import charts
from .metrics import impact_summary
from .models import (
    Evaluation,
    MeasureScore,
    OutcomeArea,
    OutcomeScale,
    Report,
    Respondent,
    StarReading,
)
from .selectors import risk_journey

# Relative URLs in report templates resolve against this origin, which names no real
# host (.invalid never resolves): the fetcher serves its /static/ paths from the
# project's own static files and refuses everything else.
ASSET_ORIGIN = "https://vicp-report.invalid"
PLAN_LABELS = dict(PlanType.choices)


class RefusedResource(ValueError):
    """A report tried to load something other than the project's static files or data:."""


# --- Fetching: the project's static files and data: URLs, nothing else -----------------------


def static_prefix():
    """The path under which static files are addressed in report templates ("/static/")."""
    return "/" + settings.STATIC_URL.strip("/") + "/"


def _static_roots():
    roots = []
    for finder in finders.get_finders():
        for _prefix, root in getattr(finder, "locations", []):
            roots.append(Path(root).resolve())
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    return roots


def find_static(path):
    """The file of a static path such as "css/report.css", or RefusedResource.

    Refuses anything that is not a plain relative path inside a static directory,
    including through ".." or a symbolic link.
    """
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        raise RefusedResource(f"Not a static file path: {path!r}")
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise RefusedResource(f"Not a static file path: {path!r}")
    try:
        found = finders.find(path)
    except Exception as error:  # SuspiciousFileOperation from safe_join
        raise RefusedResource(f"Not a static file path: {path!r}") from error
    if not found:
        raise RefusedResource(f"No such static file: {path!r}")
    resolved = Path(found).resolve()
    if not any(resolved.is_relative_to(root) for root in _static_roots()):
        raise RefusedResource(f"Outside the static directories: {path!r}")
    return resolved


class StaticFilesOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher for reports: `data:` URLs and the project's own static files.

    Anything else (http, https to another host, file:, other paths) raises, and
    `fail_on_errors` makes WeasyPrint stop rather than leave a hole in the PDF:
    markup slipped into a report can neither read a file nor make a request.
    """

    def __init__(self):
        super().__init__(allowed_protocols=("data",), fail_on_errors=True)

    def fetch(self, url, headers=None):
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        path = unquote(parts.path)
        # A path with dot segments or doubled slashes is refused, never resolved.
        if (
            origin != ASSET_ORIGIN
            or posixpath.normpath(path) != path
            or not path.startswith(static_prefix())
        ):
            raise RefusedResource(f"Refused to fetch {url!r} while making a PDF.")
        file = find_static(path.removeprefix(static_prefix()))
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": content_type})


def html_to_pdf(html):
    try:
        return HTML(
            string=html, base_url=ASSET_ORIGIN + "/", url_fetcher=StaticFilesOnlyFetcher()
        ).write_pdf()
    except FatalURLFetchingError as error:
        # WeasyPrint's fatal error is a BaseException; make it an ordinary failure.
        cause = error.__cause__
        raise RefusedResource(str(cause) if cause else str(error)) from error


# --- Formatting --------------------------------------------------------------------------


def pounds(value):
    return money.pounds(value)


def p_value(value):
    if value is None:
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def number(value):
    return "—" if value is None else f"{value:,}" if isinstance(value, int) else f"{value}"


def percent(value):
    return "—" if value is None else f"{value}%"


def signed(value):
    if value is None:
        return "—"
    return f"{value:+.1f}" if value else "0.0"


def _generated():
    return timezone.localtime(timezone.now())


# --- Case closure ----------------------------------------------------------------------------


def _star_section(family):
    readings = list(family.star_readings.select_related("scale").prefetch_related("scores__area"))
    if not readings:
        return None
    start = next((r for r in readings if r.stage == StarReading.Stage.START), None)
    end = next((r for r in readings if r.stage == StarReading.Stage.END), None)
    last = end or readings[-1]
    if last is start:
        last = None
    scale = start.scale if start else last.scale
    areas = list(scale.areas.all())
    start_scores = {s.area_id: s.score for s in start.scores.all()} if start else {}
    last_scores = {s.area_id: s.score for s in last.scores.all()} if last else {}
    rows = []
    for area in areas:
        before, after = start_scores.get(area.pk), last_scores.get(area.pk)
        change = after - before if before is not None and after is not None else None
        rows.append({"area": area.name, "start": before, "end": after, "change": signed(change)})
    series = []
    if start:
        scores = [start_scores.get(a.pk) for a in areas]
        series.append((f"Start ({dates.day(start.taken_on)})", scores))
    if last:
        label = "End" if last.stage == StarReading.Stage.END else "Latest review"
        scores = [last_scores.get(a.pk) for a in areas]
        series.append((f"{label} ({dates.day(last.taken_on)})", scores))
    return {
        "start": start,
        "last": last,
        "rows": rows,
        "chart": charts.as_data_uri(charts.star_chart([a.name for a in areas], series)),
        "readings": len(readings),
    }


def _risk_section(family):
    """The level of need and each child's plan and attendance, first to latest, as the
    family page shows them (one definition: `selectors.risk_journey`)."""

    journey = risk_journey(family)
    if journey is None:
        return None
    children = [
        {
            "name": row["child"].first_name,
            "age": row["child"].age,
            "plan_start": PLAN_LABELS.get(row["plan_type_first"], "—"),
            "plan_end": PLAN_LABELS.get(row["plan_type_latest"], "—"),
            "attendance_start": row["attendance_first"],
            "attendance_end": row["attendance_latest"],
        }
        for row in journey["children"]
    ]
    return {
        "first": journey["first"],
        "last": journey["latest"] if journey["compared"] else None,
        "level_change": journey["level_change"],
        "children": children,
        "count": len(journey["reviews"]),
    }


def _visits_section(family):
    summary = visit_summary(family)
    logged = Visit.objects.filter(match__family=family, status=Visit.Status.LOGGED)
    extra = logged.aggregate(
        first_contact=Min("visited_on", filter=Q(contact_made=True)),
        in_person=Count("pk", filter=Q(contact_made=True, medium=Visit.Medium.IN_PERSON)),
        phone=Count("pk", filter=Q(contact_made=True, medium=Visit.Medium.PHONE)),
        video=Count("pk", filter=Q(contact_made=True, medium=Visit.Medium.VIDEO)),
    )
    return {**summary, **extra}


def _measures_section(family):
    rows = {}
    scores = MeasureScore.objects.filter(family=family).select_related("measure", "child")
    for score in scores:
        who = score.child.first_name if score.child else score.parent
        key = (score.measure.position, score.measure.name, who)
        row = rows.setdefault(
            key,
            {
                "measure": score.measure.name,
                "who": who,
                "higher_is_better": score.measure.higher_is_better,
                "start": None,
                "end": None,
            },
        )
        row[score.stage] = score.score
    result = []
    for key in sorted(rows):
        row = rows[key]
        if row["start"] is not None and row["end"] is not None:
            row["change"] = signed(row["end"] - row["start"])
        else:
            row["change"] = "—"
        result.append(row)
    return result


def _evaluations_section(family):
    given = {e.respondent: e for e in Evaluation.objects.filter(family=family)}
    return [
        {
            "respondent": label,
            "evaluation": given.get(value),
            "rows": [
                (question, answer, isinstance(answer, int))
                for question, answer in (given[value].rows() if value in given else [])
            ],
        }
        for value, label in Respondent.choices
    ]


def case_closure_context(family):
    """What the case closure report says about `family`."""
    referral = family.referral
    areas = {a.slug: a.name for a in OutcomeArea.objects.filter(scale=OutcomeScale.default())}
    goals = []
    for goal in family.goals.select_related("need").prefetch_related("reviews"):
        reviews = list(goal.reviews.all())
        goals.append(
            {
                "goal": goal,
                "area": areas.get(goal.star_area, goal.star_area),
                "latest": reviews[-1] if reviews else None,
            }
        )
    closure = family.status_changes.filter(to_status=family.Status.CLOSED).last()
    # Allegations about a volunteer or member of staff are the safeguarding leads' record,
    # not the case's: the report goes to the social worker.
    concerns = list(
        family.concerns.filter(kind="child").select_related("closed_by").order_by("raised_at", "pk")
    )
    return {
        "title": f"Case closure report: {family.case_reference}",
        "generated_at": _generated(),
        "family": family,
        "project": family.project,
        "referral": referral,
        "referral_needs": [need.name for need in family.needs.all()],
        "children": [
            {"name": c.first_name, "age": c.age, "category": c.cp_category}
            for c in family.children.select_related("cp_category")
        ],
        "closure_reason": closure.reason if closure else "",
        "matches": list(family.matches.select_related("volunteer").order_by("started_on", "pk")),
        "goals": goals,
        "visits": _visits_section(family),
        "concerns": concerns,
        "open_concerns": sum(1 for c in concerns if c.closed_at is None),
        "case_notes": list(case_notes_for_report(family)),
        "documents": list(documents_for_report(family)),
        "star": _star_section(family),
        "risk": _risk_section(family),
        "measures": _measures_section(family),
        "evaluations": _evaluations_section(family),
    }


# --- Volunteer record ------------------------------------------------------------------------


def volunteer_record_context(volunteer):
    """What the volunteer record says: recruitment steps with dates, training, supervision
    (the steps that stand: none withdrawn as recorded by mistake)."""
    standing = {"withdrawn_at": None}
    interviews = list(
        volunteer.interviews.filter(**standing)
        .select_related("recorded_by")
        .order_by("held_on", "pk")
    )
    dbs_checks = list(volunteer.dbs_checks.filter(**standing).order_by("issued_on", "pk"))
    references = list(volunteer.references.filter(**standing).order_by("received_on", "pk"))
    training = list(
        volunteer.training_attendances.filter(**standing)
        .select_related("session")
        .order_by("session__held_on", "pk")
    )
    initial_hours = sum(
        (a.hours for a in training if a.session.kind == TrainingSession.Kind.INITIAL),
        start=Decimal(0),
    )
    other_hours = sum(
        (a.hours for a in training if a.session.kind != TrainingSession.Kind.INITIAL),
        start=Decimal(0),
    )
    steps = [("Applied", timezone.localtime(volunteer.applied_at).date(), "Application received")]
    for interview in interviews:
        if interview.kind != Interview.Kind.POST_TRAINING:
            steps.append(
                (interview.get_kind_display(), interview.held_on, interview.get_outcome_display())
            )
    for check in dbs_checks:
        result = check.get_result_display()
        if check.disclosure_accepted:
            result += ", accepted on a risk assessment"
        steps.append(
            (
                "Enhanced DBS check",
                check.issued_on,
                f"{result}; certificate {check.masked_certificate_number}"
                + ("; children's barred list checked" if check.barred_list_checked else "")
                + ("; on the Update Service" if check.update_service else ""),
            )
        )
    for reference in references:
        steps.append(
            (
                "Reference",
                reference.received_on,
                f"{reference.get_outcome_display()}: {reference.referee_name} "
                f"({reference.relationship})",
            )
        )
    if training:
        first = next((a for a in training if a.session.kind == TrainingSession.Kind.INITIAL), None)
        if first:
            steps.append(
                (
                    "Initial training",
                    first.session.held_on,
                    f"{format_hours(initial_hours)} of {format_hours(required_training_hours())} "
                    "hours attended",
                )
            )
    for interview in interviews:
        if interview.kind == Interview.Kind.POST_TRAINING:
            steps.append(
                (interview.get_kind_display(), interview.held_on, interview.get_outcome_display())
            )
    if volunteer.signed_off_on:
        by = volunteer.signed_off_by.get_full_name() if volunteer.signed_off_by else ""
        steps.append(
            ("Signed off", volunteer.signed_off_on, f"Ready to work with a family (by {by})")
        )
    supervisions = list(
        volunteer.supervisions.select_related("recorded_by").order_by("held_on", "pk")
    )
    return {
        "title": f"Volunteer record: {volunteer.full_name}",
        "generated_at": _generated(),
        "volunteer": volunteer,
        "project": volunteer.project,
        "steps": steps,
        "training": training,
        "initial_hours": format_hours(initial_hours),
        "other_hours": format_hours(other_hours),
        "required_hours": format_hours(required_training_hours()),
        "supervisions": supervisions,
        "matches": list(volunteer.matches.select_related("family").order_by("started_on", "pk")),
        "stage_changes": list(volunteer.stage_changes.all()),
    }


# --- Programme impact ------------------------------------------------------------------------


def _with_not_assessed(note, not_assessed):
    """A headline's explanation, with the closed cases it could not count and why."""
    return f"{note}. {not_assessed['text']}" if not_assessed["count"] else note


def headline_figures(summary):
    """The figures the impact report leads with: [(label, value, explanation)]."""
    s = summary
    missing = s["not_assessed"]
    return [
        ("Families referred", number(s["families_referred"]), "referrals submitted"),
        ("Families accepted", number(s["families_accepted"]), "referrals accepted"),
        (
            "Families worked with",
            number(s["families_worked_with"]),
            "with a volunteer at some time in the period",
        ),
        ("Cases closed", number(s["families_closed"]), "outcomes below are about these"),
        (
            "Risk decreased",
            percent(s["risk_decreased_pct"]),
            _with_not_assessed(
                f"{s['risk_decreased']} of {s['risk_reviewed']} closed cases with a first and a "
                "closure review: the level of need went down",
                missing["risk"],
            ),
        ),
        (
            "Removed from CP plans",
            f"{s['families_removed_from_cp_plan']} of {s['families_on_cp_plan_at_start']}",
            _with_not_assessed(
                f"families on a child protection plan at the start; "
                f"{s['children_removed_from_cp_plan']} of {s['children_on_cp_plan_at_start']} "
                "children",
                missing["cp_plans"],
            ),
        ),
        (
            "School attendance improved",
            f"{s['school_attendance_improved']} of {s['school_attendance_measured']}",
            _with_not_assessed(
                "families with two attendance figures for a child", missing["school_attendance"]
            ),
        ),
        ("Volunteer training", f"{format_hours(s['training_hours'])} hours", "in the period"),
        ("Cost of the scheme", pounds(s["cost_of_scheme"]), "for the period"),
        ("Estimated savings", pounds(s["estimated_savings"]), "to the council"),
        ("Net savings", pounds(s["net_savings"]), "savings less the cost of the scheme"),
    ]


def impact_context(project, start, end):
    """What the programme impact report says, from `outcomes.metrics.impact_summary`."""

    summary = impact_summary(project=project, start=start, end=end)
    headlines = headline_figures(summary)
    scope = project.name if project is not None else "All projects"
    star_change = [
        {
            **row,
            "mean_start": number(row["mean_start"]),
            "mean_end": number(row["mean_end"]),
            "mean_change_display": signed(row["mean_change"]),
        }
        for row in summary["star_change"]
    ]
    measures = [
        {
            **row,
            "mean_before": number(row["mean_before"]),
            "mean_after": number(row["mean_after"]),
            "p_display": p_value(row["p_value"]),
        }
        for row in summary["measures"]
    ]
    return {
        "title": f"Programme impact report: {scope}, {dates.day(start)} to {dates.day(end)}",
        "generated_at": _generated(),
        "project": project,
        "scope": scope,
        "start": start,
        "end": end,
        "summary": summary,
        "closed_count": number(summary["families_closed"]),
        "headlines": headlines,
        # Rows of the headline grid: activity, outcomes, people, money.
        "headline_rows": [headlines[0:3], headlines[3:6], headlines[6:8], headlines[8:]],
        "star_change": star_change,
        "star_paired": max((row["n"] for row in summary["star_change"]), default=0),
        "measures": measures,
        "funnel": summary["volunteer_funnel"],
        "training_hours": f"{format_hours(summary['training_hours'])} hours",
        "savings": [
            ("Cost of the scheme", pounds(summary["cost_of_scheme"])),
            ("Estimated savings", pounds(summary["estimated_savings"])),
            ("Net savings", pounds(summary["net_savings"])),
        ],
        "star_change_chart": charts.as_data_uri(charts.star_change_chart(summary["star_change"])),
        "funnel_chart": charts.as_data_uri(charts.funnel_chart(summary["volunteer_funnel"])),
    }


# --- Rendering -------------------------------------------------------------------------------

TEMPLATES = {
    Report.Kind.IMPACT: "outcomes/pdf/impact.html",
    Report.Kind.CASE_CLOSURE: "outcomes/pdf/case_closure.html",
    Report.Kind.VOLUNTEER_RECORD: "outcomes/pdf/volunteer_record.html",
}


def report_context(report):
    if report.kind == Report.Kind.IMPACT:
        start = datetime.date.fromisoformat(report.parameters["start"])
        end = datetime.date.fromisoformat(report.parameters["end"])
        return impact_context(report.project, start, end)
    if report.kind == Report.Kind.CASE_CLOSURE:
        return case_closure_context(report.family)
    if report.kind == Report.Kind.VOLUNTEER_RECORD:
        return volunteer_record_context(report.volunteer)
    raise ValueError(f"Unknown kind of report: {report.kind!r}")


def render_html(report):
    context = {**report_context(report), "report": report, "static": static_prefix()}
    return render_to_string(TEMPLATES[report.kind], context)


def render_pdf(report) -> bytes:
    """The PDF of `report`, from the template of its kind."""
    return html_to_pdf(render_html(report))
