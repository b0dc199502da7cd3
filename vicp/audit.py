"""Writing audit events. Services call `record`; nothing ever edits an event."""

from django.conf import settings

from .models import AuditEvent


def client_ip(request):
    """The client's address, trusting X-Forwarded-For only as far as our own proxies.

    Each trusted proxy appends the address it saw; the client's is the one the
    outermost trusted proxy appended. Anything further left was sent by the
    client and could be forged.
    """
    if request is None:
        return None
    proxies = settings.VICP_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def typed_username(request, credentials):
    """The sign-in email as typed, in lower case, so lockouts ignore capitals."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()


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
