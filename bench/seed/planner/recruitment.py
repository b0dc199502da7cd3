"""Volunteers' recruitment: who applies, how far each gets, when, and the records of
each step; the stages that follow a signed-off volunteer's matches; and the
details (accounts, application forms, DBS checks, references, workshops,
supervisions) planned once every match is known."""

from django.conf import settings

from bench.seed import vocabulary as words
from bench.seed.plan import (
    DBSCheckPlan,
    InterviewPlan,
    PersonPlan,
    ReferencePlan,
    StageChange,
    SupervisionPlan,
    VolunteerPlan,
)
from bench.seed.planner.draws import DAY
from volunteers.services import add_years

EMAIL_DOMAIN = "scale.example.org"
# Recruitment pattern of every 25 volunteers of a project (shuffled per project).
VOLUNTEER_PATTERN = (
    ["signed_off"] * 18
    + ["not_progressed"] * 2
    + ["applied", "interviewing", "checks", "training", "training"]
)


def course_for(draws, project, signed_off_on):
    """The latest initial training course finished at least a week before sign-off."""
    for start, sessions in project.courses:
        if sessions[-1] <= signed_off_on - 7 * DAY:
            return start, sessions
    raise AssertionError("no training course early enough")  # courses cover the window


def plan_courses(draws, project, earliest):
    # An initial course (six weekly sessions of three hours) each quarter; the
    # current one started a month ago and is still running.
    start = draws.today - 30 * DAY
    while start > earliest - 120 * DAY:
        project.courses.append((start, [start + 7 * DAY * j for j in range(6)]))
        start -= 91 * DAY
    day = draws.family_start - 200 * DAY
    while day <= draws.today:
        project.workshops.append(day)
        day += 180 * DAY


def plan_volunteers(draws, projects, counts):
    """`counts[i]` volunteers of `projects[i]`, in the proportions of `VOLUNTEER_PATTERN`
    (at least one signed off), each with the training courses they could go to."""
    earliest = draws.family_start - 400 * DAY
    for project, count in zip(projects, counts, strict=True):
        plan_courses(draws, project, earliest)
        pattern = list(VOLUNTEER_PATTERN)
        draws.rng.shuffle(pattern)
        kinds = [pattern[i % len(pattern)] for i in range(count)]
        if kinds and "signed_off" not in kinds:
            kinds[0] = "signed_off"
        for kind in kinds:
            plan_volunteer(draws, project, kind, next_volunteer_number(projects))


def next_volunteer_number(projects):
    return sum(len(p.volunteers) for p in projects) + 1


def new_volunteer(draws, project, kind, number):
    first_name, last_name = draws.name()
    volunteer = VolunteerPlan(
        project,
        first_name,
        last_name,
        f"v{number:05d}.{project.code.lower()}@{EMAIL_DOMAIN}",
        kind,
    )
    project.volunteers.append(volunteer)
    return volunteer


def plan_volunteer(draws, project, kind, number, signed_off_on=None):
    """Volunteer `number` of the programme, at recruitment stage `kind` today."""
    volunteer = new_volunteer(draws, project, kind, number)
    today, days = draws.today, draws.days
    if kind == "signed_off":
        if signed_off_on is None:
            if draws.rng.random() < 0.5:  # the volunteers the programme started with
                signed_off_on = draws.family_start - days(0, 300)
            else:
                signed_off_on = draws.family_start + days(0, (today - draws.family_start).days - 20)
        plan_recruitment(draws, volunteer, signed_off_on)
        if draws.rng.random() < 0.2 and signed_off_on + 200 * DAY < today - DAY:
            volunteer.leaves_on = signed_off_on + days(200, (today - signed_off_on).days - 1)
        volunteer.free_from = signed_off_on
    elif kind == "not_progressed":
        span = (today - draws.family_start).days + 300
        failed_on = today - days(1, span)
        plan_not_progressed(draws, volunteer, failed_on)
    else:
        plan_in_recruitment(draws, volunteer, kind)
    return volunteer


