"""Writing audit events. Services call `record`; nothing ever edits an event."""

from contextvars import ContextVar

from django.conf import settings

from .models import AuditEvent, User

# The request being served, so that events recorded deep in a service or a
# permission check still carry the client's address.
current_request = ContextVar("vicp_current_request", default=None)


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
    """The sign-in email as typed, in lower case, so lockouts ignore capitals.

    django-axes checks for a lockout with the email under the user model's
    USERNAME_FIELD ("email"), while Django's failure signal carries it under
    "username": both are read, so that every page that checks a password (not
    only the sign-in form, whose field is "username") counts its failures and
    checks its lock under the same name.
    """
    credentials = credentials or {}
    username = credentials.get("username") or credentials.get(User.USERNAME_FIELD)
    if username is None:
        username = request.POST.get("username", "")
    return str(username).strip().lower()


def record(
    action,
    *,
    actor=None,
    obj=None,
    project=None,
    request=None,
    object_type="",
    object_id="",
    **details,
):
    request = request if request is not None else current_request.get()
    if actor is not None and not actor.is_authenticated:
        actor = None
    if project is None and obj is not None:
        project = getattr(obj, "project", None)
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        project=project,
        ip_address=client_ip(request),
        details=details,
    )


def record_even_if_rolled_back(action, **kwargs):
    """Record an event that must survive the request's transaction being rolled
    back (a refused access raises a 404, which undoes the request's writes).

    During a request the event is written after the response, outside that
    transaction (see vicp.middleware.CurrentRequest); otherwise at once.
    """
    request = current_request.get()
    if request is None:
        return record(action, **kwargs)
    kwargs.setdefault("request", request)
    request._vicp_audit_after_response = [
        *getattr(request, "_vicp_audit_after_response", []),
        (action, kwargs),
    ]
    return None


def write_events_after_response(request):
    for action, kwargs in getattr(request, "_vicp_audit_after_response", []):
        record(action, **kwargs)
