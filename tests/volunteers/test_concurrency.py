"""Two managers recording the same step at the same moment on PostgreSQL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tests import factories
from tests.conftest import need
from volunteers import services
from volunteers.models import TrainingAttendance


@pytest.fixture
def postgres_transactional(transactional_db):
    need(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


def test_one_attendance_per_session_even_when_two_record_it_at_once(postgres_transactional):
    project = factories.ProjectFactory(code="CAM", name="Cambridgeshire")
    manager = factories.ProjectManagerFactory()
    project.managers.add(manager)
    volunteer = factories.VolunteerFactory(project=project)
    session = factories.TrainingSessionFactory(project=project, hours=6, created_by=manager)
    start = threading.Barrier(2)
    outcomes = []

    def record():
        try:
            start.wait()
            services.record_training(volunteer, session=session, hours=6, by=manager)
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted(
        ["saved", f"{volunteer.full_name}'s attendance is already recorded."]
    )
    assert TrainingAttendance.objects.filter(session=session, volunteer=volunteer).count() == 1
