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
