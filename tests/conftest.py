"""The cast every test can use, and the switches for tests that need services.

Two projects (Cambridgeshire and Southend), a project manager of each, a social
worker for each, volunteers, and an administrator. "Charlie" is anyone who must
not see Alice's things: the other project's manager, the other social worker.
"""

import os
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.shortcuts import assign_perm

from vicp.celery import app as celery_app
from vicp.middleware import SESSION_RENEWED_AT

from . import factories

REQUIRE_SERVICES = os.environ.get("VICP_REQUIRE_SERVICES") == "1"


def need(condition, reason):
    """Skip a test whose service is missing, except in CI where that is a failure."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}, and VICP_REQUIRE_SERVICES=1 forbids skipping")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _test_defaults(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Hashed static names need collectstatic; tests serve the files as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Unit tests run tasks inline; tests marked `worker` use a real worker instead.
    celery_app.conf.task_always_eager = True
    # A cache of its own for every test: nothing cached by one test (figures, charts,
    # rate-limit counters) can leak into another, on LocMem or on Redis alike.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


@pytest.fixture
def postgres(db):
    need(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker, in a thread, consuming from Redis."""
    need(bool(django_settings.REDIS_URL), "needs Redis and a Celery worker (set REDIS_URL)")
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False) as worker:
            yield worker
    finally:
        celery_app.conf.task_always_eager = True


def wait_for(condition, timeout=15.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


@pytest.fixture
def cambridgeshire(db):
    return factories.ProjectFactory(
        name="Cambridgeshire", code="CAM", local_authority="Cambridgeshire County Council"
    )


@pytest.fixture
def southend(db):
    return factories.ProjectFactory(
        name="Southend", code="STH", local_authority="Southend-on-Sea City Council"
    )


@pytest.fixture
def alice(cambridgeshire):
    """Project manager of Cambridgeshire."""
    user = factories.ProjectManagerFactory(
        email="alice@example.org", first_name="Alice", last_name="Archer"
    )
    cambridgeshire.managers.add(user)
    return user


@pytest.fixture
def charlie(southend):
    """Project manager of Southend: must see nothing of Cambridgeshire."""
    user = factories.ProjectManagerFactory(
        email="charlie@example.org", first_name="Charlie", last_name="Clarke"
    )
    southend.managers.add(user)
    return user


@pytest.fixture
def sam(cambridgeshire):
    """Social worker referring to Cambridgeshire."""
    user = factories.SocialWorkerFactory(
        email="sam@example.org", first_name="Sam", last_name="Shah"
    )
    assign_perm("vicp.refer_to_project", user, cambridgeshire)
    return user


@pytest.fixture
def sally(southend):
    """Social worker referring to Southend."""
    user = factories.SocialWorkerFactory(
        email="sally@example.org",
        first_name="Sally",
        last_name="Stone",
        organisation="Southend-on-Sea City Council",
    )
    assign_perm("vicp.refer_to_project", user, southend)
    return user


@pytest.fixture
def vera(db):
    return factories.VolunteerUserFactory(
        email="vera@example.org", first_name="Vera", last_name="Vale"
    )


@pytest.fixture
def victor(db):
    return factories.VolunteerUserFactory(
        email="victor@example.org", first_name="Victor", last_name="Vance"
    )


@pytest.fixture
def una(db):
    """A volunteer with no family."""
    return factories.VolunteerUserFactory(
        email="una@example.org", first_name="Una", last_name="Unwin"
    )


@pytest.fixture
def ada(db):
    return factories.AdminFactory(email="ada@example.org", first_name="Ada", last_name="Admin")


@pytest.fixture
def cast(alice, charlie, sam, sally, vera, victor, una, ada):
    return {
        "alice": alice,
        "charlie": charlie,
        "sam": sam,
        "sally": sally,
        "vera": vera,
        "victor": victor,
        "una": una,
        "ada": ada,
    }


def sign_in(client, user):
    """Sign `client` in as `user`, with the second step done where the role needs it."""
    client.force_login(user)
    session = client.session
    # As the sign-in request itself leaves it (vicp.middleware.SlidingSessionExpiry).
    session[SESSION_RENEWED_AT] = int(time.time())
    if user.role in django_settings.VICP_TWO_FACTOR_ROLES:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "Test phone"}
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user (two-step sign-in done)."""
    return lambda user: sign_in(client, user)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With VICP_REQUIRE_SERVICES=1 (CI on PostgreSQL and Redis), a skip is a failure."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, but VICP_REQUIRE_SERVICES=1: {report.longrepr}"


@pytest.fixture
def applicant(cambridgeshire):
    """Someone who applied to volunteer in Cambridgeshire."""
    return factories.VolunteerFactory(
        project=cambridgeshire, first_name="Amira", last_name="Khan", email="amira@example.org"
    )


@pytest.fixture
def referral(sam, cambridgeshire):
    """Sam's submitted referral of the Doe family (Amy, 7, CP plan; Ben, 3, CIN plan)."""
    return factories.make_referral(cambridgeshire, sam, submit=True)


@pytest.fixture
def family(referral, alice):
    """The Doe family, accepted by Alice: case CAM-<year>-0001."""
    from referrals import services

    return services.accept_referral(referral, by=alice)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Reference data comes from a data migration; a transactional test's flush
    removes it, so put it back for every test that uses the database."""
    marker = request.node.get_closest_marker("django_db")
    fixtures = set(request.fixturenames)
    if {"transactional_db", "live_server"} & fixtures or (
        marker and marker.kwargs.get("transaction")
    ):
        request.getfixturevalue("transactional_db")
    elif marker or "db" in fixtures:
        request.getfixturevalue("db")
    else:
        return
    from django.apps import apps

    from families.reference_data import ensure_reference_data as ensure_family_data
    from outcomes.reference_data import ensure_reference_data as ensure_outcome_data
    from referrals.reference_data import ensure_reference_data

    ensure_reference_data(apps)
    ensure_family_data(apps)
    ensure_outcome_data(apps)


@pytest.fixture
def ready_volunteer(cambridgeshire, alice):
    """Val, signed off and free in Cambridgeshire (her login is `ready_volunteer.user`)."""
    from tests.volunteers.helpers import signed_off

    volunteer = factories.VolunteerFactory(
        project=cambridgeshire,
        first_name="Val",
        last_name="Green",
        email="val@example.org",
        postcode="CB4 2ZZ",
    )
    return signed_off(volunteer, alice)


@pytest.fixture
def match(family, ready_volunteer, alice):
    """Val has worked with the Doe family for four weeks."""
    import datetime

    from django.utils import timezone

    from families.services import start_match

    return start_match(
        family=family,
        volunteer=ready_volunteer,
        by=alice,
        started_on=timezone.localdate() - datetime.timedelta(days=28),
    )
