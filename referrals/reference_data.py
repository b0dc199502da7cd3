"""The default reference data, for the data migration and for a fresh test database."""

LEVELS = [(1, "Universal"), (2, "Early help"), (3, "Targeted"), (4, "Specialist / statutory")]
CP_CATEGORIES = [
    ("neglect", "Neglect"),
    ("physical", "Physical abuse"),
    ("emotional", "Emotional abuse"),
    ("sexual", "Sexual abuse"),
    ("multiple", "Multiple categories"),
]
NEEDS = [
    ("routines", "Family routines"),
    ("budgeting", "Budgeting and money"),
    ("school-attendance", "School attendance"),
    ("parenting-confidence", "Confidence in parenting"),
    ("isolation", "Social isolation"),
    ("engagement", "Engaging with services and appointments"),
    ("home-conditions", "Home conditions"),
    ("organisation", "Organisation and paperwork"),
    ("health", "Physical or mental health"),
]
RISKS = [
    ("dogs", "Dogs or other animals"),
    ("violence", "Violence or aggression"),
    ("substance-use", "Drug or alcohol use"),
    ("domestic-abuse", "Domestic abuse"),
    ("weapons", "Weapons in the home"),
    ("other-adults", "Other adults in the home"),
]


def ensure_reference_data(apps):
    """Create whichever default rows are missing (edits by admins are kept)."""
    LevelOfNeed = apps.get_model("referrals", "LevelOfNeed")
    for ordinal, name in LEVELS:
        LevelOfNeed.objects.get_or_create(project=None, ordinal=ordinal, defaults={"name": name})
    for model, rows in (("CPCategory", CP_CATEGORIES), ("Need", NEEDS), ("RiskKind", RISKS)):
        Model = apps.get_model("referrals", model)
        for position, (slug, name) in enumerate(rows, start=1):
            Model.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
