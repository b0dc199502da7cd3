"""Decides everything a seeded programme holds, as a `bench.seed.plan.Plan`, without a
database: the same options, reference data, seed and `today` give the same plan.

Every choice comes from one `random.Random(seed)` (`draws`), and `Planner.plan`
takes its steps in a fixed order, so each step draws the same numbers every time.
That order is part of what a seed means: moving a step, or a draw within one,
gives other data for the same seed. The steps live by domain: `recruitment`,
`cases` (projects, people, referrals, families, matches), `visits`, `outcomes`.

The plan keeps the rules the services keep: at most one active match per
volunteer and per family; matches only for signed-off volunteers with an in-date
DBS; visits within their match and never in the future.
"""

from django.utils import timezone

from bench.seed.plan import PersonPlan, Plan
from bench.seed.planner import cases, outcomes, recruitment
from bench.seed.planner.draws import Draws
from bench.seed.planner.visits import allocate_visits, plan_visits

DEFAULT_SOCIAL_WORKERS = 10  # per project


class Planner:
    """Plans a programme of the given size: `Planner(...).plan(reference)`."""

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
    ):
        if projects < 1:
            raise ValueError("At least one project is needed.")
        self.n_projects = projects
        self.n_families = families
        self.n_volunteers = volunteers
        self.n_visits = visits
        self.seed = seed
        self.today = today or timezone.localdate()
        self.closed_in_one_project = closed_in_one_project
        self.social_workers_per_project = social_workers_per_project

    def plan(self, reference):
        """The whole programme, picking from `reference` (a `ReferenceData`)."""
        draws = Draws(self.seed, self.today, reference)
        projects = cases.plan_projects(self.n_projects)
        recruitment.plan_volunteers(draws, projects, self.split(self.n_volunteers))
        cases.plan_families(
            draws, projects, self.split(self.n_families), self.social_workers_per_project
        )
        cases.plan_extra_closed_families(draws, projects, self.closed_in_one_project)
        families, matches = cases.schedule_matches(draws, projects)
        recruitment.plan_volunteer_stages(draws, projects)
        allocate_visits(draws, matches, self.n_visits)
        # The rest draws the details, once every match is known.
        admin = PersonPlan(f"admin@{recruitment.EMAIL_DOMAIN}", "Ada", "Admin", "admin")
        cases.plan_authenticators(draws, [admin, *(p.manager for p in projects)])
        volunteers = [v for p in projects for v in p.volunteers]
        recruitment.plan_volunteer_profiles(draws, volunteers)
        for volunteer in volunteers:
            recruitment.plan_recruitment_records(draws, volunteer)
        cases.plan_referral_consents(draws, projects)
        for project in projects:
            cases.number_cases(project)
            outcomes.plan_risk_reviews(draws, project)
        for match in matches:
            match.visits = plan_visits(draws, match)
        for plan_outcome in (
            outcomes.plan_star_readings,
            outcomes.plan_measures,
            outcomes.plan_goals,
            outcomes.plan_evaluations,
        ):
            for family in families:
                plan_outcome(draws, family)
        return Plan(
            today=self.today,
            family_start=draws.family_start,
            visits_asked=self.n_visits,
            admin=admin,
            projects=projects,
            families=families,
            matches=matches,
        )

    def split(self, total):
        """`total` shared between the projects as evenly as it goes."""
        base, extra = divmod(total, self.n_projects)
        return [base + (1 if i < extra else 0) for i in range(self.n_projects)]
