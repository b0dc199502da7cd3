from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vicp import audit, drafts, postcodes
from vicp.documents import selectors as document_selectors
from vicp.exports import Column, export_response
from vicp.forms import add_service_errors, posted_text
from vicp.listing import list_page
from vicp.models import User
from vicp.permissions import manages, projects_managed_by, projects_visible_to, role_required
from vicp.reauth import password_confirmation_required

from . import selectors, services
from .filters import ReferralFilter
from .forms import (
    MAX_CHILDREN,
    ChildForm,
    ChildFormSet,
    DecisionForm,
    ReferralCorrectionForm,
    ReferralForm,
    WithdrawForm,
    posted_child_count,
)
from .models import Referral

MANAGERS = (User.Role.PROJECT_MANAGER, User.Role.ADMIN)
REFERRERS = (User.Role.SOCIAL_WORKER, User.Role.PROJECT_MANAGER, User.Role.ADMIN)
PER_PAGE = 25


SAVING_ACTIONS = ("save", "submit", "add_child")


def _edit(request, referral=None):
    """The referral form with its children, for a new referral or a draft.

    Every button keeps the work on the server as a draft when what was typed can be one:
    "Save draft", "Add another child", and a "Submit" that is refused (the draft is saved,
    then the reasons it cannot be submitted yet are shown).
    """
    projects = projects_visible_to(request.user)
    if not projects.exists():
        raise Http404("You cannot refer to any project.")
    action = request.POST.get("action", "save")
    data = None
    new = None
    if request.method == "POST":
        data = request.POST.copy()
        new = posted_child_count(data)
        if action == "add_child" and new is not None and new < MAX_CHILDREN:
            data["children-TOTAL_FORMS"] = str(new + 1)
            # The new child's form starts as an untouched blank (so no errors show).
            data[f"children-{new}-plan_type"] = ChildForm.base_fields["plan_type"].initial
    # The saved children, shown when the page is opened.
    children_initial = (
        [{f: getattr(c, f) for f in services.CHILD_FIELDS} for c in referral.children.all()]
        if referral
        else None
    )
    form, formset = _bound(
        request, data, referral, projects, submitting=False, children_initial=children_initial
    )
    saved_now = False
    # A forged count of children's forms could drop children that were sent: save nothing.
    forged = data is not None and new is None
    saving = data is not None and action in SAVING_ACTIONS and not forged
    if saving and form.is_valid() and formset.is_valid():
        draft = _save_draft(request, form, formset)
        if draft is not None:
            # The device's copy of what this page showed is on the server now.
            drafts.saved(request, "referral", referral.pk if referral else "")
            saved_now = referral is None
            referral = draft
            if action == "save":
                messages.success(
                    request, "Draft saved. You can finish it later from your referrals."
                )
                return redirect("referrals:detail", pk=referral.pk)
            if action == "submit":
                form, formset = _bound(
                    request,
                    data,
                    referral,
                    projects,
                    submitting=True,
                    children_initial=children_initial,
                )
                if form.is_valid() and formset.is_valid() and _submit(request, form, referral):
                    messages.success(
                        request, "Referral submitted. The project's managers have been told."
                    )
                    return redirect("referrals:detail", pk=referral.pk)
                messages.info(
                    request,
                    "Saved as a draft, so nothing is lost. Put right what is listed below "
                    "to submit it.",
                )
    elif saving and action == "submit":
        # Not even a draft could be saved: the page shows every reason at once, the
        # submission's too.
        form, formset = _bound(
            request, data, referral, projects, submitting=True, children_initial=children_initial
        )
    if data is None:
        # A first child to fill in, or as many as the device's draft has.
        shown = len(children_initial or ())
        asked = drafts.rows_asked(request, "children", minimum=max(shown, 1), maximum=MAX_CHILDREN)
        formset.extra = asked - shown
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "formset": formset,
            "referral": referral,
            # A draft made by this request is changed from now on, never made again.
            "form_action": reverse("referrals:edit", args=[referral.pk]) if saved_now else "",
        },
    )


def _bound(request, data, referral, projects, *, submitting, children_initial):
    form = ReferralForm(
        data,
        instance=referral,
        projects=projects,
        user=request.user,
        submitting=submitting,
        initial=None if referral else {"project": projects.first()},
    )
    # Bound, the forms are read for what they hold, never compared with the saved children:
    # a child sent back as it was shown is a child, and the page's count of "initial" forms
    # (which a draft saved by "Add another child" leaves behind) changes nothing.
    formset = ChildFormSet(
        data,
        prefix="children",
        initial=children_initial if data is None else None,
        submitting=submitting,
    )
    return form, formset


