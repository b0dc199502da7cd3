"""Family cases: created when a referral is accepted, worked with by a volunteer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from referrals.models import CPCategory, LevelOfNeed, Need, PlanType, Referral, RiskKind
from vicp.models import Project


def age_on(date_of_birth, day):
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


class Family(models.Model):
    """A family on the programme. Its case reference, never its name, is in URLs and lists
    shared outside the project."""

    class Status(models.TextChoices):
        AWAITING_MATCH = "awaiting_match", "Awaiting a volunteer"
        MATCHED = "matched", "Working with a volunteer"
        CLOSED = "closed", "Closed"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="families")
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="family")
    case_reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_MATCH)
    # The referral as accepted; the family's details are kept up to date here.
    family_name = models.CharField(max_length=150)
    parents_carers = models.TextField("parents and carers", blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    languages = models.CharField(max_length=200, blank=True)
    level_of_need = models.ForeignKey(
        LevelOfNeed, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    needs = models.ManyToManyField(Need, blank=True, related_name="+")
    hopes = models.TextField(blank=True)
    risks = models.ManyToManyField(RiskKind, blank=True, related_name="+")
    risk_details = models.TextField(blank=True)
    consent_given = models.BooleanField(default=False)
    accepted_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accepted_on", "-pk"]
        verbose_name_plural = "families"
        indexes = [models.Index(fields=["project", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["awaiting_match", "matched", "closed"]),
                name="family_status_valid",
            ),
        ]

    def __str__(self):
        return self.case_reference


class Child(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    plan_type = models.CharField(max_length=10, choices=PlanType.choices, default=PlanType.CP)
    cp_category = models.ForeignKey(
        CPCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["date_of_birth", "pk"]
        verbose_name_plural = "children"
        constraints = [
            models.CheckConstraint(
                condition=Q(plan_type__in=["cp", "cin", "none"]), name="child_plan_valid"
            ),
        ]

    def __str__(self):
        return self.first_name

    @property
    def age(self):
        return age_on(self.date_of_birth, timezone.localdate())


class FamilyStatusChange(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="status_changes")
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
        return Family.Status(self.to_status).label

    def get_from_status_display(self):
        return Family.Status(self.from_status).label if self.from_status else "New"


class CaseReferenceCounter(models.Model):
    """The last case number given in a project and year; locked while a number is taken."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="case_counter_unique")
        ]

    def __str__(self):
        return f"{self.project_id}/{self.year}: {self.last_number}"


class FamilyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Family, on_delete=models.CASCADE)


class FamilyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Family, on_delete=models.CASCADE)
