"""Safer recruitment: a volunteer's journey from application to sign-off, and
the training and supervision that support them afterwards."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from vicp import dates
from vicp.models import Project

certificate_number_validator = RegexValidator(
    r"^[0-9]{12}\Z", "A DBS certificate number is 12 digits, for example 001234567890."
)


class Stage(models.TextChoices):
    APPLIED = "applied", "Applied"
    INTERVIEWING = "interviewing", "Interviewing"
    CHECKS = "checks", "Checks"
    TRAINING = "training", "Training"
    READY = "ready", "Ready"
    MATCHED = "matched", "Matched"
    NOT_PROGRESSED = "not_progressed", "Not progressed"
    LEFT = "left", "Left"


class Volunteer(models.Model):
    """Someone who applied to volunteer, at a stage of the recruitment pipeline."""

    class Day(models.TextChoices):
        MON = "mon", "Monday"
        TUE = "tue", "Tuesday"
        WED = "wed", "Wednesday"
        THU = "thu", "Thursday"
        FRI = "fri", "Friday"
        SAT = "sat", "Saturday"
        SUN = "sun", "Sunday"

    class HeardAbout(models.TextChoices):
        WORD_OF_MOUTH = "word_of_mouth", "A friend or family member"
        SOCIAL_MEDIA = "social_media", "Social media"
        WEBSITE = "website", "A website"
        EVENT = "event", "An event or talk"
        NEWSPAPER = "newspaper", "Newspaper, radio or poster"
        VOLUNTEER_CENTRE = "volunteer_centre", "A volunteer centre"
        OTHER = "other", "Somewhere else"

    Stage = Stage

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="volunteers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_record",
        help_text="The volunteer's login, created at sign-off.",
    )
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    email = models.EmailField("email address")
    phone = models.CharField(max_length=30)
    postcode = models.CharField(max_length=10)
    availability_days = models.JSONField("days available", default=list, blank=True)
    availability_times = models.CharField(
        "times available", max_length=200, blank=True, help_text="For example: mornings, after 4pm."
    )
    languages = models.CharField("languages spoken", max_length=200, blank=True)
    experience = models.TextField("relevant experience", blank=True)
    drives = models.BooleanField("drives and has a car", default=False)
    heard_about = models.CharField(
        "how they heard of us", max_length=20, choices=HeardAbout.choices, blank=True
    )
    consent_to_checks = models.BooleanField(
        "consents to an enhanced DBS check and references", default=False
    )
    applied_at = models.DateTimeField(default=timezone.now)

    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.APPLIED)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    not_progressed_reason = models.TextField(blank=True)
    alternative_suggested = models.TextField(
        blank=True, help_text="Other volunteering roles suggested to the person."
    )
    anonymised_on = models.DateField(
        null=True, blank=True, help_text="Personal details removed under the retention policy."
    )
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(fields=["project", "stage"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=[value for value, _ in Stage.choices]),
                name="volunteer_stage_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(consent_to_checks=True), name="volunteer_consented_to_checks"
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="not_progressed") | ~models.Q(not_progressed_reason=""),
                name="volunteer_not_progressed_has_reason",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return self.name_of(self.first_name, self.last_name)

    @staticmethod
    def name_of(first_name, last_name):
        """A volunteer's name as every page shows it (also for rows read without a
        model, as a filter's hundreds of choices are)."""
        return f"{first_name} {last_name}".strip()

    @property
    def availability_days_display(self):
        labels = dict(self.Day.choices)
        return ", ".join(labels.get(day, day) for day in self.availability_days)


