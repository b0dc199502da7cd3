"""Programme-scale data for measuring performance: `manage.py seed_scale`.

Years of a national programme, made in minutes: projects with their manager and
social workers; volunteers at every stage of recruitment with their interviews,
DBS checks, references, training and supervision; referrals at every status;
families accepted from them, matched, visited, reviewed and closed, with their
Family Star readings, risk reviews, measures, goals and evaluations.

How it works: everything is first *planned* in memory (plain objects, one
`random.Random(seed)`, dates relative to a fixed `today`), so the same seed and
day give the same data; then it is *written* in foreign-key order with
`bulk_create` in batches. The rows are the ones the services would have
written (status-change history, guardian's object permissions in the direct
foreign-key tables, case reference counters), with two deliberate omissions:
simple-history rows and audit events, which no page needs to behave the same.

At the proportions asked for (ten families for each volunteer over the years,
matches of about six months) families outrun volunteers: a family waits, and
after `MAX_WAIT` without a volunteer its case closes unmatched (about a third
of cases at the full scale), as a project would close it with the social
worker. The planning log prints the statuses reached.

The invariants the services keep hold here too: at most one active match per
volunteer and per family; matches only for signed-off volunteers with an
in-date DBS; visits within their match and never in the future; a volunteer
sees only the family of their active match; a social worker exactly the
referrals they made and the families that came of them.
"""

import datetime
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import reset_queries, transaction
from django.utils import timezone

DAY = datetime.timedelta(days=1)
FAMILY_YEARS = 5.4  # families are accepted over this many years before `today`
DEFAULT_SOCIAL_WORKERS = 10  # per project


def _words(text):
    return text.split()


PROJECTS = [
    ("Cambridgeshire", "CAM", "Cambridgeshire County Council", "CB"),
    ("Southend", "STH", "Southend-on-Sea City Council", "SS"),
    ("Norfolk", "NOR", "Norfolk County Council", "NR"),
    ("Suffolk", "SUF", "Suffolk County Council", "IP"),
    ("Essex", "ESS", "Essex County Council", "CM"),
    ("Hertfordshire", "HRT", "Hertfordshire County Council", "SG"),
    ("Bedford", "BED", "Bedford Borough Council", "MK"),
    ("Peterborough", "PBO", "Peterborough City Council", "PE"),
    ("Luton", "LUT", "Luton Borough Council", "LU"),
    ("Thurrock", "THU", "Thurrock Council", "RM"),
    ("Kent", "KEN", "Kent County Council", "CT"),
    ("Medway", "MED", "Medway Council", "ME"),
    ("Surrey", "SUR", "Surrey County Council", "GU"),
    ("Oxfordshire", "OXF", "Oxfordshire County Council", "OX"),
    ("Buckinghamshire", "BUC", "Buckinghamshire Council", "HP"),
    ("Northamptonshire", "NHA", "North Northamptonshire Council", "NN"),
    ("Leicestershire", "LEI", "Leicestershire County Council", "LE"),
    ("Nottinghamshire", "NOT", "Nottinghamshire County Council", "NG"),
    ("Derbyshire", "DER", "Derbyshire County Council", "DE"),
    ("Lincolnshire", "LIN", "Lincolnshire County Council", "LN"),
    ("Warwickshire", "WAR", "Warwickshire County Council", "CV"),
    ("Worcestershire", "WOR", "Worcestershire County Council", "WR"),
    ("Shropshire", "SHR", "Shropshire Council", "SY"),
    ("Somerset", "SOM", "Somerset Council", "TA"),
    ("Devon", "DEV", "Devon County Council", "EX"),
]
FIRST_NAMES = _words(
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow "
    "Florence Emily Ella Poppy Evie Elsie Charlotte Noah Oliver George Arthur Muhammad "
    "Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie Theo Alfie Jacob Thomas "
    "Finley Arlo Aisha Zara Priya Amir Kwame Chen Tomasz Agnieszka Fatima Yusuf"
)
SURNAMES = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright "
    "Thompson Evans Walker White Roberts Green Hall Thomas Clarke Jackson Wood Harris "
    "Edwards Turner Martin Cooper Hill Ward Hughes Moore Clark King Harrison Lewis Baker "
    "Lee Allen Morris Khan Scott Watson Davis Parker James Bennett Young Phillips "
    "Richardson Mitchell Bailey Carter Cook Singh Shaw Bell Collins Morgan Kelly Begum "
    "Miller Cox"
)
LANGUAGES = [
    "English",
    "English",
    "English",
    "English, Polish",
    "English, Urdu",
    "English, Bengali",
]
EXPERIENCE = [
    "Parent of three; school governor.",
    "Retired teaching assistant with experience of school attendance work.",
    "Worked in a children's centre; budgeting and benefits advice.",
    "Nursery nurse; family routines and bedtime routines.",
    "Housing officer; paperwork, letters and appointments.",
    "Volunteer with a food bank; isolation and confidence in parenting.",
]
REASONS = [
    "Neglect concerns: home conditions and the children's routines.",
    "Poor school attendance and missed health appointments.",
    "Mother isolated and struggling with money after a separation.",
    "Domestic abuse in the past; mother needs support to keep routines going.",
    "Parents overwhelmed by paperwork and debts; the children's needs are missed.",
]
HOPES = [
    "To get the children to school on time every day.",
    "To manage money and stop falling behind with bills.",
    "To feel more confident as a parent and make friends locally.",
    "To keep appointments and get the house in order.",
]
VISIT_NOTES = [
    "Helped with the morning routine; the children were ready for school on time.",
    "Went through the bills together and made a weekly budget.",
    "Went with mum to the GP appointment.",
    "Played with the children while mum sorted the letters.",
    "Talked about bedtimes; mum will try the new routine this week.",
    "Cooked a meal together and planned the week's shopping.",
    "Walked to the children's centre; mum signed up for the stay-and-play group.",
]
CONCERNS = [
    "The youngest child had a bruise on his arm that mum could not explain.",
    "Mum said her ex-partner had been to the house again last night.",
    "The children had not eaten today and there was no food in the house.",
    "The older child said she was scared to go home after school.",
]
FOLLOW_UPS = [
    "Spoke to the social worker the same day; she visited the next morning.",
    "Passed to the MASH; strategy discussion held, plan updated.",
    "Food bank voucher given and the social worker told; no further action.",
]
SUPERVISION_NOTES = [
    "Talked through the family's progress and the next steps of the plan.",
    "Reviewed the visit logs; agreed to focus on the school run.",
    "Discussed a difficult visit and self-care.",
]
NOT_PROGRESSED = {
    "informal": (
        "Not suitable at the informal interview: could not commit the time.",
        "Suggested befriending older people with the local Age UK.",
    ),
    "formal": (
        "Not suitable at the formal interview: views on discipline at odds with the role.",
        "Suggested volunteering in the charity's shop.",
    ),
    "dbs": (
        "The DBS check showed a disclosure that the risk assessment did not accept.",
        "None suggested: the role works with children.",
    ),
    "reference": (
        "A reference was unsatisfactory.",
        "Suggested helping at the homework club with supervision.",
    ),
}
CLOSE_REASONS = {
    "planned": "The work is done: the goals of the plan were met.",
    "disengaged": "The family no longer wished to work with a volunteer.",
    "escalated": "Escalated to statutory services.",
    "volunteer_left": "Closed after the volunteer stepped back.",
    "family_moved": "The family moved out of the area.",
    "other": "Closed after a review with the social worker.",
    "unmatched": "The family withdrew their consent before a volunteer was found.",
    "no_volunteer": "No volunteer became free in time; closed with the social worker's agreement.",
}
MAX_WAIT = datetime.timedelta(days=120)  # for a volunteer, before a case closes unmatched
END_REASONS = ["planned", "disengaged", "escalated", "volunteer_left", "family_moved", "other"]
END_WEIGHTS = [78, 8, 4, 4, 3, 3]
TEXT_ANSWERS = [
    "Mum is much more confident and the children get to school on time.",
    "The family keeps to a routine now and the house is calmer.",
    "More time to plan the visits together would have helped.",
    "Having someone to talk to every week made the difference.",
]
# Recruitment pattern of every 25 volunteers of a project (shuffled per project).
VOLUNTEER_PATTERN = (
    ["signed_off"] * 18
    + ["not_progressed"] * 2
    + ["applied", "interviewing", "checks", "training", "training"]
)


