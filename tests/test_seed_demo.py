from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from families.models import Family, Match, Visit
from referrals.models import Referral
from vicp.models import Project, User
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
    # Seven in the pipeline, and a former volunteer who worked with the closed demo cases.
    assert Volunteer.objects.count() == 8
    assert Volunteer.objects.get(stage="left").user.is_active is False


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