class VolunteerStageChange(models.Model):
    """History: every change of a volunteer's stage (who, when, from, to, why)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.volunteer}: {self.from_stage or '-'} → {self.to_stage}"


class Step(models.Model):
    """A recorded recruitment step a manager may withdraw (recorded by mistake): a
    withdrawn step is kept and shown, and no longer counts."""

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def _withdrawal_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(withdrawn_at=None)
        | (~models.Q(withdrawal_reason="") & models.Q(withdrawn_by__isnull=False)),
        name=name,
    )


class Interview(Step):
    class Kind(models.TextChoices):
        INFORMAL = "informal", "Informal interview"
        FORMAL = "formal", "Formal interview"
        POST_TRAINING = "post_training", "Post-training interview"

    class Outcome(models.TextChoices):
        PASSED = "passed", "Passed"
        NOT_SUITABLE = "not_suitable", "Not suitable"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="interviews")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["informal", "formal", "post_training"]),
                name="interview_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["passed", "not_suitable"]),
                name="interview_outcome_valid",
            ),
            _withdrawal_constraint("interview_withdrawal_has_reason"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_outcome_display()})"


class DBSCheck(Step):
    """An enhanced DBS certificate with the children's barred list."""

    class Level(models.TextChoices):
        ENHANCED = "enhanced", "Enhanced"

    class Result(models.TextChoices):
        CLEAR = "clear", "Clear"
        DISCLOSURE = "disclosure", "Disclosure"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="dbs_checks")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.ENHANCED)
    barred_list_checked = models.BooleanField("children's barred list checked", default=True)
    certificate_number = models.CharField(max_length=12, validators=[certificate_number_validator])
    issued_on = models.DateField()
    result = models.CharField(max_length=20, choices=Result.choices)
    update_service = models.BooleanField("subscribed to the DBS Update Service", default=False)
    last_status_check_on = models.DateField(
        "last Update Service status check", null=True, blank=True
    )
    disclosure_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disclosure_accepted_at = models.DateTimeField(null=True, blank=True)
    disclosure_risk_assessment = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "DBS check"
        ordering = ["issued_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(certificate_number__regex=r"^[0-9]{12}$"),
                name="dbs_certificate_number_12_digits",
            ),
            models.CheckConstraint(condition=models.Q(level="enhanced"), name="dbs_level_enhanced"),
            models.CheckConstraint(
                condition=models.Q(result__in=["clear", "disclosure"]), name="dbs_result_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(result="disclosure") | models.Q(disclosure_accepted_at=None),
                name="dbs_only_a_disclosure_is_accepted",
            ),
            _withdrawal_constraint("dbs_withdrawal_has_reason"),
        ]

    def __str__(self):
        return f"DBS {self.masked_certificate_number}"

    @property
    def masked_certificate_number(self):
        return "•" * 8 + self.certificate_number[-4:]

    @property
    def disclosure_accepted(self):
        return self.result == self.Result.DISCLOSURE and self.disclosure_accepted_at is not None

    @property
    def acceptable(self):
        """Enhanced, with the barred list, and clear or a disclosure accepted on a risk
        assessment."""
        return (
            self.level == self.Level.ENHANCED
            and self.barred_list_checked
            and (self.result == self.Result.CLEAR or self.disclosure_accepted)
        )


class Reference(Step):
    class Outcome(models.TextChoices):
        SATISFACTORY = "satisfactory", "Satisfactory"
        UNSATISFACTORY = "unsatisfactory", "Unsatisfactory"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="references")
    referee_name = models.CharField(max_length=200)
    relationship = models.CharField(
        "relationship to the applicant", max_length=200, help_text="For example: employer."
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    received_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["satisfactory", "unsatisfactory"]),
                name="reference_outcome_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at=None)
                | (
                    models.Q(outcome="unsatisfactory")
                    & ~models.Q(acknowledgement_note="")
                    & models.Q(acknowledged_by__isnull=False)
                ),
                name="reference_only_unsatisfactory_acknowledged_with_note",
            ),
            _withdrawal_constraint("reference_withdrawal_has_reason"),
        ]

    def __str__(self):
        return f"Reference from {self.referee_name}"

    @property
    def unsatisfactory(self) -> bool:
        return self.outcome == self.Outcome.UNSATISFACTORY

    @property
    def needs_acknowledgement(self) -> bool:
        return self.unsatisfactory and self.acknowledged_at is None and not self.withdrawn


class TrainingSession(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial training"
        WORKSHOP = "workshop", "Workshop"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="training_sessions")
    title = models.CharField(max_length=200)
    held_on = models.DateField("date")
    hours = models.DecimalField(max_digits=4, decimal_places=1, validators=[MinValueValidator(0.5)])
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="training_hours_positive"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["initial", "workshop"]), name="training_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({dates.day(self.held_on)})"


class TrainingAttendance(Step):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="attendances"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="training_attendances"
    )
    hours = models.DecimalField(max_digits=4, decimal_places=1, validators=[MinValueValidator(0.5)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session__held_on", "pk"]
        constraints = [
            # Once per session; a withdrawn attendance may be recorded again correctly.
            models.UniqueConstraint(
                fields=["session", "volunteer"],
                condition=models.Q(withdrawn_at=None),
                name="training_attendance_once_per_session",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0), name="training_attendance_hours_positive"
            ),
            _withdrawal_constraint("training_attendance_withdrawal_has_reason"),
        ]

    def __str__(self):
        return f"{self.volunteer} at {self.session}"


class Supervision(models.Model):
    """A 1:1 supervision meeting between a volunteer and their project manager."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="supervisions")
    held_on = models.DateField()
    notes = models.TextField()
    next_due = models.DateField("next supervision due")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        # Each volunteer's latest supervision (overdue supervision): one index probe.
        indexes = [models.Index(fields=["volunteer", "held_on", "id"], name="supervision_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_due__gt=models.F("held_on")),
                name="supervision_next_due_after_meeting",
            ),
        ]

    def __str__(self):
        return f"Supervision of {self.volunteer} on {dates.day(self.held_on)}"


# Direct foreign-key object permissions (see vicp/models.py).
class VolunteerUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Volunteer, on_delete=models.CASCADE)


class VolunteerGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Volunteer, on_delete=models.CASCADE)
