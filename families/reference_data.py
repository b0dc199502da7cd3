"""Default visit activities, for the data migration and for a fresh test database."""

ACTIVITIES = [
    ("routines", "Morning or bedtime routines"),
    ("school-run", "School run or school meeting"),
    ("budgeting", "Budgeting, bills and benefits"),
    ("paperwork", "Letters, forms and appointments"),
    ("appointment", "Going with the parent to an appointment"),
    ("play", "Play and time with the children"),
    ("cooking", "Cooking and meal planning"),
    ("home", "Tidying and organising the home"),
    ("outing", "An outing or local activity"),
    ("listening", "Listening and emotional support"),
]


# HMRC's approved mileage rate for volunteers' cars, the usual starting point.
DEFAULT_MILEAGE_PENCE = 45
DEFAULT_MILEAGE_FROM = "2011-04-06"


def ensure_mileage_rate(apps):
    MileageRate = apps.get_model("families", "MileageRate")
    if not MileageRate.objects.filter(project=None).exists():
        MileageRate.objects.create(
            project=None, pence_per_mile=DEFAULT_MILEAGE_PENCE, valid_from=DEFAULT_MILEAGE_FROM
        )


def ensure_activities(apps):
    VisitActivity = apps.get_model("families", "VisitActivity")
    for position, (slug, name) in enumerate(ACTIVITIES, start=1):
        VisitActivity.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )


def ensure_reference_data(apps):
    ensure_activities(apps)
    ensure_mileage_rate(apps)
