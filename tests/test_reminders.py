"""Daily reminders and the weekly digest: each situation is emailed once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from families.services import log_visit
from outcomes.services import submit_evaluation
from referrals.models import Referral
from tests.outcomes.helpers import closed
from vicp.composition import reminders
from vicp.models import SentReminder
from vicp.settings import CELERY_BEAT_SCHEDULE

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def sent_to(email):
    return [m for m in mail.outbox if email in m.to]


def visit(match, days_ago):
    return log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=today() - datetime.timedelta(days=days_ago),
        duration_minutes=60,
        engagement=3,
    )


def test_beat_runs_them_daily_and_weekly():
    assert (
        CELERY_BEAT_SCHEDULE["daily-reminders"]["task"]
        == "vicp.composition.tasks.send_daily_reminders"
    )
    assert (
        CELERY_BEAT_SCHEDULE["weekly-digest"]["task"] == "vicp.composition.tasks.send_weekly_digest"
    )


def test_13_days_without_contact_is_fine_14_is_not(match):
    visit(match, 13)
    reminders.send_daily_reminders()
    assert not any("no visit with contact" in m.body for m in mail.outbox)
    reminders.send_daily_reminders(today=today() + datetime.timedelta(days=1))
    (manager_mail,) = sent_to("alice@example.org")
    assert "no visit with contact since" in manager_mail.body
    (volunteer_mail,) = sent_to("val@example.org")
    assert "since you last saw the family" in volunteer_mail.body


def test_a_second_run_sends_nothing_new(match):
    visit(match, 20)
    reminders.send_daily_reminders()
    count = len(mail.outbox)
    reminders.send_daily_reminders()
    assert len(mail.outbox) == count
    assert SentReminder.objects.filter(kind="no_visit").count() == 1


def test_an_attempt_without_contact_does_not_reset_the_clock(match):
    visit(match, 20)
    log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=today(),
        duration_minutes=15,
        contact_made=False,
    )
    reminders.send_daily_reminders()
    assert sent_to("alice@example.org")


def test_a_new_silence_after_a_visit_is_reminded_again(match):
    visit(match, 20)
    reminders.send_daily_reminders()
    visit(match, 0)
    reminders.send_daily_reminders(today=today() + datetime.timedelta(days=15))
    assert SentReminder.objects.filter(kind="no_visit").count() == 2


def test_a_match_reaching_26_weeks_is_flagged_once(match):
    match.started_on = today() - datetime.timedelta(weeks=26)
    match.save()
    visit(match, 1)
    reminders.send_daily_reminders()
    reminders.send_daily_reminders()
    assert [m for m in sent_to("alice@example.org") if "reached 26 weeks" in m.body].__len__() == 1


def test_a_match_of_25_weeks_is_not_flagged(match):
    match.started_on = today() - datetime.timedelta(weeks=26) + datetime.timedelta(days=1)
    match.save()
    visit(match, 1)
    reminders.send_daily_reminders()
    assert not any("26 weeks" in m.body for m in mail.outbox)


def test_referrals_waiting_5_working_days_are_reminded(referral, alice):
    monday = today() - datetime.timedelta(days=today().weekday())
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime.combine(monday, datetime.time(9)))
        - datetime.timedelta(days=7)
    )
    reminders.send_daily_reminders(today=monday)
    assert any("working days for a decision" in m.body for m in sent_to("alice@example.org"))


def test_the_weekly_digest_lists_each_active_match_once_a_week(match):
    visit(match, 2)
    assert reminders.send_weekly_digest() == 1
    assert reminders.send_weekly_digest() == 0
    (digest,) = sent_to("alice@example.org")
    assert match.family.case_reference in digest.body and "last visit" in digest.body


def test_reminders_carry_no_family_names(match):
    visit(match, 20)
    reminders.send_daily_reminders()
    assert all("Doe" not in m.body for m in mail.outbox)


def test_missing_evaluations_are_chased_a_week_after_closure_not_before(match, alice, sam):
    family = closed(match.family, alice)
    volunteer_user = match.volunteer.user
    reminders.send_daily_reminders(today=today() + datetime.timedelta(days=6))
    assert not any("evaluation" in m.body for m in mail.outbox)

    submit_evaluation(
        family=family,
        respondent="social_worker",
        by=sam,
        answers={"helpful": 5, "engagement": 4, "partnership": 5, "changes": "Calmer mornings."},
    )
    reminders.send_daily_reminders(today=today() + datetime.timedelta(days=7))
    (manager_mail,) = [m for m in sent_to("alice@example.org") if "evaluation" in m.body]
    assert f"Case {family.case_reference} closed on" in manager_mail.body
    assert "missing from volunteer, family" in manager_mail.body
    (volunteer_mail,) = sent_to(volunteer_user.email)
    assert "missing from volunteer" in volunteer_mail.body
    assert not sent_to("sam@example.org")  # Sam has given his

    count = len(mail.outbox)
    reminders.send_daily_reminders(today=today() + datetime.timedelta(days=8))
    assert len(mail.outbox) == count


def test_a_social_worker_is_reminded_of_their_own_evaluation(match, alice):
    family = closed(match.family, alice)
    reminders.send_daily_reminders(today=today() + datetime.timedelta(days=7))
    (sam_mail,) = sent_to("sam@example.org")
    assert family.case_reference in sam_mail.body
    assert "Doe" not in sam_mail.body
