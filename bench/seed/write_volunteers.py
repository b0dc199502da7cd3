"""Volunteers and their recruitment: the projects' training sessions, the signed-off
volunteers' accounts, the application, interviews, DBS checks, references,
training attended, supervisions and every change of stage."""

import datetime
from decimal import Decimal

from django.conf import settings

from bench.seed import vocabulary as words
from bench.seed.write_people import write_users
from volunteers.models import (
    DBSCheck,
    Interview,
    Reference,
    Supervision,
    TrainingAttendance,
    TrainingSession,
    Volunteer,
    VolunteerStageChange,
    VolunteerUserObjectPermission,
)

ANNOUNCED = datetime.timedelta(days=30)  # a session is put in the calendar this long before


def write_volunteers(plan, writer):
    courses, workshops = write_training_sessions(plan, writer)
    writer.log("Writing volunteers and their recruitment records...")
    volunteers = plan.volunteers
    signed_off = [v for v in volunteers if v.kind == "signed_off"]
    write_users(plan, writer, [v.user for v in signed_off])
    writer.write(
        Volunteer, [volunteer_row(volunteer, writer) for volunteer in volunteers], plans=volunteers
    )
    view = writer.permission("volunteers.view_volunteer")
    writer.write(
        VolunteerUserObjectPermission,
        [
            VolunteerUserObjectPermission(
                permission=view, user=writer.row(v.user), content_object=writer.row(v)
            )
            for v in signed_off
        ],
    )
    changes, interviews, checks, references, attendance, supervisions = [], [], [], [], [], []
    for volunteer in volunteers:
        model = writer.row(volunteer)
        manager = writer.row(volunteer.project.manager)
        changes.extend(
            VolunteerStageChange(
                volunteer=model,
                from_stage=change.from_stage,
                to_stage=change.to_stage,
                by=manager if change.by_manager else None,
                at=writer.at(change.on, 12, n % 60),
                reason=change.reason,
            )
            for n, change in enumerate(volunteer.stage_changes)
        )
        interviews.extend(
            Interview(
                volunteer=model,
                kind=interview.kind,
                outcome=interview.outcome,
                held_on=interview.held_on,
                notes=words.INTERVIEW_NOTES if interview.outcome == "passed" else "",
                recorded_by=manager,
                recorded_at=writer.at(interview.held_on, 16),
            )
            for interview in volunteer.interviews
        )
        checks.extend(
            DBSCheck(
                volunteer=model,
                certificate_number=check.certificate_number,
                issued_on=check.issued_on,
                result=check.result,
                update_service=check.update_service,
                last_status_check_on=check.last_status_check_on,
                recorded_by=manager,
                recorded_at=writer.at(check.recorded_on, 15),
            )
            for check in volunteer.dbs_checks
        )
        references.extend(
            Reference(
                volunteer=model,
                referee_name=reference.referee_name,
                relationship=reference.relationship,
                outcome=reference.outcome,
                received_on=reference.received_on,
                recorded_by=manager,
                recorded_at=writer.at(reference.received_on, 15),
            )
            for reference in volunteer.references
        )
        sessions = [courses[volunteer.project, day] for day in volunteer.training]
        sessions += [workshops[volunteer.project, day] for day in volunteer.workshops]
        attendance.extend(
            TrainingAttendance(
                session=session,
                volunteer=model,
                hours=session.hours,
                recorded_by=manager,
                recorded_at=writer.at(session.held_on, 17),
            )
            for session in sessions
        )
        supervisions.extend(
            Supervision(
                volunteer=model,
                held_on=supervision.held_on,
                notes=supervision.notes,
                next_due=supervision.held_on
                + datetime.timedelta(days=settings.VICP_SUPERVISION_INTERVAL_DAYS),
                recorded_by=manager,
                recorded_at=writer.at(supervision.held_on, 15),
            )
            for supervision in volunteer.supervisions
        )
    writer.write(VolunteerStageChange, changes)
    writer.write(Interview, interviews)
    writer.write(DBSCheck, checks)
    writer.write(Reference, references)
    writer.write(TrainingAttendance, attendance)
    writer.write(Supervision, supervisions)


def write_training_sessions(plan, writer):
    """Every project's initial courses and workshops; returns the sessions of each,
    by (project, day)."""
    courses, workshops, sessions = {}, {}, []
    for project in plan.projects:
        model, manager = writer.row(project), writer.row(project.manager)
        for start, days in project.courses:
            for j, day in enumerate(days):
                session = TrainingSession(
                    project=model,
                    title=f"Initial training {start:%B %Y}: part {j + 1} of 6",
                    held_on=day,
                    hours=Decimal("3.0"),
                    kind="initial",
                    created_by=manager,
                    created_at=writer.at(start - ANNOUNCED),
                )
                courses[project, day] = session
                sessions.append(session)
        for day in project.workshops:
            session = TrainingSession(
                project=model,
                title="Workshop: keeping safe and recording concerns",
                held_on=day,
                hours=Decimal("2.0"),
                kind="workshop",
                created_by=manager,
                created_at=writer.at(day - ANNOUNCED),
            )
            workshops[project, day] = session
            sessions.append(session)
    writer.write(TrainingSession, sessions)
    return courses, workshops


def volunteer_row(volunteer, writer):
    last = volunteer.stage_changes[-1]
    return Volunteer(
        project=writer.row(volunteer.project),
        user=writer.row(volunteer.user) if volunteer.user else None,
        first_name=volunteer.first_name,
        last_name=volunteer.last_name,
        email=volunteer.email,
        phone=volunteer.phone,
        postcode=volunteer.postcode,
        availability_days=volunteer.availability_days,
        availability_times=volunteer.availability_times,
        languages=volunteer.languages,
        experience=volunteer.experience,
        drives=volunteer.drives,
        heard_about=volunteer.heard_about,
        consent_to_checks=True,
        applied_at=writer.at(volunteer.applied_on, 9),
        stage=volunteer.stage,
        stage_changed_at=writer.at(last.on, 12),
        not_progressed_reason=volunteer.not_progressed[0] if volunteer.not_progressed else "",
        alternative_suggested=volunteer.not_progressed[1] if volunteer.not_progressed else "",
        signed_off_on=volunteer.signed_off_on,
        signed_off_by=writer.row(volunteer.project.manager) if volunteer.signed_off_on else None,
    )
