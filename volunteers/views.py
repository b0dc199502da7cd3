from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from vicp import audit
from vicp.audit import client_ip
from vicp.forms import add_service_errors
from vicp.http import over_hourly_limit
from vicp.models import User
from vicp.permissions import get_object_for_user, projects_managed_by, role_required

from . import selectors, services
from .filters import VolunteerFilter
from .forms import (
    ApplicationForm,
    AttendanceForm,
    DBSCheckForm,
    DisclosureDecisionForm,
    InterviewForm,
    LeavingForm,
    NotProgressedForm,
    ReferenceForm,
    ReopenForm,
    SupervisionForm,
    TrainingForm,
    TrainingSessionForm,
)
from .models import Interview, TrainingSession

MANAGERS = (User.Role.PROJECT_MANAGER, User.Role.ADMIN)
# Applications accepted from one address per hour: plenty for a family
# applying together, too few for a bot.
APPLICATIONS_PER_HOUR = 5
PER_PAGE = 25


def rate_limit_key(ip):
    return f"vicp:volunteers:apply:{ip or 'unknown'}"


def _rate_limited(request):
    return over_hourly_limit(rate_limit_key(client_ip(request)), APPLICATIONS_PER_HOUR)


@login_not_required
def apply(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        if _rate_limited(request):
            return render(request, "volunteers/volunteer_apply_limited.html", status=429)
        if form.is_valid():
            # A bot that filled the hidden field is thanked like anyone else,
            # so it learns nothing; its application is dropped.
            if not form.is_bot:
                try:
                    services.submit_application(request=request, **form.application_fields())
                except ValidationError as error:
                    add_service_errors(form, error)
            if not form.errors:
                return redirect("volunteers:applied")
    return render(request, "volunteers/volunteer_apply.html", {"form": form})


@login_not_required
def applied(request):
    return render(request, "volunteers/volunteer_applied.html")


@role_required(*MANAGERS)
def board(request):
    projects = projects_managed_by(request.user)
    visible = selectors.board_queryset(request.user)
    volunteer_filter = VolunteerFilter(request.GET or None, queryset=visible, projects=projects)
    page = Paginator(volunteer_filter.qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "volunteers/volunteer_board.html",
        {
            "filter": volunteer_filter,
            "page": page,
            "stage_counts": selectors.stage_counts(visible),
            "query": query.urlencode(),
        },
    )


def _forms(volunteer, bound=None):
    """The step forms of the record page; `bound` replaces one with the form
    that failed, so what the user typed is shown again with its errors."""
    sessions = TrainingSession.objects.filter(project=volunteer.project_id).exclude(
        attendances__volunteer=volunteer
    )
    forms = {
        "interview_form": InterviewForm(prefix="interview"),
        "dbs_form": DBSCheckForm(prefix="dbs"),
        "disclosure_form": DisclosureDecisionForm(prefix="disclosure"),
        "reference_form": ReferenceForm(prefix="reference"),
        "training_form": TrainingForm(prefix="training", sessions=sessions),
        "supervision_form": SupervisionForm(prefix="supervision"),
        "not_progressed_form": NotProgressedForm(prefix="not_progressed"),
        "reopen_form": ReopenForm(prefix="reopen"),
        "leaving_form": LeavingForm(prefix="leaving"),
    }
    next_kind = _next_interview_kind(volunteer)
    forms["interview_form"].initial = {"kind": next_kind}
    forms.update(bound or {})
    return forms


def _next_interview_kind(volunteer):
    passed = {i.kind for i in volunteer.interviews.all() if i.outcome == Interview.Outcome.PASSED}
    for kind in Interview.Kind:
        if kind not in passed:
            return kind
    return Interview.Kind.POST_TRAINING


def _checklist(volunteer):
    """The sign-off gates in recruitment order, each with its evidence, from the prefetched
    rows."""

    def latest(rows):
        return max(rows, key=lambda row: (row[0], row[1].pk))[1] if rows else None

    interviews = {
        kind: latest([(i.held_on, i) for i in volunteer.interviews.all() if i.kind == kind])
        for kind in Interview.Kind
    }
    dbs = latest([(c.issued_on, c) for c in volunteer.dbs_checks.all()])
    references = [r for r in volunteer.references.all() if r.outcome == "satisfactory"]
    attendances = [a for a in volunteer.training_attendances.all() if a.session.kind == "initial"]
    hours = sum((a.hours for a in attendances), start=0)

    def interview_item(kind):
        interview = interviews[kind]
        return {
            "label": Interview.Kind(kind).label,
            "done": interview is not None and interview.outcome == "passed",
            "evidence": [
                (interview.held_on, interview.recorded_by, interview.get_outcome_display())
            ]
            if interview
            else [],
        }

    return [
        interview_item(Interview.Kind.INFORMAL),
        interview_item(Interview.Kind.FORMAL),
        {
            "label": "Enhanced DBS with the children's barred list",
            "done": dbs is not None and services.dbs_in_date(volunteer),
            "evidence": [(dbs.issued_on, dbs.recorded_by, dbs.get_result_display())] if dbs else [],
        },
        {
            "label": f"{settings.VICP_REQUIRED_REFERENCES} satisfactory references",
            "done": len(references) >= settings.VICP_REQUIRED_REFERENCES,
            "evidence": [(r.received_on, r.recorded_by, r.referee_name) for r in references],
        },
        {
            "label": (
                f"Training: {services.format_hours(hours)} of "
                f"{services.format_hours(services.required_training_hours())} hours"
            ),
            "done": hours >= services.required_training_hours(),
            "evidence": [
                (a.session.held_on, a.recorded_by, f"{a.session.title}, {a.hours} h")
                for a in attendances
            ],
        },
        interview_item(Interview.Kind.POST_TRAINING),
    ]


def _render_record(request, volunteer, bound=None, status=200):
    context = {
        "volunteer": volunteer,
        "checklist": _checklist(volunteer),
        "blockers": services.sign_off_blockers(volunteer),
        "latest_dbs": services.latest_dbs_check(volunteer),
        "next_supervision_due": services.next_supervision_due(
            volunteer, list(volunteer.supervisions.all())
        ),
        "workshops": [
            a for a in volunteer.training_attendances.all() if a.session.kind == "workshop"
        ],
        "in_pipeline": volunteer.stage in services.PIPELINE,
        "signed_off": volunteer.stage in services.SIGNED_OFF,
        **_forms(volunteer, bound),
    }
    if context["latest_dbs"] is not None:
        context["dbs_status"] = services.dbs_status(context["latest_dbs"])
        context["dbs_recheck_on"] = services.dbs_recheck_on(context["latest_dbs"])
    return render(request, "volunteers/volunteer_detail.html", context, status=status)


@role_required(*MANAGERS)
def detail(request, pk):
    volunteer = selectors.volunteer_for_record_page(request.user, pk)
    audit.record("volunteer.viewed", actor=request.user, obj=volunteer)
    return _render_record(request, volunteer)


def _step(request, pk, form_key, form, call, success):
    """Record one step from the record page: bind, call the service, redirect."""
    volunteer = selectors.volunteer_for_record_page(request.user, pk)
    if form.is_valid():
        try:
            call(volunteer, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success(volunteer))
            return redirect("volunteers:detail", pk=volunteer.pk)
    return _render_record(request, volunteer, bound={form_key: form}, status=400)


@require_POST
@role_required(*MANAGERS)
def record_interview(request, pk):
    def call(volunteer, data):
        services.record_interview(volunteer, by=request.user, request=request, **data)

    return _step(
        request,
        pk,
        "interview_form",
        InterviewForm(request.POST, prefix="interview"),
        call,
        lambda v: "Interview recorded.",
    )


@require_POST
@role_required(*MANAGERS)
def record_dbs_check(request, pk):
    def call(volunteer, data):
        services.record_dbs_check(volunteer, by=request.user, request=request, **data)

    return _step(
        request,
        pk,
        "dbs_form",
        DBSCheckForm(request.POST, prefix="dbs"),
        call,
        lambda v: "DBS check recorded.",
    )


@require_POST
@role_required(*MANAGERS)
def accept_disclosure(request, pk, dbs_pk):
    def call(volunteer, data):
        check = volunteer.dbs_checks.filter(pk=dbs_pk).first()
        if check is None:
            raise ValidationError("No such DBS check on this record.")
        services.accept_dbs_disclosure(check, by=request.user, request=request, **data)

    return _step(
        request,
        pk,
        "disclosure_form",
        DisclosureDecisionForm(request.POST, prefix="disclosure"),
        call,
        lambda v: "The decision to accept the disclosure is recorded.",
    )


@require_POST
@role_required(*MANAGERS)
def record_reference(request, pk):
    def call(volunteer, data):
        services.record_reference(volunteer, by=request.user, request=request, **data)

    return _step(
        request,
        pk,
        "reference_form",
        ReferenceForm(request.POST, prefix="reference"),
        call,
        lambda v: "Reference recorded.",
    )


@require_POST
@role_required(*MANAGERS)
def record_training(request, pk):
    volunteer = selectors.volunteer_for_record_page(request.user, pk)
    sessions = TrainingSession.objects.filter(project=volunteer.project_id)

    def call(volunteer, data):
        services.record_training(volunteer, by=request.user, request=request, **data)

    return _step(
        request,
        pk,
        "training_form",
        TrainingForm(request.POST, prefix="training", sessions=sessions),
        call,
        lambda v: "Training attendance recorded.",
    )


@require_POST
@role_required(*MANAGERS)
def record_supervision(request, pk):
    def call(volunteer, data):
        services.record_supervision(volunteer, by=request.user, request=request, **data)

    return _step(
        request,
        pk,
        "supervision_form",
        SupervisionForm(request.POST, prefix="supervision"),
        call,
        lambda v: "Supervision recorded.",
    )


@require_POST
@role_required(*MANAGERS)
def not_progressed(request, pk):
    def call(volunteer, data):
        services.not_progressed(volunteer, by=request.user, request=request, **data)

    return _step(
        request,
        pk,
        "not_progressed_form",
        NotProgressedForm(request.POST, prefix="not_progressed"),
        call,
        lambda v: f"{v.full_name} is not progressed; the alternatives suggested are recorded.",
    )


@require_POST
@role_required(*MANAGERS)
def record_leaving(request, pk):
    def call(volunteer, data):
        services.record_leaving(volunteer, by=request.user, request=request, **data)

    return _step(
        request,
        pk,
        "leaving_form",
        LeavingForm(request.POST, prefix="leaving"),
        call,
        lambda v: f"{v.full_name} has left; their record is kept.",
    )


@require_POST
@role_required(*MANAGERS)
def reopen(request, pk):
    def call(volunteer, data):
        services.reopen(volunteer, by=request.user, request=request, **data)

    return _step(
        request,
        pk,
        "reopen_form",
        ReopenForm(request.POST, prefix="reopen"),
        call,
        lambda v: f"{v.full_name}'s record is reopened at stage {v.get_stage_display()}.",
    )


@require_POST
@role_required(*MANAGERS)
def sign_off(request, pk):
    volunteer = selectors.volunteer_for_record_page(request.user, pk)
    try:
        services.sign_off(volunteer, by=request.user, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"{volunteer.full_name} is signed off and has been emailed a link to set "
            "their password.",
        )
    return redirect("volunteers:detail", pk=volunteer.pk)


@role_required(*MANAGERS)
def training_list(request):
    sessions = selectors.training_sessions_visible_to(request.user)
    page = Paginator(sessions, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "volunteers/trainingsession_list.html", {"page": page})


@role_required(*MANAGERS)
def training_create(request):
    projects = projects_managed_by(request.user)
    form = TrainingSessionForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_training_session(
                by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Training session added. Now record who attended.")
            return redirect("volunteers:training_detail", pk=session.pk)
    return render(request, "volunteers/trainingsession_form.html", {"form": form})


@role_required(*MANAGERS)
def training_detail(request, pk):
    session = get_object_for_user(
        request.user,
        selectors.training_sessions_visible_to(request.user),
        pk,
        "volunteers.view_trainingsession",
    )
    attendances = session.attendances.select_related("volunteer", "recorded_by").order_by(
        "volunteer__last_name", "volunteer__first_name"
    )
    eligible = (
        selectors.volunteers_visible_to(request.user)
        .filter(project=session.project_id)
        .exclude(stage__in=services.CLOSED)
        .exclude(training_attendances__session=session)
    )
    form = AttendanceForm(
        request.POST or None, volunteers=eligible, initial={"hours": session.hours}
    )
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.record_attendance(
                session,
                volunteers=form.cleaned_data["volunteers"],
                hours=form.cleaned_data["hours"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Attendance recorded for {len(recorded)}.")
            return redirect("volunteers:training_detail", pk=session.pk)
    return render(
        request,
        "volunteers/trainingsession_detail.html",
        {"session": session, "attendances": attendances, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(User.Role.VOLUNTEER)
def my_record(request):
    volunteer = selectors.own_volunteer_record(request.user)
    context = {"volunteer": volunteer}
    if volunteer is not None:
        attendances = list(volunteer.training_attendances.all())
        initial = [a for a in attendances if a.session.kind == TrainingSession.Kind.INITIAL]
        supervisions = list(volunteer.supervisions.all())
        dbs = next(iter(volunteer.dbs_checks.all()), None)
        context.update(
            {
                "initial_training": initial,
                "workshops": [a for a in attendances if a.session.kind == "workshop"],
                "hours_done": sum((a.hours for a in initial), start=0),
                "hours_required": services.required_training_hours(),
                "supervisions": supervisions,
                "next_supervision_due": services.next_supervision_due(volunteer, supervisions),
                "dbs": dbs,
                "dbs_recheck_on": services.dbs_recheck_on(dbs) if dbs else None,
            }
        )
    return render(request, "volunteers/volunteer_my_record.html", context)
