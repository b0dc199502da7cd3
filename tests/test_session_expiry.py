"""A signed-in session ends after 30 idle minutes, and is written at most once a minute."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from .conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_sessions(settings):
    # Sessions in the database, whose expiry follows the travelling clock (Redis's
    # own expiry, in the PostgreSQL run, would not).
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def home(client, at):
    with time_machine.travel(at, tick=False):
        return client.get(reverse("vicp:home"))


def session_writes(client, at):
    with CaptureQueriesContext(connection) as queries:
        assert home(client, at).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].startswith(("INSERT", "UPDATE"))
    ]


def test_a_session_in_use_lasts_all_day(client, sam):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, sam)
    for minutes in range(0, 8 * 60, 29):
        assert home(client, start + timedelta(minutes=minutes)).status_code == 200


@pytest.mark.parametrize(
    ("idle", "signed_in"),
    [(timedelta(minutes=29, seconds=59), True), (timedelta(minutes=30, seconds=1), False)],
)
def test_a_session_ends_30_minutes_after_it_was_last_renewed(client, sam, idle, signed_in):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, sam)
    assert home(client, start).status_code == 200  # renewed at sign-in
    # Within the minute: answered, but not renewed, so the 30 minutes still run from start.
    assert home(client, start + timedelta(seconds=50)).status_code == 200
    response = home(client, start + idle)
    if signed_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_session_is_written_at_most_once_a_minute(client, sam):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, sam)
    # Signing in renewed it at `start`.
    assert session_writes(client, start) == []
    assert session_writes(client, start + timedelta(seconds=59)) == []
    assert len(session_writes(client, start + timedelta(seconds=60))) == 1
    assert session_writes(client, start + timedelta(seconds=119)) == []
    assert len(session_writes(client, start + timedelta(seconds=120))) == 1


def test_signing_out_is_not_undone_by_the_renewal(client, sam):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, sam)
        client.post(reverse("logout"))
    assert home(client, start + timedelta(minutes=2)).status_code == 302


def test_a_stale_cookie_brings_no_session_back(client, sam):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, sam)
    assert home(client, start + timedelta(minutes=31)).status_code == 302
    assert home(client, start + timedelta(minutes=32)).status_code == 302
    assert not Session.objects.filter(expire_date__gt=start + timedelta(minutes=32)).exists()
