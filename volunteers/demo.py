"""Demo recruitment records for `seed_demo`: safe to run again (creates only what is missing).

Each step is recorded on its own day (`vicp.demo_time.on_day`), so the board's dates,
the stage history and the audit log read as a recruitment that took months."""

from django.utils import timezone

from vicp.demo_time import days_ago, on_day
from vicp.models import User

from . import services
from .models import TrainingSession, Volunteer

SIGNED_OFF = {"CAM": "volunteer.cam@example.org", "STH": "volunteer.sth@example.org"}
SIGNED_OFF_APPLIED_DAYS_AGO = {"CAM": 120, "STH": 110}
# (first name, last name, stage reached, applied how many days ago)
APPLICANTS = {
    "CAM": [
        ("Grace", "Adeyemi", "applied", 5),
        ("Tom", "Fletcher", "interviewing", 21),
        ("Hannah", "Cole", "checks", 40),
    ],
    "STH": [
        ("Ravi", "Sharma", "applied", 2),
        ("Lucy", "Brennan", "training", 90),
    ],
}
POSTCODES = {"CAM": "CB1 2AB", "STH": "SS1 1AA"}
# When the three parts of the initial training were held.
TRAINING_DAYS_AGO = (63, 56, 49)
POST_TRAINING_INTERVIEW_DAYS_AGO = 45


def seed_volunteers(projects):
    for code, project in projects.items():
        manager = project.managers.first()
        if manager is None:
            continue
        with on_day(days_ago(TRAINING_DAYS_AGO[0] + 14)):  # planned a fortnight ahead
            sessions = [
                TrainingSession.objects.get_or_create(
                    project=project,
                    title=f"Initial training, part {part}",
                    defaults={
                        "held_on": days_ago(held),
                        "hours": 6,
                        "kind": TrainingSession.Kind.INITIAL,
                        "created_by": manager,
                    },
                )[0]
                for part, held in enumerate(TRAINING_DAYS_AGO, start=1)
            ]
        user = User.objects.filter(email=SIGNED_OFF[code]).first()
        if user is not None and not Volunteer.objects.filter(user=user).exists():
            applied = SIGNED_OFF_APPLIED_DAYS_AGO[code]
            volunteer = _applicant(project, user.first_name, user.last_name, user.email, applied)
            volunteer.user = user
            volunteer.save(update_fields=["user"])
            _steps(volunteer, manager, "ready", sessions, applied)
        for first_name, last_name, stage, applied in APPLICANTS[code]:
            email = f"{first_name}.{last_name}@example.net".lower()
            if not Volunteer.objects.filter(project=project, email=email).exists():
                volunteer = _applicant(project, first_name, last_name, email, applied)
                _steps(volunteer, manager, stage, sessions, applied)


def _applicant(project, first_name, last_name, email, applied_days_ago):
    with on_day(days_ago(applied_days_ago)):
        return services.submit_application(
            applied_at=timezone.now(),
            project=project,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone="07700 900000",
            postcode=POSTCODES.get(project.code, "AB1 2CD"),
            availability_days=["tue", "thu"],
            availability_times="Daytime",
            languages="English",
            experience="Parent; school volunteer.",
            consent_to_checks=True,
        )


def _steps(volunteer, by, stage, sessions, applied_days_ago):
    """The steps up to `stage`, each a week or so after the one before; training on the
    sessions' own days."""
    order = ["applied", "interviewing", "checks", "training", "ready"]
    reached = order.index(stage)
    informal, formal = applied_days_ago - 7, applied_days_ago - 14
    checks = applied_days_ago - 20
    if reached >= 1:
        with on_day(days_ago(informal)):
            services.record_interview(
                volunteer, kind="informal", outcome="passed", by=by, held_on=days_ago(informal)
            )
    if reached >= 2:
        with on_day(days_ago(formal)):
            services.record_interview(
                volunteer, kind="formal", outcome="passed", by=by, held_on=days_ago(formal)
            )
    if reached >= 3:
        with on_day(days_ago(checks)):
            services.record_dbs_check(
                volunteer,
                certificate_number=f"{volunteer.pk:012d}",
                issued_on=days_ago(checks + 3),
                result="clear",
                update_service=True,
                by=by,
            )
        for referee, relationship, received in (
            ("Ruth Baker", "Employer", checks - 2),
            ("Tom Ellis", "Friend for 10 years", checks - 5),
        ):
            with on_day(days_ago(received)):
                services.record_reference(
                    volunteer,
                    referee_name=referee,
                    relationship=relationship,
                    outcome="satisfactory",
                    received_on=days_ago(received),
                    by=by,
                )
        for session in sessions[: 3 if stage == "ready" else 1]:
            with on_day(session.held_on):
                services.record_training(volunteer, session=session, hours=session.hours, by=by)
    if reached >= 4:
        with on_day(days_ago(POST_TRAINING_INTERVIEW_DAYS_AGO)):
            services.record_interview(
                volunteer,
                kind="post_training",
                outcome="passed",
                by=by,
                held_on=days_ago(POST_TRAINING_INTERVIEW_DAYS_AGO),
            )
            services.sign_off(volunteer, by=by)
        with on_day(days_ago(14)):
            services.record_supervision(
                volunteer,
                by=by,
                held_on=days_ago(14),
                notes="Settling in well; ready for a family.",
            )
