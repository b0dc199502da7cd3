import itertools
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from families.models import Family, Match, Visit
from referrals.models import Referral
from vicp.models import AuditEvent, Project, User
from vicp.permissions import projects_managed_by, projects_visible_to
from volunteers.models import Volunteer
from volunteers.services import sign_off_blockers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def run(**options):
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def test_it_creates_two_projects_and_one_account_per_role_per_project(settings):
    settings.DEBUG = True
    output = run()
    assert set(Project.objects.values_list("code", flat=True)) == {"CAM", "STH"}
    for role in ("project_manager", "social_worker", "volunteer"):
        assert User.objects.filter(role=role, is_active=True).count() == 2
    assert User.objects.filter(role="admin").count() == 1
    assert "demo-vicp-2026" in output and "pm.cam@example.org" in output
    pm = User.objects.get(email="pm.cam@example.org")
    assert list(projects_managed_by(pm).values_list("code", flat=True)) == ["CAM"]
    sw = User.objects.get(email="sw.sth@example.org")
    assert list(projects_visible_to(sw).values_list("code", flat=True)) == ["STH"]
    assert pm.check_password("demo-vicp-2026")


def test_running_it_twice_changes_nothing(settings):
    settings.DEBUG = True
    run()
    before = (
        User.objects.count(),
        Project.objects.count(),
        list(User.objects.values_list("password", flat=True)),
    )
    run()
    after = (
        User.objects.count(),
        Project.objects.count(),
        list(User.objects.values_list("password", flat=True)),
    )
    assert before == after


def test_it_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        run()
    assert not User.objects.exists()


def test_force_overrides_the_refusal(settings):
    settings.DEBUG = False
    run(force=True)
    assert User.objects.filter(is_active=True).count() == 7


def test_it_gives_each_demo_volunteer_a_signed_off_record_and_some_applicants(settings):
    settings.DEBUG = True
    run()
    run()  # idempotent
    for email, stage in (
        ("volunteer.cam@example.org", "matched"),
        ("volunteer.sth@example.org", "ready"),
    ):
        record = Volunteer.objects.get(user__email=email)
        assert record.stage == stage and sign_off_blockers(record) == []
        assert record.user.has_perm("volunteers.view_volunteer", record)
    stages = set(Volunteer.objects.values_list("stage", flat=True))
    assert {"applied", "interviewing", "checks", "training", "ready", "matched"} <= stages
    # Seven in the pipeline, and five former volunteers who worked with the closed cases.
    assert Volunteer.objects.count() == 12
    former = Volunteer.objects.filter(stage="left")
    assert former.count() == 5
    assert not former.filter(user__is_active=True).exists()


def test_it_creates_referrals_a_family_and_a_match_with_visits(settings):
    settings.DEBUG = True
    run()
    run()  # idempotent
    assert set(Referral.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "accepted",
    }
    carter = Family.objects.get(family_name="Carter")
    match = Match.objects.get(family=carter, ended_on=None)
    assert match.volunteer.user.email == "volunteer.cam@example.org"
    assert Visit.objects.filter(match=match).count() == 4


def test_each_step_is_dated_on_its_own_day_and_none_in_the_future(settings):
    settings.DEBUG = True
    run()
    now = timezone.now()
    waiting = Referral.objects.filter(status="submitted").values_list("submitted_at", flat=True)
    assert len({moment.date() for moment in waiting}) == waiting.count() > 1
    for referral in Referral.objects.exclude(status="draft"):
        assert referral.created_at <= referral.submitted_at <= now
        if referral.decided_at:
            assert referral.submitted_at < referral.decided_at <= now
    for family in Family.objects.all():
        assert family.accepted_on == timezone.localdate(family.referral.decided_at)
        assert family.matches.earliest("started_on").started_on > family.accepted_on
    for volunteer in Volunteer.objects.all():
        assert volunteer.applied_at <= volunteer.stage_changes.earliest("at").at
        moments = list(volunteer.stage_changes.order_by("pk").values_list("at", flat=True))
        assert moments == sorted(moments) and moments[-1] <= now
    assert AuditEvent.objects.filter(at__gt=now).count() == 0
    assert AuditEvent.objects.dates("at", "day").count() > 30


def test_no_volunteer_works_with_two_families_at_once(settings):
    settings.DEBUG = True
    run()
    for volunteer in Volunteer.objects.filter(matches__isnull=False).distinct():
        matches = list(volunteer.matches.order_by("started_on"))
        for before, after in itertools.pairwise(matches):
            assert before.ended_on is not None and before.ended_on <= after.started_on
