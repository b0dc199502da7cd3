from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from vicp import audit, drafts
from vicp.exports import Column, export_response
from vicp.forms import add_service_errors
from vicp.listing import list_page
from vicp.models import User
from vicp.permissions import audit_refusal, projects_managed_by, role_required
from vicp.reauth import password_confirmation_required

from . import mileage, policy, selectors, services
from .filters import ANY, OPEN, ClaimFilter, ConcernFilter, FamilyFilter, VisitFilter, status_of
from .forms import (
    CaseNoteForm,
    ChangeSocialWorkerForm,
    ChangeVolunteerForm,
    ChildDetailsForm,
    ChildLeftForm,
    CloseConcernForm,
    ConcernActionForm,
    CorrectCaseNoteForm,
    CorrectConcernForm,
    DiscardDraftForm,
    EndMatchForm,
    FamilyDetailsForm,
    GoalForm,
    GoalReviewForm,
    MoveProjectForm,
    PayClaimsForm,
    RaiseConcernForm,
    ReopenCaseForm,
    ReopenConcernForm,
    StartMatchForm,
    SuspensionForm,
    VisitForm,
)
from .models import Child, Family, Goal, Match, Visit

PER_PAGE = 25
MANAGERS = (User.Role.PROJECT_MANAGER, User.Role.ADMIN)


@role_required(User.Role.PROJECT_MANAGER, User.Role.ADMIN, User.Role.SOCIAL_WORKER)
def _family_filter(request, data=None):
    user = request.user
    return FamilyFilter(
        request.GET if data is None else data,
        queryset=selectors.family_list(user),
        user=user,
        projects=projects_managed_by(user),
        volunteers=selectors.family_list_volunteers(user),
        social_workers=selectors.family_list_social_workers(user),
    )


def family_list(request):
    family_filter = _family_filter(request)
    context = list_page(request, family_filter, PER_PAGE)
    # On a phone the filters beyond the search and the status fold away, open when in use.
    more = set(family_filter.applied()) - {"q", "status", "sort"}
    context["more_filters_in_use"] = len(more)
    context["more_filters_open"] = bool(more) or bool(family_filter.form.errors)
    if family_filter.form.cleaned_data.get("status") == OPEN:
        # The default hides closed cases: say how many, with the link that shows them.
        every_status = request.GET.copy()
        every_status["status"] = ANY
        every_status.pop("page", None)
        context["closed_hidden"] = (
            _family_filter(request, every_status).qs.filter(status=Family.Status.CLOSED).count()
        )
        context["every_status_query"] = every_status.urlencode()
    return render(request, "families/family_list.html", context)


FAMILY_COLUMNS = [
    Column("case reference", lambda family: family.case_reference),
    Column("family name", lambda family: family.family_name),
    Column("project", lambda family: family.project.code),
    Column("status", lambda family: family.get_status_display()),
    Column("children", lambda family: family.child_count),
    Column(
        "level of need",
        lambda family: family.level_of_need.ordinal if family.level_of_need else None,
    ),
    Column("social worker", lambda family: family.referral.referrer_name),
    Column("accepted on", lambda family: family.accepted_on),
    Column("last contact", lambda family: family.last_contact_on),
    Column("closed on", lambda family: family.closed_on),
]


@role_required(*MANAGERS)
@password_confirmation_required
def family_export(request, fmt):
    """The families list as its filters show it: no addresses, contacts or narrative."""
    family_filter = _family_filter(request)
    return export_response(
        request,
        fmt=fmt,
        rows=family_filter.qs,
        columns=FAMILY_COLUMNS,
        filename="vicp-families",
        title="Families",
        action="families.exported",
        filters=family_filter.applied(),
    )


