import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from vicp import dates


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email):
        # People type their address with any capitals; it is stored in lower case.
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("role", User.Role.ADMIN)
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. People sign in with their email address."""

    class Role(models.TextChoices):
        PROJECT_MANAGER = "project_manager", "Project manager"
        VOLUNTEER = "volunteer", "Volunteer"
        SOCIAL_WORKER = "social_worker", "Social worker"
        ADMIN = "admin", "Administrator"

    username = None
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    phone = models.CharField(max_length=30, blank=True)
    organisation = models.CharField(
        max_length=200, blank=True, help_text="Local authority or employer, for social workers."
    )
    team = models.CharField(max_length=200, blank=True)
    # Part of every session's fingerprint: changing it signs the person out
    # everywhere (see vicp.services.end_sessions).
    session_salt = models.CharField(max_length=32, blank=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_case_insensitive"),
            models.CheckConstraint(
                condition=models.Q(
                    role__in=["project_manager", "volunteer", "social_worker", "admin"]
                ),
                name="user_role_valid",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.email.lower()

    def _get_session_auth_hash(self, secret=None):
        # Django's hash covers the password (so a password change ends other
        # sessions); ours also covers session_salt.
        return salted_hmac(
            "vicp.User.session_auth_hash",
            self.password + self.session_salt,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_project_manager(self):
        return self.role == self.Role.PROJECT_MANAGER

    @property
    def is_volunteer(self):
        return self.role == self.Role.VOLUNTEER

    @property
    def is_social_worker(self):
        return self.role == self.Role.SOCIAL_WORKER

    @property
    def is_admin(self):
        return self.role == self.Role.ADMIN

    @property
    def is_manager(self):
        """A project manager or an administrator: the people who run the casework."""
        return self.role in (self.Role.PROJECT_MANAGER, self.Role.ADMIN)


project_code_validator = RegexValidator(
    r"^[A-Z]{2,5}$", "Use 2 to 5 capital letters, for example CAM."
)


class Project(models.Model):
    """A local project (an area) with its own managers, volunteers and families."""

    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(
        max_length=5,
        unique=True,
        validators=[project_code_validator],
        help_text="Used in case references, for example CAM in CAM-2026-0042.",
    )
    local_authority = models.CharField(max_length=200, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="managed_projects",
        blank=True,
        limit_choices_to={"role": User.Role.PROJECT_MANAGER},
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Safeguarding concerns go to the designated safeguarding lead (and the deputy when
    # one is not acknowledged in time); volunteers are given the phone number to call.
    safeguarding_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role__in": [User.Role.PROJECT_MANAGER, User.Role.ADMIN]},
        verbose_name="designated safeguarding lead",
    )
    deputy_safeguarding_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role__in": [User.Role.PROJECT_MANAGER, User.Role.ADMIN]},
        verbose_name="deputy safeguarding lead",
    )
    safeguarding_phone = models.CharField(
        "safeguarding phone number",
        max_length=30,
        blank=True,
        help_text="The number volunteers call about a worry for a child's safety.",
    )

    class Meta:
        ordering = ["name"]
        permissions = [("refer_to_project", "Can refer families to the project")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2,5}$"), name="project_code_format"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def safeguarding_contact_phone(self):
        """The number volunteers are given to call: the project's safeguarding phone, else
        its safeguarding lead's own (blank when neither is recorded)."""
        if self.safeguarding_phone:
            return self.safeguarding_phone
        lead = self.safeguarding_lead
        return lead.phone if lead is not None and lead.is_active else ""


# Direct foreign-key object permissions (guardian's fast path): one pair of
# tables per guarded model, joined by a real foreign key instead of a generic
# (content type, text id) pair, so lookups use indexes and rows cascade away
# with their object. Every guarded model in ViCP follows this pattern.
class ProjectUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class ProjectGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where. Append-only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["project", "-at"]),
            models.Index(fields=["actor", "-at"]),
        ]

    def __str__(self):
        return f"{dates.moment(self.at)} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")


class SentReminder(models.Model):
    """A reminder already emailed, so that a daily job run twice never sends it twice."""

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "recipient"], name="reminder_sent_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.key} to {self.recipient_id}"


# Digits and capitals that cannot be mistaken for one another (no 0/O, 1/I/L).
RECOVERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def recovery_code_digest(typed):
    """The stored form of a recovery code, however it is typed (case, spaces, hyphens).

    A plain SHA-256 is enough: a code is 16 random characters (about 79 bits),
    far too many to guess from its hash, unlike a password.
    """
    code = "".join(typed.split()).replace("-", "").upper()
    return hashlib.sha256(code.encode()).hexdigest()


class RecoveryCodes(ThrottlingMixin, Device):
    """A person's single-use recovery codes, for signing in without their phone.

    Only the codes' digests are kept (`RecoveryCode`): nobody who reads the
    database or the admin can use them.
    """

    def get_throttle_factor(self):
        return 1

    def verify_token(self, token):
        allowed, _ = self.verify_is_allowed()
        if not allowed or not isinstance(token, str):
            return False
        # django_otp.match_token locks this row first, so a code works only once
        # even when two requests bring it at the same time.
        used, _ = self.codes.filter(digest=recovery_code_digest(token)).delete()
        if used:
            self.throttle_reset()
        else:
            self.throttle_increment()
        return bool(used)


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_once")
        ]

    def __str__(self):
        return f"recovery code {self.pk}"


class DocumentQuerySet(models.QuerySet):
    def live(self):
        """The documents lists show: not deleted."""
        return self.filter(deleted_at=None)

    def of(self, record):
        """The documents attached to `record` (a referral, a family case, a volunteer)."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )


class Document(models.Model):
    """A file kept on a record: a child protection plan, a signed consent form, a DBS
    scan, a letter. The kernel knows no app, so a document points at its record through
    a content type; each app says who may read and add the documents of its records
    (vicp.documents.holders). Its file is its latest version; earlier ones are kept."""

    class Kind(models.TextChoices):
        CP_PLAN = "cp_plan", "Child protection plan"
        CONSENT = "consent", "Consent form"
        REFERRAL_FORM = "referral_form", "Referral form"
        LETTER = "letter", "Letter"
        ASSESSMENT = "assessment", "Assessment"
        DBS = "dbs", "DBS certificate"
        REFERENCE = "reference", "Reference"
        OTHER = "other", "Other"

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    # The record's project, so that the audit log and the project's managers find the
    # document without asking its app; it moves with a case that moves project.
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    about_on = models.DateField("date it is about")
    shared_with_volunteer = models.BooleanField(default=False)
    current = models.OneToOneField(
        "DocumentVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    # A deleted document leaves every list but is kept, with why, until retention
    # removes the record it belongs to.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deletion_reason = models.TextField(blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-about_on", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deleted_at=None) | ~models.Q(deletion_reason=""),
                name="document_deleted_with_reason",
            )
        ]

    def __str__(self):
        return self.title


def document_file_name(version, filename):
    """A random name: what the uploader called the file never becomes a path."""
    return f"documents/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class DocumentVersion(models.Model):
    """One upload of a document's file. A replacement adds a version; none is changed."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=document_file_name, max_length=200)
    original_name = models.CharField(max_length=255)  # shown, never used as a path
    content_type = models.CharField(max_length=100)  # read from the file's content
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Whether ClamAV read the file and found nothing (False: no scanner is configured).
    scanned = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)  # why it replaced the one before
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="document_version_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.document} (version {self.number})"
