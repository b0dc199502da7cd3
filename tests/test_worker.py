"""Background tasks run on a real Celery worker through Redis, after the commit."""

import pytest
from django.core import mail

from vicp import services
from vicp.models import User
from vicp.tasks import ping

from .conftest import wait_for

pytestmark = pytest.mark.worker


def test_a_worker_answers_a_task(celery_worker):
    assert ping.delay().get(timeout=60) == "pong"


def test_an_invitation_is_emailed_by_the_worker_after_commit(celery_worker, cambridgeshire, alice):
    services.invite_social_worker(
        project=cambridgeshire,
        by=alice,
        email="nadia@example.org",
        first_name="Nadia",
        last_name="Begum",
    )
    assert User.objects.filter(email="nadia@example.org").exists()
    assert wait_for(lambda: len(mail.outbox) == 1), (
        f"the worker did not send the invitation: it ran {celery_worker.ran}, sent {mail.outbox}"
    )
    assert mail.outbox[0].to == ["nadia@example.org"]
    assert "/accounts/reset/" in mail.outbox[0].body
