"""Referrals from social care, and the reference data they are described with."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from vicp.models import Project


class PlanType(models.TextChoices):
    """A child's plan. These values are used by every `plan_type` field."""

    CP = "cp", "Child protection plan"
    CIN = "cin", "Child in need plan"
    NONE = "none", "No plan"


class LevelOfNeed(models.Model):
    """One step of a local authority's ordinal scale of need (1 = lowest).

    Rows without a project are the default scale; a project whose local
    authority uses its own scale has rows of its own, which replace it.
    """

    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="levels_of_need"
    )
    ordinal = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["project_id", "ordinal"]
        verbose_name_plural = "levels of need"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "ordinal"], name="level_of_need_unique_per_project"
            ),
            models.UniqueConstraint(
                fields=["ordinal"], condition=Q(project=None), name="level_of_need_unique_default"
            ),
            models.CheckConstraint(
                condition=Q(ordinal__gte=1), name="level_of_need_ordinal_positive"
            ),
        ]

    def __str__(self):
        return f"{self.ordinal} {self.name}"

    @classmethod
    def for_project(cls, project):
        own = cls.objects.filter(project=project)
        return own if own.exists() else cls.objects.filter(project=None)


class ReferenceItem(models.Model):
    """A choice in a list that admins maintain (needs, risks, CP categories)."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True, help_text="Retired items stay on old records.")

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class CPCategory(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "child protection category"
        verbose_name_plural = "child protection categories"


class Need(ReferenceItem):
    """What the family needs help with: routines, budgeting, school attendance..."""


class RiskKind(ReferenceItem):
    """A risk to a volunteer visiting alone: dogs, violence, substance use..."""


class Referral(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WAITLISTED = "waitlisted", "Waiting list"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.SUBMITTED, Status.WAITLISTED)  # waiting for a decision
    DECIDED = (Status.ACCEPTED, Status.DECLINED)

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    # Who refers: a social worker with an account, or named on a paper referral
    # that a project manager enters for them.
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        limit_choices_to={"role": "social_worker"},
    )
    referrer_name = models.CharField("referring social worker", max_length=200)
    referrer_team = models.CharField("team", max_length=200, blank=True)
    referrer_local_authority = models.CharField("local authority", max_length=200)
    referrer_phone = models.CharField("phone", max_length=30, blank=True)
    referrer_email = models.EmailField("email", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    # The family
    family_name = models.CharField(
        max_length=150, help_text="The surname the family is known by, e.g. Smith."
    )
    parents_carers = models.TextField(
        "parents and carers", blank=True, help_text="Names and relationship to the children."
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField("family's phone", max_length=30, blank=True)
    email = models.EmailField("family's email", blank=True)
    languages = models.CharField("languages spoken at home", max_length=200, blank=True)

    level_of_need = models.ForeignKey(
        LevelOfNeed, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    needs = models.ManyToManyField(Need, blank=True, related_name="+")
    reasons = models.TextField("reasons for the referral", blank=True)
    hopes = models.TextField("what the family hopes for", blank=True)
    risks = models.ManyToManyField(RiskKind, blank=True, related_name="+")
    risk_details = models.TextField("risks to a lone visitor", blank=True)
    consent_given = models.BooleanField("the family consents to having a volunteer", default=False)

    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["project", "status", "submitted_at"]),
            models.Index(fields=["postcode"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "accepted",
                        "declined",
                        "waitlisted",
                        "withdrawn",
                    ]
                ),
                name="referral_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(consent_given=True) | Q(status="withdrawn"),
                name="referral_submitted_with_consent",
            ),
        ]

    def __str__(self):
        return f"Referral {self.pk}: {self.family_name} family"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_open(self):
        return self.status in self.OPEN


class ReferralChild(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    plan_type = models.CharField(max_length=10, choices=PlanType.choices, default=PlanType.CP)
    cp_category = models.ForeignKey(
        CPCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="child protection category",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date_of_birth", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan_type__in=["cp", "cin", "none"]), name="referral_child_plan_valid"
            ),
        ]

    def __str__(self):
        return self.first_name


class ReferralStatusChange(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status}"

    def get_to_status_display(self):
        return Referral.Status(self.to_status).label

    def get_from_status_display(self):
        return Referral.Status(self.from_status).label if self.from_status else "New"


class ReferralUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)
