"""Sign-in events, audited through the hooks Django's auth framework offers; and the
managed projects read in a request, forgotten when a project's managers change."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from . import audit, permissions
from .models import Project


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.record("auth.login", actor=user, obj=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("auth.logout", actor=user, obj=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Never store the password; the username typed is kept to spot attacks.
    audit.record(
        "auth.login_failed", request=request, username=str(credentials.get("username", ""))[:254]
    )


@receiver(user_locked_out)
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    audit.record("auth.locked_out", request=request, username=str(username)[:254])


@receiver(m2m_changed, sender=Project.managers.through)
def forget_managed_projects(sender, action, **kwargs):
    if action.startswith("post_"):
        permissions.forget_managed_projects()
