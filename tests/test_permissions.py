"""The permission backbone: who sees which objects, and 404 for everyone else."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from families.models import Family
from referrals.models import Referral
from tests.factories import AcceptedFamilyFactory
from vicp.audit import current_request
from vicp.models import Project, ProjectUserObjectPermission
from vicp.permissions import (
    get_object_for_user,
    granted,
    in_managed_projects,
    manages,
    projects_managed_by,
    projects_visible_to,
    visible_to,
)
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_a_project_manager_sees_only_the_projects_they_manage(cast, cambridgeshire, southend):
    assert list(projects_managed_by(cast["alice"])) == [cambridgeshire]
    assert list(projects_managed_by(cast["charlie"])) == [southend]


def test_an_admin_sees_every_project(cast, cambridgeshire, southend):
    assert set(projects_managed_by(cast["ada"])) == {cambridgeshire, southend}


def test_social_workers_and_volunteers_manage_nothing(cast):
    for name in ("sam", "sally", "vera", "una"):
        assert not projects_managed_by(cast[name]).exists()


@pytest.fixture
def in_a_request():
    token = current_request.set(RequestFactory().get("/"))
    yield
    current_request.reset(token)


def test_a_request_reads_the_managers_projects_once(cast, cambridgeshire, in_a_request):
    alice = cast["alice"]
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert manages(alice, cambridgeshire)
            assert list(projects_managed_by(alice)) == [cambridgeshire]
    assert len(queries) == 1 + 3  # the ids once, then the three lists of projects


def test_a_change_of_managers_in_the_request_is_seen_at_once(
    cast, cambridgeshire, southend, in_a_request
):
    alice = cast["alice"]
    assert not manages(alice, southend)
    southend.managers.add(alice)
    assert manages(alice, southend)
    cambridgeshire.managers.remove(alice)
    assert list(projects_managed_by(alice)) == [southend]
    alice.managed_projects.clear()
    assert not projects_managed_by(alice).exists()


def test_outside_a_request_the_managers_projects_are_read_every_time(cast, southend):
    alice = cast["alice"]
    assert not manages(alice, southend)
    # Written behind the ORM's back: nothing could have told a cache.
    Project.managers.through.objects.create(project=southend, user=alice)
    assert manages(alice, southend)


def test_the_managed_projects_filter_names_the_projects(cast, family, southend):
    families = Family.objects.all()
    of_alice = families.filter(in_managed_projects(cast["alice"]))
    assert list(of_alice) == [family]
    assert "vicp_project_managers" not in str(of_alice.query)  # the ids, not the join
    assert not families.filter(in_managed_projects(cast["charlie"])).exists()
    assert list(families.filter(in_managed_projects(cast["ada"]))) == [family]
    for name in ("sam", "vera", "una"):
        assert not families.filter(in_managed_projects(cast[name])).exists()


GUARDED = [
    ("families.view_family", Family),
    ("referrals.view_referral", Referral),
    ("referrals.change_referral", Referral),
    ("volunteers.view_volunteer", Volunteer),
    ("vicp.refer_to_project", Project),
]


def test_grants_read_the_same_rows_as_guardians_own_query(cast, match):
    volunteer = match.volunteer.user
    other_family = AcceptedFamilyFactory(project=match.family.project)
    assign_perm("families.view_family", cast["una"], other_family)
    cast["sally"].user_permissions.add(Permission.objects.get(codename="view_family"))
    people = [*cast.values(), volunteer]
    seen = 0
    for perm, model in GUARDED:
        for person in people:
            person = type(person).objects.get(pk=person.pk)  # no cached permissions
            ours = set(granted(person, perm, model.objects.all()))
            guardians = set(
                get_objects_for_user(
                    person,
                    perm,
                    model.objects.all(),
                    use_groups=False,
                    accept_global_perms=False,
                    with_superuser=False,
                )
            )
            assert ours == guardians, (perm, person)
            seen += len(ours)
    assert seen >= 5  # the volunteer's family and record, the referral, una's, sam's project


def test_a_social_worker_sees_the_projects_they_were_granted(cast, cambridgeshire, southend):
    assert list(projects_visible_to(cast["sam"])) == [cambridgeshire]
    assert list(projects_visible_to(cast["sally"])) == [southend]
    assert not projects_visible_to(cast["vera"]).exists()


def test_grants_use_the_direct_foreign_key_table(cast, cambridgeshire):
    row = ProjectUserObjectPermission.objects.get(user=cast["sam"])
    assert row.content_object == cambridgeshire
    assert row.permission.codename == "refer_to_project"


def test_revoking_a_grant_removes_access(cast, cambridgeshire):
    remove_perm("vicp.refer_to_project", cast["sam"], cambridgeshire)
    assert not projects_visible_to(cast["sam"]).exists()


def test_a_global_permission_never_opens_every_object(cast, cambridgeshire, southend):
    sam = cast["sam"]
    sam.user_permissions.add(Permission.objects.get(codename="refer_to_project"))
    sam = type(sam).objects.get(pk=sam.pk)  # fresh permission cache
    assert sam.has_perm("vicp.refer_to_project")  # the model-level permission is there...
    assert list(projects_visible_to(sam)) == [cambridgeshire]  # ...and opens nothing more


def test_a_superuser_flag_alone_does_not_bypass_object_grants(cast, southend):
    sam = cast["sam"]
    sam.is_superuser = True
    sam.save()
    assert southend not in visible_to(
        sam, Project.objects.all(), "vicp.refer_to_project", project_field=None
    )


def test_a_managers_access_comes_through_their_projects_only(cast, cambridgeshire, southend):
    alice = cast["alice"]
    queryset = Project.objects.all()
    perm = "vicp.refer_to_project"
    assert list(visible_to(alice, queryset, perm, project_field="pk")) == [cambridgeshire]
    assign_perm(perm, alice, southend)  # a stray grant does not widen a manager's access
    assert list(visible_to(alice, queryset, perm, project_field="pk")) == [cambridgeshire]


def test_everyone_else_sees_what_they_were_granted(cast, cambridgeshire, southend):
    sam = cast["sam"]
    perm = "vicp.refer_to_project"
    assert list(visible_to(sam, Project.objects.all(), perm)) == [cambridgeshire]
    assign_perm(perm, sam, southend)
    assert set(visible_to(sam, Project.objects.all(), perm)) == {cambridgeshire, southend}


def test_inactive_and_anonymous_users_see_nothing(cast):
    alice = cast["alice"]
    alice.is_active = False
    assert not visible_to(
        alice, Project.objects.all(), "vicp.refer_to_project", project_field="pk"
    ).exists()
    assert not visible_to(AnonymousUser(), Project.objects.all(), "vicp.refer_to_project").exists()


def test_get_object_for_user_answers_404_not_403(cast, cambridgeshire, southend):
    queryset = Project.objects.all()
    perm = "vicp.refer_to_project"
    assert (
        get_object_for_user(cast["alice"], queryset, cambridgeshire.pk, perm, project_field="pk")
        == cambridgeshire
    )
    with pytest.raises(Http404):
        get_object_for_user(cast["charlie"], queryset, cambridgeshire.pk, perm, project_field="pk")
    with pytest.raises(Http404):
        get_object_for_user(cast["alice"], queryset, 999999, perm, project_field="pk")
