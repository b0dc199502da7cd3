"""Pages that bring several apps together: each role's home page, the family case page,
closing a case (which asks for the outcomes) and the subject access export."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.text import get_text_list

from families import policy, selectors
from families import services as family_services
from families.forms import CaseNoteForm, CloseCaseForm
from families.models import Family, SubjectAccessExport
from outcomes import policy as outcome_policy
from outcomes import selectors as outcome_selectors
from outcomes.selectors import missing_evaluations_of
from referrals import selectors as referral_selectors
from vicp import audit, drafts, reauth
from vicp import search as search_text
from vicp.documents import selectors as document_selectors
from vicp.forms import add_service_errors
from vicp.listing import CountedPaginator
from vicp.models import User
from vicp.permissions import audit_refusal, projects_visible_to, role_required
from volunteers import selectors as volunteer_selectors

from . import services
from .closure import closure_checklist

MANAGERS = (User.Role.PROJECT_MANAGER, User.Role.ADMIN)

HOME_TEMPLATES = {
    User.Role.PROJECT_MANAGER: "vicp/home_project_manager.html",
    User.Role.ADMIN: "vicp/home_project_manager.html",
    User.Role.VOLUNTEER: "vicp/home_volunteer.html",
    User.Role.SOCIAL_WORKER: "vicp/home_social_worker.html",
}


def home(request):
    user = request.user
    context = {"projects": projects_visible_to(user), **home_sections(user)}
    return render(request, HOME_TEMPLATES[user.role], context)


def home_sections(user):
    """What each app shows on this person's home page, read through its selectors."""
    evaluations = outcome_selectors.evaluations_awaiting_panel(user)
    if user.is_volunteer:
        return {
            "family_panel": selectors.volunteer_home(user),
            "my_record": volunteer_selectors.my_record_summary(user),
            "evaluations_awaiting": evaluations,
        }
    if user.is_social_worker:
        return {
            "referrals_panel": {
                "referrals": referral_selectors.referrals_visible_to(user).order_by(
                    "-created_at", "-pk"
                )[:5],
                "families": selectors.families_visible_to(user).order_by("-accepted_on", "-pk")[
                    :10
                ],
            },
            "concerns_panel": selectors.open_concerns_panel(user),
            "evaluations_awaiting": evaluations,
        }
    return {
        "concerns_panel": selectors.open_concerns_panel(user),
        "referral_queue": referral_selectors.queue_summary(user),
        "families_panel": selectors.manager_home(user),
        "recruitment": volunteer_selectors.recruitment_summary(user),
        "evaluations_awaiting": evaluations,
        "impact": outcome_selectors.impact_panels(user),
    }


# The family page's sections: (URL name, tab label). Each has its own view, which
# loads only what it shows; `families:detail` is the overview.
SECTIONS = [
    ("families:detail", "Overview"),
    ("families:visits", "Visits"),
    ("families:plan", "Plan"),
    ("families:outcomes", "Outcomes"),
    ("families:safeguarding", "Safeguarding"),
    ("families:notes", "Notes"),
    ("families:documents", "Documents"),
    ("families:details", "Details"),
    ("families:history", "History"),
]
VISITS_PER_PAGE = 20


def _family_section(request, pk, section, url_name):
    """The family (404 unless this person may see it), the audit of the viewing, and
    what every section's header and tabs show."""
    user = request.user
    family = selectors.family_page_for_user(user, pk, section)
    audit.record("family.viewed", actor=user, obj=family)
    manages = policy.manages_family(user, family)
    is_matched_volunteer = policy.is_matched_volunteer(user, family)
    hidden = set()
    if user.is_volunteer:
        hidden.add("families:safeguarding")  # volunteers see no list of concerns
    if not (manages or is_matched_volunteer):
        hidden.add("families:visits")  # nobody else reads visit notes
    if not policy.may_read_case_notes(user, family):
        hidden.add("families:notes")
    context = {
        "family": family,
        "referral": family.referral,
        "manages": manages,
        "is_matched_volunteer": is_matched_volunteer,
        "section": url_name,
        "may_raise_concern": policy.may_raise_concern(user, family),
        "sections": [(name, label) for name, label in SECTIONS if name not in hidden],
    }
    return family, context


def family_detail(request, pk):
    """The overview: status, who works with the family, the risks to a lone visitor
    and open concerns first, then what needs doing next and the visit counts."""
    user = request.user
    family, context = _family_section(request, pk, "overview", "families:detail")
    manages = context["manages"]
    context |= {
        "active_match": policy.active_match(family),
        "summary": selectors.visit_summary(family),
        "open_concerns": selectors.concerns_of(user, family).filter(closed_at=None),
        "evaluations_due": outcome_selectors.evaluations_due(user, family),
    }
    if manages:
        context["unfinished_drafts"] = selectors.unfinished_drafts(family)
    return render(request, "families/family_detail.html", context)


