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
