"""The migrations' reference data, read once from the database for the planner."""

from bench.seed.plan import Area, Need, Question, Questionnaire, ReferenceData
from families.models import VisitActivity
from outcomes.models import Measure, OutcomeScale
from outcomes.models import Questionnaire as QuestionnaireModel
from referrals.models import CPCategory, LevelOfNeed, RiskKind
from referrals.models import Need as NeedModel


def load_reference_data():
    levels = dict(LevelOfNeed.objects.filter(project=None).values_list("ordinal", "pk"))
    scale = OutcomeScale.default()
    areas = list(scale.areas.order_by("position").values_list("pk", "slug"))
    questionnaires = {
        questionnaire.respondent: Questionnaire(
            questionnaire.pk,
            tuple(
                Question(q.slug, q.kind, q.text)
                for q in questionnaire.questions.filter(is_active=True).order_by("position")
            ),
        )
        for questionnaire in QuestionnaireModel.objects.all()
    }
    activities = list(VisitActivity.objects.order_by("pk").values_list("pk", flat=True))
    if not (levels and areas and activities and questionnaires):
        raise ValueError("Reference data is missing: run the migrations first.")
    return ReferenceData(
        levels=levels,
        cp_categories=list(CPCategory.objects.order_by("pk").values_list("pk", flat=True)),
        needs=[
            Need(pk, name)
            for pk, name in NeedModel.objects.order_by("pk").values_list("pk", "name")
        ],
        risks=list(RiskKind.objects.order_by("pk").values_list("pk", flat=True)),
        activities=activities,
        scale=scale.pk,
        areas=[Area(pk, slug) for pk, slug in areas],
        measures=dict(Measure.objects.values_list("slug", "pk")),
        questionnaires=questionnaires,
    )
