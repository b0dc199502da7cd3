"""Programme-scale data for measuring performance: `manage.py seed_scale`.

Years of a national programme, made in minutes: projects with their manager and
social workers; volunteers at every stage of recruitment with their interviews,
DBS checks, references, training and supervision; referrals at every status;
families accepted from them, matched, visited, reviewed and closed, with their
Family Star readings, risk reviews, measures, goals and evaluations.

Everything is first *planned* in memory, then *written*:

- `planner` decides it all as the plain objects of `plan`, from the options,
  one `random.Random(seed)` and a fixed `today`, with no database, so the same
  seed and day give the same data; `vocabulary` holds the words it draws from,
  `reference` reads the migrations' reference data it picks from;
- one writer per domain turns the plan into rows, in foreign-key order, with
  `bulk_create` in batches: `write_people` (projects and their people),
  `write_volunteers` (recruitment), `write_referrals`, `write_families`
  (families, matches, visits and concerns) and `write_outcomes`.

The rows are the ones the services would have written (status-change history,
guardian's object permissions in the direct foreign-key tables, case reference
counters), with two deliberate omissions: simple-history rows and audit events,
which no page needs to behave the same. A volunteer sees only the family of
their active match; a social worker exactly the referrals they made and the
families that came of them.

It lives in `bench/`, outside the deployed package and image.
"""

from collections import Counter

from django.db import transaction

from bench.seed.planner import DEFAULT_SOCIAL_WORKERS, Planner
from bench.seed.reference import load_reference_data
from bench.seed.write_families import write_families, write_matches, write_visits
from bench.seed.write_outcomes import write_outcomes
from bench.seed.write_people import write_projects_and_people
from bench.seed.write_referrals import write_referrals
from bench.seed.write_volunteers import write_volunteers
from bench.seed.writer import Writer
from vicp.models import Project


def seed_scale(
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
    """Create programme-scale data in an empty, migrated database; returns the counts
    of rows written, by model label. Raises `ValueError` for options or a database it
    cannot fill."""
    log = log or (lambda message: None)
    planner = Planner(
        projects=projects,
        families=families,
        volunteers=volunteers,
        visits=visits,
        seed=seed,
        today=today,
        closed_in_one_project=closed_in_one_project,
        social_workers_per_project=social_workers_per_project,
    )
    with transaction.atomic():
        if Project.objects.exists():
            raise ValueError(
                "seed_scale fills an empty database (projects exist already): "
                "create a new database and migrate it first."
            )
        reference = load_reference_data()
        log("Planning projects, volunteers, referrals and families...")
        plan = planner.plan(reference)
        log(summary(plan))
        writer = Writer(reference=reference, batch_size=batch_size, log=log)
        write_projects_and_people(plan, writer)
        write_volunteers(plan, writer)
        write_referrals(plan, writer)
        write_families(plan, writer)
        write_matches(plan, writer)
        write_visits(plan, writer)
        write_outcomes(plan, writer)
    return dict(sorted(writer.counts.items()))


def summary(plan):
    statuses = Counter(family.status for family in plan.families)
    unmatched = sum(1 for family in plan.families if not family.matches)
    return (
        f"  {len(plan.families)} families ("
        + ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
        + f"; {unmatched} never matched), {len(plan.matches)} matches, "
        f"{len(plan.volunteers)} volunteers"
    )
