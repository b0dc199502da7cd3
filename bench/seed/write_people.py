"""Projects and the people who run and refer to them: the administrator, each
project's manager and its social workers."""

import datetime

from django_otp.plugins.otp_totp.models import TOTPDevice

from vicp.models import Project, ProjectUserObjectPermission, User

# Every account was opened this long before the first family was accepted.
ACCOUNTS_OPENED = datetime.timedelta(days=400)


def write_projects_and_people(plan, writer):
    writer.log("Writing projects, managers and social workers...")
    writer.write(
        Project,
        [
            Project(name=p.name, code=p.code, local_authority=p.local_authority)
            for p in plan.projects
        ],
        plans=plan.projects,
    )
    managers = [p.manager for p in plan.projects]
    people = [plan.admin, *managers, *(sw for p in plan.projects for sw in p.social_workers)]
    write_users(plan, writer, people)
    writer.write(
        Project.managers.through,
        [
            Project.managers.through(project_id=writer.row(p).pk, user_id=writer.row(p.manager).pk)
            for p in plan.projects
        ],
    )
    # Two-step sign-in is required of managers and administrators.
    writer.write(
        TOTPDevice,
        [
            TOTPDevice(
                user=writer.row(person),
                name="Authenticator app",
                confirmed=True,
                key=person.totp_key,
            )
            for person in [plan.admin, *managers]
        ],
    )
    refer = writer.permission("vicp.refer_to_project")
    writer.write(
        ProjectUserObjectPermission,
        [
            ProjectUserObjectPermission(
                permission=refer, user=writer.row(sw), content_object=writer.row(p)
            )
            for p in plan.projects
            for sw in p.social_workers
        ],
    )


def write_users(plan, writer, people):
    """The accounts of `people` (`PersonPlan`s)."""
    joined = plan.family_start - ACCOUNTS_OPENED
    writer.write(User, [writer.user(person, joined) for person in people], plans=people)
