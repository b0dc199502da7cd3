"""Recording outcomes: Family Star readings (risk reviews, measures and evaluations follow)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from families.services import may_plan
from vicp import audit

from .models import OutcomeScale, StarReading, StarScore


@transaction.atomic
def record_star_reading(*, family, by, stage, taken_on, scores, notes="", request=None):
    """Record the family's score on every area of the scale (`scores`: area slug → 1..10).

    Taken with the family by their volunteer, or by a project manager.
    """
    if not may_plan(by, family):
        raise ValidationError("Only the family's volunteer or a project manager can record this.")
    scale = OutcomeScale.default()
    areas = list(scale.areas.all())
    errors = {}
    if stage not in StarReading.Stage.values:
        errors["stage"] = "Choose start, review or end."
    if taken_on > timezone.localdate():
        errors["taken_on"] = "This date is in the future."
    for area in areas:
        value = scores.get(area.slug)
        if value is None or value == "":
            errors[area.slug] = f"Give a score for {area.name}."
        elif not isinstance(value, int) or not scale.min_score <= value <= scale.max_score:
            errors[area.slug] = (
                f"Scores are whole numbers from {scale.min_score} to {scale.max_score}."
            )
    unknown = set(scores) - {area.slug for area in areas}
    if unknown:
        errors["__all__"] = f"Unknown areas: {', '.join(sorted(unknown))}."
    if errors:
        raise ValidationError(errors)
    reading = StarReading(
        family=family, scale=scale, stage=stage, taken_on=taken_on, notes=notes, recorded_by=by
    )
    try:
        with transaction.atomic():
            reading.save()
    except IntegrityError:
        raise ValidationError(
            {"stage": f"This family already has a {reading.get_stage_display().lower()} reading."}
        ) from None
    StarScore.objects.bulk_create(
        StarScore(reading=reading, area=area, score=scores[area.slug]) for area in areas
    )
    audit.record(
        "star_reading.recorded", actor=by, obj=reading, project=family.project, request=request
    )
    return reading


def star_journey(family):
    """Per area: the start score, the latest score and the change, for the family page."""
    readings = list(family.star_readings.prefetch_related("scores__area"))
    if not readings:
        return None
    start = next((r for r in readings if r.stage == StarReading.Stage.START), None)
    latest = readings[-1]
    start_scores = {s.area_id: s.score for s in start.scores.all()} if start else {}
    rows = []
    for score in latest.scores.all():
        before = start_scores.get(score.area_id)
        change = score.score - before if before is not None and latest is not start else None
        rows.append(
            {"area": score.area.name, "start": before, "latest": score.score, "change": change}
        )
    return {"start": start, "latest": latest, "rows": rows, "readings": readings}
