from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vicp import audit, drafts, postcodes
from vicp.audit import client_ip
from vicp.documents import selectors as document_selectors
from vicp.exports import Column, export_response
from vicp.forms import add_service_errors
from vicp.http import over_hourly_limit
from vicp.listing import list_page
from vicp.models import User
from vicp.permissions import get_object_for_user, projects_managed_by, role_required
from vicp.reauth import password_confirmation_required

from . import selectors, services
from .filters import TrainingSessionFilter, VolunteerFilter
from .forms import (
    AcknowledgeReferenceForm,
    ApplicationForm,
    AttendanceForm,
    DBSCheckForm,
    DetailsForm,
    DisclosureDecisionForm,
    InterviewForm,
    LeavingForm,
    NotProgressedForm,
    ReferenceForm,
    ReopenForm,
    SupervisionForm,
    TrainingForm,
    TrainingSessionForm,
    WithdrawStepForm,
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
                    services.submit_application(**form.application_fields())
                except ValidationError as error:
                    add_service_errors(form, error)
            if not form.errors:
                return redirect("volunteers:applied")
    return render(request, "volunteers/volunteer_apply.html", {"form": form})


@login_not_required
def applied(request):
    return render(request, "volunteers/volunteer_applied.html")


def _volunteer_filter(request):
    return VolunteerFilter(
        request.GET or None,
        queryset=selectors.board_queryset(request.user),
        projects=projects_managed_by(request.user),
    )


@role_required(*MANAGERS)
def board(request):
    volunteer_filter = _volunteer_filter(request)
    context = list_page(request, volunteer_filter, PER_PAGE)
    context["page"].object_list = selectors.with_recheck_dates(context["page"].object_list)
    counts = selectors.stage_counts(selectors.volunteers_visible_to(request.user))
    chosen = request.GET.get("stage", "")
    # Each stage's link keeps the other filters (a language, a district) as they are.
    context["stage_links"] = [
        (stage, count, _with_stage(request.GET, stage.value), stage.value == chosen)
        for stage, count in counts
    ]
    return render(request, "volunteers/volunteer_board.html", context)


def _with_stage(query, stage):
    query = query.copy()
    query["stage"] = stage
    query.pop("page", None)
    return query.urlencode()


# What a manager needs to arrange a match; no interview notes, references or
# experience, and the postcode only as its district.
EXPORT_COLUMNS = [
    Column("first name", lambda v: v.first_name),
    Column("last name", lambda v: v.last_name),
    Column("email", lambda v: v.email),
    Column("phone", lambda v: v.phone),
    Column("project", lambda v: v.project.code),
    Column("stage", lambda v: v.get_stage_display()),
    Column("at the stage since", lambda v: timezone.localdate(v.stage_changed_at)),
    Column("applied on", lambda v: services.applied_on(v)),
    Column("languages", lambda v: v.languages),
    Column("postcode district", lambda v: postcodes.district(v.postcode)),
    Column("days available", lambda v: v.availability_days_display),
    Column("times available", lambda v: v.availability_times),
    Column("drives", lambda v: v.drives),
    Column("DBS re-check date", lambda v: v.dbs_recheck_on),
    Column("signed off on", lambda v: v.signed_off_on),
]


@role_required(*MANAGERS)
@password_confirmation_required
def export(request, fmt):
    """The board as its filters show it, every page of it."""
    volunteer_filter = _volunteer_filter(request)
    return export_response(
        request,
        fmt=fmt,
        rows=selectors.with_recheck_dates(volunteer_filter.qs),
        columns=EXPORT_COLUMNS,
        filename="vicp-volunteers",
        title="Volunteers",
        action="volunteers.exported",
        filters=volunteer_filter.applied(),
    )


def _forms(volunteer, bound=None):
    """The step forms of the record page; `bound` replaces one with the form
    that failed, so what the user typed is shown again with its errors."""
    sessions = TrainingSession.objects.filter(project=volunteer.project_id).exclude(
        pk__in=volunteer.training_attendances.filter(withdrawn_at=None).values("session")
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
    passed = {
        i.kind
        for i in volunteer.interviews.all()
        if i.outcome == Interview.Outcome.PASSED and not i.withdrawn
    }
    for kind in Interview.Kind:
        if kind not in passed:
            return kind
    return Interview.Kind.POST_TRAINING


def _render_record(request, volunteer, bound=None, status=200):
    steps = services.RecordedSteps.of(volunteer, prefetched=True)
    gates = services.recruitment_gates(volunteer, steps=steps)
    context = {
        "volunteer": volunteer,
        "checklist": gates,
        "blockers": [gate.blocker for gate in gates if not gate.done],
        "latest_dbs": services.latest_dbs_check(volunteer),
        "next_supervision_due": services.next_supervision_due(
            volunteer, list(volunteer.supervisions.all())
        ),
        "workshops": [
            a for a in volunteer.training_attendances.all() if a.session.kind == "workshop"
        ],
        "in_pipeline": volunteer.stage in services.PIPELINE,
        "signed_off": volunteer.stage in services.SIGNED_OFF,
        "changes": selectors.volunteer_changes(volunteer),
        "documents": document_selectors.panel(
            request.user,
            volunteer,
            empty="No documents yet: a scan of the DBS certificate or a reference goes here.",
        ),
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


def _step(request, pk, form_key, form, call, success, draft=None):
    """Record one step from the record page: bind, call the service, redirect.

    `draft` names the form's device draft (vicp.drafts), cleared once it is saved."""
    volunteer = selectors.volunteer_for_record_page(request.user, pk)
    if form.is_valid():
        try:
            call(volunteer, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if draft:
                drafts.saved(request, draft, volunteer.pk)
            messages.success(request, success(volunteer))
            return redirect("volunteers:detail", pk=volunteer.pk)
    return _render_record(request, volunteer, bound={form_key: form}, status=400)


@require_POST
@role_required(*MANAGERS)
def record_interview(request, pk):
    def call(volunteer, data):
        services.record_interview(volunteer, by=request.user, **data)

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
        services.record_dbs_check(volunteer, by=request.user, **data)

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
        services.accept_dbs_disclosure(check, by=request.user, **data)

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
        services.record_reference(volunteer, by=request.user, **data)

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
        services.record_training(volunteer, by=request.user, **data)

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
        services.record_supervision(volunteer, by=request.user, **data)

    return _step(
        request,
        pk,
        "supervision_form",
        SupervisionForm(request.POST, prefix="supervision"),
        call,
        lambda v: "Supervision recorded.",
        draft="supervision",
    )


@role_required(*MANAGERS)
def not_progressed(request, pk):
    """Confirmation page of its own: GET says what will happen, POST does it."""
    volunteer = selectors.volunteer_for_record_page(request.user, pk)
    form = NotProgressedForm(request.POST or None, prefix="not_progressed")
    if request.method == "POST" and form.is_valid():
        try:
            services.not_progressed(volunteer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{volunteer.full_name} is not progressed; the alternatives suggested are "
                "recorded.",
            )
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/volunteer_not_progressed.html",
        {"volunteer": volunteer, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(*MANAGERS)
def record_leaving(request, pk):
    def call(volunteer, data):
        services.record_leaving(volunteer, by=request.user, **data)

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
        services.reopen(volunteer, by=request.user, **data)

    return _step(
        request,
        pk,
        "reopen_form",
        ReopenForm(request.POST, prefix="reopen"),
        call,
        lambda v: f"{v.full_name}'s record is reopened at stage {v.get_stage_display()}.",
    )


@role_required(*MANAGERS)
def sign_off(request, pk):
    """Confirmation page of its own: GET says what signing off does, POST does it."""
    volunteer = selectors.volunteer_for_record_page(request.user, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.sign_off(volunteer, by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                f"{volunteer.full_name} is signed off and has been emailed a link to set "
                "their password.",
            )
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/volunteer_sign_off.html",
        {
            "volunteer": volunteer,
            "in_pipeline": volunteer.stage in services.PIPELINE,
            "blockers": services.sign_off_blockers(volunteer),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


# The steps a manager may withdraw, by the name their URLs give them.
STEP_RELATIONS = {
    "interview": "interviews",
    "dbs_check": "dbs_checks",
    "reference": "references",
    "training": "training_attendances",
}


@role_required(*MANAGERS)
def withdraw_step(request, pk, kind, step_pk):
    """Confirmation page of its own: GET says what withdrawing does, POST does it."""
    volunteer = selectors.volunteer_for_record_page(request.user, pk)
    step = next(
        (s for s in getattr(volunteer, STEP_RELATIONS[kind]).all() if s.pk == step_pk), None
    )
    if step is None:
        raise Http404("No such step on this record.")
    form = WithdrawStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_step(step, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"The {services.step_label(step)} is withdrawn; it stays on the record, "
                "struck through.",
            )
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/step_withdraw.html",
        {
            "volunteer": volunteer,
            "step": step,
            "kind": kind,
            "label": services.step_label(step),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@role_required(*MANAGERS)
def acknowledge_reference(request, pk, reference_pk):
    volunteer = selectors.volunteer_for_record_page(request.user, pk)
    reference = next((r for r in volunteer.references.all() if r.pk == reference_pk), None)
    if reference is None:
        raise Http404("No such reference on this record.")
    form = AcknowledgeReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.acknowledge_reference(
                reference, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"The unsatisfactory reference from {reference.referee_name} is acknowledged.",
            )
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/reference_acknowledge.html",
        {"volunteer": volunteer, "reference": reference, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(*MANAGERS)
def edit_details(request, pk):
    volunteer = selectors.volunteer_for_record_page(request.user, pk)
    if volunteer.anonymised_on is not None:
        raise Http404("This record's personal details were removed.")
    form = DetailsForm(request.POST or None, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.correct_details(volunteer, by=request.user, **form.details())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if changed:
                messages.success(request, "Details corrected; the change is kept in the history.")
            else:
                messages.info(request, "Nothing was changed.")
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/volunteer_edit.html",
        {"volunteer": volunteer, "form": form},
        status=400 if form.errors else 200,
    )


def _training_filter(request):
    return TrainingSessionFilter(
        request.GET,
        queryset=selectors.training_session_list(request.user),
        projects=projects_managed_by(request.user).order_by("name"),
    )


@role_required(*MANAGERS)
def training_list(request):
    context = list_page(request, _training_filter(request), PER_PAGE)
    return render(request, "volunteers/trainingsession_list.html", context)


TRAINING_COLUMNS = [
    Column("title", lambda session: session.title),
    Column("date", lambda session: session.held_on),
    Column("hours", lambda session: session.hours),
    Column("kind", lambda session: session.get_kind_display()),
    Column("project", lambda session: session.project.code),
    Column("attended", lambda session: session.attended),
]


@role_required(*MANAGERS)
@password_confirmation_required
def training_export(request, fmt):
    training_filter = _training_filter(request)
    return export_response(
        request,
        fmt=fmt,
        rows=training_filter.qs,
        columns=TRAINING_COLUMNS,
        filename="vicp-training-sessions",
        title="Training sessions",
        action="training_sessions.exported",
        filters=training_filter.applied(),
    )


@role_required(*MANAGERS)
def training_create(request):
    projects = projects_managed_by(request.user)
    form = TrainingSessionForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_training_session(by=request.user, **form.cleaned_data)
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
        .exclude(pk__in=session.attendances.filter(withdrawn_at=None).values("volunteer"))
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
