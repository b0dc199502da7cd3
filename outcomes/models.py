"""Outcome measures. Scales are data (seeded by a migration), not code.

The Family Star Plus is a licensed tool: ViCP stores its area names and the
scores, never its guidance text.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from families.models import Family
from referrals.models import PlanType
from vicp import dates
from vicp.models import Project


class Respondent(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    VOLUNTEER = "volunteer", "Volunteer"
    FAMILY = "family", "Family"


RESPONDENTS = Respondent.choices


class OutcomeScale(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    min_score = models.PositiveSmallIntegerField(default=1)
    max_score = models.PositiveSmallIntegerField(default=10)
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_outcome_scale",
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls):
        return cls.objects.get(is_default=True)


class OutcomeArea(models.Model):
    scale = models.ForeignKey(OutcomeScale, on_delete=models.CASCADE, related_name="areas")
    slug = models.SlugField()
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["scale_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "slug"], name="outcome_area_unique_slug"),
        ]

    def __str__(self):
        return self.name


class StarReading(models.Model):
    """The family's scores on each area of the scale, at the start, a review or the end."""

    class Stage(models.TextChoices):
        START = "start", "Start"
        REVIEW = "review", "Review"
        END = "end", "End"

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="star_readings")
    scale = models.ForeignKey(OutcomeScale, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    taken_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["taken_on", "pk"]
        constraints = [
            # One start and one end reading per family; reviews may repeat.
            models.UniqueConstraint(
                fields=["family", "stage"],
                condition=Q(stage__in=["start", "end"]),
                name="one_start_and_one_end_star_reading",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} reading of {self.family}"


class StarScore(models.Model):
    reading = models.ForeignKey(StarReading, on_delete=models.CASCADE, related_name="scores")
    area = models.ForeignKey(OutcomeArea, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["area__position"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "area"], name="one_score_per_area"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=10), name="star_score_1_to_10"
            ),
        ]

    def __str__(self):
        return f"{self.area}: {self.score}"


class RiskReview(models.Model):
    """The family's level of need and each child's plan, at referral, at reviews and at
    closure. "Risk decreased" compares the first review with the closure review."""

    class Stage(models.TextChoices):
        REFERRAL = "referral", "At referral"
        REVIEW = "review", "Review"
        CLOSURE = "closure", "At closure"

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="risk_reviews")
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.REVIEW)
    reviewed_on = models.DateField()
    level_of_need = models.ForeignKey(
        "referrals.LevelOfNeed", on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["reviewed_on", "pk"]
        indexes = [models.Index(fields=["family", "reviewed_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "stage"],
                condition=Q(stage__in=["referral", "closure"]),
                name="one_referral_and_one_closure_risk_review",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} risk review of {self.family}"


class ChildStatus(models.Model):
    """One child's plan and school attendance at a risk review."""

    review = models.ForeignKey(RiskReview, on_delete=models.CASCADE, related_name="child_statuses")
    child = models.ForeignKey("families.Child", on_delete=models.CASCADE, related_name="statuses")
    plan_type = models.CharField(max_length=10, choices=PlanType.choices)
    school_attendance = models.DecimalField(
        "school attendance (%)", max_digits=4, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["child__date_of_birth", "child_id"]
        verbose_name_plural = "child statuses"
        constraints = [
            models.UniqueConstraint(fields=["review", "child"], name="one_status_per_child"),
            models.CheckConstraint(
                condition=Q(plan_type__in=["cp", "cin", "none"]), name="child_status_plan_valid"
            ),
            models.CheckConstraint(
                condition=Q(school_attendance=None)
                | (Q(school_attendance__gte=0) & Q(school_attendance__lte=100)),
                name="school_attendance_0_to_100",
            ),
        ]

    def __str__(self):
        return f"{self.child}: {self.get_plan_type_display()}"


class Measure(models.Model):
    """A validated questionnaire, as data: who it is about and its score range."""

    class About(models.TextChoices):
        CHILD = "child", "A child"
        PARENT = "parent", "A parent or carer"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    about = models.CharField(max_length=10, choices=About.choices)
    min_score = models.PositiveSmallIntegerField()
    max_score = models.PositiveSmallIntegerField()
    higher_is_better = models.BooleanField(
        help_text="WEMWBS: a higher score is better. SDQ: a lower score is better."
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_score__gt=models.F("min_score")), name="measure_range_valid"
            ),
        ]

    def __str__(self):
        return self.name


class MeasureScore(models.Model):
    """A score on a measure at the start or the end of the work, about a child or a parent.

    Scores about the same person on the same measure at the start and the end
    are paired for the before/after comparison.
    """

    class Stage(models.TextChoices):
        START = "start", "Start"
        END = "end", "End"

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="measure_scores")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="scores")
    child = models.ForeignKey(
        "families.Child",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measure_scores",
    )
    # For measures about a parent: who (e.g. "Mother"); the pairing key.
    parent = models.CharField("parent or carer", max_length=100, blank=True)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    taken_on = models.DateField()
    score = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure__position", "child_id", "parent", "taken_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "child", "stage"],
                condition=Q(child__isnull=False),
                name="one_measure_score_per_child_and_stage",
            ),
            models.UniqueConstraint(
                fields=["family", "measure", "parent", "stage"],
                condition=Q(child__isnull=True),
                name="one_measure_score_per_parent_and_stage",
            ),
        ]

    def __str__(self):
        return f"{self.measure} ({self.get_stage_display()}): {self.score}"


