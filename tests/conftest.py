"""The cast every test can use, and the switches for tests that need services.

Two projects (Cambridgeshire and Southend), a project manager of each, a social
worker for each, volunteers, and an administrator. "Charlie" is anyone who must
not see Alice's things: the other project's manager, the other social worker.
"""

import datetime
import os
import time
import uuid

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.shortcuts import assign_perm

from families.reference_data import ensure_reference_data as ensure_family_data
from outcomes.reference_data import ensure_reference_data as ensure_outcome_data
from referrals.reference_data import ensure_reference_data as ensure_referral_data
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


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _test_defaults(settings, _media_root):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploaded documents and generated files go to a directory of the run's own.
    settings.MEDIA_ROOT = _media_root
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
def celery_worker(request, transactional_db):
    """A real Celery worker, in a thread, consuming from Redis."""
    assert request.node.get_closest_marker("worker"), (
        "a test with a Celery worker is marked `worker`, so that no other overlaps it"
    )
    need(bool(django_settings.REDIS_URL), "needs Redis and a Celery worker (set REDIS_URL)")

    celery_app.conf.task_always_eager = False
    purge_broker()
    ran = []  # what this worker did, for a failing test to say

    def record(sender=None, task_id=None, state=None, exception=None, **kwargs):
        ran.append((sender.name, state or repr(exception)))

    signals.task_postrun.connect(record, weak=False)
    signals.task_failure.connect(record, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False) as worker:
            worker.ran = ran
            yield worker
    finally:
        signals.task_postrun.disconnect(record)
        signals.task_failure.disconnect(record)
        celery_app.conf.task_always_eager = True
        purge_broker()


def purge_broker():
    """Empty the default queue, so that no task a test sent, and no worker consumed before
    the test ended, is run by the next test's worker (against records no longer there, or
    sending an email that test counts)."""
    celery_app.control.purge()


def wait_for(condition, timeout=60.0, interval=0.05):
    """Wait for a state; the timeout only bounds a test that has already failed."""
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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests marked `worker` use Redis as Celery's broker, where every worker started
    by a test (a thread or a process) answers the health check's ping and consumes
    from the shared queue: under pytest-xdist they all run, one after another, on
    one xdist worker (`--dist loadgroup`), so no two of them ever overlap.

    First of this hook's implementations: pytest-xdist's own reads the `xdist_group`
    marks to name each test's group, so the marks must be there before it runs."""
    for item in items:
        if item.get_closest_marker("worker"):
            item.add_marker(pytest.mark.xdist_group("celery-broker"))


def pytest_runtest_setup(item):
    """A test marked `worker` that pytest-xdist did not put in the group (it names a grouped
    test `<id>@<group>`) could overlap another on one Redis: it fails, saying why, rather
    than at random."""
    if (
        getattr(item.config.option, "loadgroup", False)
        and item.get_closest_marker("worker")
        and not item.nodeid.endswith("@celery-broker")
    ):
        pytest.fail(
            "pytest-xdist did not group the tests marked `worker` (--dist loadgroup), so they "
            "could overlap on one Redis: see the pytest range in pyproject.toml"
        )


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
def referral(sam, cambridgeshire, reference_data):
    """Sam's submitted referral of the Doe family (Amy, 7, CP plan; Ben, 3, CIN plan)."""
    return factories.make_referral(cambridgeshire, sam, submit=True)


@pytest.fixture
def family(sam, alice, cambridgeshire, reference_data):
    """The Doe family of Sam's referral, accepted by Alice: case CAM-<year>-0001."""
    return factories.AcceptedFamilyFactory(
        project=cambridgeshire, social_worker=sam, accepted_by=alice
    )


# The reference data the migrations write and admins edit, in an order it can be written in.
REFERENCE_MODELS = [
    "referrals.LevelOfNeed",
    "referrals.CPCategory",
    "referrals.Need",
    "referrals.RiskKind",
    "families.VisitActivity",
    "families.MileageRate",
    "outcomes.OutcomeScale",
    "outcomes.OutcomeArea",
    "outcomes.Measure",
    "outcomes.Questionnaire",
    "outcomes.Question",
    "outcomes.UnitCosts",
]
# The other rows the migrations leave: Django's own content types and permissions.
MIGRATED_MODELS = {"contenttypes.ContentType", "auth.Permission"}
_reference_rows = {}  # model: [{column: value}], as the migrations wrote them


def _ensure_reference_data():
    ensure_referral_data(apps)
    ensure_family_data(apps)
    ensure_outcome_data(apps)


def _take_out_reference_data():
    # A database kept from an earlier run (--reuse-db) had it taken out already.
    _ensure_reference_data()
    models = [apps.get_model(label) for label in REFERENCE_MODELS]
    for model in models:
        _reference_rows[model] = list(model._base_manager.order_by("pk").values())
    for model in reversed(models):
        model._base_manager.all().delete()
    left = sorted(
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label not in MIGRATED_MODELS and model._base_manager.exists()
    )
    assert not left, (
        f"the migrations wrote rows to {left}: add the tables to REFERENCE_MODELS in {__file__}"
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, without the reference data (kept aside for `reference_data`).

    A test sees reference data only if it asks for it, so one that needs it and does
    not ask fails every time, rather than only after a transactional test's flush.
    """
    with django_db_blocker.unblock():
        _take_out_reference_data()


@pytest.fixture
def reference_data(request):
    """The reference data the migrations write (levels of need, CP categories, needs,
    risks, visit activities, the mileage rate, the Family Star, measures,
    questionnaires, unit costs): the same rows, keys included, one insert a table.

    Fixtures and factories that need it ask for it; so does a test of its own."""
    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker and marker.kwargs.get("transaction")
    ):
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    for model, rows in _reference_rows.items():
        model._base_manager.bulk_create(model(**row) for row in rows)


@pytest.fixture
def ready_volunteer(cambridgeshire, alice):
    """Val, signed off by Alice and free in Cambridgeshire (her login is
    `ready_volunteer.user`)."""
    return factories.ReadyVolunteerFactory(
        project=cambridgeshire,
        first_name="Val",
        last_name="Green",
        email="val@example.org",
        postcode="CB4 2ZZ",
        signed_off_by=alice,
    )


@pytest.fixture
def match(family, ready_volunteer, alice):
    """Val has worked with the Doe family for four weeks."""

    return factories.ActiveMatchFactory(
        family=family,
        volunteer=ready_volunteer,
        started_by=alice,
        started_on=timezone.localdate() - datetime.timedelta(days=28),
    )
