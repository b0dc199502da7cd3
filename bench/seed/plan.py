"""The shape of a seeding plan: plain objects, no models, no database.

`bench.seed.planner` fills a `Plan`; the writers turn it into rows. The objects a
later row points to (people, projects, volunteers, referrals, families, children,
matches) compare by identity (`eq=False`), so a writer can remember the row each
one became; the records nothing points to are named tuples. The links back (a
volunteer's project, a match's family) stay out of the reprs, which would
otherwise print the whole programme.
"""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from bench.seed.vocabulary import WITHDRAWAL_REASON

# --- Reference data, as the planner needs it -------------------------------------------------


class Need(NamedTuple):
    pk: int
    name: str


class Area(NamedTuple):
    """A Family Star area."""

    pk: int
    slug: str


class Question(NamedTuple):
    slug: str
    kind: str  # "rating" or free text
    text: str


class Questionnaire(NamedTuple):
    pk: int
    questions: tuple  # the active Questions, in order


@dataclass(frozen=True)
class ReferenceData:
    """The reference data the migrations seed, by primary key, in a stable order: the
    planner picks from these lists by position."""

    levels: dict  # ordinal of each default level of need → its primary key
    cp_categories: list  # primary keys
    needs: list  # Need
    risks: list  # primary keys of the risk kinds
    activities: list  # primary keys of the visit activities
    scale: int  # primary key of the default outcome scale
    areas: list  # Area, in the scale's order
    measures: dict  # slug → primary key
    questionnaires: dict  # respondent → Questionnaire


# --- Volunteers' records ---------------------------------------------------------------------


class StageChange(NamedTuple):
    from_stage: str
    to_stage: str
    on: datetime.date
    reason: str
    by_manager: bool


class InterviewPlan(NamedTuple):
    kind: str
    outcome: str
    held_on: datetime.date


class DBSCheckPlan(NamedTuple):
    issued_on: datetime.date
    result: str
    # Filled in once the whole recruitment timeline is planned:
    certificate_number: str = ""
    update_service: bool = False
    last_status_check_on: datetime.date | None = None
    recorded_on: datetime.date | None = None


class ReferencePlan(NamedTuple):
    outcome: str
    received_on: datetime.date
    # Filled in once the whole recruitment timeline is planned:
    referee_name: str = ""
    relationship: str = ""


class SupervisionPlan(NamedTuple):
    held_on: datetime.date
    notes: str


# --- Outcomes' records -----------------------------------------------------------------------


class RiskReviewPlan(NamedTuple):
    stage: str  # referral, review, closure
    reviewed_on: datetime.date
    level: int  # ordinal of the level of need
    children: list  # (plan type, school attendance or None) per child, in the family's order


class StarReadingPlan(NamedTuple):
    stage: str
    taken_on: datetime.date
    scores: list  # one per area, in the scale's order


class MeasurePlan(NamedTuple):
    measure: str  # slug
    child: int | None  # position among the family's children; None for the parent
    parent: str
    stage: str
    taken_on: datetime.date
    score: int


class GoalReviewPlan(NamedTuple):
    stage: str
    reviewed_on: datetime.date
    outcome: str


class GoalPlan(NamedTuple):
    need: Need
    description: str
    star_area: str  # area slug
    created_on: datetime.date
    target_date: datetime.date
    reviews: list  # GoalReviewPlan


class EvaluationPlan(NamedTuple):
    respondent: str
    by: "PersonPlan | None"
    submitted_on: datetime.date
    answers: dict
    link_nonce: str  # the family's single-use link; "" for the others


class ConcernPlan(NamedTuple):
    details: str
    follow_up: str  # "" while open
    closed_on: datetime.date | None


# --- The people and cases --------------------------------------------------------------------


@dataclass(eq=False)
class PersonPlan:
    """A user account."""

    email: str
    first_name: str
    last_name: str
    role: str
    phone: str = ""
    organisation: str = ""
    team: str = ""
    totp_key: str = ""  # managers and the administrator sign in with two steps


@dataclass(eq=False)
class ProjectPlan:
    index: int
    name: str
    code: str
    local_authority: str
    area: str  # postcode area
    manager: PersonPlan = None
    # The lists hold the project's whole world: kept out of its repr.
    social_workers: list = field(default_factory=list, repr=False)
    # (start, [6 session days]) of each initial course, newest first
    courses: list = field(default_factory=list, repr=False)
    workshops: list = field(default_factory=list, repr=False)  # days
    volunteers: list = field(default_factory=list, repr=False)
    families: list = field(default_factory=list, repr=False)  # by the day they were accepted
    # The referrals that did not become families:
    other_referrals: list = field(default_factory=list, repr=False)
    case_numbers: dict = field(default_factory=dict)  # year → last case number given

    @property
    def referrals(self):
        return [family.referral for family in self.families] + self.other_referrals


