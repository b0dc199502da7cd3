"""Reads of core records that depend on who is asking."""

from typing import TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from .models import AuditEvent, Project, ProjectUserObjectPermission, User
from .permissions import in_managed_projects, projects_managed_by


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Admins see the whole trail; project managers the events of their projects."""
    events = AuditEvent.objects.select_related("actor", "project")
    if user.is_admin:
        return events
    if user.is_project_manager:
        return events.filter(in_managed_projects(user))
    return events.none()


def people_in_audit_events_visible_to(user: User) -> QuerySet[User]:
    """The people who did something in the events `user` may read (the audit log's
    "Person" list), by name."""
    return User.objects.filter(
        pk__in=audit_events_visible_to(user).order_by().values("actor_id")
    ).order_by("first_name", "last_name", "email")


def users_visible_to(user: User) -> QuerySet[User]:
    """Whose names a manager may read in the audit log: themselves, their projects'
    managers and social workers, and anyone who did something in their projects'
    events. Administrators: everyone."""
    if not (user.is_authenticated and user.is_active):
        return User.objects.none()
    if user.is_admin:
        return User.objects.all()
    if not user.is_project_manager:
        return User.objects.none()
    projects = projects_managed_by(user)
    refers = ProjectUserObjectPermission.objects.filter(
        user=OuterRef("pk"),
        content_object__in=projects,
        permission__codename="refer_to_project",
    )
    manages = Project.managers.through.objects.filter(user=OuterRef("pk"), project__in=projects)
    acted = AuditEvent.objects.filter(actor=OuterRef("pk"), project__in=projects)
    return User.objects.filter(Q(pk=user.pk) | Exists(manages) | Exists(refers) | Exists(acted))


HOME_LIST_LIMIT = 25

M = TypeVar("M", bound=Model)
T = TypeVar("T")


def first_rows(rows: list[T] | QuerySet[M, T], limit: int = HOME_LIST_LIMIT) -> tuple[list[T], int]:
    """(the first `limit` rows, how many more there are): lists on home pages stay short
    however large the caseload grows."""
    if isinstance(rows, list):
        return rows[:limit], max(len(rows) - limit, 0)
    head = list(rows[:limit])
    # Counted even when all fit, so that the page's queries do not depend on the rows.
    return head, rows.count() - len(head)