@dataclass
class ProjectPlan:
    index: int
    name: str
    code: str
    local_authority: str
    area: str
    model: object = None
    manager: object = None
    social_workers: list = field(default_factory=list)
    courses: list = field(default_factory=list)  # [(start, [TrainingSession x 6])]
    workshops: list = field(default_factory=list)
    volunteers: list = field(default_factory=list)
    families: list = field(default_factory=list)


@dataclass
class VolunteerPlan:
    project: ProjectPlan
    first_name: str
    last_name: str
    email: str
    kind: str  # signed_off, not_progressed, applied, interviewing, checks, training
    applied_on: datetime.date = None
    signed_off_on: datetime.date = None
    leaves_on: datetime.date = None
    free_from: datetime.date = None
    interviews: list = field(default_factory=list)  # (kind, outcome, date)
    dbs_checks: list = field(default_factory=list)  # (issued, result)
    references: list = field(default_factory=list)  # (outcome, date)
    training: list = field(default_factory=list)  # TrainingSession plans (session, date)
    stage_changes: list = field(default_factory=list)  # (from, to, date, reason, by manager?)
    not_progressed: tuple = None  # (reason, alternative)
    matches: list = field(default_factory=list)
    model: object = None
    user: object = None

    @property
    def active_match(self):
        return next((m for m in self.matches if m.ended_on is None), None)


@dataclass
class ReferralPlan:
    project: ProjectPlan
    social_worker: object  # User or None (a paper referral entered by the manager)
    family_name: str
    status: str
    created_on: datetime.date
    submitted_on: datetime.date = None
    waitlisted_on: datetime.date = None
    decided_on: datetime.date = None
    withdrawn_on: datetime.date = None
    decision_reason: str = ""
    level: int = 4
    children: list = field(default_factory=list)  # (first, last, born, plan, category)
    needs: list = field(default_factory=list)
    risks: list = field(default_factory=list)
    details: dict = field(default_factory=dict)
    model: object = None


@dataclass
class MatchPlan:
    family: "FamilyPlan"
    volunteer: VolunteerPlan
    started_on: datetime.date
    ended_on: datetime.date = None
    end_reason: str = ""
    visits: int = 0
    model: object = None


@dataclass
class FamilyPlan:
    referral: ReferralPlan
    accepted_on: datetime.date
    matches: list = field(default_factory=list)
    closed_on: datetime.date = None
    close_reason: str = ""
    case_reference: str = ""
    full_outcomes: bool = False
    reviews: list = field(default_factory=list)  # (stage, day, level, [(plan, attendance)])
    model: object = None
    children: list = field(default_factory=list)  # Child models

    @property
    def project(self):
        return self.referral.project

    @property
    def status(self):
        if self.closed_on:
            return "closed"
        if self.matches and self.matches[-1].ended_on is None:
            return "matched"
        return "awaiting_match"


