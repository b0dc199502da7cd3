"""Application and sign-off emails go through a real Celery worker after the commit."""

import pytest
from django.core import mail

from tests.conftest import wait_for
from volunteers import services

from .helpers import all_steps

pytestmark = pytest.mark.worker


def test_the_managers_hear_of_an_application_from_the_worker(celery_worker, cambridgeshire, alice):
    services.submit_application(
        project=cambridgeshire,
        first_name="Nia",
        last_name="Osei",
        email="nia@example.org",
        phone="07700 900456",
        postcode="CB2 1TN",
        consent_to_checks=True,
    )
    assert wait_for(lambda: len(mail.outbox) == 1), (
        f"the worker did not email the managers: it ran {celery_worker.ran}, sent {mail.outbox}"
    )
    assert mail.outbox[0].to == [alice.email]
    assert "nia@example.org" not in mail.outbox[0].body


def test_sign_off_invites_the_volunteer_through_the_worker(celery_worker, applicant, alice):
    all_steps(applicant, alice)
    services.sign_off(applicant, by=alice)
    assert wait_for(lambda: len(mail.outbox) == 1), (
        f"the worker did not send the invitation: it ran {celery_worker.ran}, sent {mail.outbox}"
    )
    assert mail.outbox[0].to == ["amira@example.org"]
    assert "/accounts/reset/" in mail.outbox[0].body