def _save_draft(request, form, formset):
    """The draft saved with what the forms hold, or None with the service's errors shown."""
    creating = form.instance.pk is None
    try:
        with transaction.atomic():
            return services.save_referral(
                form.save(commit=False),
                by=request.user,
                children=formset.children(),
                needs=form.cleaned_data["needs"],
                risks=form.cleaned_data["risks"],
            )
    except ValidationError as error:
        if creating:  # the insert was rolled back with everything else
            form.instance.pk = None
            form.instance._state.adding = True
        add_service_errors(form, error)
        return None


def _submit(request, form, referral):
    try:
        services.submit_referral(referral, by=request.user)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@role_required(*REFERRERS)
def create(request):
    return _edit(request)


@role_required(*REFERRERS)
def edit(request, pk):
    referral = selectors.referral_for_user(request.user, pk)
    if not referral.is_draft or not request.user.has_perm("referrals.change_referral", referral):
        raise Http404("Only a draft can be changed, by the person who wrote it.")
    return _edit(request, referral)


def _detail(request, referral, *, waitlist_form=None):
    """The referral page; `waitlist_form` is a bound form that failed, shown again."""
    user = request.user
    is_manager = manages(user, referral.project)
    context = {
        "referral": referral,
        "manages": is_manager,
        "can_edit": referral.is_draft and user.has_perm("referrals.change_referral", referral),
        "can_withdraw": referral.status
        in (Referral.Status.DRAFT, Referral.Status.SUBMITTED, Referral.Status.WAITLISTED)
        and (is_manager or user.pk in (referral.created_by_id, referral.social_worker_id)),
        "family": getattr(referral, "family", None) if referral.status == "accepted" else None,
        "problems": services.submission_problems(referral) if referral.is_draft else [],
        "documents": document_selectors.panel(
            user, referral, empty="Nothing is uploaded with this referral."
        ),
    }
    if is_manager and not referral.is_draft:
        duplicates = services.possible_duplicates(referral)
        context["duplicates"] = duplicates
        context["closed_cases"] = [d for d in duplicates if d.is_closed_case]
        context["changes"] = selectors.referral_changes(referral)
        context["can_accept"] = services.may_decide(referral, user, "accept")
        context["can_decline"] = services.may_decide(referral, user, "decline")
        if services.may_decide(referral, user, "waitlist"):
            context["waitlist_form"] = waitlist_form or DecisionForm(prefix="waitlist")
    if context["can_withdraw"]:
        context["withdraw_form"] = WithdrawForm(prefix="withdraw")
    return render(request, "referrals/referral_detail.html", context)


def detail(request, pk):
    referral = selectors.referral_for_user(request.user, pk)
    audit.record("referral.viewed", actor=request.user, obj=referral)
    return _detail(request, referral)


def _decision_page(request, pk, action):
    """The referral, and whether this manager may still take `action` on it (if not, a
    message says why)."""
    referral = selectors.referral_for_user(request.user, pk)
    if not services.may_decide(referral, request.user, action):
        messages.error(
            request,
            f"This referral is {referral.get_status_display().lower()}: "
            "that decision can no longer be made.",
        )
        return referral, False
    return referral, True


def _told(referral):
    """Who hears of a decision, as the confirmation pages say it."""
    if referral.social_worker_id:
        name = referral.social_worker.get_full_name() or referral.referrer_name
        return f"{name} is emailed and sees the decision when signed in."
    if referral.referrer_email:
        return f"{referral.referrer_name} is emailed at {referral.referrer_email}."
    return (
        f"Nobody is emailed: no email address is recorded for {referral.referrer_name}, "
        "so tell them yourself."
    )


@role_required(*MANAGERS)
def accept(request, pk):
    referral, decidable = _decision_page(request, pk, "accept")
    if not decidable:
        return redirect("referrals:detail", pk=referral.pk)
    errors = []
    if request.method == "POST":
        try:
            family = services.accept_referral(referral, by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                f"Referral accepted: the family's case reference is {family.case_reference}.",
            )
            return redirect("families:detail", pk=family.pk)
    year = timezone.localdate().year
    return render(
        request,
        "referrals/referral_accept.html",
        {
            "referral": referral,
            "errors": errors,
            "reference_pattern": f"{referral.project.code}-{year}-",
            "told": _told(referral),
        },
    )


@role_required(*MANAGERS)
def decline(request, pk):
    referral, decidable = _decision_page(request, pk, "decline")
    if not decidable:
        return redirect("referrals:detail", pk=referral.pk)
    form = DecisionForm(request.POST or None, prefix="decline")
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_referral(referral, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Referral declined. The social worker has been told why.")
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/referral_decline.html",
        {"referral": referral, "form": form, "told": _told(referral)},
    )