@dataclass(eq=False)
class VolunteerPlan:
    project: ProjectPlan = field(repr=False)
    first_name: str
    last_name: str
    email: str
    kind: str  # signed_off, not_progressed, applied, interviewing, checks, training
    applied_on: datetime.date = None
    signed_off_on: datetime.date = None
    leaves_on: datetime.date = None
    free_from: datetime.date = None  # while matches are scheduled: the next day they can start
    interviews: list = field(default_factory=list)  # InterviewPlan
    dbs_checks: list = field(default_factory=list)  # DBSCheckPlan
    references: list = field(default_factory=list)  # ReferencePlan
    training: list = field(default_factory=list)  # days of the initial course's sessions attended
    workshops: list = field(default_factory=list)  # days of the workshops attended
    supervisions: list = field(default_factory=list)  # SupervisionPlan
    stage_changes: list = field(default_factory=list)  # StageChange
    not_progressed: tuple = None  # (reason, alternative suggested)
    matches: list = field(default_factory=list, repr=False)
    user: PersonPlan = None  # the account, once signed off
    # The application form:
    phone: str = ""
    postcode: str = ""
    availability_days: list = field(default_factory=list)
    availability_times: str = ""
    languages: str = ""
    experience: str = ""
    drives: bool = False
    heard_about: str = ""

    @property
    def active_match(self):
        return next((m for m in self.matches if m.ended_on is None), None)

    @property
    def stage(self):
        if self.kind == "signed_off" and self.active_match:
            return "matched"
        return self.stage_changes[-1].to_stage


@dataclass(eq=False)
class ChildPlan:
    first_name: str
    last_name: str
    born: datetime.date
    plan_type: str  # at referral: cp, cin or none
    cp_category: int | None  # primary key


@dataclass(eq=False)
class ReferralPlan:
    project: ProjectPlan = field(repr=False)
    social_worker: PersonPlan | None  # None: a paper referral entered by the manager
    family_name: str
    status: str
    created_on: datetime.date
    submitted_on: datetime.date = None
    waitlisted_on: datetime.date = None
    decided_on: datetime.date = None
    withdrawn_on: datetime.date = None
    decision_reason: str = ""
    level: int = 4  # ordinal of the level of need
    children: list = field(default_factory=list)  # ChildPlan, eldest first
    needs: list = field(default_factory=list)  # Need
    risks: list = field(default_factory=list)  # primary keys
    details: dict = field(default_factory=dict)  # the family's contact details and story
    consent_given: bool = True

    @property
    def created_by(self):
        return self.social_worker or self.project.manager

    def status_history(self):
        """(from, to, day, hour, by, reason) of each status the referral went through."""
        by, manager = self.created_by, self.project.manager
        rows = [("", "draft", self.created_on, 8, by, "")]
        status = "draft"
        if self.submitted_on:
            rows.append((status, "submitted", self.submitted_on, 9, by, ""))
            status = "submitted"
        if self.waitlisted_on:
            rows.append(
                (status, "waitlisted", self.waitlisted_on, 10, manager, self.decision_reason)
            )
            status = "waitlisted"
        if self.status in ("accepted", "declined"):
            reason = self.decision_reason if self.status == "declined" else ""
            rows.append((status, self.status, self.decided_on, 11, manager, reason))
        if self.status == "withdrawn":
            rows.append((status, "withdrawn", self.withdrawn_on, 12, by, WITHDRAWAL_REASON))
        return rows


@dataclass(eq=False, slots=True)  # a programme has hundreds of thousands, all planned at once
class VisitPlan:
    visited_on: datetime.date
    start_time: datetime.time
    duration_minutes: int
    contact_made: bool
    medium: str
    place: str
    notes: str
    engagement: int | None
    miles: int | None
    draft: bool
    paid_on: datetime.date | None  # the day the mileage claim was paid
    activities: list  # primary keys
    concern: ConcernPlan | None


@dataclass(eq=False)
class MatchPlan:
    family: "FamilyPlan" = field(repr=False)
    volunteer: VolunteerPlan = field(repr=False)
    started_on: datetime.date
    ended_on: datetime.date = None
    end_reason: str = ""
    visit_count: int = 0
    visits: list = field(default_factory=list, repr=False)  # VisitPlan, oldest first


@dataclass(eq=False)
class FamilyPlan:
    referral: ReferralPlan
    accepted_on: datetime.date
    matches: list = field(default_factory=list, repr=False)
    closed_on: datetime.date = None
    close_reason: str = ""
    case_reference: str = ""
    full_outcomes: bool = False  # every evaluation comes back (the extra closed families)
    reviews: list = field(default_factory=list)  # RiskReviewPlan, oldest first
    star_readings: list = field(default_factory=list)  # StarReadingPlan
    measures: list = field(default_factory=list)  # MeasurePlan
    goals: list = field(default_factory=list)  # GoalPlan
    evaluations: list = field(default_factory=list)  # EvaluationPlan

    @property
    def project(self):
        return self.referral.project

    @property
    def children(self):
        return self.referral.children

    @property
    def status(self):
        if self.closed_on:
            return "closed"
        if self.matches and self.matches[-1].ended_on is None:
            return "matched"
        return "awaiting_match"

    @property
    def level(self):
        """The level of need now: the latest review's, else the referral's."""
        return self.reviews[-1].level if self.reviews else self.referral.level

    def plan_types(self):
        """Each child's plan type now: the latest review's, else the referral's."""
        if self.reviews:
            return [plan for plan, _ in self.reviews[-1].children]
        return [child.plan_type for child in self.children]


@dataclass
class Plan:
    """A whole programme, in the order its rows are written."""

    today: datetime.date
    family_start: datetime.date  # the first family was accepted on or after this day
    visits_asked: int
    admin: PersonPlan
    projects: list  # ProjectPlan
    families: list  # FamilyPlan, project by project
    matches: list  # MatchPlan, family by family

    @property
    def volunteers(self):
        return [volunteer for project in self.projects for volunteer in project.volunteers]

    @property
    def referrals(self):
        return [referral for project in self.projects for referral in project.referrals]
