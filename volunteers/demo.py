"""Demo recruitment records for `seed_demo`: safe to run again (creates only what is missing)."""

import datetime

from django.utils import timezone

from vicp.models import User

from . import services
from .models import TrainingSession, Volunteer

SIGNED_OFF = {"CAM": "volunteer.cam@example.org", "STH": "volunteer.sth@example.org"}
APPLICANTS = {
    "CAM": [
        ("Grace", "Adeyemi", "applied"),
        ("Tom", "Fletcher", "interviewing"),
        ("Hannah", "Cole", "checks"),
    ],
    "STH": [
        ("Ravi", "Sharma", "applied"),
        ("Lucy", "Brennan", "training"),
    ],
}
POSTCODES = {"CAM": "CB1 2AB", "STH": "SS1 1AA"}


def _ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def seed_volunteers(projects):
    for code, project in projects.items():
        manager = project.managers.first()
        if manager is None:
            continue
        sessions = [
            TrainingSession.objects.get_or_create(
                project=project,
                title=f"Initial training, part {part}",
                defaults={
                    "held_on": _ago(70 - 7 * part),
                    "hours": 6,
                    "kind": TrainingSession.Kind.INITIAL,
                    "created_by": manager,
                },
            )[0]
            for part in (1, 2, 3)
        ]
        user = User.objects.filter(email=SIGNED_OFF[code]).first()
        if user is not None and not Volunteer.objects.filter(user=user).exists():
            volunteer = _applicant(project, user.first_name, user.last_name, user.email)
            volunteer.user = user
            volunteer.save(update_fields=["user"])
            _steps(volunteer, manager, "ready", sessions)
        for first_name, last_name, stage in APPLICANTS[code]:
            email = f"{first_name}.{last_name}@example.net".lower()
            if not Volunteer.objects.filter(project=project, email=email).exists():
                volunteer = _applicant(project, first_name, last_name, email)
                _steps(volunteer, manager, stage, sessions)


def _applicant(project, first_name, last_name, email):
    # Applied before the first step of `_steps`: steps follow the application.
    return services.submit_application(
        applied_at=timezone.now() - datetime.timedelta(days=100),
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


def _steps(volunteer, by, stage, sessions):
    order = ["applied", "interviewing", "checks", "training", "ready"]
    reached = order.index(stage)
    if reached >= 1:
        services.record_interview(
            volunteer, kind="informal", outcome="passed", by=by, held_on=_ago(90)
        )
    if reached >= 2:
        services.record_interview(
            volunteer, kind="formal", outcome="passed", by=by, held_on=_ago(80)
        )
    if reached >= 3:
        services.record_dbs_check(
            volunteer,
            certificate_number=f"{volunteer.pk:012d}",
            issued_on=_ago(75),
            result="clear",
            update_service=True,
            by=by,
        )
        for referee in ("Ruth Baker", "Tom Ellis"):
            services.record_reference(
                volunteer,
                referee_name=referee,
                relationship="Employer" if referee == "Ruth Baker" else "Friend for 10 years",
                outcome="satisfactory",
                received_on=_ago(72),
                by=by,
            )
        for session in sessions[: 3 if stage == "ready" else 1]:
            services.record_training(volunteer, session=session, hours=session.hours, by=by)
    if reached >= 4:
        services.record_interview(
            volunteer, kind="post_training", outcome="passed", by=by, held_on=_ago(45)
        )
        services.sign_off(volunteer, by=by)
        services.record_supervision(
            volunteer, by=by, held_on=_ago(14), notes="Settling in well; ready for a family."
        )
