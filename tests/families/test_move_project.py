"""A case moves to another project (the family moved to another area): who may move it,
what stops the move, what moves with it and who is told."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from guardian.shortcuts import assign_perm, get_objects_for_user

from families import selectors, services
from families.models import Family
from outcomes.models import Report
from outcomes.services import request_report
from referrals.models import LevelOfNeed, Referral
from referrals.selectors import referrals_visible_to
from tests import factories
from vicp.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

REASON = "The family moved to Southend"


@pytest.fixture
def morgan(cambridgeshire, southend):
    """A manager of both projects."""
    user = factories.ProjectManagerFactory(
        email="morgan@example.org", first_name="Morgan", last_name="Moss"
    )
    cambridgeshire.managers.add(user)
    southend.managers.add(user)
    return user


@pytest.fixture
def sam_refers_to_southend(sam, southend):
    assign_perm("vicp.refer_to_project", sam, southend)
    return sam


def move(family, by, to, reason=REASON, **extra):
    return services.move_to_project(family, to_project=to, by=by, reason=reason, **extra)


def sees(user, family):
    families = get_objects_for_user(user, "families.view_family", Family, accept_global_perms=False)
    referrals = get_objects_for_user(
        user, "referrals.view_referral", Referral, accept_global_perms=False
    )
    return family in families, family.referral in referrals


# --- The service ------------------------------------------------------------------------


@pytest.mark.usefixtures("sam_refers_to_southend")
def test_the_case_moves_with_its_referral_history_audit_and_emails(
    family, morgan, southend, cambridgeshire, charlie, sam, django_capture_on_commit_callbacks
):
    reference, level = family.case_reference, family.level_of_need
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move(family, morgan, southend)
    family.refresh_from_db()
    assert family.project == southend
    assert family.case_reference == reference  # the reference people know it by stays
    assert family.level_of_need == level  # Southend uses the default scale too
    assert family.referral.project == southend
    assert family.referral.family == family
    assert sees(sam, family) == (True, True)

    changes = [
        (what, field, before, after)
        for _, who, what, field, before, after in selectors.family_changes(family)
    ]
    assert (f"Family (moved to Southend: {REASON})", "project", "Cambridgeshire", "Southend") in (
        changes
    )
    assert family.history.first().history_user == morgan
    assert family.referral.history.first().history_change_reason.startswith("moved to Southend")

    event = AuditEvent.objects.get(action="family.moved_project")
    assert (event.actor, event.project) == (morgan, southend)
    assert event.details["from_project"] == cambridgeshire.pk
    assert event.details["reason"] == REASON

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted(
        ["charlie@example.org", "morgan@example.org", "sam@example.org"]
    )
    assert reference in message.subject
    assert "Cambridgeshire" in message.body
    assert family.family_name not in message.subject + message.body
    assert "Amy" not in message.body


@pytest.mark.usefixtures("sam_refers_to_southend")
def test_the_old_managers_lose_sight_of_the_case_and_the_new_ones_gain_it(
    family, ada, southend, alice, charlie, client_for
):
    detail = reverse("families:detail", args=[family.pk])
    referral = reverse("referrals:detail", args=[family.referral.pk])
    assert client_for(charlie).get(detail).status_code == 404
    move(family, ada, southend)
    assert client_for(alice).get(detail).status_code == 404
    assert client_for(alice).get(referral).status_code == 404
    assert family not in selectors.families_visible_to(alice)
    assert family.referral not in referrals_visible_to(alice)
    assert client_for(charlie).get(detail).status_code == 200
    assert client_for(charlie).get(referral).status_code == 200
    assert family in selectors.families_visible_to(charlie)


def test_an_active_match_is_refused_and_an_ended_one_is_fine(match, morgan, southend, alice):
    family = match.family
    assign_perm("vicp.refer_to_project", family.referral.social_worker, southend)
    with pytest.raises(ValidationError, match=r"Val Green works with the family .* end the match"):
        move(family, morgan, southend)
    assert Family.objects.get(pk=family.pk).project != southend

    services.end_match(match, by=alice, reason="family_moved")
    move(family, morgan, southend)
    assert Family.objects.get(pk=family.pk).project == southend
    # Val's match ended in Cambridgeshire: she has no way into the moved case.
    assert sees(match.volunteer.user, family) == (False, False)


@pytest.mark.usefixtures("sam_refers_to_southend")
def test_a_closed_case_is_refused(family, morgan, southend):
    services.close_case(family, by=morgan, reason="Done", missing_reason="family_moved")
    with pytest.raises(ValidationError, match="The case is closed: reopen it"):
        move(family, morgan, southend)


@pytest.mark.usefixtures("sam_refers_to_southend")
def test_an_anonymised_case_is_refused(family, morgan, southend):
    Family.objects.filter(pk=family.pk).update(anonymised_on=family.accepted_on)
    with pytest.raises(ValidationError, match="removed under the retention policy"):
        move(family, morgan, southend)


def test_the_same_project_and_a_blank_reason_are_refused(family, morgan, cambridgeshire):
    with pytest.raises(ValidationError) as refused:
        move(family, morgan, cambridgeshire, reason="  ")
    assert refused.value.message_dict == {
        "to_project": ["The case is already in Cambridgeshire: choose another project."],
        "reason": ["Say why the case is moving to another project."],
    }


@pytest.mark.usefixtures("sam_refers_to_southend")
def test_a_project_no_longer_running_is_refused(family, morgan, southend):
    southend.is_active = False
    southend.save()
    with pytest.raises(ValidationError, match="Southend is no longer running"):
        move(family, morgan, southend)


@pytest.mark.usefixtures("sam_refers_to_southend")
def test_a_manager_of_one_project_only_cannot_move_the_case(family, alice, charlie, southend):
    for manager in (alice, charlie):
        with pytest.raises(ValidationError, match="a manager of both projects"):
            move(family, manager, southend)
    assert Family.objects.get(pk=family.pk).project != southend


def test_only_a_social_worker_who_may_refer_to_the_new_project_keeps_the_case(
    family, morgan, southend, sam, sally
):
    with pytest.raises(ValidationError, match=r"Sam Shah.* may not refer to Southend: change the"):
        move(family, morgan, southend)
    assign_perm("vicp.refer_to_project", sally, family.project)
    services.change_social_worker(family, by=morgan, social_worker=sally, reason="Moved")
    move(family, morgan, southend)
    assert sees(sally, family) == (True, True)
    assert sees(sam, family) == (False, False)


@pytest.mark.usefixtures("sam_refers_to_southend")
def test_the_level_of_need_is_asked_for_on_the_new_projects_own_scale(
    family, morgan, southend, cambridgeshire
):
    own = [
        LevelOfNeed.objects.create(project=southend, ordinal=n, name=name)
        for n, name in enumerate(("Low", "Medium", "High"), start=1)
    ]
    with pytest.raises(ValidationError) as refused:
        move(family, morgan, southend)
    assert refused.value.message_dict == {
        "level_of_need": ["Southend uses another scale of need: choose the family's level on it."]
    }
    with pytest.raises(ValidationError, match="on Southend's scale"):
        move(family, morgan, southend, level_of_need=family.level_of_need)
    move(family, morgan, southend, level_of_need=own[2])
    family.refresh_from_db()
    assert family.level_of_need == own[2]


@pytest.mark.usefixtures("sam_refers_to_southend")
def test_drafts_and_claims_left_for_the_old_project_are_refused(match, morgan, southend, alice):
    family = match.family
    services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=match.started_on,
        duration_minutes=60,
        engagement=3,
        miles=12,
    )
    services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=match.started_on,
        duration_minutes=60,
        draft=True,
    )
    services.end_match(match, by=alice, reason="family_moved")
    with pytest.raises(ValidationError) as refused:
        move(family, morgan, southend)
    messages = refused.value.messages
    assert any("Finish or discard the 1 unfinished visit draft " in m for m in messages)
    assert any("Pay the 1 mileage claim for visits" in m for m in messages)


@pytest.mark.usefixtures("sam_refers_to_southend")
def test_the_familys_reports_move_with_it(family, morgan, southend, alice, charlie):
    services.close_case(family, by=alice, reason="Done", missing_reason="family_moved")
    report = request_report(kind="case_closure", by=alice, family=family)
    services.reopen_case(family, by=alice, reason="Back with us")
    move(family, morgan, southend)
    report.refresh_from_db()
    assert report.project == southend
    assert AuditEvent.objects.filter(action="report.moved_with_case").exists()
    assert not Report.objects.filter(family=family, project=family.referral.project).exclude(
        project=southend
    )


# --- The page ---------------------------------------------------------------------------


def test_the_page_is_for_the_familys_managers(family, client, client_for, cast):
    url = reverse("families:move_project", args=[family.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client_for(cast["alice"]).get(url).status_code == 200
    for who in ("charlie", "sam", "vera"):
        assert client_for(cast[who]).get(url).status_code == 404, who
        assert client_for(cast[who]).post(url, {"reason": "x"}).status_code == 404, who


def test_the_volunteer_working_with_the_family_is_refused(match, client_for):
    url = reverse("families:move_project", args=[match.family.pk])
    assert client_for(match.volunteer.user).get(url).status_code == 404


def test_a_manager_of_one_project_is_told_who_can_move_the_case(family, client_for, alice):
    response = client_for(alice).get(reverse("families:move_project", args=[family.pk]))
    page = response.content.decode()
    assert "You manage no other project" in page
    assert "Move the case</button>" not in page


def test_the_chooser_offers_only_the_other_projects_the_user_manages(
    family, morgan, southend, client_for
):
    factories.ProjectFactory(name="Essex", code="ESX")  # Morgan does not manage it
    response = client_for(morgan).get(reverse("families:move_project", args=[family.pk]))
    form = response.context["form"]
    assert list(form.fields["to_project"].queryset) == [southend]
    assert "level_of_need" not in form.fields  # Southend keeps the family's level


def test_the_page_shows_every_problem_and_keeps_what_was_typed(match, morgan, southend, client_for):
    url = reverse("families:move_project", args=[match.family.pk])
    response = client_for(morgan).post(url, {"to_project": southend.pk, "reason": "Moved away"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "end the match first" in page
    assert "may not refer to Southend" in page
    assert "Moved away" in page
    assert Family.objects.get(pk=match.family.pk).project != southend


@pytest.mark.usefixtures("sam_refers_to_southend")
def test_the_page_asks_for_the_level_on_the_new_scale_and_moves_the_case(
    family, morgan, southend, client_for
):
    high = LevelOfNeed.objects.create(project=southend, ordinal=3, name="High")
    LevelOfNeed.objects.create(project=southend, ordinal=1, name="Low")
    url = reverse("families:move_project", args=[family.pk])
    client = client_for(morgan)
    page = client.get(url).content.decode()
    assert "The scale of Southend" in page
    response = client.post(url, {"to_project": southend.pk, "reason": REASON})
    assert response.status_code == 400
    assert "choose the family&#x27;s level on it" in response.content.decode()
    response = client.post(
        url, {"to_project": southend.pk, "level_of_need": high.pk, "reason": REASON}
    )
    assert response.status_code == 302
    family.refresh_from_db()
    assert (family.project, family.level_of_need) == (southend, high)
