"""The load test: locust, headless, against the bench's gunicorn on 127.0.0.1.

`users` simulated people (default 20: 5 managers, 5 social workers, 10
volunteers, per the weights in `bench.locustfile`) follow their role's journey
for `seconds`; several real people of each role are signed in so that sessions
are not all shared. Prints nothing itself: returns the rows of locust's
statistics (per page and in all).
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from families.models import Family, Match
from vicp.models import Project, User

from .actors import session_for

ROOT = Path(__file__).resolve().parent.parent


def load_plan(actors, *, per_role=5):
    """Sessions and journeys for `per_role` managers, social workers and volunteers."""
    users = {"manager": [], "social_worker": [], "volunteer": []}
    others = Project.objects.exclude(pk=actors.project.pk).order_by("pk")[: per_role - 1]
    projects = [actors.project, *others]
    for project in projects:
        manager = project.managers.order_by("pk").first()
        family = (
            Family.objects.filter(project=project, status="matched").order_by("-pk").first()
            or Family.objects.filter(project=project).order_by("-pk").first()
        )
        users["manager"].append(
            {
                "session": session_for(manager),
                "steps": [
                    ("home", reverse("vicp:home")),
                    ("referral queue", reverse("referrals:queue")),
                    ("volunteer board", reverse("volunteers:board")),
                    ("family page", reverse("families:detail", args=[family.pk])),
                ],
            }
        )
    social_workers = (
        User.objects.filter(role=User.Role.SOCIAL_WORKER, referrals__project=actors.project)
        .annotate(n=Count("referrals__family"))
        .filter(n__gt=0)
        .order_by("-n", "pk")[:per_role]
    )
    for social_worker in social_workers:
        family = Family.objects.filter(referral__social_worker=social_worker).order_by("-pk")[0]
        users["social_worker"].append(
            {
                "session": session_for(social_worker),
                "steps": [
                    ("home", reverse("vicp:home")),
                    ("your referrals", reverse("referrals:mine")),
                    ("family page", reverse("families:detail", args=[family.pk])),
                ],
            }
        )
    matches = (
        Match.objects.filter(family__project=actors.project, ended_on=None)
        .select_related("volunteer__user")
        .order_by("pk")[:per_role]
    )
    for match in matches:
        users["volunteer"].append(
            {
                "session": session_for(match.volunteer.user),
                "steps": [
                    ("home", reverse("vicp:home")),
                    ("family page", reverse("families:detail", args=[match.family_id])),
                    ("visit form", reverse("families:log_visit", args=[match.family_id])),
                ],
            }
        )
    return {"cookie_name": settings.SESSION_COOKIE_NAME, "users": users}


@dataclass
class LoadRow:
    name: str
    requests: int
    failures: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def run_load(base_url, plan, *, users=20, seconds=60, spawn_rate=5):
    """Run locust; returns (rows per page with the "Aggregated" row last, locust's output)."""
    locust = Path(sys.executable).with_name("locust")
    with tempfile.TemporaryDirectory() as directory:
        plan_path = Path(directory) / "plan.json"
        plan_path.write_text(json.dumps(plan))
        prefix = Path(directory) / "load"
        completed = subprocess.run(  # noqa: S603 (our own command line)
            [
                str(locust),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(spawn_rate),
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                base_url,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, "BENCH_LOCUST_PLAN": str(plan_path)},
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=False,
        )
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():
            raise RuntimeError(f"locust failed:\n{completed.stdout}\n{completed.stderr}")
        with stats.open() as rows:
            return [_row(row) for row in csv.DictReader(rows)], completed


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _row(row):
    return LoadRow(
        name=row["Name"],
        requests=int(row["Request Count"]),
        failures=int(row["Failure Count"]),
        requests_per_second=_number(row["Requests/s"]),
        p50_ms=_number(row["50%"]),
        p95_ms=_number(row["95%"]),
        p99_ms=_number(row["99%"]),
    )
