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


def ensure_reference_data(apps):
    VisitActivity = apps.get_model("families", "VisitActivity")
    for position, (slug, name) in enumerate(ACTIVITIES, start=1):
        VisitActivity.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
