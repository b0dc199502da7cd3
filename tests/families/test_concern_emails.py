"""The emails a safeguarding concern sends: when it is raised, to the safeguarding lead,
the managers and the social worker; when nobody acknowledges it in time, once, to the
deputy lead and the managers. They name the case, never the child."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from families import services
from families.models import Concern, ConcernCategory
from families.tasks import escalate_unacknowledged_concerns
from tests import factories

pytestmark = pytest.mark.django_db
SEEN = "Amy had a bruise on her cheek and said her uncle shouted at her."


@pytest.fixture
def leads(match, alice, settings):
    """Cambridgeshire's safeguarding lead Lena (also one of its managers, as is Alice) and
    its deputy Dev (not a manager); Olly, a manager who has left, is told nothing."""
    settings.VICP_CONCERN_ACK_MINUTES = 60
    project = match.family.project
    lena = factories.ProjectManagerFactory(email="lena@example.org")
    dev = factories.ProjectManagerFactory(email="dev@example.org")
    olly = factories.ProjectManagerFactory(email="olly@example.org", is_active=False)
    project.managers.add(lena, olly)
    project.safeguarding_lead, project.deputy_safeguarding_lead = lena, dev
    project.save()
    return {"lena": lena, "dev": dev, "alice": alice}


def raise_one(match, capture):
    with capture(execute=True):
        return services.raise_concern(
            family=match.family,
            by=match.volunteer.user,
            category=ConcernCategory.PHYSICAL,
            details=SEEN,
            immediate_danger=True,
        )


def raised_minutes_ago(concern, minutes):
    Concern.objects.filter(pk=concern.pk).update(
        raised_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def assert_names_no_child(message, family):
    text = f"{message.subject}\n{message.body}"
    assert family.case_reference in message.subject and family.case_reference in message.body
    for child in family.children.all():
        for detail in (child.first_name, child.last_name, f"{child.date_of_birth:%d/%m/%Y}"):
            assert detail not in text
    for secret in (family.family_name, "bruise", "uncle", match_volunteer_name(family)):
        assert secret not in text


def match_volunteer_name(family):
    return family.matches.get().volunteer.user.get_full_name()


def test_a_raised_concern_emails_the_lead_managers_and_social_worker_once_each(
    match, leads, sam, django_capture_on_commit_callbacks
):
    concern = raise_one(match, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert sorted(message.to) == [
        "alice@example.org",
        "lena@example.org",
        "sam@example.org",
    ]
    assert_names_no_child(message, match.family)
    assert "immediate danger" in message.subject
    assert reverse("families:concern", args=[concern.pk]) in message.body


def test_an_unacknowledged_concern_is_escalated_after_the_hour_and_only_once(
    match, leads, sam, django_capture_on_commit_callbacks
):
    concern = raise_one(match, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    raised_minutes_ago(concern, 59)
    assert escalate_unacknowledged_concerns() == []
    assert mail.outbox == []
    concern.refresh_from_db()
    assert concern.escalated_at is None

    raised_minutes_ago(concern, 61)
    assert escalate_unacknowledged_concerns() == [concern.pk]
    assert escalate_unacknowledged_concerns() == []
    (message,) = mail.outbox
    assert sorted(message.to) == ["alice@example.org", "dev@example.org", "lena@example.org"]
    assert message.subject.startswith("Not yet acknowledged")
    assert_names_no_child(message, match.family)
    assert reverse("families:concern", args=[concern.pk]) in message.body
    concern.refresh_from_db()
    assert concern.escalated_at is not None


def test_an_acknowledged_concern_is_not_escalated(match, leads, django_capture_on_commit_callbacks):
    concern = raise_one(match, django_capture_on_commit_callbacks)
    services.acknowledge_concern(concern, by=leads["alice"])
    mail.outbox.clear()
    raised_minutes_ago(concern, 61)
    assert escalate_unacknowledged_concerns() == []
    assert mail.outbox == []