class ScaleSeeder:
    """Plans, then writes, a programme of the given size. `run()` returns the counts."""

    def __init__(
        self,
        *,
        projects,
        families,
        volunteers,
        visits,
        seed=1,
        today=None,
        closed_in_one_project=0,
        social_workers_per_project=DEFAULT_SOCIAL_WORKERS,
        batch_size=5000,
        log=None,
    ):
        if projects < 1:
            raise ValueError("At least one project is needed.")
        self.n_projects = projects
        self.n_families = families
        self.n_volunteers = volunteers
        self.n_visits = visits
        self.closed_in_one_project = closed_in_one_project
        self.social_workers_per_project = social_workers_per_project
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        self.today = today or timezone.localdate()
        self.batch_size = batch_size
        self.log = log or (lambda message: None)
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.family_start = self.today - datetime.timedelta(days=int(FAMILY_YEARS * 365))
        self.counts = Counter()
        self.projects = []
        self.all_families = []
        self.all_matches = []

    # --- Small helpers -------------------------------------------------------------------

    def at(self, day, hour=10, minute=0):
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.zone)

    def days(self, low, high):
        return datetime.timedelta(days=self.rng.randint(low, high))

    def name(self):
        return self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES)

    def postcode(self, project):
        rng = self.rng
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        inward = f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        return f"{project.area}{rng.randint(1, 20)} {inward}"

    def phone(self):
        return f"07700 9{self.rng.randint(0, 99999):05d}"

    def write(self, model, objects):
        objects = list(objects)
        model.objects.bulk_create(objects, batch_size=self.batch_size)
        self.counts[model._meta.label] += len(objects)
        reset_queries()  # with DEBUG on, Django would keep every (huge) INSERT in memory
        return objects

    def perm(self, label):
        app_label, codename = label.split(".")
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    # --- Running -------------------------------------------------------------------------

    @transaction.atomic
    def run(self):
        from vicp.models import Project

        if Project.objects.exists():
            raise ValueError(
                "seed_scale fills an empty database (projects exist already): "
                "create a new database and migrate it first."
            )
        self.load_reference_data()
        self.log("Planning projects, volunteers, referrals and families...")
        self.plan_projects()
        self.plan_volunteers()
        self.plan_families()
        self.plan_extra_closed_families()
        self.schedule_matches()
        self.plan_volunteer_stages()
        self.allocate_visits()
        statuses = Counter(family.status for family in self.all_families)
        unmatched = sum(1 for family in self.all_families if not family.matches)
        self.log(
            f"  {len(self.all_families)} families ("
            + ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
            + f"; {unmatched} never matched), {len(self.all_matches)} matches, "
            f"{sum(len(p.volunteers) for p in self.projects)} volunteers"
        )
        self.write_people()
        self.write_training_sessions()
        self.write_volunteers()
        self.write_referrals()
        self.write_families()
        self.write_matches()
        self.write_visits()
        self.write_outcomes()
        return dict(sorted(self.counts.items()))

    def load_reference_data(self):
        from families.models import VisitActivity
        from outcomes.models import Measure, OutcomeScale, Questionnaire
        from referrals.models import CPCategory, LevelOfNeed, Need, RiskKind

        self.levels = {level.ordinal: level for level in LevelOfNeed.objects.filter(project=None)}
        self.cp_categories = list(CPCategory.objects.order_by("pk"))
        self.needs = list(Need.objects.order_by("pk"))
        self.risks = list(RiskKind.objects.order_by("pk"))
        self.activities = list(VisitActivity.objects.order_by("pk"))
        self.scale = OutcomeScale.default()
        self.areas = list(self.scale.areas.order_by("position"))
        self.measures = {m.slug: m for m in Measure.objects.all()}
        self.questionnaires = {
            q.respondent: (q, list(q.questions.filter(is_active=True).order_by("position")))
            for q in Questionnaire.objects.all()
        }
        if not (self.levels and self.areas and self.activities and self.questionnaires):
            raise ValueError("Reference data is missing: run the migrations first.")

    # --- Planning: projects and volunteers -------------------------------------------------

    def plan_projects(self):
        for index in range(self.n_projects):
            if index < len(PROJECTS):
                name, code, local_authority, area = PROJECTS[index]
            else:
                letters = "".join(chr(65 + (index // 26**k) % 26) for k in (1, 0))
                name, code = f"Area {index + 1}", f"X{letters}"
                local_authority, area = f"Area {index + 1} Council", "ZZ"
            self.projects.append(ProjectPlan(index, name, code, local_authority, area))

    def course_for(self, project, signed_off_on):
        """The latest initial training course finished at least a week before sign-off."""
        for start, sessions in project.courses:
            if sessions[-1][1] <= signed_off_on - 7 * DAY:
                return start, sessions
        raise AssertionError("no training course early enough")  # courses cover the window

    def plan_courses(self, project, earliest):
        # An initial course (six weekly sessions of three hours) each quarter; the
        # current one started a month ago and is still running.
        start = self.today - 30 * DAY
        while start > earliest - 120 * DAY:
            sessions = [(None, start + 7 * DAY * j) for j in range(6)]
            project.courses.append((start, sessions))
            start -= 91 * DAY
        day = self.family_start - 200 * DAY
        while day <= self.today:
            project.workshops.append((day, []))
            day += 180 * DAY

    def plan_volunteers(self):
        per_project = self.split(self.n_volunteers)
        earliest = self.family_start - 400 * DAY
        for project, count in zip(self.projects, per_project, strict=True):
            self.plan_courses(project, earliest)
            pattern = list(VOLUNTEER_PATTERN)
            self.rng.shuffle(pattern)
            kinds = [pattern[i % len(pattern)] for i in range(count)]
            if kinds and "signed_off" not in kinds:
                kinds[0] = "signed_off"
            for kind in kinds:
                self.plan_volunteer(project, kind)

    def new_volunteer(self, project, kind):
        first_name, last_name = self.name()
        number = sum(len(p.volunteers) for p in self.projects) + 1
        volunteer = VolunteerPlan(
            project,
            first_name,
            last_name,
            f"v{number:05d}.{project.code.lower()}@scale.example.org",
            kind,
        )
        project.volunteers.append(volunteer)
        return volunteer

    def plan_volunteer(self, project, kind, signed_off_on=None):
        volunteer = self.new_volunteer(project, kind)
        today, days = self.today, self.days
        if kind == "signed_off":
            if signed_off_on is None:
                if self.rng.random() < 0.5:  # the volunteers the programme started with
                    signed_off_on = self.family_start - days(0, 300)
                else:
                    signed_off_on = self.family_start + days(
                        0, (today - self.family_start).days - 20
                    )
            self.plan_recruitment(volunteer, signed_off_on)
            if self.rng.random() < 0.2 and signed_off_on + 200 * DAY < today - DAY:
                volunteer.leaves_on = signed_off_on + days(200, (today - signed_off_on).days - 1)
            volunteer.free_from = signed_off_on
        elif kind == "not_progressed":
            span = (today - self.family_start).days + 300
            failed_on = today - days(1, span)
            self.plan_not_progressed(volunteer, failed_on)
        else:
            self.plan_in_recruitment(volunteer, kind)
        return volunteer

    def plan_recruitment(self, volunteer, signed_off_on):
        """Every step before sign-off, worked backwards from the sign-off date."""
        days = self.days
        course_start, sessions = self.course_for(volunteer.project, signed_off_on)
        post_training = signed_off_on - days(1, 5)
        dbs_on = course_start - days(7, 40)
        references = [course_start - days(3, 40) for _ in range(2)]
        formal = min([dbs_on, *references]) - days(7, 21)
        informal = formal - days(7, 21)
        volunteer.applied_on = informal - days(5, 20)
        volunteer.signed_off_on = signed_off_on
        volunteer.interviews = [
            ("informal", "passed", informal),
            ("formal", "passed", formal),
            ("post_training", "passed", post_training),
        ]
        volunteer.dbs_checks = [(dbs_on, "clear")]
        volunteer.references = [("satisfactory", day) for day in references]
        volunteer.training = list(sessions)
        checks_done = max([dbs_on, *references])
        volunteer.stage_changes = [
            ("", "applied", volunteer.applied_on, "Application received.", False),
            ("applied", "interviewing", informal, "", True),
            ("interviewing", "checks", formal, "", True),
            ("checks", "training", checks_done, "", True),
            ("training", "ready", signed_off_on, "Signed off.", True),
        ]

    def plan_not_progressed(self, volunteer, failed_on):
        days = self.days
        kind = self.rng.choice(["informal", "informal", "formal", "formal", "dbs", "reference"])
        volunteer.not_progressed = NOT_PROGRESSED[kind]
        reason = volunteer.not_progressed[0]
        if kind == "informal":
            volunteer.applied_on = failed_on - days(5, 20)
            volunteer.interviews = [("informal", "not_suitable", failed_on)]
            stage = "applied"
            changes = []
        else:
            informal = failed_on - days(30, 60)
            formal = failed_on - days(7, 25)
            volunteer.applied_on = informal - days(5, 20)
            volunteer.interviews = [("informal", "passed", informal)]
            changes = [("applied", "interviewing", informal, "", True)]
            stage = "interviewing"
            if kind == "formal":
                volunteer.interviews.append(("formal", "not_suitable", failed_on))
            else:
                volunteer.interviews.append(("formal", "passed", formal))
                changes.append(("interviewing", "checks", formal, "", True))
                stage = "checks"
                if kind == "dbs":
                    volunteer.dbs_checks = [(failed_on, "disclosure")]
                else:
                    volunteer.references = [("unsatisfactory", failed_on)]
        volunteer.stage_changes = [
            ("", "applied", volunteer.applied_on, "Application received.", False),
            *changes,
            (stage, "not_progressed", failed_on, reason, True),
        ]

    def plan_in_recruitment(self, volunteer, kind):
        """Someone still in the pipeline today, at stage `kind`."""
        days, today = self.days, self.today
        project = volunteer.project
        changes = []
        if kind == "applied":
            volunteer.applied_on = today - days(1, 30)
        elif kind == "interviewing":
            informal = today - days(1, 25)
            volunteer.applied_on = informal - days(5, 20)
            volunteer.interviews = [("informal", "passed", informal)]
            changes = [("applied", "interviewing", informal, "", True)]
        else:
            if kind == "checks":
                formal = today - days(1, 30)
            else:  # training: the current course, or finished and awaiting the last interview
                current = self.rng.random() < 0.6
                course_start, sessions = project.courses[0 if current else 1]
                attended = [s for s in sessions if s[1] <= today]
                if current:
                    attended = attended[: self.rng.randint(1, len(attended))]
                volunteer.training = attended
                checks_done = course_start - days(3, 30)
                formal = checks_done - days(14, 40)
            informal = formal - days(7, 21)
            volunteer.applied_on = informal - days(5, 20)
            volunteer.interviews = [
                ("informal", "passed", informal),
                ("formal", "passed", formal),
            ]
            changes = [
                ("applied", "interviewing", informal, "", True),
                ("interviewing", "checks", formal, "", True),
            ]
            if kind == "checks":
                # Part of the checks: the DBS check or the references still to come.
                if self.rng.random() < 0.5:
                    volunteer.dbs_checks = [(formal + days(0, (today - formal).days), "clear")]
                    volunteer.references = [
                        ("satisfactory", today - days(0, (today - formal).days))
                    ][: self.rng.randint(0, 1)]
                else:
                    volunteer.references = [
                        ("satisfactory", formal + days(0, (today - formal).days))
                        for _ in range(self.rng.randint(0, 2))
                    ]
            else:
                volunteer.dbs_checks = [(checks_done - days(0, 10), "clear")]
                volunteer.references = [("satisfactory", checks_done - days(0, 10))] * 2
                changes.append(("checks", "training", checks_done, "", True))
        volunteer.stage_changes = [
            ("", "applied", volunteer.applied_on, "Application received.", False),
            *changes,
        ]

    def split(self, total):
        base, extra = divmod(total, self.n_projects)
        return [base + (1 if i < extra else 0) for i in range(self.n_projects)]

    # --- Planning: referrals and families ------------------------------------------------

    def plan_referral(self, project, status, created_on):
        rng, days = self.rng, self.days
        paper = rng.random() < 0.02  # entered by the manager for a social worker
        social_worker = None if paper else rng.choice(project.social_workers)
        mother, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        referral = ReferralPlan(project, social_worker, surname, status, created_on)
        referral.level = rng.choices([4, 3, 2], weights=[55, 40, 5])[0]
        referred_on = created_on
        first_plan = rng.choices(["cp", "cin", "none"], weights=[65, 30, 5])[0]
        for _ in range(rng.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0]):
            plan = first_plan if rng.random() < 0.8 else rng.choice(["cp", "cin"])
            category = rng.choice(self.cp_categories) if plan == "cp" else None
            born = referred_on - days(60, 16 * 365)
            referral.children.append((rng.choice(FIRST_NAMES), surname, born, plan, category))
        referral.children.sort(key=lambda child: child[2])
        referral.needs = rng.sample(self.needs, rng.randint(1, 3))
        referral.risks = rng.sample(self.risks, rng.randint(0, 2))
        referral.details = {
            "parents_carers": f"{mother} {surname} (mother)",
            "address": f"{rng.randint(1, 200)} {rng.choice(SURNAMES)} Road",
            "postcode": self.postcode(project),
            "phone": self.phone(),
            "languages": rng.choice(LANGUAGES),
            "reasons": rng.choice(REASONS),
            "hopes": rng.choice(HOPES),
            "risk_details": "A dog in the house; kept in the garden during visits."
            if referral.risks
            else "",
        }
        return referral

    def plan_families(self):
        """Accepted referrals over the years (more each year as the programme grows), and
        the referrals that were not accepted, or are still open."""
        window = (self.today - self.family_start).days
        for project, count in zip(self.projects, self.split(self.n_families), strict=True):
            self.plan_social_workers(project, count)
            accepted = sorted(
                self.family_start + datetime.timedelta(days=int(window * self.rng.random() ** 0.75))
                for _ in range(count)
            )
            for accepted_on in accepted:
                submitted_on = accepted_on - self.days(2, 15)
                referral = self.plan_referral(project, "accepted", submitted_on - self.days(0, 7))
                referral.submitted_on, referral.decided_on = submitted_on, accepted_on
                if self.rng.random() < 0.1:
                    referral.waitlisted_on = submitted_on + (accepted_on - submitted_on) // 2
                    referral.decision_reason = "No volunteer is free near the family yet."
                family = FamilyPlan(referral, accepted_on)
                project.families.append(family)
            self.plan_other_referrals(project, count)

    def plan_social_workers(self, project, families):
        project.social_worker_count = max(1, min(self.social_workers_per_project, families // 3))
        self.plan_people(project)

    def plan_other_referrals(self, project, families):
        rng, days, today = self.rng, self.days, self.today
        window = (today - self.family_start).days
        project.other_referrals = []
        for status, count in (
            ("declined", round(families * 0.08)),
            ("withdrawn", round(families * 0.03)),
            ("submitted", max(1, min(12, families // 60))),
            ("waitlisted", max(1, min(4, families // 200))),
            ("draft", max(1, min(6, families // 150))),
        ):
            for _ in range(count):
                if status in ("declined", "withdrawn"):
                    created_on = self.family_start + days(0, window - 20)
                elif status == "submitted":
                    created_on = today - days(1, 20)
                elif status == "waitlisted":
                    created_on = today - days(25, 90)
                else:
                    created_on = today - days(0, 40)
                referral = self.plan_referral(project, status, created_on)
                if status != "draft" and not (status == "withdrawn" and rng.random() < 0.4):
                    referral.submitted_on = min(created_on + days(0, 5), today)
                if status == "declined":
                    referral.decided_on = min(referral.submitted_on + days(1, 10), today)
                    referral.decision_reason = rng.choice(
                        [
                            "The family does not meet the criteria: no child is on a plan.",
                            "The family is already supported by another service.",
                            "The family did not consent when we contacted them.",
                        ]
                    )
                elif status == "waitlisted":
                    referral.waitlisted_on = min(referral.submitted_on + days(1, 10), today)
                    referral.decision_reason = "No volunteer is free near the family yet."
                elif status == "withdrawn":
                    referral.withdrawn_on = min(
                        (referral.submitted_on or created_on) + days(1, 20), today
                    )
                project.other_referrals.append(referral)

    def plan_extra_closed_families(self):
        """`closed_in_one_project` more families in the first project, all closed within the
        last year with their whole journey, for measuring the impact report. Each of
        them is worked with by one of the extra volunteers, two families in turn."""
        if not self.closed_in_one_project:
            return
        project = self.projects[0]
        days, today = self.days, self.today
        for pair in range(math.ceil(self.closed_in_one_project / 2)):
            end1 = today - days(330, 355)
            start1 = end1 - days(140, 175)
            volunteer = self.plan_volunteer(project, "signed_off", start1 - days(5, 60))
            volunteer.leaves_on = None
            spans = [(start1, end1)]
            if 2 * pair + 1 < self.closed_in_one_project:
                start2 = end1 + days(7, 21)
                spans.append((start2, start2 + days(140, 175)))
            for started_on, ended_on in spans:
                submitted_on = started_on - days(10, 40)
                referral = self.plan_referral(project, "accepted", submitted_on - days(0, 7))
                referral.submitted_on, referral.decided_on = submitted_on, submitted_on + days(1, 5)
                family = FamilyPlan(referral, referral.decided_on, full_outcomes=True)
                match = MatchPlan(family, volunteer, started_on, ended_on, "planned")
                family.matches.append(match)
                family.closed_on = ended_on + days(0, 10)
                family.close_reason = CLOSE_REASONS["planned"]
                volunteer.matches.append(match)
                project.families.append(family)
            if self.rng.random() < 0.5:
                volunteer.leaves_on = volunteer.matches[-1].ended_on + days(20, 60)
            volunteer.free_from = volunteer.matches[-1].ended_on + days(3, 21)
        project.families.sort(key=lambda family: family.accepted_on)

    # --- Planning: matches ---------------------------------------------------------------

    def find_volunteer(self, pool, desired, duration, exclude=None):
        """A free volunteer on `desired` (chosen at random), else the one free soonest."""
        fits = [
            v
            for v in pool
            if v is not exclude and (v.leaves_on is None or desired + duration <= v.leaves_on)
        ]
        free = [v for v in fits if v.free_from <= desired]
        if free:
            return self.rng.choice(free), desired
        best = None
        for volunteer in fits:
            start = volunteer.free_from
            if start == datetime.date.max:  # in an active match
                continue
            if volunteer.leaves_on is not None and start + duration > volunteer.leaves_on:
                continue
            if best is None or start < best[1]:
                best = (volunteer, start)
        return best or (None, None)

    def schedule_matches(self):
        rng, days, today = self.rng, self.days, self.today
        for project in self.projects:
            pool = [v for v in project.volunteers if v.kind == "signed_off"]
            for family in project.families:
                self.all_families.append(family)
                if family.matches:  # planned already (the extra closed families)
                    self.all_matches.extend(family.matches)
                    continue
                if rng.random() < 0.06:  # withdrew before a volunteer was found
                    closed_on = family.accepted_on + days(20, 120)
                    if closed_on <= today:
                        family.closed_on, family.close_reason = (
                            closed_on,
                            CLOSE_REASONS["unmatched"],
                        )
                    continue
                desired = family.accepted_on + days(7, 45)
                previous = None
                while desired <= today:
                    reason = rng.choices(END_REASONS, weights=END_WEIGHTS)[0]
                    duration = days(112, 196) if reason == "planned" else days(30, 112)
                    volunteer, start = self.find_volunteer(pool, desired, duration, previous)
                    deadline = desired + MAX_WAIT
                    if volunteer is None or start > min(deadline, today):
                        # Demand outruns the volunteers: after months of waiting the case
                        # closes with the social worker's agreement (or is still waiting).
                        closed_on = deadline + days(0, 40)
                        if closed_on <= today:
                            family.closed_on = closed_on
                            family.close_reason = CLOSE_REASONS["no_volunteer"]
                        break
                    match = MatchPlan(family, volunteer, start)
                    family.matches.append(match)
                    volunteer.matches.append(match)
                    self.all_matches.append(match)
                    if start + duration > today:
                        volunteer.free_from = datetime.date.max
                        break
                    match.ended_on, match.end_reason = start + duration, reason
                    rest = days(60, 120) if reason == "volunteer_left" else days(3, 21)
                    volunteer.free_from = match.ended_on + rest
                    if (
                        reason == "volunteer_left"
                        and rng.random() < 0.7
                        and len(family.matches) < 3
                    ):
                        desired, previous = match.ended_on + days(7, 30), volunteer
                        continue
                    closed_on = match.ended_on + days(0, 21)
                    if closed_on <= today:
                        family.closed_on, family.close_reason = closed_on, CLOSE_REASONS[reason]
                    break

    def plan_volunteer_stages(self):
        """Signed-off volunteers' stage follows their matches: matched, ready or left."""
        for project in self.projects:
            for volunteer in project.volunteers:
                if volunteer.kind != "signed_off":
                    continue
                volunteer.matches.sort(key=lambda match: match.started_on)
                for match in volunteer.matches:
                    volunteer.stage_changes.append(("ready", "matched", match.started_on, "", True))
                    if match.ended_on:
                        volunteer.stage_changes.append(
                            ("matched", "ready", match.ended_on, "Match ended.", True)
                        )
                if volunteer.leaves_on and volunteer.leaves_on <= self.today:
                    volunteer.stage_changes.append(
                        ("ready", "left", volunteer.leaves_on, "Moved away from the area.", True)
                    )
                else:
                    volunteer.leaves_on = None
                self.plan_dbs_renewals(volunteer)

    def plan_dbs_renewals(self, volunteer):
        """A new DBS check a little before each one reaches its three years."""
        from volunteers.services import add_years

        until = volunteer.leaves_on or self.today
        issued = volunteer.dbs_checks[-1][0]
        while True:
            issued = add_years(issued, settings.VICP_DBS_VALID_YEARS) - self.days(20, 50)
            if issued > until:
                break
            volunteer.dbs_checks.append((issued, "clear"))

    def allocate_visits(self):
        """`n_visits` in all, shared between matches by their length (one or two a week)."""
        weights = []
        for match in self.all_matches:
            end = match.ended_on or self.today
            weeks = max((end - match.started_on).days / 7, 0.3)
            weights.append(weeks * self.rng.uniform(0.9, 1.6))
        total = sum(weights)
        if not total:
            return
        shares = [self.n_visits * w / total for w in weights]
        counts = [int(share) for share in shares]
        remainder = self.n_visits - sum(counts)
        by_fraction = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
        for i in by_fraction[:remainder]:
            counts[i] += 1
        for match, count in zip(self.all_matches, counts, strict=True):
            match.visits = count

    # --- Writing: people ---------------------------------------------------------------------

    def user(self, email, first_name, last_name, role, **extra):
        from vicp.models import User

        return User(
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            password=make_password(None),
            date_joined=self.at(self.family_start - 400 * DAY),
            **extra,
        )

    def plan_people(self, project):
        """The project's manager and its social workers (written by `write_people`)."""
        from vicp.models import User

        code = project.code.lower()
        first_name, last_name = self.name()
        project.manager = self.user(
            f"pm.{code}@scale.example.org", first_name, last_name, User.Role.PROJECT_MANAGER
        )
        for n in range(project.social_worker_count):
            first_name, last_name = self.name()
            project.social_workers.append(
                self.user(
                    f"sw{n + 1:02d}.{code}@scale.example.org",
                    first_name,
                    last_name,
                    User.Role.SOCIAL_WORKER,
                    organisation=project.local_authority,
                    team=f"Family safeguarding team {n % 4 + 1}",
                    phone=self.phone(),
                )
            )

    def write_people(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from vicp.models import Project, ProjectUserObjectPermission, User

        self.log("Writing projects, managers and social workers...")
        projects = self.write(
            Project,
            [
                Project(name=p.name, code=p.code, local_authority=p.local_authority)
                for p in self.projects
            ],
        )
        for plan, model in zip(self.projects, projects, strict=True):
            plan.model = model
        self.admin = self.user(
            "admin@scale.example.org",
            "Ada",
            "Admin",
            User.Role.ADMIN,
            is_staff=True,
            is_superuser=True,
        )
        managers = [p.manager for p in self.projects]
        self.write(
            User, [self.admin, *managers, *(sw for p in self.projects for sw in p.social_workers)]
        )
        self.write(
            Project.managers.through,
            [
                Project.managers.through(project_id=p.model.pk, user_id=p.manager.pk)
                for p in self.projects
            ],
        )
        # Two-step sign-in is required of managers and administrators: a confirmed
        # authenticator each (the bench signs in with it; nobody knows its key).
        self.write(
            TOTPDevice,
            [
                TOTPDevice(
                    user=user,
                    name="Authenticator app",
                    confirmed=True,
                    key=f"{self.rng.getrandbits(160):040x}",
                )
                for user in [self.admin, *managers]
            ],
        )
        refer = self.perm("vicp.refer_to_project")
        self.write(
            ProjectUserObjectPermission,
            [
                ProjectUserObjectPermission(permission=refer, user=sw, content_object=p.model)
                for p in self.projects
                for sw in p.social_workers
            ],
        )

    def project_referrals(self, project):
        return [f.referral for f in project.families] + project.other_referrals

    def write_training_sessions(self):
        from volunteers.models import TrainingSession

        sessions = []
        for project in self.projects:
            for c, (start, planned) in enumerate(project.courses):
                models = [
                    TrainingSession(
                        project=project.model,
                        title=f"Initial training {start:%B %Y}: part {j + 1} of 6",
                        held_on=day,
                        hours=Decimal("3.0"),
                        kind="initial",
                        created_by=project.manager,
                        created_at=self.at(start - 30 * DAY),
                    )
                    for j, (_, day) in enumerate(planned)
                ]
                project.courses[c] = (start, [(model, model.held_on) for model in models])
                sessions.extend(models)
            for w, (day, _) in enumerate(project.workshops):
                model = TrainingSession(
                    project=project.model,
                    title="Workshop: keeping safe and recording concerns",
                    held_on=day,
                    hours=Decimal("2.0"),
                    kind="workshop",
                    created_by=project.manager,
                    created_at=self.at(day - 30 * DAY),
                )
                project.workshops[w] = (day, model)
                sessions.append(model)
        self.write(TrainingSession, sessions)
        # Volunteers planned their courses by date: swap in the saved sessions.
        for project in self.projects:
            by_day = {day: model for _, planned in project.courses for model, day in planned}
            for volunteer in project.volunteers:
                volunteer.training = [(by_day[day], day) for _, day in volunteer.training]

    def write_volunteers(self):
        from vicp.models import User
        from volunteers.models import (
            DBSCheck,
            Interview,
            Reference,
            Supervision,
            TrainingAttendance,
            Volunteer,
            VolunteerStageChange,
            VolunteerUserObjectPermission,
        )

        self.log("Writing volunteers and their recruitment records...")
        rng, days, today = self.rng, self.days, self.today
        volunteers = [v for p in self.projects for v in p.volunteers]
        signed_off = [v for v in volunteers if v.kind == "signed_off"]
        for volunteer in signed_off:
            volunteer.user = self.user(
                volunteer.email,
                volunteer.first_name,
                volunteer.last_name,
                User.Role.VOLUNTEER,
                phone=self.phone(),
            )
        self.write(User, [v.user for v in signed_off])
        models = []
        for volunteer in volunteers:
            manager = volunteer.project.manager
            last = volunteer.stage_changes[-1]
            stage = last[1]
            if volunteer.kind == "signed_off" and volunteer.active_match:
                stage = "matched"
            model = Volunteer(
                project=volunteer.project.model,
                user=volunteer.user,
                first_name=volunteer.first_name,
                last_name=volunteer.last_name,
                email=volunteer.email,
                phone=self.phone(),
                postcode=self.postcode(volunteer.project),
                availability_days=sorted(
                    rng.sample(["mon", "tue", "wed", "thu", "fri", "sat"], rng.randint(1, 4)),
                    key=["mon", "tue", "wed", "thu", "fri", "sat"].index,
                ),
                availability_times=rng.choice(["Mornings", "Afternoons", "After 4pm", "Any time"]),
                languages=rng.choice(LANGUAGES),
                experience=rng.choice(EXPERIENCE),
                drives=rng.random() < 0.6,
                heard_about=rng.choice(["word_of_mouth", "social_media", "website", "event"]),
                consent_to_checks=True,
                applied_at=self.at(volunteer.applied_on, 9),
                stage=stage,
                stage_changed_at=self.at(last[2], 12),
                not_progressed_reason=volunteer.not_progressed[0]
                if volunteer.not_progressed
                else "",
                alternative_suggested=volunteer.not_progressed[1]
                if volunteer.not_progressed
                else "",
                signed_off_on=volunteer.signed_off_on,
                signed_off_by=manager if volunteer.signed_off_on else None,
            )
            volunteer.model = model
            models.append(model)
        self.write(Volunteer, models)

        view = self.perm("volunteers.view_volunteer")
        self.write(
            VolunteerUserObjectPermission,
            [
                VolunteerUserObjectPermission(permission=view, user=v.user, content_object=v.model)
                for v in signed_off
            ],
        )
        changes, interviews, checks, references, attendance, supervisions = [], [], [], [], [], []
        for volunteer in volunteers:
            manager = volunteer.project.manager
            for n, (from_stage, to_stage, day, reason, by_manager) in enumerate(
                volunteer.stage_changes
            ):
                changes.append(
                    VolunteerStageChange(
                        volunteer=volunteer.model,
                        from_stage=from_stage,
                        to_stage=to_stage,
                        by=manager if by_manager else None,
                        at=self.at(day, 12, n % 60),
                        reason=reason,
                    )
                )
            for kind, outcome, day in volunteer.interviews:
                interviews.append(
                    Interview(
                        volunteer=volunteer.model,
                        kind=kind,
                        outcome=outcome,
                        held_on=day,
                        notes="Warm, reliable, understands the role."
                        if outcome == "passed"
                        else "",
                        recorded_by=manager,
                        recorded_at=self.at(day, 16),
                    )
                )
            for issued, result in volunteer.dbs_checks:
                update_service = rng.random() < 0.6
                checks.append(
                    DBSCheck(
                        volunteer=volunteer.model,
                        certificate_number=f"{rng.randint(0, 10**12 - 1):012d}",
                        issued_on=issued,
                        result=result,
                        update_service=update_service,
                        last_status_check_on=min(issued + days(30, 300), today)
                        if update_service
                        else None,
                        recorded_by=manager,
                        recorded_at=self.at(min(issued + days(1, 5), today), 15),
                    )
                )
            for outcome, day in volunteer.references:
                first_name, last_name = self.name()
                references.append(
                    Reference(
                        volunteer=volunteer.model,
                        referee_name=f"{first_name} {last_name}",
                        relationship=rng.choice(["Employer", "Former manager", "Tutor", "Friend"]),
                        outcome=outcome,
                        received_on=day,
                        recorded_by=manager,
                        recorded_at=self.at(day, 15),
                    )
                )
            for session, day in volunteer.training:
                attendance.append(
                    TrainingAttendance(
                        session=session,
                        volunteer=volunteer.model,
                        hours=session.hours,
                        recorded_by=manager,
                        recorded_at=self.at(day, 17),
                    )
                )
            if volunteer.kind == "signed_off":
                attendance.extend(self.workshop_attendance(volunteer))
                supervisions.extend(self.supervisions(volunteer))
        self.write(VolunteerStageChange, changes)
        self.write(Interview, interviews)
        self.write(DBSCheck, checks)
        self.write(Reference, references)
        self.write(TrainingAttendance, attendance)
        self.write(Supervision, supervisions)

    def workshop_attendance(self, volunteer):
        from volunteers.models import TrainingAttendance

        until = volunteer.leaves_on or self.today
        return [
            TrainingAttendance(
                session=session,
                volunteer=volunteer.model,
                hours=session.hours,
                recorded_by=volunteer.project.manager,
                recorded_at=self.at(day, 17),
            )
            for day, session in volunteer.project.workshops
            if volunteer.signed_off_on < day <= until and self.rng.random() < 0.3
        ]

    def supervisions(self, volunteer):
        """Monthly-ish 1:1s from sign-off until they left (or today)."""
        from volunteers.models import Supervision

        rows = []
        until = volunteer.leaves_on or self.today
        day = volunteer.signed_off_on + self.days(20, 35)
        while day <= until:
            rows.append(
                Supervision(
                    volunteer=volunteer.model,
                    held_on=day,
                    notes=self.rng.choice(SUPERVISION_NOTES),
                    next_due=day + datetime.timedelta(days=settings.VICP_SUPERVISION_INTERVAL_DAYS),
                    recorded_by=volunteer.project.manager,
                    recorded_at=self.at(day, 15),
                )
            )
            day += self.days(25, 45)
        return rows

    # --- Writing: referrals and families --------------------------------------------------

    def write_referrals(self):
        from referrals.models import (
            Referral,
            ReferralChild,
            ReferralStatusChange,
            ReferralUserObjectPermission,
        )

        self.log("Writing referrals...")
        referrals = [r for p in self.projects for r in self.project_referrals(p)]
        models = []
        for referral in referrals:
            manager = referral.project.manager
            sw = referral.social_worker
            model = Referral(
                project=referral.project.model,
                status=referral.status,
                social_worker=sw,
                referrer_name=sw.get_full_name() if sw else "A social worker (paper referral)",
                referrer_team=sw.team if sw else "",
                referrer_local_authority=referral.project.local_authority,
                referrer_phone=sw.phone if sw else "",
                referrer_email=sw.email if sw else "",
                created_by=sw or manager,
                family_name=referral.family_name,
                parents_carers=referral.details["parents_carers"],
                address=referral.details["address"],
                postcode=referral.details["postcode"],
                phone=referral.details["phone"],
                languages=referral.details["languages"],
                level_of_need=self.levels[referral.level],
                reasons=referral.details["reasons"],
                hopes=referral.details["hopes"],
                risk_details=referral.details["risk_details"],
                consent_given=referral.status != "draft" or self.rng.random() < 0.5,
                decision_reason=referral.decision_reason,
                decided_by=manager if referral.decided_on else None,
                decided_at=self.at(referral.decided_on, 11) if referral.decided_on else None,
                submitted_at=self.at(referral.submitted_on, 9) if referral.submitted_on else None,
                created_at=self.at(referral.created_on, 8),
            )
            referral.model = model
            models.append(model)
        self.write(Referral, models)

        children, needs, risks, changes, permissions = [], [], [], [], []
        view = self.perm("referrals.view_referral")
        change = self.perm("referrals.change_referral")
        for referral in referrals:
            model = referral.model
            for first_name, last_name, born, plan, category in referral.children:
                children.append(
                    ReferralChild(
                        referral=model,
                        first_name=first_name,
                        last_name=last_name,
                        date_of_birth=born,
                        plan_type=plan,
                        cp_category=category,
                    )
                )
            needs += [
                Referral.needs.through(referral_id=model.pk, need_id=n.pk) for n in referral.needs
            ]
            risks += [
                Referral.risks.through(referral_id=model.pk, riskkind_id=r.pk)
                for r in referral.risks
            ]
            by = model.created_by
            changes.extend(
                ReferralStatusChange(
                    referral=model,
                    from_status=from_status,
                    to_status=to_status,
                    by=who,
                    at=self.at(day, hour),
                    reason=reason,
                )
                for from_status, to_status, day, hour, who, reason in self.referral_history(
                    referral
                )
            )
            # As the services grant them: the creator may view (and, while a draft or
            # withdrawn as one, change); the named social worker may view.
            permissions.append(
                ReferralUserObjectPermission(permission=view, user=by, content_object=model)
            )
            if referral.submitted_on is None:
                permissions.append(
                    ReferralUserObjectPermission(permission=change, user=by, content_object=model)
                )
            if model.social_worker_id and model.social_worker_id != by.pk:
                permissions.append(
                    ReferralUserObjectPermission(
                        permission=view, user=model.social_worker, content_object=model
                    )
                )
        self.write(ReferralChild, children)
        self.write(Referral.needs.through, needs)
        self.write(Referral.risks.through, risks)
        self.write(ReferralStatusChange, changes)
        self.write(ReferralUserObjectPermission, permissions)

    def referral_history(self, referral):
        """(from, to, day, hour, by, reason) of each status the referral went through."""
        by = referral.model.created_by
        manager = referral.project.manager
        rows = [("", "draft", referral.created_on, 8, by, "")]
        status = "draft"
        if referral.submitted_on:
            rows.append((status, "submitted", referral.submitted_on, 9, by, ""))
            status = "submitted"
        if referral.waitlisted_on:
            rows.append(
                (
                    status,
                    "waitlisted",
                    referral.waitlisted_on,
                    10,
                    manager,
                    referral.decision_reason,
                )
            )
            status = "waitlisted"
        if referral.status in ("accepted", "declined"):
            reason = referral.decision_reason if referral.status == "declined" else ""
            rows.append((status, referral.status, referral.decided_on, 11, manager, reason))
        if referral.status == "withdrawn":
            rows.append(
                (status, "withdrawn", referral.withdrawn_on, 12, by, "The family moved away.")
            )
        return rows

    def write_families(self):
        from families.models import (
            CaseReferenceCounter,
            Child,
            Family,
            FamilyStatusChange,
            FamilyUserObjectPermission,
            Match,
        )

        self.log("Writing families...")
        counters = {}
        for project in self.projects:
            numbers = Counter()
            for family in sorted(project.families, key=lambda f: f.accepted_on):
                year = family.accepted_on.year
                numbers[year] += 1
                family.case_reference = f"{project.code}-{year}-{numbers[year]:04d}"
            counters.update({(project.model.pk, year): n for year, n in numbers.items()})
            self.plan_outcomes(project)
        models = []
        for family in self.all_families:
            referral = family.referral
            details = referral.details
            latest_level = family.reviews[-1][2] if family.reviews else referral.level
            model = Family(
                project=family.project.model,
                referral=referral.model,
                case_reference=family.case_reference,
                status=family.status,
                family_name=referral.family_name,
                parents_carers=details["parents_carers"],
                address=details["address"],
                postcode=details["postcode"],
                phone=details["phone"],
                languages=details["languages"],
                level_of_need=self.levels[latest_level],
                hopes=details["hopes"],
                risk_details=details["risk_details"],
                consent_given=True,
                accepted_on=family.accepted_on,
                closed_on=family.closed_on,
                created_at=self.at(family.accepted_on, 11, 1),
            )
            family.model = model
            models.append(model)
        self.write(Family, models)
        self.write(
            CaseReferenceCounter,
            [
                CaseReferenceCounter(project_id=project_id, year=year, last_number=n)
                for (project_id, year), n in sorted(counters.items())
            ],
        )
        children, needs, risks, changes, permissions = [], [], [], [], []
        view = self.perm("families.view_family")
        for family in self.all_families:
            model, referral = family.model, family.referral
            latest_plans = family.reviews[-1][3] if family.reviews else None
            for i, (first_name, last_name, born, plan, category) in enumerate(referral.children):
                child = Child(
                    family=model,
                    first_name=first_name,
                    last_name=last_name,
                    date_of_birth=born,
                    plan_type=latest_plans[i][0] if latest_plans else plan,
                    cp_category=category,
                )
                family.children.append(child)
                children.append(child)
            needs += [
                Family.needs.through(family_id=model.pk, need_id=n.pk) for n in referral.needs
            ]
            risks += [
                Family.risks.through(family_id=model.pk, riskkind_id=r.pk) for r in referral.risks
            ]
            manager = family.project.manager
            changes.append(
                self.family_change(model, "", "awaiting_match", family.accepted_on, manager)
            )
            for match in family.matches:
                changes.append(
                    self.family_change(
                        model, "awaiting_match", "matched", match.started_on, manager
                    )
                )
                if match.ended_on:
                    label = Match.EndReason(match.end_reason).label
                    changes.append(
                        self.family_change(
                            model, "matched", "awaiting_match", match.ended_on, manager, label
                        )
                    )
            if family.closed_on:
                changes.append(
                    self.family_change(
                        model,
                        "awaiting_match",
                        "closed",
                        family.closed_on,
                        manager,
                        family.close_reason,
                    )
                )
            if referral.model.social_worker_id:
                permissions.append(
                    FamilyUserObjectPermission(
                        permission=view, user=referral.model.social_worker, content_object=model
                    )
                )
        self.write(Child, children)
        self.write(Family.needs.through, needs)
        self.write(Family.risks.through, risks)
        self.write(FamilyStatusChange, changes)
        self.write(FamilyUserObjectPermission, permissions)

    def family_change(self, family, from_status, to_status, day, by, reason=""):
        from families.models import FamilyStatusChange

        hour = {"awaiting_match": 11, "matched": 13, "closed": 16}[to_status]
        if from_status == "matched":
            hour = 12
        return FamilyStatusChange(
            family=family,
            from_status=from_status,
            to_status=to_status,
            by=by,
            at=self.at(day, hour, 2),
            reason=reason,
        )

    def write_matches(self):
        from families.models import FamilyUserObjectPermission, Match

        self.log("Writing matches...")
        models = []
        for match in self.all_matches:
            manager = match.family.project.manager
            match.model = Match(
                family=match.family.model,
                volunteer=match.volunteer.model,
                started_on=match.started_on,
                ended_on=match.ended_on,
                end_reason=match.end_reason if match.ended_on else "",
                started_by=manager,
                ended_by=manager if match.ended_on else None,
            )
            models.append(match.model)
        self.write(Match, models)
        view = self.perm("families.view_family")
        self.write(
            FamilyUserObjectPermission,
            [
                FamilyUserObjectPermission(
                    permission=view, user=m.volunteer.user, content_object=m.family.model
                )
                for m in self.all_matches
                if m.ended_on is None
            ],
        )

    # --- Writing: visits ---------------------------------------------------------------------

    def write_visits(self):
        from families.models import Visit

        self.log(f"Writing {self.n_visits} visits...")
        buffer = []
        written = 0
        for match in self.all_matches:
            buffer.extend(self.plan_visits(match))
            if len(buffer) >= self.batch_size:
                written += self.flush_visits(buffer)
                buffer = []
                if written // 50000 != (written - self.batch_size) // 50000:
                    self.log(f"  {written} visits")
        written += self.flush_visits(buffer)
        self.log(f"  {written} visits")
        if self.counts[Visit._meta.label] != self.n_visits:
            raise RuntimeError("the visits written do not add up to the number asked for")

    def plan_visits(self, match):
        """(Visit, activities, concern or None) for each visit of the match, oldest first."""
        from families.models import Visit

        rng, days, today = self.rng, self.days, self.today
        last_day = min(match.ended_on or today, today)
        span = (last_day - match.started_on).days
        offsets = sorted(rng.randint(0, span) for _ in range(match.visits))
        manager = match.family.project.manager
        user = match.volunteer.user
        rows = []
        for n, offset in enumerate(offsets):
            day = match.started_on + datetime.timedelta(days=offset)
            contact = rng.random() < 0.88
            medium = rng.choices(["in_person", "phone", "video"], weights=[85, 10, 5])[0]
            if medium == "in_person":
                place = rng.choices(
                    ["home", "school", "appointment", "community"], weights=[70, 10, 12, 8]
                )[0]
                duration = (
                    min(max(int(rng.gauss(120, 35)), 30), 300) if contact else rng.randint(15, 30)
                )
                miles = rng.randint(1, 25) if rng.random() < 0.6 else None
            else:
                place, duration, miles = "remote", rng.randint(15, 60), None
            draft = (
                match.ended_on is None
                and n == len(offsets) - 1
                and (today - day).days <= 10
                and rng.random() < 0.3
            )
            start_time = datetime.time(rng.randint(9, 17), rng.choice([0, 15, 30, 45]))
            paid = miles and not draft and (today - day).days > 45 and rng.random() < 0.97
            visit = Visit(
                match=match.model,
                status="draft" if draft else "logged",
                visited_on=day,
                start_time=start_time,
                duration_minutes=duration,
                contact_made=contact,
                medium=medium,
                place=place,
                notes=rng.choice(VISIT_NOTES) if contact else "Nobody answered; left a message.",
                engagement=rng.choices([1, 2, 3, 4, 5], weights=[5, 10, 30, 35, 20])[0]
                if contact and not (draft and rng.random() < 0.5)
                else None,
                miles=miles,
                claim_paid_at=self.at(min(day + days(20, 40), today), 15) if paid else None,
                claim_paid_by=manager if paid else None,
                logged_by=user,
                created_at=self.at(day, min(start_time.hour + 3, 22), start_time.minute),
            )
            activities = rng.sample(self.activities, rng.choice([1, 1, 2, 2, 3])) if contact else []
            concern = None
            if contact and not draft and rng.random() < 0.006:
                raised_at = visit.created_at
                closed_on = day + days(1, 10)
                still_open = closed_on > today or ((today - day).days < 45 and rng.random() < 0.5)
                concern = {
                    "family": match.family.model,
                    "details": rng.choice(CONCERNS),
                    "raised_by": user,
                    "raised_at": raised_at,
                    "follow_up": "" if still_open else rng.choice(FOLLOW_UPS),
                    "closed_by": None if still_open else manager,
                    "closed_at": None if still_open else self.at(closed_on, 14),
                }
            rows.append((visit, activities, concern))
        return rows

    def flush_visits(self, rows):
        from families.models import Concern, Visit

        if not rows:
            return 0
        visits = self.write(Visit, [visit for visit, _, _ in rows])
        self.write(
            Visit.activities.through,
            [
                Visit.activities.through(visit_id=visit.pk, visitactivity_id=activity.pk)
                for visit, activities, _ in rows
                for activity in activities
            ],
        )
        self.write(
            Concern,
            [Concern(visit=visit, **concern) for visit, _, concern in rows if concern is not None],
        )
        return len(visits)

    # --- Planning and writing: outcomes -------------------------------------------------------

    def plan_outcomes(self, project):
        """Risk reviews for every family (at referral; at about three months of work; at
        closure), as (stage, day, level, [(plan, attendance) per child])."""
        rng, days, today = self.rng, self.days, self.today
        for family in project.families:
            children = family.referral.children
            plans = [(plan, None) for *_, plan, _ in children]
            family.reviews = [("referral", family.accepted_on, family.referral.level, plans)]
            first = family.matches[0] if family.matches else None
            last_day = min(family.matches[-1].ended_on or today, today) if first else None
            level = family.referral.level
            attendance = [
                Decimal(rng.randint(600, 900)) / 10
                if self.school_age(child[2], family.accepted_on)
                else None
                for child in children
            ]
            if first and first.started_on + 84 * DAY <= last_day:
                day = min(first.started_on + days(84, 100), last_day)
                if rng.random() < 0.3 and level > 1:
                    level -= 1
                plans = [(plan, attendance[i]) for i, (plan, _) in enumerate(plans)]
                family.reviews.append(("review", day, level, plans))
            if family.closed_on:
                if first:
                    step = rng.choices([-2, -1, 0, 1], weights=[15, 70, 12, 3])[0]
                    level = min(max(level + step, 1), 4)
                    plans = [
                        (self.plan_at_closure(plan), self.attendance_at_closure(attendance[i]))
                        for i, (plan, _) in enumerate(plans)
                    ]
                family.reviews.append(("closure", family.closed_on, level, plans))

    def school_age(self, born, day):
        from families.models import age_on

        return 5 <= age_on(born, day) <= 16

    def plan_at_closure(self, plan):
        if plan == "cp":
            return self.rng.choices(["cp", "cin", "none"], weights=[50, 35, 15])[0]
        if plan == "cin":
            return self.rng.choices(["cp", "cin", "none"], weights=[5, 55, 40])[0]
        return "none"

    def attendance_at_closure(self, before):
        if before is None:
            return None
        return min(before + Decimal(self.rng.randint(-30, 150)) / 10, Decimal(100))

    def write_outcomes(self):
        from outcomes.models import ChildStatus, RiskReview

        self.log("Writing risk reviews, Family Star readings, measures, goals and evaluations...")
        reviews, statuses = [], []
        for family in self.all_families:
            manager = family.project.manager
            for stage, day, level, plans in family.reviews:
                review = RiskReview(
                    family=family.model,
                    stage=stage,
                    reviewed_on=day,
                    level_of_need=self.levels[level],
                    notes="Taken from the referral." if stage == "referral" else "",
                    recorded_by=manager,
                    recorded_at=self.at(day, 15),
                )
                reviews.append(review)
                statuses.append((review, family, plans))
        self.write(RiskReview, reviews)
        self.write(
            ChildStatus,
            [
                ChildStatus(
                    review=review, child=child, plan_type=plan, school_attendance=attendance
                )
                for review, family, plans in statuses
                for child, (plan, attendance) in zip(family.children, plans, strict=True)
            ],
        )
        self.write_star_readings()
        self.write_measures()
        self.write_goals()
        self.write_evaluations()

    def work_days(self, family):
        """(first day of work, last day of work or today, finished?) for a matched family."""
        first = family.matches[0]
        last = family.matches[-1]
        end = min(last.ended_on or self.today, self.today)
        return first.started_on, end, family.closed_on is not None

    def write_star_readings(self):
        from outcomes.models import StarReading, StarScore

        rng, days = self.rng, self.days
        readings, scores = [], []
        for family in self.all_families:
            if not family.matches:
                continue
            start, end, finished = self.work_days(family)
            volunteer = family.matches[0].volunteer.user
            taken = min(start + days(7, 14), end)
            base = [rng.randint(2, 6) for _ in self.areas]
            plan = [("start", taken, base)]
            if start + 90 * DAY <= end:
                plan.append(
                    (
                        "review",
                        min(start + days(85, 100), end),
                        [min(s + rng.randint(0, 2), 10) for s in base],
                    )
                )
            if finished:
                plan.append(
                    (
                        "end",
                        family.closed_on,
                        [min(max(s + rng.randint(-1, 4), 1), 10) for s in base],
                    )
                )
            for stage, day, values in plan:
                reading = StarReading(
                    family=family.model,
                    scale=self.scale,
                    stage=stage,
                    taken_on=day,
                    recorded_by=volunteer,
                    recorded_at=self.at(day, 14),
                )
                readings.append(reading)
                scores.append((reading, values))
        self.write(StarReading, readings)
        self.write(
            StarScore,
            [
                StarScore(reading=reading, area=area, score=value)
                for reading, values in scores
                for area, value in zip(self.areas, values, strict=True)
            ],
        )

    def write_measures(self):
        from families.models import age_on
        from outcomes.models import MeasureScore

        rng, days = self.rng, self.days
        sdq, emotional, wemwbs = (
            self.measures.get("sdq-total"),
            self.measures.get("sdq-emotional"),
            self.measures.get("wemwbs"),
        )
        rows = []
        for family in self.all_families:
            if not family.matches or not (sdq and emotional and wemwbs):
                continue
            start, end, finished = self.work_days(family)
            volunteer = family.matches[0].volunteer.user
            taken = min(start + days(7, 21), end)
            child = next(
                (c for c in family.children if 4 <= age_on(c.date_of_birth, taken) <= 17), None
            )
            parent = "Mother" if rng.random() < 0.9 else "Father"
            values = []
            if child is not None:
                total = rng.randint(12, 30)
                feelings = rng.randint(3, 9)
                values += [
                    (sdq, child, "", total, min(max(total - rng.randint(-2, 8), 0), 40)),
                    (
                        emotional,
                        child,
                        "",
                        feelings,
                        min(max(feelings - rng.randint(-1, 4), 0), 10),
                    ),
                ]
            wellbeing = rng.randint(28, 50)
            values.append(
                (wemwbs, None, parent, wellbeing, min(max(wellbeing + rng.randint(-3, 12), 14), 70))
            )
            for measure, about, who, before, after in values:
                stages = [("start", taken, before)]
                if finished:
                    stages.append(("end", family.closed_on, after))
                for stage, day, score in stages:
                    rows.append(
                        MeasureScore(
                            family=family.model,
                            measure=measure,
                            child=about,
                            parent=who,
                            stage=stage,
                            taken_on=day,
                            score=score,
                            recorded_by=volunteer,
                            recorded_at=self.at(day, 14, 30),
                        )
                    )
        self.write(MeasureScore, rows)

    def write_goals(self):
        from families.models import Goal, GoalReview

        rng, days = self.rng, self.days
        goals, reviews = [], []
        outcomes = ["achieved", "partly", "not_achieved"]
        for family in self.all_families:
            if not family.matches:
                continue
            start, end, finished = self.work_days(family)
            volunteer = family.matches[0].volunteer.user
            created = min(start + days(3, 14), end)
            areas = rng.sample(self.areas, 3)
            for n in range(rng.randint(2, 4)):
                need = family.referral.needs[n % len(family.referral.needs)]
                goal = Goal(
                    family=family.model,
                    need=need,
                    description=f"{need.name}: agree small steps and keep to them each week.",
                    star_area=areas[n % 3].slug,
                    target_date=created + days(60, 180),
                    created_by=volunteer,
                    created_at=self.at(created, 15),
                )
                goals.append(goal)
                manager = family.project.manager
                if start + 90 * DAY <= end:
                    day = min(start + days(85, 100), end)
                    reviews.append((goal, "review", day, "partly", manager))
                if finished:
                    outcome = rng.choices(outcomes, weights=[55, 35, 10])[0]
                    reviews.append((goal, "end", family.closed_on, outcome, manager))
        self.write(Goal, goals)
        self.write(
            GoalReview,
            [
                GoalReview(
                    goal=goal,
                    stage=stage,
                    reviewed_on=day,
                    progress="Steady progress; the family keeps to the plan most weeks.",
                    outcome=outcome,
                    by=manager,
                )
                for goal, stage, day, outcome, manager in reviews
            ],
        )

    def write_evaluations(self):
        from outcomes.models import Evaluation, FamilyEvaluationLink

        rng, days, today = self.rng, self.days, self.today
        evaluations, links = [], []
        for family in self.all_families:
            if not (family.closed_on and family.matches):
                continue
            sw = family.referral.model.social_worker
            volunteer = family.matches[-1].volunteer.user
            for respondent, by, chance in (
                ("social_worker", sw, 0.8),
                ("volunteer", volunteer, 0.85),
                ("family", None, 0.65),
            ):
                if respondent == "social_worker" and sw is None:
                    continue
                submitted_on = family.closed_on + days(1, 30)
                if submitted_on > today or not (family.full_outcomes or rng.random() < chance):
                    continue
                questionnaire, questions = self.questionnaires[respondent]
                answers = {
                    q.slug: rng.randint(3, 5) if q.kind == "rating" else rng.choice(TEXT_ANSWERS)
                    for q in questions
                }
                submitted_at = self.at(submitted_on, 19)
                evaluations.append(
                    Evaluation(
                        family=family.model,
                        respondent=respondent,
                        questionnaire=questionnaire,
                        answers=answers,
                        questions={q.slug: q.text for q in questions},
                        submitted_by=by,
                        submitted_at=submitted_at,
                    )
                )
                if respondent == "family":
                    sent_at = self.at(family.closed_on, 16, 30)
                    links.append(
                        FamilyEvaluationLink(
                            family=family.model,
                            nonce=f"{rng.getrandbits(128):032x}",
                            created_by=family.project.manager,
                            created_at=sent_at,
                            expires_at=sent_at + datetime.timedelta(days=30),
                            used_at=submitted_at,
                        )
                    )
        self.write(Evaluation, evaluations)
        self.write(FamilyEvaluationLink, links)


def seed_scale(**options):
    """Create programme-scale data in an empty, migrated database; returns the counts."""
    return ScaleSeeder(**options).run()
