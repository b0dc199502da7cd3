"""Outcomes of the work with each family: risk reviews with each child's status,
Family Star readings, measures, the goals of the plan of work with their reviews,
and the end-of-work evaluations with the family's single-use links."""

import datetime

from bench.seed import vocabulary as words
from families.models import Goal, GoalReview
from outcomes.models import (
    ChildStatus,
    Evaluation,
    FamilyEvaluationLink,
    MeasureScore,
    RiskReview,
    StarReading,
    StarScore,
)

LINK_VALID = datetime.timedelta(days=30)


def write_outcomes(plan, writer):
    writer.log("Writing risk reviews, Family Star readings, measures, goals and evaluations...")
    write_risk_reviews(plan, writer)
    write_star_readings(plan, writer)
    write_measures(plan, writer)
    write_goals(plan, writer)
    write_evaluations(plan, writer)


def write_risk_reviews(plan, writer):
    reviews, statuses = [], []
    for family in plan.families:
        manager = writer.row(family.project.manager)
        for review in family.reviews:
            row = RiskReview(
                family=writer.row(family),
                stage=review.stage,
                reviewed_on=review.reviewed_on,
                level_of_need_id=writer.reference.levels[review.level],
                notes="Taken from the referral." if review.stage == "referral" else "",
                recorded_by=manager,
                recorded_at=writer.at(review.reviewed_on, 15),
            )
            reviews.append(row)
            statuses.extend(
                ChildStatus(
                    review=row,
                    child=writer.row(child),
                    plan_type=plan_type,
                    school_attendance=attendance,
                )
                for child, (plan_type, attendance) in zip(
                    family.children, review.children, strict=True
                )
            )
    writer.write(RiskReview, reviews)
    writer.write(ChildStatus, statuses)


def first_volunteer(family, writer):
    """Who records the family's outcomes: the volunteer of their first match."""
    return writer.row(family.matches[0].volunteer.user)


def write_star_readings(plan, writer):
    reference = writer.reference
    readings, scores = [], []
    for family in plan.families:
        for reading in family.star_readings:
            row = StarReading(
                family=writer.row(family),
                scale_id=reference.scale,
                stage=reading.stage,
                taken_on=reading.taken_on,
                recorded_by=first_volunteer(family, writer),
                recorded_at=writer.at(reading.taken_on, 14),
            )
            readings.append(row)
            scores.extend(
                StarScore(reading=row, area_id=area.pk, score=score)
                for area, score in zip(reference.areas, reading.scores, strict=True)
            )
    writer.write(StarReading, readings)
    writer.write(StarScore, scores)


def write_measures(plan, writer):
    measures = writer.reference.measures
    writer.write(
        MeasureScore,
        [
            MeasureScore(
                family=writer.row(family),
                measure_id=measures[score.measure],
                child=writer.row(family.children[score.child]) if score.child is not None else None,
                parent=score.parent,
                stage=score.stage,
                taken_on=score.taken_on,
                score=score.score,
                recorded_by=first_volunteer(family, writer),
                recorded_at=writer.at(score.taken_on, 14, 30),
            )
            for family in plan.families
            for score in family.measures
        ],
    )


def write_goals(plan, writer):
    goals, reviews = [], []
    for family in plan.families:
        manager = writer.row(family.project.manager)
        for goal in family.goals:
            row = Goal(
                family=writer.row(family),
                need_id=goal.need.pk,
                description=goal.description,
                star_area=goal.star_area,
                target_date=goal.target_date,
                created_by=first_volunteer(family, writer),
                created_at=writer.at(goal.created_on, 15),
            )
            goals.append(row)
            reviews.extend(
                GoalReview(
                    goal=row,
                    stage=review.stage,
                    reviewed_on=review.reviewed_on,
                    progress=words.GOAL_PROGRESS,
                    outcome=review.outcome,
                    by=manager,
                )
                for review in goal.reviews
            )
    writer.write(Goal, goals)
    writer.write(GoalReview, reviews)


def write_evaluations(plan, writer):
    questionnaires = writer.reference.questionnaires
    evaluations, links = [], []
    for family in plan.families:
        for evaluation in family.evaluations:
            questionnaire = questionnaires[evaluation.respondent]
            submitted_at = writer.at(evaluation.submitted_on, 19)
            evaluations.append(
                Evaluation(
                    family=writer.row(family),
                    respondent=evaluation.respondent,
                    questionnaire_id=questionnaire.pk,
                    answers=evaluation.answers,
                    questions={q.slug: q.text for q in questionnaire.questions},
                    submitted_by=writer.row(evaluation.by) if evaluation.by else None,
                    submitted_at=submitted_at,
                )
            )
            if evaluation.link_nonce:
                sent_at = writer.at(family.closed_on, 16, 30)
                links.append(
                    FamilyEvaluationLink(
                        family=writer.row(family),
                        nonce=evaluation.link_nonce,
                        created_by=writer.row(family.project.manager),
                        created_at=sent_at,
                        expires_at=sent_at + LINK_VALID,
                        used_at=submitted_at,
                    )
                )
    writer.write(Evaluation, evaluations)
    writer.write(FamilyEvaluationLink, links)