def plan_recruitment(draws, volunteer, signed_off_on):
    """Every step before sign-off, worked backwards from the sign-off date."""
    days = draws.days
    course_start, sessions = course_for(draws, volunteer.project, signed_off_on)
    post_training = signed_off_on - days(1, 5)
    dbs_on = course_start - days(7, 40)
    references = [course_start - days(3, 40) for _ in range(2)]
    formal = min([dbs_on, *references]) - days(7, 21)
    informal = formal - days(7, 21)
    volunteer.applied_on = informal - days(5, 20)
    volunteer.signed_off_on = signed_off_on
    volunteer.interviews = [
        InterviewPlan("informal", "passed", informal),
        InterviewPlan("formal", "passed", formal),
        InterviewPlan("post_training", "passed", post_training),
    ]
    volunteer.dbs_checks = [DBSCheckPlan(dbs_on, "clear")]
    volunteer.references = [ReferencePlan("satisfactory", day) for day in references]
    volunteer.training = list(sessions)
    checks_done = max([dbs_on, *references])
    volunteer.stage_changes = [
        StageChange("", "applied", volunteer.applied_on, "Application received.", False),
        StageChange("applied", "interviewing", informal, "", True),
        StageChange("interviewing", "checks", formal, "", True),
        StageChange("checks", "training", checks_done, "", True),
        StageChange("training", "ready", signed_off_on, "Signed off.", True),
    ]


def plan_not_progressed(draws, volunteer, failed_on):
    days = draws.days
    kind = draws.rng.choice(["informal", "informal", "formal", "formal", "dbs", "reference"])
    volunteer.not_progressed = words.NOT_PROGRESSED[kind]
    reason = volunteer.not_progressed[0]
    if kind == "informal":
        volunteer.applied_on = failed_on - days(5, 20)
        volunteer.interviews = [InterviewPlan("informal", "not_suitable", failed_on)]
        stage = "applied"
        changes = []
    else:
        informal = failed_on - days(30, 60)
        formal = failed_on - days(7, 25)
        volunteer.applied_on = informal - days(5, 20)
        volunteer.interviews = [InterviewPlan("informal", "passed", informal)]
        changes = [StageChange("applied", "interviewing", informal, "", True)]
        stage = "interviewing"
        if kind == "formal":
            volunteer.interviews.append(InterviewPlan("formal", "not_suitable", failed_on))
        else:
            volunteer.interviews.append(InterviewPlan("formal", "passed", formal))
            changes.append(StageChange("interviewing", "checks", formal, "", True))
            stage = "checks"
            if kind == "dbs":
                volunteer.dbs_checks = [DBSCheckPlan(failed_on, "disclosure")]
            else:
                volunteer.references = [ReferencePlan("unsatisfactory", failed_on)]
    volunteer.stage_changes = [
        StageChange("", "applied", volunteer.applied_on, "Application received.", False),
        *changes,
        StageChange(stage, "not_progressed", failed_on, reason, True),
    ]


def plan_in_recruitment(draws, volunteer, kind):
    """Someone still in the pipeline today, at stage `kind`."""
    days, today = draws.days, draws.today
    project = volunteer.project
    changes = []
    if kind == "applied":
        volunteer.applied_on = today - days(1, 30)
    elif kind == "interviewing":
        informal = today - days(1, 25)
        volunteer.applied_on = informal - days(5, 20)
        volunteer.interviews = [InterviewPlan("informal", "passed", informal)]
        changes = [StageChange("applied", "interviewing", informal, "", True)]
    else:
        if kind == "checks":
            formal = today - days(1, 30)
        else:  # training: the current course, or finished and awaiting the last interview
            current = draws.rng.random() < 0.6
            course_start, sessions = project.courses[0 if current else 1]
            attended = [day for day in sessions if day <= today]
            if current:
                attended = attended[: draws.rng.randint(1, len(attended))]
            volunteer.training = attended
            checks_done = course_start - days(3, 30)
            formal = checks_done - days(14, 40)
        informal = formal - days(7, 21)
        volunteer.applied_on = informal - days(5, 20)
        volunteer.interviews = [
            InterviewPlan("informal", "passed", informal),
            InterviewPlan("formal", "passed", formal),
        ]
        changes = [
            StageChange("applied", "interviewing", informal, "", True),
            StageChange("interviewing", "checks", formal, "", True),
        ]
        if kind == "checks":
            # Part of the checks: the DBS check or the references still to come.
            if draws.rng.random() < 0.5:
                volunteer.dbs_checks = [
                    DBSCheckPlan(formal + days(0, (today - formal).days), "clear")
                ]
                volunteer.references = [
                    ReferencePlan("satisfactory", today - days(0, (today - formal).days))
                ][: draws.rng.randint(0, 1)]
            else:
                volunteer.references = [
                    ReferencePlan("satisfactory", formal + days(0, (today - formal).days))
                    for _ in range(draws.rng.randint(0, 2))
                ]
        else:
            volunteer.dbs_checks = [DBSCheckPlan(checks_done - days(0, 10), "clear")]
            received_on = checks_done - days(0, 10)
            volunteer.references = [ReferencePlan("satisfactory", received_on)] * 2
            changes.append(StageChange("checks", "training", checks_done, "", True))
    volunteer.stage_changes = [
        StageChange("", "applied", volunteer.applied_on, "Application received.", False),
        *changes,
    ]