@require_POST
@role_required(*MANAGERS)
def waitlist(request, pk):
    referral = selectors.referral_for_user(request.user, pk)
    form = DecisionForm(request.POST, prefix="waitlist")
    if form.is_valid():
        try:
            services.waitlist_referral(
                referral, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Referral put on the waiting list. The social worker has been told."
            )
            return redirect("referrals:detail", pk=referral.pk)
    if not services.may_decide(referral, request.user, "waitlist"):
        messages.error(
            request,
            " ".join(form.non_field_errors()) or "This referral cannot go on the waiting list.",
        )
        return redirect("referrals:detail", pk=referral.pk)
    return _detail(request, referral, waitlist_form=form)


@role_required(*MANAGERS)
def correct(request, pk):
    referral = selectors.referral_for_user(request.user, pk)
    if referral.is_draft or not manages(request.user, referral.project):
        raise Http404("Only a submitted referral is corrected, by the project's managers.")
    form = ReferralCorrectionForm(request.POST or None, instance=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_referral(
                referral,
                by=request.user,
                **{name: form.cleaned_data[name] for name in services.CORRECTABLE_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The referral's details are corrected.")
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/referral_correct.html", {"referral": referral, "form": form})


@require_POST
def withdraw(request, pk):
    referral = selectors.referral_for_user(request.user, pk)
    try:
        services.withdraw_referral(
            referral,
            by=request.user,
            reason=posted_text(request, "withdraw-reason"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Referral withdrawn.")
    return redirect("referrals:detail", pk=referral.pk)


@role_required(*MANAGERS)
def queue(request):
    page = Paginator(selectors.decision_queue(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    for referral in page:
        referral.days_waiting = selectors.days_waiting(referral, on=today)
        referral.working_days_waiting = selectors.working_days_between(
            timezone.localdate(referral.submitted_at), today
        )
    return render(request, "referrals/referral_queue.html", {"page": page})


@role_required(User.Role.SOCIAL_WORKER, *MANAGERS)
def mine(request):
    referrals = selectors.referrals_visible_to(request.user)
    if not request.user.is_social_worker:
        referrals = referrals.filter(created_by=request.user)  # paper referrals they entered
    page = Paginator(referrals.order_by("-created_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "referrals/referral_mine.html", {"page": page})


def _referral_filter(request, referrals):
    return ReferralFilter(
        request.GET or None, queryset=referrals, projects=projects_managed_by(request.user)
    )


@role_required(*MANAGERS)
def referral_list(request):
    referral_filter = _referral_filter(request, selectors.all_referrals(request.user))
    context = list_page(request, referral_filter, PER_PAGE)
    today = timezone.localdate()
    for referral in context["page"]:
        referral.days_waiting = selectors.days_waiting(referral, on=today)
    return render(request, "referrals/referral_list.html", context)


def _on(moment):
    return timezone.localdate(moment) if moment else None


def _case_reference(referral):
    try:
        return referral.family.case_reference  # the case an accepted referral became
    except ObjectDoesNotExist:
        return ""


# No child, no address, no contact details: the case as a manager follows it.
EXPORT_COLUMNS = [
    Column("referral", lambda r: r.pk),
    Column("case reference", _case_reference),
    Column("family name", lambda r: r.family_name),
    Column("postcode district", lambda r: postcodes.district(r.postcode)),
    Column("project", lambda r: r.project.code),
    Column("referrer", lambda r: r.referrer_name),
    Column("local authority", lambda r: r.referrer_local_authority),
    Column("received on", lambda r: _on(r.submitted_at)),
    Column("status", lambda r: r.get_status_display()),
    Column("decided on", lambda r: _on(r.decided_at)),
    Column("days waiting", lambda r: r.days_waiting),
]


@role_required(*MANAGERS)
@password_confirmation_required
def export(request, fmt):
    """The list as its filters show it, every page of it."""
    referral_filter = _referral_filter(
        request, selectors.all_referrals(request.user).prefetch_related(None)
    )
    rows = list(referral_filter.qs)
    today = timezone.localdate()
    for referral in rows:
        referral.days_waiting = selectors.days_waiting(referral, on=today)
    return export_response(
        request,
        fmt=fmt,
        rows=rows,
        columns=EXPORT_COLUMNS,
        filename="vicp-referrals",
        title="Referrals",
        action="referrals.exported",
        filters=referral_filter.applied(),
    )
