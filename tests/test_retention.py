"""Retention: closed cases and former volunteers are anonymised after 6 years."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from families.models import Child, Family, FamilyStatusChange
from families.services import close_case
from vicp import retention
from vicp.models import AuditEvent
from vicp.settings import CELERY_BEAT_SCHEDULE

pytestmark = pytest.mark.django_db


def years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def closed(family, alice, on):
    close_case(family, by=alice, reason="Work complete")
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    FamilyStatusChange.objects.filter(family=family, to_status="closed").update(at=at)
    return family


def test_a_case_closed_exactly_6_years_ago_is_kept(family, alice):
    closed(family, alice, years_ago(6))
    assert retention.apply_retention() == []
    assert Family.objects.get().family_name == "Doe"


def test_a_case_closed_6_years_and_a_day_ago_is_anonymised(family, alice):
    closed(family, alice, years_ago(6, days=1))
    Family.objects.filter(pk=family.pk).update(phone="01223 000000")
    (due,) = retention.apply_retention()
    assert due[0] == "family"
    family.refresh_from_db()
    assert (family.family_name, family.address, family.postcode, family.phone) == (
        "Anonymised",
        "",
        "",
        "",
    )
    assert family.anonymised_on == timezone.localdate()
    children = Child.objects.filter(family=family).order_by("pk")
    assert [c.first_name for c in children] == ["Child 1", "Child 2"]
    assert all((c.date_of_birth.month, c.date_of_birth.day) == (7, 1) for c in children)
    assert [c.plan_type for c in children] == ["cp", "cin"]  # what reports need stays
    family.referral.refresh_from_db()
    assert family.referral.family_name == "Anonymised"
    assert not family.history.filter(family_name="Doe").exists()
    assert not Child.history.filter(first_name="Amy").exists()
    assert AuditEvent.objects.filter(action="retention.family_anonymised").count() == 1


def test_an_open_case_is_never_touched(family):
    FamilyStatusChange.objects.filter(family=family).update(
        at=timezone.now() - datetime.timedelta(days=365 * 10)
    )
    assert retention.apply_retention() == []


def test_the_dry_run_changes_nothing_and_a_second_run_nothing_more(family, alice):
    closed(family, alice, years_ago(7))
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert f"Would anonymise {family.case_reference}" in out.getvalue()
    assert Family.objects.get().family_name == "Doe"
    call_command("apply_retention", stdout=StringIO())
    assert Family.objects.get().family_name == "Anonymised"
    again = StringIO()
    call_command("apply_retention", stdout=again)
    assert "Anonymised 0 records" in again.getvalue()
    assert AuditEvent.objects.filter(action="retention.family_anonymised").count() == 1


def test_a_volunteer_who_left_more_than_6_years_ago_is_anonymised(ready_volunteer, alice):
    from volunteers.models import DBSCheck, VolunteerStageChange
    from volunteers.services import record_leaving

    record_leaving(ready_volunteer, by=alice, reason="Moved away")
    at = timezone.make_aware(datetime.datetime.combine(years_ago(6, days=1), datetime.time(12)))
    VolunteerStageChange.objects.filter(volunteer=ready_volunteer, to_stage="left").update(at=at)
    retention.apply_retention()
    ready_volunteer.refresh_from_db()
    assert (ready_volunteer.first_name, ready_volunteer.phone) == ("Former", "")
    assert DBSCheck.objects.get(volunteer=ready_volunteer).certificate_number == "000000000000"
    user = ready_volunteer.user
    user.refresh_from_db()
    assert not user.is_active and user.email.endswith("@invalid.invalid")


def test_it_runs_daily():
    assert CELERY_BEAT_SCHEDULE["retention"]["task"] == "vicp.tasks.apply_retention"
