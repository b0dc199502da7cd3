"""The case moves to another social worker (grants move with it); the volunteer is
changed in one step (the old match ends and the new one starts, or neither)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from guardian.shortcuts import assign_perm, get_objects_for_user

from families import services
from families.models import Family, Match
from referrals.models import Referral
from tests import factories
from vicp.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def sue(cambridgeshire):
    """Another social worker who may refer to Cambridgeshire."""
    user = factories.SocialWorkerFactory(email="sue@example.org", first_name="Sue", last_name="Ng")
    assign_perm("vicp.refer_to_project", user, cambridgeshire)
    return user


def sees(user, family):
    families = get_objects_for_user(user, "families.view_family", Family, accept_global_perms=False)
    referrals = get_objects_for_user(
        user, "referrals.view_referral", Referral, accept_global_perms=False
    )
    return family in families, family.referral in referrals


def test_the_case_moves_to_another_social_worker_with_its_grants(
    family, alice, sam, sue, django_capture_on_commit_callbacks
):
    assert sees(sam, family) == (True, True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_social_worker(family, by=alice, social_worker=sue, reason="Sam moved team")
    family.refresh_from_db()
    assert family.referral.social_worker == sue
    assert sees(sue, family) == (True, True)
    assert sees(sam, family) == (False, False)
    assert family.referral.history.first().history_change_reason == "Sam moved team"
    assert [m.to for m in mail.outbox] == [["sue@example.org"]]
    assert family.case_reference in mail.outbox[0].subject
    assert family.family_name not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="family.social_worker_changed").exists()


def test_only_a_social_worker_of_the_project_may_hold_the_case(family, alice, sally, sam, sue):
    for person, message in ((sally, "may refer"), (sam, "already holds"), (alice, "may refer")):
        with pytest.raises(ValidationError, match=message):
            services.change_social_worker(family, by=alice, social_worker=person, reason="x")
    sue.is_active = False
    sue.save()
    with pytest.raises(ValidationError, match="may refer"):
        services.change_social_worker(family, by=alice, social_worker=sue, reason="x")


def test_a_reason_is_needed_and_only_managers_move_the_case(family, alice, charlie, sue):
    with pytest.raises(ValidationError, match="Say why"):
        services.change_social_worker(family, by=alice, social_worker=sue, reason=" ")
    with pytest.raises(ValidationError):
        services.change_social_worker(family, by=charlie, social_worker=sue, reason="x")


def test_the_choice_lists_the_projects_active_social_workers(family, sam, sue, sally):
    assert list(services.social_workers_for(family)) == [sue, sam]


def test_the_page_moves_the_case(client_for, family, alice, sue):
    url = reverse("families:change_social_worker", args=[family.pk])
    response = client_for(alice).post(url, {"social_worker": "", "reason": "Moved"})
    assert response.status_code == 400
    assert "Choose the social worker who now holds the case." in response.content.decode()
    assert "Moved" in response.content.decode()
    client_for(alice).post(url, {"social_worker": sue.pk, "reason": "Moved"})
    assert Referral.objects.get(pk=family.referral_id).social_worker == sue


def test_the_volunteer_is_changed_in_one_step(match, alice, cambridgeshire):
    new = factories.ReadyVolunteerFactory(project=cambridgeshire, signed_off_by=alice)
    started = services.change_volunteer(match, by=alice, volunteer=new, reason="volunteer_left")
    match.refresh_from_db()
    assert match.ended_on is not None and match.end_reason == "volunteer_left"
    assert started.volunteer == new and started.is_active
    assert Family.objects.get(pk=match.family_id).status == Family.Status.MATCHED
    assert match.family in get_objects_for_user(new.user, "families.view_family", Family)
    assert match.family not in get_objects_for_user(
        match.volunteer.user, "families.view_family", Family
    )


def test_a_volunteer_who_cannot_start_leaves_the_match_as_it_was(match, alice, cambridgeshire):
    not_ready = factories.VolunteerFactory(project=cambridgeshire)
    with pytest.raises(ValidationError, match="not signed off"):
        services.change_volunteer(match, by=alice, volunteer=not_ready, reason="volunteer_left")
    match.refresh_from_db()
    assert match.is_active
    assert Match.objects.filter(family=match.family).count() == 1
    with pytest.raises(ValidationError, match="different"):
        services.change_volunteer(match, by=alice, volunteer=match.volunteer, reason="other")


MANAGERS_ONLY = [("alice", 200), ("ada", 200), ("charlie", 404), ("sam", 404), ("una", 404)]


@pytest.mark.parametrize(("who", "status"), MANAGERS_ONLY)
def test_who_may_change_the_social_worker_or_the_volunteer(client_for, cast, match, who, status):
    user = cast[who]
    for url in (
        reverse("families:change_social_worker", args=[match.family.pk]),
        reverse("families:change_volunteer", args=[match.pk]),
    ):
        assert client_for(user).get(url).status_code == status, url


def test_the_matched_volunteer_may_not_change_the_volunteer(client_for, match):
    url = reverse("families:change_volunteer", args=[match.pk])
    assert client_for(match.volunteer.user).get(url).status_code == 404


def test_the_change_page_starts_the_new_match(client_for, match, alice, cambridgeshire):
    new = factories.ReadyVolunteerFactory(project=cambridgeshire, signed_off_by=alice)
    url = reverse("families:change_volunteer", args=[match.pk])
    page = client_for(alice).get(url).content.decode()
    assert escape(new.full_name) in page and "Both happen together" in page
    response = client_for(alice).post(url, {"reason": "volunteer_left", "notes": "Val moved"})
    assert response.status_code == 400
    assert "Choose the volunteer who will work with the family." in response.content.decode()
    client_for(alice).post(url, {"volunteer": new.pk, "reason": "volunteer_left", "notes": ""})
    assert Match.objects.get(family=match.family, ended_on=None).volunteer == new
