"""Reports: request, follow and download PDFs (rendered by Celery)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from families.selectors import family_for_user
from vicp import audit
from vicp.exports import Column, export_response
from vicp.forms import add_service_errors
from vicp.listing import list_page
from vicp.models import User
from vicp.permissions import role_required
from vicp.reauth import password_confirmation_required
from volunteers.selectors import volunteer_for_record_page

from . import services
from .filters import ReportFilter
from .models import Report
from .report_forms import ImpactReportForm
from .selectors import report_for_user, reports_visible_to

PER_PAGE = 25
MANAGERS = (User.Role.PROJECT_MANAGER, User.Role.ADMIN)


def _queued_message(request, report):
    # It says nothing of the report's state, which the page shows (and keeps up to date):
    # a report made before the page loads would be "ready" and "being prepared" at once.
    messages.success(
        request, f"Your {report.get_kind_display().lower()} has been asked for: see below."
    )


def _report_filter(request):
    return ReportFilter(request.GET, queryset=reports_visible_to(request.user))


def report_list(request):
    """The reports this person may see, newest first; managers ask for impact reports here."""
    user = request.user
    form = None
    if user.role in MANAGERS:
        form = ImpactReportForm(request.POST or None, user=user)
    elif request.method == "POST":
        raise Http404("No such page.")
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            report = services.request_report(kind=Report.Kind.IMPACT, by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _queued_message(request, report)
            return redirect("outcomes:report_detail", pk=report.pk)
    return render(
        request,
        "outcomes/report_list.html",
        {**list_page(request, _report_filter(request), PER_PAGE), "form": form},
        status=400 if form is not None and form.is_bound else 200,
    )


def _about(report):
    if report.kind == Report.Kind.CASE_CLOSURE:
        return report.family.case_reference
    if report.kind == Report.Kind.VOLUNTEER_RECORD:
        return report.volunteer.full_name
    return report.project.name if report.project else "All projects"


def _period(report, end):
    try:
        return datetime.date.fromisoformat(report.parameters[end])
    except (KeyError, TypeError, ValueError):
        return None


# What the list shows of each report, never what the report holds.
REPORT_COLUMNS = [
    Column("report id", lambda report: report.pk),
    Column("kind", lambda report: report.get_kind_display()),
    Column("about", _about),
    Column("project", lambda report: report.project.code if report.project else ""),
    Column("period from", lambda report: _period(report, "start")),
    Column("period to", lambda report: _period(report, "end")),
    Column("status", lambda report: report.state.label),
    Column("asked for at", lambda report: report.created_at),
    Column("asked for by", lambda report: report.requested_by.get_full_name()),
    Column("finished at", lambda report: report.finished_at if report.is_finished else None),
]


@role_required(*MANAGERS)
@password_confirmation_required
def report_export(request, fmt):
    """The list of reports as its filters show it, as CSV or XLSX."""
    report_filter = _report_filter(request)
    return export_response(
        request,
        fmt=fmt,
        rows=report_filter.qs,
        columns=REPORT_COLUMNS,
        filename="vicp-reports",
        title="Reports",
        action="reports.exported",
        filters=report_filter.applied(),
    )


def report_detail(request, pk):
    report = report_for_user(request.user, pk)
    if request.headers.get("HX-Request"):
        # The page polls while the report is prepared: "nothing new" costs no bytes and
        # does not make screen readers announce the same status again.
        if request.GET.get("shown") == report.progress_key:
            return HttpResponse(status=204)
        return render(request, "outcomes/_report_status.html", {"report": report})
    return render(request, "outcomes/report_detail.html", {"report": report})


def _download_name(report):
    if report.kind == Report.Kind.CASE_CLOSURE:
        return f"case-closure-{report.family.case_reference}.pdf"
    if report.kind == Report.Kind.VOLUNTEER_RECORD:
        return f"volunteer-record-{report.volunteer_id}.pdf"
    scope = report.project.code if report.project else "all-projects"
    return f"impact-{scope}-{report.parameters['start']}-to-{report.parameters['end']}.pdf"


def report_download(request, pk):
    report = report_for_user(request.user, pk)
    if report.status != Report.Status.DONE or not report.file:
        raise Http404("This report is not ready.")
    try:
        file = report.file.open("rb")
    except FileNotFoundError:
        raise Http404("This report's file is missing; ask for it again.") from None
    audit.record(
        "report.downloaded",
        actor=request.user,
        obj=report,
        project=report.project,
        kind=report.kind,
    )
    return FileResponse(
        file, as_attachment=True, filename=_download_name(report), content_type="application/pdf"
    )


@require_POST
@role_required(*MANAGERS, User.Role.SOCIAL_WORKER)
def request_case_closure_report(request, pk):
    family = family_for_user(request.user, pk)
    try:
        report = services.request_report(
            kind=Report.Kind.CASE_CLOSURE, by=request.user, family=family
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("families:outcomes", pk=family.pk)
    _queued_message(request, report)
    return redirect("outcomes:report_detail", pk=report.pk)


@require_POST
@role_required(*MANAGERS)
def request_volunteer_record(request, pk):
    volunteer = volunteer_for_record_page(request.user, pk)
    try:
        report = services.request_report(
            kind=Report.Kind.VOLUNTEER_RECORD, by=request.user, volunteer=volunteer
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("volunteers:detail", pk=volunteer.pk)
    _queued_message(request, report)
    return redirect("outcomes:report_detail", pk=report.pk)
