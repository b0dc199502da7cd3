from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import audit_labels, drafts, reauth, services
from .audit_filters import AuditFilter
from .exports import Column, export_response
from .filters import SocialWorkerFilter
from .forms import (
    ConfirmPasswordForm,
    LockoutPasswordChangeForm,
    SocialWorkerInviteForm,
    add_service_errors,
)
from .health import check_services
from .http import list_of_download, safe_next_url
from .listing import list_page
from .models import ProjectUserObjectPermission, User
from .permissions import projects_managed_by, role_required
from .selectors import audit_events_visible_to

MANAGERS = (User.Role.PROJECT_MANAGER, User.Role.ADMIN)
SOCIAL_WORKERS_PER_PAGE = 50


@login_not_required
@never_cache
@transaction.non_atomic_requests
def healthz(request):
    checks = check_services()
    healthy = all(status == "ok" for status in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )


def _social_workers_of(projects):
    links = ProjectUserObjectPermission.objects.filter(
        content_object__in=projects, permission__codename="refer_to_project"
    ).select_related("content_object")
    return (
        User.objects.filter(role=User.Role.SOCIAL_WORKER, projectuserobjectpermission__in=links)
        .distinct()
        .prefetch_related(
            Prefetch("projectuserobjectpermission_set", queryset=links, to_attr="project_links")
        )
        .order_by("last_name", "first_name")
    )


def _social_worker_filter(request):
    projects = projects_managed_by(request.user)
    return SocialWorkerFilter(
        request.GET, queryset=_social_workers_of(projects), projects=projects.order_by("name")
    )


@role_required(*MANAGERS)
def social_worker_list(request):
    context = list_page(request, _social_worker_filter(request), SOCIAL_WORKERS_PER_PAGE)
    return render(request, "vicp/social_worker_list.html", context)


def _project_codes(social_worker):
    return ", ".join(link.content_object.code for link in social_worker.project_links)


SOCIAL_WORKER_COLUMNS = [
    Column("first name", lambda user: user.first_name),
    Column("last name", lambda user: user.last_name),
    Column("email", lambda user: user.email),
    Column("local authority", lambda user: user.organisation),
    Column("team", lambda user: user.team),
    Column("phone", lambda user: user.phone),
    Column("projects", _project_codes),
    Column(
        "account",
        lambda user: "Active" if user.has_usable_password() else "Invited, password not set yet",
    ),
]


@role_required(*MANAGERS)
@reauth.password_confirmation_required
def social_worker_export(request, fmt):
    social_worker_filter = _social_worker_filter(request)
    return export_response(
        request,
        fmt=fmt,
        rows=social_worker_filter.qs,
        columns=SOCIAL_WORKER_COLUMNS,
        filename="vicp-social-workers",
        title="Social workers",
        action="social_workers.exported",
        filters=social_worker_filter.applied(),
    )


@role_required(*MANAGERS)
def invite_social_worker(request):
    projects = projects_managed_by(request.user)
    form = SocialWorkerInviteForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_social_worker(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # None: the address is someone's the manager may not see; answered as if new.
            drafts.saved(request, "invitation")
            data = form.cleaned_data
            name = user.get_full_name() if user else f"{data['first_name']} {data['last_name']}"
            messages.success(
                request, f"{name.strip()} has been emailed a link to set their password."
            )
            return redirect("vicp:social_workers")
    return render(request, "vicp/social_worker_invite.html", {"form": form})


@require_POST
@role_required(*MANAGERS)
def resend_invitation(request, pk):
    social_worker = get_object_or_404(_social_workers_of(projects_managed_by(request.user)), pk=pk)
    try:
        services.resend_invitation(social_worker, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"A new link has been emailed to {social_worker.get_full_name()}."
        )
    return redirect("vicp:social_workers")


AUDIT_EVENTS_PER_PAGE = 50


def _audit_filter(request):
    return AuditFilter(
        request.GET or None, queryset=audit_events_visible_to(request.user), reader=request.user
    )


@role_required(*MANAGERS)
def audit_log(request):
    context = list_page(request, _audit_filter(request), AUDIT_EVENTS_PER_PAGE)
    context["entries"] = audit_labels.entries(request.user, context["page"].object_list)
    return render(request, "vicp/audit_log.html", context)


AUDIT_COLUMNS = [
    Column("When", lambda entry: entry.event.at),
    Column("Who", lambda entry: entry.who),
    Column("Email", lambda entry: entry.email),
    Column("Did", lambda entry: entry.did),
    Column("Record", lambda entry: entry.record),
    Column("Action code", lambda entry: entry.event.action),
    Column("Record type", lambda entry: entry.event.object_type),
    Column("Record id", lambda entry: entry.event.object_id),
    Column("Project", lambda entry: entry.event.project.code if entry.event.project else ""),
    Column("IP address", lambda entry: entry.event.ip_address or ""),
]


@role_required(*MANAGERS)
@reauth.password_confirmation_required
def audit_log_export(request, fmt):
    audit_filter = _audit_filter(request)
    return export_response(
        request,
        fmt=fmt,
        rows=audit_labels.all_entries(request.user, audit_filter.qs),
        columns=AUDIT_COLUMNS,
        filename="vicp-audit-log",
        title="Audit log",
        action="audit.exported",
        filters=audit_filter.applied(),
    )


def confirm_password(request):
    form = ConfirmPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if reauth.password_is_right(request, form.cleaned_data["password"]):
            reauth.confirm(request)
            next_url = safe_next_url(request)
            back_url = list_of_download(next_url)
            if back_url is not None:
                # A download leaves the browser on this page: say it has started and
                # lead back to the list, which the file matches.
                return render(
                    request,
                    "vicp/download_starting.html",
                    {"download_url": next_url, "back_url": back_url},
                )
            return redirect(next_url)
        form.add_error("password", "That is not your password.")
    next_url = safe_next_url(request)
    return render(
        request,
        "vicp/confirm_password.html",
        {"form": form, "next": next_url, "back_url": list_of_download(next_url)},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, with the old password checked under the sign-in lockout."""

    form_class = LockoutPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