@role_required(*MANAGERS)
def match_volunteer(request, pk):
    family = selectors.family_for_user(request.user, pk)
    suggestions = (
        services.suggest_volunteers(family) if family.status == Family.Status.AWAITING_MATCH else []
    )
    form = StartMatchForm(request.POST or None, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_match(
                family=family,
                volunteer=form.cleaned_data["volunteer"],
                started_on=form.cleaned_data["started_on"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{form.cleaned_data['volunteer'].full_name} is now working with the family.",
            )
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "families/match_form.html",
        {"family": family, "form": form, "suggestions": suggestions},
    )


def _match_for_manager(request, pk):
    match = (
        Match.objects.filter(pk=pk, family__in=selectors.families_visible_to(request.user))
        .select_related("family__project", "volunteer")
        .first()
    )
    if match is None or not policy.manages_family(request.user, match.family):
        audit_refusal(request.user, Match, pk, "family__project")
        raise Http404("No such match.")
    return match


@role_required(*MANAGERS)
def end_match(request, pk):
    """Ending a match, on a page of its own that says what will follow."""
    match = _match_for_manager(request, pk)
    if not match.is_active:
        messages.info(request, "This match has already ended.")
        return redirect("families:detail", pk=match.family_id)
    form = EndMatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_match(match, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "The match has ended; the volunteer no longer sees the family."
            )
            return redirect("families:detail", pk=match.family_id)
    return render(
        request,
        "families/end_match.html",
        {
            "match": match,
            "family": match.family,
            "form": form,
            "drafts": match.visits.filter(status=Visit.Status.DRAFT).count(),
        },
        status=400 if form.is_bound else 200,
    )


def raise_concern(request, pk):
    """Raise a safeguarding concern about a family's children, at any time (a concern
    noticed on a visit may also be raised with the visit's log)."""
    family = selectors.family_for_user(request.user, pk)
    if not policy.may_raise_concern(request.user, family):
        raise Http404("Only people working on the case can raise a concern about it.")
    form = RaiseConcernForm(request.POST or None, prefix="concern", family=family)
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.raise_concern(
                family=family, by=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            drafts.saved(request, "concern", family.pk)
            told = (
                "The project's safeguarding leads have been told."
                if concern.is_allegation
                else "The project's safeguarding lead and managers have been told."
            )
            if concern.immediate_danger:
                told += " If you have not called 999 yet, call now."
            messages.success(request, f"Your concern has been recorded. {told}")
            if policy.may_read_concern(request.user, concern):
                return redirect("families:concern", pk=concern.pk)
            if policy.may_see_concerns(request.user, family):
                # Someone who may not read an allegation they raised goes back to the case.
                return redirect("families:detail", pk=family.pk)
            return redirect("vicp:home")
    return render(
        request,
        "families/raise_concern.html",
        {"family": family, "form": form, "project": family.project},
        status=400 if form.is_bound else 200,
    )


def _concern_page(request, concern, status=200, **forms):
    """The concern, its actions log and the forms of whoever may act on it (bound forms
    passed in keep what was typed beside their errors)."""
    user = request.user
    handles = policy.may_handle_concern(user, concern)
    context = {
        "concern": concern,
        "family": concern.family,
        "handles": handles,
        "overdue": policy.is_overdue(concern),
        "acknowledge_by": concern.raised_at + policy.acknowledgement_window(),
        "may_log_action": policy.may_log_concern_action(user, concern),
        "action_form": forms.get("action_form") or ConcernActionForm(prefix="action"),
    }
    context["corrections"] = selectors.concern_corrections(concern)
    if handles:
        context["correct_form"] = forms.get("correct_form") or CorrectConcernForm(
            prefix="correct", initial=CorrectConcernForm.initial_from(concern)
        )
        context["close_form"] = forms.get("close_form") or CloseConcernForm(prefix="close")
        context["reopen_form"] = forms.get("reopen_form") or ReopenConcernForm(prefix="reopen")
    if policy.may_suspend_for(user, concern):
        context["subject_match"] = selectors.subject_match(concern)
        context["suspension_form"] = forms.get("suspension_form") or SuspensionForm(
            prefix="suspension"
        )
    return render(request, "families/concern_detail.html", context, status=status)


def concern_detail(request, pk):
    concern = selectors.concern_for_user(request.user, pk)
    audit.record("concern.viewed", actor=request.user, obj=concern, project=concern.family.project)
    return _concern_page(request, concern)


def _concern_filter(request):
    return ConcernFilter(
        request.GET or None,
        queryset=selectors.concern_register(request.user),
        projects=projects_managed_by(request.user).order_by("name"),
    )


@role_required(*MANAGERS)
def concern_list(request):
    """The register of every concern of the projects this manager runs."""
    concern_filter = _concern_filter(request)
    page = Paginator(concern_filter.qs, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.marking_overdue(page.object_list)
    for concern in page.object_list:
        concern.status = status_of(concern)
    audit.record("concerns.listed", actor=request.user, filters=concern_filter.applied())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "families/concern_list.html",
        {"filter": concern_filter, "page": page, "query": query.urlencode()},
    )


CONCERN_COLUMNS = [
    Column("case reference", lambda concern: concern.family.case_reference),
    Column("project code", lambda concern: concern.family.project.code),
    Column(
        "about",
        lambda concern: "Allegation" if concern.is_allegation else "Child's safety or welfare",
    ),
    Column("category", lambda concern: concern.get_category_display()),
    Column("raised at", lambda concern: concern.raised_at),
    Column("raised by", lambda concern: concern.raised_by.get_full_name()),
    Column("immediate danger", lambda concern: concern.immediate_danger),
    Column("acknowledged at", lambda concern: concern.acknowledged_at),
    Column("escalated at", lambda concern: concern.escalated_at),
    Column("status", status_of),
    Column("outcome", lambda concern: concern.get_outcome_display() if concern.closed_at else None),
    Column("closed at", lambda concern: concern.closed_at),
]


@role_required(*MANAGERS)
@password_confirmation_required
def concerns_export(request, fmt):
    """The register as its filters show it. No details and no actions log: the export
    names no child and holds no account of what happened."""
    concern_filter = _concern_filter(request)
    return export_response(
        request,
        fmt=fmt,
        rows=concern_filter.qs,
        columns=CONCERN_COLUMNS,
        filename="vicp-concerns",
        title="Concerns",
        action="concerns.exported",
        filters=concern_filter.applied(),
    )


@require_POST
def acknowledge_concern(request, pk):
    concern = selectors.concern_for_user(request.user, pk)
    if not policy.may_handle_concern(request.user, concern):
        raise Http404("Only the project's managers acknowledge concerns.")
    try:
        services.acknowledge_concern(concern, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Acknowledged: the concern will not be escalated.")
    return redirect("families:concern", pk=concern.pk)


def _act_on_concern(request, pk, *, allowed, form_class, prefix, change, done, draft=None):
    """A form on the concern page, sent: the concern (404 unless this person may read it
    and `allowed` lets them act), the form checked, the service's `change` made; refused,
    the page again with the form as it was typed, its errors beside it."""
    concern = selectors.concern_for_user(request.user, pk)
    if not allowed(request.user, concern):
        raise Http404("This is not yours to do on this concern.")
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            change(concern, by=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if draft:
                drafts.saved(request, draft, concern.pk)
            messages.success(request, done)
            return redirect("families:concern", pk=concern.pk)
    return _concern_page(request, concern, status=400, **{f"{prefix}_form": form})


@require_POST
def log_concern_action(request, pk):
    return _act_on_concern(
        request,
        pk,
        allowed=policy.may_log_concern_action,
        form_class=ConcernActionForm,
        prefix="action",
        change=services.log_concern_action,
        done="Added to the actions log.",
        draft="concern-action",
    )


@require_POST
def close_concern(request, pk):
    return _act_on_concern(
        request,
        pk,
        allowed=policy.may_handle_concern,
        form_class=CloseConcernForm,
        prefix="close",
        change=services.close_concern,
        done="The concern is closed, with its outcome.",
        draft="concern-close",
    )


@require_POST
def correct_concern(request, pk):
    return _act_on_concern(
        request,
        pk,
        allowed=policy.may_handle_concern,
        form_class=CorrectConcernForm,
        prefix="correct",
        change=services.correct_concern,
        done="The record is corrected; what it said before is kept.",
        draft="concern-correct",
    )


@require_POST
def reopen_concern(request, pk):
    return _act_on_concern(
        request,
        pk,
        allowed=policy.may_handle_concern,
        form_class=ReopenConcernForm,
        prefix="reopen",
        change=services.reopen_concern,
        done="The concern is open again.",
    )


@require_POST
def suspend_volunteer(request, pk):
    return _act_on_concern(
        request,
        pk,
        allowed=policy.may_suspend_for,
        form_class=SuspensionForm,
        prefix="suspension",
        change=services.suspend_volunteer,
        done="The volunteer is suspended from their match: they no longer see the family.",
    )


@require_POST
def lift_suspension(request, pk):
    return _act_on_concern(
        request,
        pk,
        allowed=policy.may_suspend_for,
        form_class=SuspensionForm,
        prefix="suspension",
        change=services.lift_suspension,
        done="The suspension is lifted: the volunteer works with the family again.",
    )


def _visit_form_page(request, family, match, visit=None):
    initial = VisitForm.initial_from(visit) if visit else None
    draft = request.POST.get("action") == "draft"
    form = VisitForm(request.POST or None, initial=initial, match=match, draft=draft)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.log_visit(
                match=match,
                by=request.user,
                draft=draft,
                visit=visit,
                **form.service_arguments(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Draft saved: you can finish it later from your home page."
                if draft
                else "Visit logged. Thank you.",
            )
            drafts.saved(request, "visit", family.pk, visit.pk if visit else "new")
            return redirect("families:visit_detail", pk=saved.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "families/visit_form.html",
        {
            "family": family,
            "match": match,
            "form": form,
            "visit": visit,
            "draft_key": drafts.draft_key(
                request.user, "visit", family.pk, visit.pk if visit else "new"
            ),
        },
        status=status,
    )


def log_visit(request, pk):
    family = selectors.family_for_user(request.user, pk)
    match = family.matches.filter(ended_on=None).select_related("volunteer").first()
    user = request.user
    if match is None or not policy.may_log_visit(user, match):
        raise Http404("No active match to log a visit for.")
    return _visit_form_page(request, family, match)


def visit_detail(request, pk):
    visit = selectors.visit_for_user(request.user, pk)
    audit.record("visit.viewed", actor=request.user, obj=visit, project=visit.match.family.project)
    return render(
        request,
        "families/visit_detail.html",
        {
            "visit": visit,
            "family": visit.match.family,
            "claim_pence": mileage.claim_amount_pence(visit),
            "can_edit": policy.may_edit_visit(request.user, visit),
            "can_finish": policy.may_finish_draft(request.user, visit),
            "can_discard": policy.may_finish_unfinished(request.user, visit),
            # In full for whoever may read each concern; its status for the one who raised it.
            "concerns": [
                (concern, policy.may_read_concern(request.user, concern))
                for concern in visit.concerns.all()
                if concern.raised_by_id == request.user.pk
                or policy.may_read_concern(request.user, concern)
            ],
        },
    )


def finish_visit(request, pk):
    visit = selectors.visit_for_user(request.user, pk)
    if not policy.may_finish_draft(request.user, visit):
        raise Http404("This draft cannot be finished by you.")
    return _visit_form_page(request, visit.match.family, visit.match, visit)


@role_required(*MANAGERS)
def discard_draft(request, pk):
    """Setting aside a draft its volunteer could not finish, on a page of its own."""
    visit = selectors.visit_for_user(request.user, pk)
    if not policy.may_finish_unfinished(request.user, visit):
        raise Http404("Only a draft of an ended match can be discarded.")
    form = DiscardDraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.discard_draft(visit, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The draft is discarded; it is kept in the case record.")
            return redirect("families:visits", pk=visit.match.family_id)
    return render(
        request,
        "families/discard_draft.html",
        {"visit": visit, "family": visit.match.family, "form": form},
        status=400 if form.is_bound else 200,
    )


def edit_visit(request, pk):
    visit = selectors.visit_for_user(request.user, pk)
    user = request.user
    if not policy.may_edit_visit(user, visit):
        raise Http404("This visit can no longer be changed by you.")
    needs_reason = policy.manages_family(user, visit.match.family) and visit.logged_by_id != user.pk
    form = VisitForm(
        request.POST or None,
        initial=VisitForm.initial_from(visit),
        match=visit.match,
        editing=True,
        needs_reason=needs_reason,
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        arguments.pop("concern")
        try:
            services.edit_visit(
                visit,
                by=user,
                reason=form.cleaned_data.get("reason", ""),
                **arguments,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Visit updated; the change is kept in its history.")
            return redirect("families:visit_detail", pk=visit.pk)
    return render(
        request,
        "families/visit_form.html",
        {
            "family": visit.match.family,
            "form": form,
            "visit": visit,
            "editing": True,
        },
        status=400 if form.is_bound else 200,
    )


def _with_amounts(claims):
    rates = mileage.mileage_rates()
    rows = []
    for claim in claims:
        claim.amount_pence = mileage.claim_amount_pence(claim, rates)
        rows.append(claim)
    return rows


def _managers_filter(request, filter_class, queryset):
    return filter_class(
        request.GET,
        queryset=queryset,
        projects=projects_managed_by(request.user).order_by("name"),
        volunteers=selectors.matched_volunteers(request.user),
    )


def _pounds(pence):
    """A number, not text: the spreadsheet adds the amounts up."""
    return None if pence is None else Decimal(pence).scaleb(-2)


CLAIMS_PER_PAGE = 50
CLAIM_COLUMNS = [
    Column("volunteer", lambda claim: claim.match.volunteer.full_name),
    Column("email", lambda claim: claim.logged_by.email),
    Column("project", lambda claim: claim.match.family.project.code),
    Column("visit date", lambda claim: claim.visited_on),
    Column("miles", lambda claim: claim.miles),
    Column("amount (GBP)", lambda claim: _pounds(claim.amount_pence)),
    Column("visit id", lambda claim: claim.pk),
    Column("paid at", lambda claim: claim.claim_paid_at),
]


def _claims_url(request):
    query = request.GET.urlencode()
    return reverse("families:claims") + (f"?{query}" if query else "")


@role_required(*MANAGERS)
def claims(request):
    """The mileage claims of this manager's projects (those not paid yet unless the
    filters say otherwise); ticked, they are marked paid, and the list keeps its filters."""
    if request.method == "POST":
        form = PayClaimsForm(request.POST, claims=services.unpaid_claims(request.user))
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["claim"]))
        else:
            try:
                paid = services.mark_claims_paid(form.cleaned_data["claim"], by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, f"{len(paid)} claim{'s' if len(paid) != 1 else ''} marked paid."
                )
        return redirect(_claims_url(request))
    claim_filter = _managers_filter(request, ClaimFilter, selectors.mileage_claims(request.user))
    context = list_page(request, claim_filter, CLAIMS_PER_PAGE)
    rows = _with_amounts(context["page"].object_list)
    context |= {
        "claims": rows,
        "total_pence": mileage.total_pence(claim_filter.qs),
        "unpaid_only": claim_filter.form.cleaned_data.get("paid") == ClaimFilter.UNPAID,
        "payable": any(row.claim_paid_at is None for row in rows),
    }
    return render(request, "families/claims.html", context)


@role_required(*MANAGERS)
@password_confirmation_required
def claims_export(request, fmt):
    """The claims the list's filters show, as CSV or XLSX."""
    claim_filter = _managers_filter(request, ClaimFilter, selectors.mileage_claims(request.user))
    return export_response(
        request,
        fmt=fmt,
        rows=_with_amounts(claim_filter.qs),
        columns=CLAIM_COLUMNS,
        filename="vicp-mileage-claims",
        title="Mileage claims",
        action="claims.exported",
        filters=claim_filter.applied(),
    )


VISITS_PER_PAGE = 25
# What happened, never what was written: no notes, no activities, no concern.
VISIT_COLUMNS = [
    Column("visit id", lambda visit: visit.pk),
    Column("date", lambda visit: visit.visited_on),
    Column("case reference", lambda visit: visit.match.family.case_reference),
    Column("project", lambda visit: visit.match.family.project.code),
    Column("volunteer", lambda visit: visit.match.volunteer.full_name),
    Column("contact made", lambda visit: visit.contact_made),
    Column("how long (minutes)", lambda visit: visit.duration_minutes),
    Column("miles", lambda visit: visit.miles),
]


@role_required(*MANAGERS)
def visit_list(request):
    """The logged visits to the families of this manager's projects."""
    visit_filter = _managers_filter(request, VisitFilter, selectors.visit_list(request.user))
    return render(
        request, "families/visit_list.html", list_page(request, visit_filter, VISITS_PER_PAGE)
    )


@role_required(*MANAGERS)
@password_confirmation_required
def visit_export(request, fmt):
    """The visits the list's filters show, as CSV or XLSX: no visit's notes."""
    visit_filter = _managers_filter(request, VisitFilter, selectors.visit_list(request.user))
    return export_response(
        request,
        fmt=fmt,
        rows=visit_filter.qs,
        columns=VISIT_COLUMNS,
        filename="vicp-visits",
        title="Visits",
        action="visits.exported",
        filters=visit_filter.applied(),
    )


def _goal_for_user(user, pk):
    goal = (
        Goal.objects.filter(pk=pk, family__in=selectors.families_visible_to(user))
        .select_related("family__project", "need")
        .first()
    )
    if goal is None or not policy.may_plan(user, goal.family):
        audit_refusal(user, Goal, pk, "family__project")
        raise Http404("No such goal.")
    return goal


def _plan_url(family):
    return reverse("families:plan", args=[family.pk])


def add_goal(request, pk):
    """A goal for the plan of work, on a page of its own (the plan section links here, as
    it does to a goal's change and review), which keeps what was typed when something
    needs putting right."""
    family = selectors.family_for_user(request.user, pk)
    if not policy.may_plan(request.user, family):
        raise Http404("Only the family's volunteer or a project manager can add goals.")
    form = GoalForm(request.POST or None, prefix="goal")
    if request.method == "POST" and form.is_valid():
        try:
            services.add_goal(family=family, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            drafts.saved(request, "goal", family.pk, "new")
            messages.success(request, "Goal added to the plan of work.")
            return redirect(_plan_url(family))
    return render(
        request,
        "families/goal_form.html",
        {"family": family, "form": form, "title": "Add a goal"},
        status=400 if form.is_bound else 200,
    )


def edit_goal(request, pk):
    goal = _goal_for_user(request.user, pk)
    initial = {"description": goal.description, "need": goal.need, "target_date": goal.target_date}
    form = GoalForm(request.POST or None, prefix="goal", initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_goal(goal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            drafts.saved(request, "goal", goal.family_id, goal.pk)
            messages.success(request, "Goal updated; the change is kept in the case's history.")
            return redirect(_plan_url(goal.family))
    return render(
        request,
        "families/goal_form.html",
        {"family": goal.family, "goal": goal, "form": form, "title": "Change this goal"},
        status=400 if form.is_bound else 200,
    )


def review_goal(request, pk):
    goal = _goal_for_user(request.user, pk)
    form = GoalReviewForm(request.POST or None, prefix="review")
    if request.method == "POST" and form.is_valid():
        try:
            services.review_goal(goal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            drafts.saved(request, "goal-review", goal.pk)
            messages.success(request, "Review recorded.")
            return redirect(_plan_url(goal.family))
    return render(
        request,
        "families/goal_review_form.html",
        {"family": goal.family, "goal": goal, "form": form},
        status=400 if form.is_bound else 200,
    )


# --- Corrections to the family's details and children ------------------------------------


def _managed_family(request, pk):
    family = selectors.family_for_user(request.user, pk)
    if not policy.manages_family(request.user, family):
        audit_refusal(request.user, Family, pk, "project")
        raise Http404("Only the family's project managers change its case.")
    return family


def _child_for_manager(request, pk):
    child = (
        Child.objects.filter(pk=pk, family__in=selectors.families_visible_to(request.user))
        .select_related("family__project", "cp_category")
        .first()
    )
    if child is None or not policy.manages_family(request.user, child.family):
        audit_refusal(request.user, Child, pk, "family__project")
        raise Http404("No such child.")
    return child


def _details_url(family):
    return reverse("families:details", args=[family.pk])


@role_required(*MANAGERS)
def edit_details(request, pk):
    family = _managed_family(request, pk)
    form = FamilyDetailsForm(request.POST or None, instance=family)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_family_details(family, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The family's details are updated; the change is kept.")
            return redirect("families:details", pk=family.pk)
    return render(
        request,
        "families/details_form.html",
        {"family": family, "form": form},
        status=400 if form.is_bound else 200,
    )


@role_required(*MANAGERS)
def add_child(request, pk):
    family = _managed_family(request, pk)
    form = ChildDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.add_child(family, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{child.first_name} is added to the family.")
            return redirect(_details_url(family))
    return render(
        request,
        "families/child_form.html",
        {"family": family, "form": form, "title": "Add a child"},
        status=400 if form.is_bound else 200,
    )


@role_required(*MANAGERS)
def edit_child(request, pk):
    child = _child_for_manager(request, pk)
    form = ChildDetailsForm(request.POST or None, instance=child)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_child(child, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The child's details are corrected; the change is kept.")
            return redirect(_details_url(child.family))
    return render(
        request,
        "families/child_form.html",
        {
            "family": child.family,
            "child": child,
            "form": form,
            "title": f"Correct {child.first_name}'s details",
        },
        status=400 if form.is_bound else 200,
    )


@role_required(*MANAGERS)
def child_left(request, pk):
    """Recording that a child left the household, on a page that says what follows."""
    child = _child_for_manager(request, pk)
    if child.left_household_on:
        messages.info(request, f"{child.first_name} is already recorded as having left.")
        return redirect(_details_url(child.family))
    form = ChildLeftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_child_left(child, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{child.first_name} is recorded as having left.")
            return redirect(_details_url(child.family))
    return render(
        request,
        "families/child_left.html",
        {"family": child.family, "child": child, "form": form},
        status=400 if form.is_bound else 200,
    )


# --- Who works with the family ------------------------------------------------------------


@role_required(*MANAGERS)
def change_social_worker(request, pk):
    family = _managed_family(request, pk)
    form = ChangeSocialWorkerForm(
        request.POST or None, social_workers=services.social_workers_for(family)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_social_worker(family, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            name = form.cleaned_data["social_worker"].get_full_name()
            messages.success(request, f"{name} now holds the case and has been told.")
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "families/change_social_worker.html",
        {"family": family, "form": form, "current": family.referral.social_worker},
        status=400 if form.is_bound else 200,
    )


@role_required(*MANAGERS)
def move_project(request, pk):
    """Moving the case to another project, confirmed on a page of its own."""
    family = _managed_family(request, pk)
    projects = selectors.projects_to_move_to(request.user, family)
    form = MoveProjectForm(request.POST or None, family=family, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_to_project(family, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            name = form.cleaned_data["to_project"].name
            messages.success(
                request,
                f"The case has moved to {name}; its managers and the social worker have been told.",
            )
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "families/move_project.html",
        {
            "family": family,
            "form": form,
            "projects": projects,
            "active_match": policy.active_match(family),
        },
        status=400 if form.is_bound else 200,
    )


@role_required(*MANAGERS)
def change_volunteer(request, pk):
    """End the match and start another with a new volunteer, on one confirmation page."""
    match = _match_for_manager(request, pk)
    if not match.is_active:
        messages.info(request, "This match has already ended: match a volunteer instead.")
        return redirect("families:detail", pk=match.family_id)
    suggestions = services.suggest_volunteers(match.family)
    form = ChangeVolunteerForm(request.POST or None, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.change_volunteer(match, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{new.volunteer.full_name} now works with the family; "
                f"{match.volunteer.first_name}'s match has ended.",
            )
            return redirect("families:detail", pk=match.family_id)
    return render(
        request,
        "families/change_volunteer.html",
        {
            "match": match,
            "family": match.family,
            "form": form,
            "suggestions": suggestions,
            "drafts": match.visits.filter(status=Visit.Status.DRAFT).count(),
        },
        status=400 if form.is_bound else 200,
    )


@role_required(*MANAGERS)
def reopen_case(request, pk):
    """Reopening a closed case, confirmed on a page of its own."""
    family = _managed_family(request, pk)
    if family.status != Family.Status.CLOSED:
        messages.info(request, "This case is open.")
        return redirect("families:detail", pk=family.pk)
    form = ReopenCaseForm(request.POST or None, prefix="reopen")
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_case(family, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The case is open again, awaiting a volunteer.")
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "families/reopen_case.html",
        {"family": family, "form": form},
        status=400 if form.is_bound else 200,
    )


# --- Case notes ---------------------------------------------------------------------------


def add_case_note(request, pk):
    """The Notes section of the family page holds this form; this page of its own keeps
    what was typed when something needs putting right."""
    user = request.user
    family = selectors.family_for_user(user, pk)
    if not policy.may_write_case_note(user, family):
        raise Http404("Only the case's managers and social worker add notes to it.")
    form = CaseNoteForm(
        request.POST or None,
        prefix="note",
        may_mark_sensitive=policy.may_mark_sensitive(user, family),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.write_case_note(family=family, by=user, **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            drafts.saved(request, "case-note", family.pk, "new")
            messages.success(request, "The note is added to the case.")
            return redirect("families:notes", pk=family.pk)
    return render(
        request,
        "families/case_note_form.html",
        {"family": family, "form": form},
        status=400 if form.is_bound else 200,
    )


def correct_case_note(request, pk):
    """A note, its corrections (before and after, who and when) and the form that corrects
    it, for its writer and the project's managers."""
    user = request.user
    note = selectors.case_note_for_user(user, pk)
    if not policy.may_correct_note(user, note):
        audit_refusal(user, type(note), pk, "family__project")
        raise Http404("Only the note's writer or a manager of the project corrects it.")
    form = CorrectCaseNoteForm(
        request.POST or None,
        prefix="note",
        initial=CorrectCaseNoteForm.initial_from(note),
        may_mark_sensitive=policy.may_mark_sensitive(user, note.family),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_case_note(note, by=user, **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            drafts.saved(request, "case-note", note.family_id, note.pk)
            messages.success(request, "The note is corrected; what it said before is kept.")
            return redirect("families:notes", pk=note.family_id)
    if request.method != "POST":
        audit.record("case_note.viewed", actor=user, obj=note, project=note.family.project)
    return render(
        request,
        "families/case_note_correct.html",
        {
            "family": note.family,
            "note": note,
            "form": form,
            "corrections": selectors.case_note_corrections(note),
        },
        status=400 if form.is_bound else 200,
    )