def family_visits(request, pk):
    user = request.user
    family, context = _family_section(request, pk, "visits", "families:visits")
    visits = selectors.visits_visible_to(user).filter(match__family=family)
    if context["manages"]:
        context["unfinished_drafts"] = selectors.unfinished_drafts(family)
    elif context["is_matched_volunteer"]:
        visits = visits.filter(match=policy.active_match(family))
    else:
        visits = visits.none()
    visits = selectors.for_visits_section(visits)
    context["page"] = CountedPaginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "families/section_visits.html", context)


def family_plan(request, pk):
    user = request.user
    family, context = _family_section(request, pk, "plan", "families:plan")
    context["goals"] = family.goals.select_related("need").prefetch_related("reviews")
    context["may_plan"] = family.status != Family.Status.CLOSED and policy.may_plan(user, family)
    return render(request, "families/section_plan.html", context)


def family_outcomes(request, pk):
    user = request.user
    family, context = _family_section(request, pk, "outcomes", "families:outcomes")
    context |= {
        "journey": outcome_selectors.star_journey(family),
        "may_record_star": outcome_policy.may_record_star_readings(user, family),
        "risk_panel": outcome_selectors.risk_and_measures(user, family),
        "evaluations_panel": outcome_selectors.family_evaluations(user, family),
        "reports_panel": outcome_selectors.family_reports(user, family),
    }
    return render(request, "families/section_outcomes.html", context)


def family_safeguarding(request, pk):
    user = request.user
    family, context = _family_section(request, pk, "safeguarding", "families:safeguarding")
    context["concerns"] = selectors.concerns_of(user, family)
    return render(request, "families/section_safeguarding.html", context)


def family_notes(request, pk):
    """The case's notes of contacts, the latest first, and the form that adds one: for its
    managers and social worker (404 for everyone else, volunteers included)."""
    user = request.user
    family, context = _family_section(request, pk, "notes", "families:notes")
    if not policy.may_read_case_notes(user, family):
        raise Http404("Only the case's managers and social worker read its notes.")
    notes = list(selectors.case_notes_of(user, family))
    for note in notes:
        note.family = family  # the page's, with what the policy reads of it
        note.may_correct = policy.may_correct_note(user, note)
    context["notes"] = notes
    if policy.may_write_case_note(user, family):
        context["note_form"] = CaseNoteForm(
            prefix="note", may_mark_sensitive=policy.may_mark_sensitive(user, family)
        )
    return render(request, "families/section_notes.html", context)


def family_documents(request, pk):
    """The case's documents and, for its managers and social worker, those sent with its
    referral. The volunteer working with the family sees only what was shared with them."""
    user = request.user
    family, context = _family_section(request, pk, "documents", "families:documents")
    volunteer = user.is_volunteer
    context["panel"] = document_selectors.panel(
        user,
        family,
        heading="Documents shared with you" if volunteer else "Documents of the case",
        empty="No documents have been shared with you."
        if volunteer
        else "No documents on the case yet.",
    )
    if not volunteer:
        context["referral_panel"] = document_selectors.panel(
            user,
            family.referral,
            heading="Sent with the referral",
            empty="Nothing was uploaded with the referral.",
        )
    return render(request, "families/section_documents.html", context)


def family_details(request, pk):
    _, context = _family_section(request, pk, "details", "families:details")
    return render(request, "families/section_details.html", context)


def _status_entry(kind, change):
    text = change.get_to_status_display()
    if change.reason:
        text += f" ({change.reason})"
    return {"at": change.at, "pk": change.pk, "kind": kind, "text": text, "by": change.by}


def family_history(request, pk):
    family, context = _family_section(request, pk, "history", "families:history")
    user = request.user
    entries = [
        *(_status_entry("Referral", change) for change in family.referral.status_changes.all()),
        *(_status_entry("Case", change) for change in family.status_changes.all()),
    ]
    if policy.may_read_case_notes(user, family):
        entries += [
            {
                "at": note.written_at,
                "pk": note.pk,
                "kind": "Note",
                "text": f"{note.get_kind_display()} with {note.with_whom_words}",
                "by": note.written_by,
            }
            for note in selectors.case_notes_of(user, family)
        ]
    entries += [
        {
            "at": document.added_at,
            "pk": document.pk,
            "kind": "Document",
            "text": f"{document.title} ({document.get_kind_display().lower()}) uploaded",
            "by": document.added_by,
        }
        for document in document_selectors.readable(user, family)
    ]
    context["timeline"] = sorted(
        entries, key=lambda entry: (entry["at"], entry["kind"], entry["pk"]), reverse=True
    )
    if context["manages"]:
        context["changes"] = selectors.family_changes(family)
    return render(request, "families/section_history.html", context)