def plan_volunteer_stages(draws, projects):
    """Signed-off volunteers' stage follows their matches: matched, ready or left."""
    for project in projects:
        for volunteer in project.volunteers:
            if volunteer.kind != "signed_off":
                continue
            volunteer.matches.sort(key=lambda match: match.started_on)
            changes = volunteer.stage_changes
            for match in volunteer.matches:
                changes.append(StageChange("ready", "matched", match.started_on, "", True))
                if match.ended_on:
                    changes.append(
                        StageChange("matched", "ready", match.ended_on, "Match ended.", True)
                    )
            if volunteer.leaves_on and volunteer.leaves_on <= draws.today:
                changes.append(
                    StageChange(
                        "ready", "left", volunteer.leaves_on, "Moved away from the area.", True
                    )
                )
            else:
                volunteer.leaves_on = None
            plan_dbs_renewals(draws, volunteer)


def plan_dbs_renewals(draws, volunteer):
    """A new DBS check a little before each one reaches its three years."""
    until = volunteer.leaves_on or draws.today
    issued = volunteer.dbs_checks[-1].issued_on
    while True:
        issued = add_years(issued, settings.VICP_DBS_VALID_YEARS) - draws.days(20, 50)
        if issued > until:
            break
        volunteer.dbs_checks.append(DBSCheckPlan(issued, "clear"))


def plan_volunteer_profiles(draws, volunteers):
    """The signed-off volunteers' accounts, then everyone's application form."""
    rng = draws.rng
    for volunteer in volunteers:
        if volunteer.kind == "signed_off":
            volunteer.user = PersonPlan(
                volunteer.email,
                volunteer.first_name,
                volunteer.last_name,
                "volunteer",
                phone=draws.phone(),
            )
    for volunteer in volunteers:
        volunteer.phone = draws.phone()
        volunteer.postcode = draws.postcode(volunteer.project)
        volunteer.availability_days = sorted(
            rng.sample(words.WEEKDAYS, rng.randint(1, 4)), key=words.WEEKDAYS.index
        )
        volunteer.availability_times = rng.choice(words.AVAILABILITY_TIMES)
        volunteer.languages = rng.choice(words.LANGUAGES)
        volunteer.experience = rng.choice(words.EXPERIENCE)
        volunteer.drives = rng.random() < 0.6
        volunteer.heard_about = rng.choice(words.HEARD_ABOUT)


def plan_recruitment_records(draws, volunteer):
    """The details of each DBS check and reference; for those signed off, the
    workshops they went to and their supervisions."""
    rng, days, today = draws.rng, draws.days, draws.today
    checks = []
    for check in volunteer.dbs_checks:
        update_service = rng.random() < 0.6
        certificate_number = f"{rng.randint(0, 10**12 - 1):012d}"
        last_status_check_on = (
            min(check.issued_on + days(30, 300), today) if update_service else None
        )
        checks.append(
            check._replace(
                certificate_number=certificate_number,
                update_service=update_service,
                last_status_check_on=last_status_check_on,
                recorded_on=min(check.issued_on + days(1, 5), today),
            )
        )
    volunteer.dbs_checks = checks
    references = []
    for reference in volunteer.references:
        first_name, last_name = draws.name()
        references.append(
            reference._replace(
                referee_name=f"{first_name} {last_name}",
                relationship=rng.choice(words.REFEREE_RELATIONSHIPS),
            )
        )
    volunteer.references = references
    if volunteer.kind != "signed_off":
        return
    until = volunteer.leaves_on or today
    volunteer.workshops = [
        day
        for day in volunteer.project.workshops
        if volunteer.signed_off_on < day <= until and rng.random() < 0.3
    ]
    # Monthly-ish 1:1s from sign-off until they left (or today).
    day = volunteer.signed_off_on + days(20, 35)
    while day <= until:
        volunteer.supervisions.append(SupervisionPlan(day, rng.choice(words.SUPERVISION_NOTES)))
        day += days(25, 45)
