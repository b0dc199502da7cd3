"""/healthz reports the database, and Redis and a worker when they are configured."""

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.urls import reverse

from vicp import health

from .conftest import need

pytestmark = pytest.mark.django_db


def test_it_is_public_and_reports_the_database(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_when_the_database_is_down(client, settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setattr(health, "database_status", lambda: "down")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_it_answers_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["redis"] == "down"
    assert response.json()["worker"] == "down"


def test_a_real_database_outage_is_reported(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503


@pytest.mark.worker
def test_it_reports_redis_and_a_live_worker(client, settings, celery_worker):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "worker": "ok"}


@pytest.mark.worker  # no other test's worker may answer meanwhile
def test_without_a_worker_it_says_so(client, settings):
    need(bool(settings.REDIS_URL), "needs Redis (set REDIS_URL)")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["redis"] == "ok"
    assert response.json()["worker"] == "down"
