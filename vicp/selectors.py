"""Reads of core records that depend on who is asking."""

from .models import AuditEvent
from .permissions import projects_managed_by


def audit_events_visible_to(user):
    """Admins see the whole trail; project managers the events of their projects."""
    events = AuditEvent.objects.select_related("actor", "project")
    if user.is_admin:
        return events
    if user.is_project_manager:
        return events.filter(project__in=projects_managed_by(user))
    return events.none()
