"""The default outcome scale: the Family Star Plus's ten areas (names only)."""

FAMILY_STAR_PLUS = [
    ("physical-health", "Physical health"),
    ("well-being", "Your well-being"),
    ("emotional-needs", "Meeting emotional needs"),
    ("keeping-safe", "Keeping your children safe"),
    ("social-networks", "Social networks"),
    ("education", "Education and learning"),
    ("boundaries", "Boundaries and behaviour"),
    ("routine", "Family routine"),
    ("home-money", "Home and money"),
    ("work", "Progress to work"),
]


def ensure_reference_data(apps):
    OutcomeScale = apps.get_model("outcomes", "OutcomeScale")
    OutcomeArea = apps.get_model("outcomes", "OutcomeArea")
    scale, _ = OutcomeScale.objects.get_or_create(
        slug="family-star-plus",
        defaults={"name": "Family Star Plus", "min_score": 1, "max_score": 10, "is_default": True},
    )
    for position, (slug, name) in enumerate(FAMILY_STAR_PLUS, start=1):
        OutcomeArea.objects.get_or_create(
            scale=scale, slug=slug, defaults={"name": name, "position": position}
        )
    if "Measure" in {model.__name__ for model in apps.get_app_config("outcomes").get_models()}:
        ensure_measures_and_questionnaires(apps)


# Validated questionnaires: who they are about, their range, and which way is better.
MEASURES = [
    # slug, name, about, min, max, higher is better
    ("sdq-total", "SDQ total difficulties", "child", 0, 40, False),
    ("sdq-emotional", "SDQ emotional symptoms", "child", 0, 10, False),
    ("wemwbs", "Warwick-Edinburgh Mental Wellbeing Scale (WEMWBS)", "parent", 14, 70, True),
]

# End-of-work evaluations: (slug, text, kind, required) per respondent.
QUESTIONNAIRES = {
    "social_worker": (
        "Social worker's evaluation",
        "Your view of the volunteer's work with this family, now that it has ended.",
        [
            (
                "helpful",
                "Overall, how helpful was the volunteer's support to the family?",
                "rating",
                True,
            ),
            ("engagement", "How well did the family engage with the volunteer?", "rating", True),
            (
                "partnership",
                "How well did the volunteer work alongside you and the plan?",
                "rating",
                True,
            ),
            ("changes", "What changed for the children and the family?", "text", True),
            ("improve", "What could the programme do better?", "text", False),
        ],
    ),
    "volunteer": (
        "Volunteer's evaluation",
        "Looking back on your time with the family.",
        [
            ("went-well", "Overall, how well did the work with the family go?", "rating", True),
            ("supported", "How well supported did you feel by the project?", "rating", True),
            ("changes", "What changed for the family while you worked with them?", "text", True),
            ("learned", "What would you do differently, or like more training on?", "text", False),
        ],
    ),
    "family": (
        "Your views on having a volunteer",
        "Thank you for taking part. Your answers help us improve the support we give families.",
        [
            ("helpful", "How helpful was having a volunteer?", "rating", True),
            ("listened", "How well did your volunteer listen to you?", "rating", True),
            ("confident", "How much more confident do you feel as a parent?", "rating", True),
            ("best", "What was the best thing about having a volunteer?", "text", False),
            ("better", "What could have been better?", "text", False),
        ],
    ),
}

# Example unit costs, to be replaced in the admin by the local authority's own figures.
DEFAULT_UNIT_COSTS = {
    "valid_from": "2020-01-01",
    "cp_plan_child_year": "5000.00",
    "cin_plan_child_year": "2000.00",
    "scheme_year": "60000.00",
    "source": "Example figures shipped with ViCP: set your local authority's own in the admin.",
}


def ensure_measures_and_questionnaires(apps):
    Measure = apps.get_model("outcomes", "Measure")
    Questionnaire = apps.get_model("outcomes", "Questionnaire")
    Question = apps.get_model("outcomes", "Question")
    UnitCosts = apps.get_model("outcomes", "UnitCosts")
    for position, (slug, name, about, low, high, higher_better) in enumerate(MEASURES, start=1):
        Measure.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "about": about,
                "min_score": low,
                "max_score": high,
                "higher_is_better": higher_better,
                "position": position,
            },
        )
    for respondent, (title, introduction, questions) in QUESTIONNAIRES.items():
        questionnaire, _ = Questionnaire.objects.get_or_create(
            respondent=respondent, defaults={"title": title, "introduction": introduction}
        )
        for position, (slug, text, kind, required) in enumerate(questions, start=1):
            Question.objects.get_or_create(
                questionnaire=questionnaire,
                slug=slug,
                defaults={"text": text, "kind": kind, "required": required, "position": position},
            )
    if not UnitCosts.objects.filter(project=None).exists():
        UnitCosts.objects.create(project=None, **DEFAULT_UNIT_COSTS)