@role_required(*MANAGERS)
def close_case(request, pk):
    """The closing checklist and, confirmed on this page, the closing itself."""
    family = selectors.family_for_user(request.user, pk)
    if not policy.manages_family(request.user, family):
        audit_refusal(request.user, Family, pk, "project")
        raise Http404("Only the family's project managers close a case.")
    if family.status == Family.Status.CLOSED:
        messages.info(request, "This case is already closed.")
        return redirect("families:detail", pk=family.pk)
    checklist = closure_checklist(family)
    items = {item.key: item for item in checklist}
    review_missing = not items["review"].done
    form = CloseCaseForm(request.POST or None, prefix="close", review_missing=review_missing)
    if request.method == "POST" and form.is_valid():
        try:
            family_services.close_case(family, by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            drafts.saved(request, "close-case", family.pk)
            messages.success(request, "The case is closed.")
            if missing := missing_evaluations_of(family):
                who = get_text_list([f"the {label.lower()}" for label in missing], "and")
                messages.warning(request, f"Now ask for the end-of-work evaluations from {who}.")
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "families/close_case.html",
        {
            "family": family,
            "form": form,
            "checklist": checklist,
            "review_missing": review_missing,
            "match_active": not items["match"].done,
        },
        status=400 if form.is_bound else 200,
    )


@role_required(*MANAGERS)
def sar_request(request, pk):
    family = selectors.family_for_user(request.user, pk)  # 404 first, for anyone else
    if not reauth.recently_confirmed(request):
        return redirect_to_login(request.get_full_path(), "vicp:confirm_password")
    if request.method == "POST":
        export = services.request_subject_access_export(family, by=request.user)
        return redirect("families:sar_detail", pk=export.pk)
    return render(
        request,
        "families/sar_request.html",
        {"family": family, "exports": family.exports.select_related("requested_by")[:10]},
    )


def _export_for(request, pk):
    export = (
        SubjectAccessExport.objects.filter(
            pk=pk, family__in=selectors.families_visible_to(request.user)
        )
        .select_related("family", "requested_by")
        .first()
    )
    if export is None:
        audit_refusal(request.user, SubjectAccessExport, pk, "family__project")
        raise Http404("No such export.")
    return export


@role_required(*MANAGERS)
def sar_detail(request, pk):
    export = _export_for(request, pk)
    return render(request, "families/sar_detail.html", {"export": export})


@role_required(*MANAGERS)
def sar_download(request, pk, kind):
    export = _export_for(request, pk)
    file = {"json": export.json_file, "pdf": export.pdf_file, "zip": export.zip_file}.get(kind)
    if export.status != SubjectAccessExport.Status.DONE or not file:
        raise Http404("This export is not ready.")
    audit.record(
        "sar.downloaded", actor=request.user, obj=export.family, export=export.pk, kind=kind
    )
    name = f"{export.family.case_reference}-subject-access.{kind}"
    return FileResponse(file.open("rb"), as_attachment=True, filename=name)


SEARCH_RESULTS_PER_KIND = 10


@role_required(*MANAGERS, User.Role.SOCIAL_WORKER)
def search(request):
    """One search over the cases, referrals and recruitment records this person may see,
    grouped by kind. The query is audited, the results are not."""
    query = search_text.cleaned(request.GET.get("q", ""))
    groups = []
    too_short = not search_text.long_enough(query)
    if query and not too_short:
        user = request.user
        audit.record("search", actor=user, query=query)
        wanted = search_text.sought(query)
        kinds = [
            ("Cases", selectors.search_families(user, wanted)),
            ("Referrals", referral_selectors.search_referrals(user, wanted)),
        ]
        if not user.is_social_worker:  # social workers see no recruitment records
            kinds.append(("Volunteers", volunteer_selectors.search_volunteers(user, wanted)))
        for label, rows in kinds:
            head, more = search_text.first_matches(rows, SEARCH_RESULTS_PER_KIND)
            groups.append({"label": label, "rows": head, "more": more})
    return render(
        request,
        "vicp/search.html",
        {"query": query, "groups": groups, "too_short": bool(query) and too_short},
    )
