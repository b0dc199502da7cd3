"""Writing audit events. Services call `record`; nothing ever edits an event."""

from .models import AuditEvent


def client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(action, *, actor=None, obj=None, project=None, request=None, **details):
    if actor is not None and not actor.is_authenticated:
        actor = None
    if project is None and obj is not None:
        project = getattr(obj, "project", None)
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        project=project,
        ip_address=client_ip(request),
        details=details,
    )