class Questionnaire(models.Model):
    """An end-of-work evaluation form, as data: one per kind of respondent."""

    respondent = models.CharField(max_length=20, choices=RESPONDENTS, unique=True)
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", "Rating from 1 to 5"
        TEXT = "text", "Free text"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    slug = models.SlugField()
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True, help_text="Retired questions stay on answers.")

    class Meta:
        ordering = ["questionnaire_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "slug"], name="question_unique_slug"),
        ]

    def __str__(self):
        return self.text


class Evaluation(models.Model):
    """An end-of-work evaluation by the social worker, the volunteer or the family.

    `answers` maps question slug → a rating (1..5) or text; the question texts
    are kept beside them so that an answer still reads right if a question is
    later reworded.
    """

    Respondent = Respondent

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="evaluations")
    respondent = models.CharField(max_length=20, choices=RESPONDENTS)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    questions = models.JSONField(default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_id", "respondent"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "respondent"], name="one_evaluation_per_respondent"
            ),
        ]

    def __str__(self):
        return f"{self.get_respondent_display()} evaluation of {self.family}"

    def rows(self):
        """[(question text, answer)] in the questionnaire's order, for pages and PDFs."""
        return [(self.questions.get(slug, slug), value) for slug, value in self.answers.items()]


class FamilyEvaluationLink(models.Model):
    """A single-use link that lets the family fill in their evaluation without an account.

    The URL carries a signed token naming this row and its nonce; the row says
    whether it has been used. A new link for a family retires the old ones.
    """

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="evaluation_links")
    nonce = models.CharField(max_length=32, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Evaluation link {self.pk} for {self.family}"


class UnitCosts(models.Model):
    """Unit costs for the estimate of savings, in pounds (editable data, dated).

    Rows without a project apply to every project that has none of its own.
    """

    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="unit_costs"
    )
    valid_from = models.DateField()
    cp_plan_child_year = models.DecimalField(
        "cost of a child on a child protection plan for a year (£)",
        max_digits=10,
        decimal_places=2,
    )
    cin_plan_child_year = models.DecimalField(
        "cost of a child on a child in need plan for a year (£)", max_digits=10, decimal_places=2
    )
    scheme_year = models.DecimalField(
        "running cost of the scheme for a year (£)", max_digits=10, decimal_places=2
    )
    source = models.TextField(blank=True, help_text="Where these figures come from.")

    class Meta:
        ordering = ["project_id", "-valid_from"]
        verbose_name = "unit costs"
        verbose_name_plural = "unit costs"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "valid_from"], name="unit_costs_unique_date"
            ),
        ]

    def __str__(self):
        return f"Unit costs from {dates.day(self.valid_from)}"


class Report(models.Model):
    """A PDF report requested in the UI and rendered by a Celery task."""

    class Kind(models.TextChoices):
        IMPACT = "impact", "Programme impact report"
        CASE_CLOSURE = "case_closure", "Case closure report"
        VOLUNTEER_RECORD = "volunteer_record", "Volunteer record"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    class State(models.TextChoices):
        """What people are shown of a report, one state at a time whatever its status: a
        report queued again or rendered a second time is being prepared, and whatever an
        earlier run left is not offered until the new one is done."""

        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    STATES = {
        Status.QUEUED: State.PREPARING,
        Status.RUNNING: State.PREPARING,
        Status.DONE: State.READY,
        Status.FAILED: State.FAILED,
    }

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The project the report is about (None: every project, for administrators).
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    parameters = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="reports/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    render_seconds = models.FloatField(null=True, blank=True)
    peak_memory_mb = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="report_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="case_closure") | Q(family__isnull=False),
                name="case_closure_report_has_family",
            ),
            models.CheckConstraint(
                condition=~Q(kind="volunteer_record") | Q(volunteer__isnull=False),
                name="volunteer_record_has_volunteer",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def state(self) -> "Report.State":
        """The one state the report is shown in: on its page (and in what the page asks
        for while it waits), in the list of reports and on the family's page."""
        return self.STATES[self.status]

    @classmethod
    def statuses_shown_as(cls, state: str) -> list[str]:
        """The statuses shown as `state` (for filtering the list by what it shows)."""
        return [status for status, shown in cls.STATES.items() if shown == state]

    @property
    def is_finished(self):
        return self.state != self.State.PREPARING

    @property
    def progress_key(self) -> str:
        """Changes whenever what the report's page shows of its progress changes (its
        status, another attempt): the page, polling, is sent nothing new until then."""
        return f"{self.status}-{self.attempts}"
