"""Reads of core records that depend on who is asking."""

from typing import TypeVar

from django.db.models import Model, QuerySet

from .models import AuditEvent, User
from .permissions import projects_managed_by


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Admins see the whole trail; project managers the events of their projects."""
    events = AuditEvent.objects.select_related("actor", "project")
    if user.is_admin:
        return events
    if user.is_project_manager:
        return events.filter(project__in=projects_managed_by(user))
    return events.none()


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
