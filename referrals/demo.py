"""Demo referrals for `seed_demo`: safe to run again (creates only what is missing)."""

import datetime

from django.utils import timezone

from vicp.models import User

from . import services
from .models import CPCategory, LevelOfNeed, Need, Referral, RiskKind

# (family name, what happens to it, children as (first name, age in years, plan))
REFERRALS = {
    "CAM": [
        ("Carter", "accepted", [("Mia", 7, "cp"), ("Leo", 4, "cp")]),
        ("Okoro", "submitted", [("Ada", 9, "cin")]),
        ("Price", "draft", [("Ellie", 2, "cp")]),
    ],
    "STH": [
        ("Walsh", "submitted", [("Jack", 11, "cp"), ("Ruby", 6, "cp")]),
    ],
}
SOCIAL_WORKERS = {"CAM": "sw.cam@example.org", "STH": "sw.sth@example.org"}
MANAGERS = {"CAM": "pm.cam@example.org", "STH": "pm.sth@example.org"}


def _born(years):
    today = timezone.localdate()
    return today - datetime.timedelta(days=365 * years + 40)


def seed_referrals(projects):
    neglect = CPCategory.objects.get(slug="neglect")
    for code, rows in REFERRALS.items():
        project = projects[code]
        social_worker = User.objects.get(email=SOCIAL_WORKERS[code])
        manager = User.objects.get(email=MANAGERS[code])
        for family_name, outcome, children in rows:
            if Referral.objects.filter(project=project, family_name=family_name).exists():
                continue
            referral = services.save_referral(
                Referral(
                    project=project,
                    family_name=family_name,
                    parents_carers="Mum (main carer)",
                    address="1 Example Street",
                    postcode="CB1 1AA" if code == "CAM" else "SS1 2BB",
                    level_of_need=LevelOfNeed.for_project(project).get(ordinal=4),
                    reasons="Struggling with routines and school attendance since a house move.",
                    hopes="Mornings that work, and the children at school every day.",
                    risk_details="A friendly dog, usually shut in the kitchen.",
                    consent_given=outcome != "draft",
                ),
                by=social_worker,
                children=[
                    {
                        "first_name": name,
                        "last_name": family_name,
                        "date_of_birth": _born(age),
                        "plan_type": plan,
                        "cp_category": neglect if plan == "cp" else None,
                    }
                    for name, age, plan in children
                ],
                needs=Need.objects.filter(slug__in=["routines", "school-attendance"]),
                risks=RiskKind.objects.filter(slug="dogs"),
            )
            if outcome == "draft":
                continue
            services.submit_referral(referral, by=social_worker)
            if outcome == "accepted":
                services.accept_referral(referral, by=manager)
