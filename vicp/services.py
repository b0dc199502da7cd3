"""Accounts and projects: provisioning people (nobody registers themselves)."""

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.shortcuts import assign_perm

from . import audit
from .models import (
    RECOVERY_CODE_ALPHABET,
    Project,
    RecoveryCode,
    RecoveryCodes,
    User,
    recovery_code_digest,
)
from .permissions import granted, projects_managed_by
from .tasks import send_set_password_email


def _queue_set_password_email(user: User, kind: str) -> None:
    transaction.on_commit(lambda: send_set_password_email.delay(user.pk, kind))


@transaction.atomic
def invite_user(
    *, by: User, email: str, first_name: str, last_name: str, role: str, **profile: str
) -> User:
    """Create an account with no password and email its holder a set-password link."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "There is already an account with this email address."})
    user = User(email=email, first_name=first_name, last_name=last_name, role=role, **profile)
    user.set_unusable_password()
    if role == User.Role.ADMIN:
        # Administrators run Django's admin, which checks these flags.
        user.is_staff = user.is_superuser = True
    user.full_clean()
    user.save()
    audit.record("user.invited", actor=by, obj=user, role=role)
    _queue_set_password_email(user, "invitation")
    return user


@transaction.atomic
def invite_social_worker(
    *,
    project: Project,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    organisation: str = "",
    team: str = "",
    phone: str = "",
) -> User | None:
    """Give a social worker access to refer to `project`, inviting them if they are new.

    A social worker who already has an account (say, for a neighbouring
    project) is given access to this project as well, and told by email.

    Returns the social worker, or None when the address is someone else's
    whom `by` may not see: nothing changes, and the caller answers as for a
    new invitation, so that a manager cannot find out who has an account in
    other projects. Administrators see why in the audit log.
    """
    if not projects_managed_by(by).filter(pk=project.pk).exists():
        raise ValidationError("You can only invite social workers to projects you manage.")
    existing = User.objects.filter(email__iexact=email.strip()).first()
    if existing is not None and existing.role != User.Role.SOCIAL_WORKER:
        if not _known_to(by, existing):
            audit.record("project.social_worker_invite_refused", actor=by, obj=existing)
            return None
        raise ValidationError(
            {"email": "This email address belongs to someone who is not a social worker."}
        )
    if existing is None:
        user = invite_user(
            by=by,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=User.Role.SOCIAL_WORKER,
            organisation=organisation,
            team=team,
            phone=phone,
        )
    elif granted(existing, "vicp.refer_to_project", Project.objects.filter(pk=project.pk)).exists():
        raise ValidationError({"email": "This social worker already works with this project."})
    else:
        user = existing
        _queue_set_password_email(user, "project_access")
    assign_perm("vicp.refer_to_project", user, project)
    audit.record("project.social_worker_added", actor=by, obj=user, project=project)
    return user


def _known_to(manager: User, user: User) -> bool:
    """Whether `manager` may know that `user` has an account: someone of a project they
    manage (a fellow manager, a social worker, a volunteer), or anyone for an admin."""
    if manager.is_admin:
        return True
    managed = projects_managed_by(manager)
    # A fresh queryset: filtering `managed` (a manager's projects) by managers again
    # would reuse its join and ask for one row managed by both people.
    theirs = Project.objects.filter(pk__in=managed)
    return (
        theirs.filter(Q(managers=user) | Q(volunteers__user=user)).exists()
        or granted(user, "vicp.refer_to_project", theirs).exists()
    )


@transaction.atomic
def resend_invitation(user: User, *, by: User) -> None:
    if user.has_usable_password():
        raise ValidationError(
            "This person has already set a password; they can reset it from the sign-in page."
        )
    audit.record("user.invitation_resent", actor=by, obj=user)
    _queue_set_password_email(user, "invitation")


@transaction.atomic
def create_project(
    *, by: User, name: str, code: str, local_authority: str = "", managers: Iterable[User] = ()
) -> Project:
    project = Project(name=name, code=code, local_authority=local_authority)
    project.full_clean()
    project.save()
    project.managers.set(managers)
    audit.record("project.created", actor=by, obj=project, project=project)
    return project


@transaction.atomic
def end_sessions(user: User, *, by: User) -> None:
    """Sign `user` out on every device (a lost phone, a colleague who left)."""
    user.session_salt = secrets.token_hex(16)
    user.save(update_fields=["session_salt"])
    audit.record("user.sessions_ended", actor=by, obj=user)


RECOVERY_CODE_COUNT = 10


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being set up (created on first call, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_authenticator(user: User, *, token: str) -> tuple[TOTPDevice, list[str]]:
    """Turn on two-step sign-in once the person proves their app shows the right code.

    Returns the confirmed device and the new recovery codes (shown once).
    """
    device = pending_authenticator(user)
    if not device.verify_token(token):
        raise ValidationError(
            {"token": "That code did not match. Check your phone's clock and try the newest code."}
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = regenerate_recovery_codes(user, audited=False)
    audit.record("auth.two_factor_enabled", actor=user, obj=user)
    return device, codes


def new_recovery_code() -> str:
    """16 random characters, in groups of four to read and type: e.g. 7KQM-X2HD-9PWC-RT4N."""
    characters = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(16))
    return "-".join(characters[i : i + 4] for i in range(0, 16, 4))


@transaction.atomic
def regenerate_recovery_codes(user: User, *, audited: bool = True) -> list[str]:
    """Replace the person's recovery codes; each works once, instead of the app.

    Returns the codes, to be shown once: only their digests are kept. Not `audited`
    when they come with a new authenticator (that is audited itself).
    """
    device, _ = RecoveryCodes.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
    device.codes.all().delete()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_code_digest(code)) for code in codes
    )
    if audited:
        audit.record("auth.recovery_codes_regenerated", actor=user, obj=user)
    return codes


@transaction.atomic
def disable_two_factor(user: User, *, by: User) -> None:
    """Remove a person's authenticator and recovery codes.

    People whose role requires two-step sign-in will be asked to set it up again
    at their next sign-in; an administrator does this when a phone is lost.
    """
    if by != user and not by.is_admin:
        raise ValidationError("Only an administrator can turn off someone else's two-step sign-in.")
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodes.objects.filter(user=user).delete()
    audit.record("auth.two_factor_disabled", actor=by, obj=user)
