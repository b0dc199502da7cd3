"""How the audit log words the kernel's records (people, projects) and actions
(sign-in, accounts, searches, exports, refused access). Registered by VicpConfig.ready()."""

from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from . import audit_labels
from .audit_labels import Label, numeric_ids
from .models import Document, User
from .permissions import projects_managed_by
from .selectors import users_visible_to


def _admin_link(reader: User, name: str, pk: int) -> str | None:
    """The record's page in Django's admin, which only staff administrators open."""
    return reverse(name, args=[pk]) if reader.is_admin and reader.is_staff else None


def describe_users(reader: User, ids: list[str]) -> dict[str, Label]:
    people = users_visible_to(reader).filter(pk__in=numeric_ids(ids))
    return {
        str(person.pk): (
            audit_labels.actor_words(person),
            _admin_link(reader, "admin:vicp_user_change", person.pk),
        )
        for person in people.only("id", "first_name", "last_name", "email", "role")
    }


def describe_projects(reader: User, ids: list[str]) -> dict[str, Label]:
    projects = projects_managed_by(reader).filter(pk__in=numeric_ids(ids))
    return {
        str(project.pk): (
            f"{project.name} ({project.code})",
            _admin_link(reader, "admin:vicp_project_change", project.pk),
        )
        for project in projects.only("id", "name", "code")
    }


def describe_documents(reader: User, ids: list[str]) -> dict[str, Label]:
    """A document by its title, for the managers of its project (who may read every
    document of the project); its page is linked while it is not deleted."""
    documents = Document.objects.filter(
        pk__in=numeric_ids(ids), project__in=projects_managed_by(reader)
    ).only("id", "title", "deleted_at")
    return {
        str(document.pk): (
            f"“{document.title}”" + (" (deleted)" if document.deleted_at else ""),
            None if document.deleted_at else reverse("vicp:document", args=[document.pk]),
        )
        for document in documents
    }


def _login_failed(details: Mapping[str, Any]) -> str | None:
    typed = str(details.get("username") or "").strip()
    return f"failed to sign in as {typed}" if typed else None


def _locked_out(details: Mapping[str, Any]) -> str | None:
    typed = str(details.get("username") or "").strip()
    return f"was locked out, signing in as {typed}" if typed else None


def register() -> None:
    audit_labels.register("vicp.user", describe_users, one="Person", many="People")
    audit_labels.register("vicp.project", describe_projects, one="Project", many="Projects")
    audit_labels.register_actions(
        "Sign-in and two-step sign-in",
        {
            "auth.login": "signed in",
            "auth.logout": "signed out",
            "auth.login_failed": "failed to sign in",
            "auth.locked_out": "was locked out after too many wrong passwords",
            "auth.password_reset_requested": "asked for a link to reset the password",
            "auth.password_reset_throttled": "asked for too many reset links (none was sent)",
            "auth.two_factor_enabled": "turned on two-step sign-in",
            "auth.two_factor_disabled": "reset two-step sign-in",
            "auth.two_factor_verified": "gave the two-step sign-in code",
            "auth.two_factor_failed": "gave a wrong two-step sign-in code",
            "auth.recovery_codes_regenerated": "made new recovery codes",
        },
        detailed={"auth.login_failed": _login_failed, "auth.locked_out": _locked_out},
    )
    audit_labels.register_actions(
        "People and projects",
        {
            "user.invited": "invited the person to ViCP",
            "user.invitation_resent": "sent the person a new invitation link",
            "user.sessions_ended": "signed the person out everywhere",
            "project.created": "created the project",
            "project.social_worker_added": "added the social worker to the project",
            "project.social_worker_invite_refused": (
                "tried to invite as a social worker someone who has another role"
            ),
        },
    )
    audit_labels.register("vicp.document", describe_documents, one="Document", many="Documents")
    audit_labels.register_actions(
        "Documents",
        {
            "document.added": "uploaded the document",
            "document.viewed": "viewed the document's page",
            "document.downloaded": "downloaded the document",
            "document.replaced": "uploaded a new version of the document",
            "document.shared": "shared the document with the family's volunteer",
            "document.unshared": "stopped sharing the document with the family's volunteer",
            "document.deleted": "deleted the document",
            "document.virus_refused": "uploaded a file the virus scanner refused",
        },
        viewing=("document.viewed",),
    )
    audit_labels.register_actions(
        "Searches, exports and refused access",
        {
            "access.refused": "was refused a record they may not see",
            "audit.exported": "exported the audit log",
            "social_workers.exported": "exported the social workers list",
        },
    )
