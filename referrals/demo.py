"""Demo referrals for `seed_demo`: safe to run again (creates only what is missing).

Each is written, submitted and decided on its own day (`vicp.demo_time.on_day`), so the
queue shows how long each has waited."""

import datetime

from vicp.demo_time import days_ago, on_day, today
from vicp.models import User

from . import services
from .models import CPCategory, LevelOfNeed, Need, Referral, RiskKind

# (family name, what happens to it, children as (first name, age in years, plan),
#  days ago it was written, submitted and decided)
REFERRALS = {
    "CAM": [
        ("Carter", "accepted", [("Mia", 7, "cp"), ("Leo", 4, "cp")], (36, 35, 30)),
        ("Okoro", "submitted", [("Ada", 9, "cin")], (10, 9, None)),
        ("Price", "draft", [("Ellie", 2, "cp")], (2, None, None)),
    ],
    "STH": [
        ("Walsh", "submitted", [("Jack", 11, "cp"), ("Ruby", 6, "cp")], (4, 3, None)),
    ],
}
SOCIAL_WORKERS = {"CAM": "sw.cam@example.org", "STH": "sw.sth@example.org"}
MANAGERS = {"CAM": "pm.cam@example.org", "STH": "pm.sth@example.org"}


def _born(years):
    return today() - datetime.timedelta(days=365 * years + 40)


def seed_referrals(projects):
    for code, rows in REFERRALS.items():
        project = projects[code]
        social_worker = User.objects.get(email=SOCIAL_WORKERS[code])
        manager = User.objects.get(email=MANAGERS[code])
        for family_name, outcome, children, (written, submitted, decided) in rows:
            if Referral.objects.filter(project=project, family_name=family_name).exists():
                continue
            with on_day(days_ago(written)):
                referral = _written(project, family_name, outcome, children, social_worker)
            if outcome == "draft":
                continue
            with on_day(days_ago(submitted)):
                services.submit_referral(referral, by=social_worker)
            if outcome == "accepted":
                with on_day(days_ago(decided)):
                    services.accept_referral(referral, by=manager)


def _written(project, family_name, outcome, children, social_worker):
    neglect = CPCategory.objects.get(slug="neglect")
    return services.save_referral(
        Referral(
            project=project,
            family_name=family_name,
            parents_carers="Mum (main carer)",
            address="1 Example Street",
            postcode="CB1 1AA" if project.code == "CAM" else "SS1 2BB",
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
