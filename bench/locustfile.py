"""The load test's users: the three roles following their journeys (see `bench.load`).

Run by `bench.load` (headless, bounded in time and users, against 127.0.0.1).
It reads the sessions and URLs to use from the JSON file named by
BENCH_LOCUST_PLAN and never imports Django (locust patches the standard
library with gevent).
"""

import itertools
import json
import os

from locust import HttpUser, between, task

with open(os.environ["BENCH_LOCUST_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)
ACTORS = {role: itertools.cycle(actors) for role, actors in PLAN["users"].items()}


class Journey(HttpUser):
    """Signs in as the next person of its role and walks their pages in order, with a
    pause between pages as a person would."""

    abstract = True
    role = None
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.actor = next(ACTORS[self.role])
        self.client.cookies.set(PLAN["cookie_name"], self.actor["session"])

    @task
    def journey(self):
        for label, url in self.actor["steps"]:
            with self.client.get(
                url, name=f"{self.role}: {label}", allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"answered {response.status_code}")
            self.wait()


class ProjectManager(Journey):
    role = "manager"
    weight = 1


class SocialWorker(Journey):
    role = "social_worker"
    weight = 1


class Volunteer(Journey):
    role = "volunteer"
    weight = 2
