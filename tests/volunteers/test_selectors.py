"""The project manager's home-page lists: supervision overdue and DBS renewals, at their edges."""

import datetime

import pytest
import time_machine

from tests import factories
from volunteers import selectors, services
from volunteers.models import DBSCheck

from .helpers import all_steps, signed_off

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def test_supervision_is_overdue_the_day_after_it_is_due(applicant, alice, settings):
    assert settings.VICP_SUPERVISION_INTERVAL_DAYS == 30
    signed_off(applicant, alice)
    services.record_supervision(applicant, by=alice, held_on=TODAY, notes="Fine.")
    due = TODAY + datetime.timedelta(days=30)
    assert selectors.supervision_overdue(alice, on=due) == []
    overdue = selectors.supervision_overdue(alice, on=due + datetime.timedelta(days=1))
    assert overdue == [applicant] and overdue[0].supervision_due_on == due


def test_someone_never_supervised_is_due_one_interval_after_sign_off(applicant, alice):
    signed_off(applicant, alice)
    assert selectors.supervision_overdue(alice, on=TODAY + datetime.timedelta(days=30)) == []
    assert selectors.supervision_overdue(alice, on=TODAY + datetime.timedelta(days=31)) == [
        applicant
    ]


def test_overdue_supervision_is_only_for_the_managers_projects(applicant, alice, charlie, ada):
    signed_off(applicant, alice)
    later = TODAY + datetime.timedelta(days=60)
    assert selectors.supervision_overdue(charlie, on=later) == []
    assert selectors.supervision_overdue(ada, on=later) == [applicant]


def test_dbs_renewals_at_day_61_60_and_lapsed(applicant, alice, charlie):
    all_steps(applicant, alice)
    DBSCheck.objects.filter(volunteer=applicant).update(issued_on=datetime.date(2024, 1, 1))
    recheck = datetime.date(2027, 1, 1)
    assert selectors.dbs_renewals(alice, on=recheck - datetime.timedelta(days=61)) == []
    [row] = selectors.dbs_renewals(alice, on=recheck - datetime.timedelta(days=60))
    assert (row["volunteer"], row["status"], row["recheck_on"]) == (
        applicant,
        "renewal_due",
        recheck,
    )
    [row] = selectors.dbs_renewals(alice, on=recheck + datetime.timedelta(days=1))
    assert row["status"] == "lapsed"
    assert selectors.dbs_renewals(charlie, on=recheck) == []


def test_a_renewed_dbs_leaves_the_renewal_list_and_keeps_its_history(applicant, alice):
    all_steps(applicant, alice)
    DBSCheck.objects.filter(volunteer=applicant).update(issued_on=datetime.date(2023, 7, 1))
    assert [r["status"] for r in selectors.dbs_renewals(alice)] == ["renewal_due"]
    services.record_dbs_check(
        applicant, certificate_number="999988887777", issued_on=TODAY, result="clear", by=alice
    )
    assert selectors.dbs_renewals(alice) == []
    assert applicant.dbs_checks.count() == 2


def test_stage_counts_cover_every_stage(applicant, alice, cambridgeshire):
    factories.VolunteerFactory(project=cambridgeshire)
    counts = dict(selectors.stage_counts(selectors.volunteers_visible_to(alice)))
    assert counts["applied"] == 2 and counts["ready"] == 0 and len(counts) == 8
