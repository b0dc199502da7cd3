"""The Decide panel and its confirmation pages: accept, waiting list, decline."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from families import services as family_services
from families.models import Family
from referrals import services
from referrals.models import Referral
from tests import factories
from tests.factories import make_referral

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def url(name, referral):
    return reverse(f"referrals:{name}", args=[referral.pk])


# --- who may reach the pages ----------------------------------------------------------


@pytest.mark.parametrize("name", ["accept", "decline"])
@pytest.mark.parametrize("who", ["charlie", "sam", "sally", "vera", "una"])
def test_only_the_projects_managers_reach_the_confirmation_pages(
    client_for, cast, referral, name, who
):
    client = client_for(cast[who])
    assert client.get(url(name, referral)).status_code == 404
    assert client.post(url(name, referral), {"decline-reason": "x"}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


@pytest.mark.parametrize("name", ["accept", "decline", "waitlist"])
def test_anonymous_visitors_are_asked_to_sign_in(client, referral, name):
    response = client.post(url(name, referral))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("who", ["alice", "ada"])
def test_the_manager_and_an_admin_reach_the_confirmation_pages(client_for, cast, referral, who):
    client = client_for(cast[who])
    assert client.get(url("accept", referral)).status_code == 200
    assert client.get(url("decline", referral)).status_code == 200


# --- the panel ------------------------------------------------------------------------


def decide_panel(client, referral):
    page = client.get(url("detail", referral)).content.decode()
    start = page.find('id="decide-heading"')
    end = page.find('id="withdraw-heading"', start)
    return page[start:end] if start > 0 else ""


def test_each_action_has_its_own_fields(client_for, alice, referral):
    panel = decide_panel(client_for(alice), referral)
    accept, rest = panel.split('id="waitlist-heading"')
    waitlist, decline = rest.split('id="decline-heading"')
    assert "<textarea" not in accept and f'href="{url("accept", referral)}"' in accept
    assert 'name="waitlist-reason"' in waitlist
    assert "<textarea" not in decline and f'href="{url("decline", referral)}"' in decline


def test_a_waitlisted_referral_offers_accept_and_decline_only(client_for, alice, referral):
    services.waitlist_referral(referral, by=alice, reason="Full")
    panel = decide_panel(client_for(alice), referral)
    assert "Accept and open a case" in panel and "Decline this referral" in panel
    assert "waitlist-reason" not in panel


@pytest.mark.parametrize("who", ["sam", "charlie"])
def test_no_panel_for_anyone_but_the_projects_managers(client_for, cast, referral, who):
    client = client_for(cast[who])
    response = client.get(url("detail", referral))
    assert response.status_code == (200 if who == "sam" else 404)
    assert 'id="decide-heading"' not in response.content.decode()


def test_a_decided_referral_has_no_panel(client_for, alice, referral):
    services.decline_referral(referral, by=alice, reason="Out of area")
    assert decide_panel(client_for(alice), referral) == ""


# --- accepting ------------------------------------------------------------------------


def test_the_accept_page_says_what_will_happen_and_changes_nothing(client_for, alice, referral):
    response = client_for(alice).get(url("accept", referral))
    page = response.content.decode()
    assert "CAM-" in response.context["reference_pattern"]
    assert response.context["reference_pattern"] in page
    assert "Sam Shah is emailed" in page
    assert not Family.objects.exists()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_a_paper_referral_without_an_email_says_nobody_is_told(client_for, alice, cambridgeshire):
    paper = make_referral(cambridgeshire, alice, submit=True, referrer_name="Pat Paper")
    page = client_for(alice).get(url("accept", paper)).content.decode()
    assert "Nobody is emailed" in page and "Pat Paper" in page


def test_accepting_opens_the_case_and_tells_the_social_worker(
    client_for, alice, referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(url("accept", referral))
    family = Family.objects.get()
    assert response["Location"] == reverse("families:detail", args=[family.pk])
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


def test_a_decided_referral_cannot_be_confirmed_again(client_for, alice, referral):
    services.decline_referral(referral, by=alice, reason="Out of area")
    client = client_for(alice)
    for name in ("accept", "decline"):
        response = client.get(url(name, referral), follow=True)
        assert response.redirect_chain[-1][0] == url("detail", referral)
        assert "no longer be made" in response.content.decode()
    client.post(url("accept", referral))
    assert not Family.objects.exists()


# --- declining ------------------------------------------------------------------------


def test_the_decline_page_says_what_will_happen(client_for, alice, referral):
    page = client_for(alice).get(url("decline", referral)).content.decode()
    assert "No case is opened" in page and "Sam Shah is emailed" in page
    assert 'name="decline-reason"' in page
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_declining_without_a_reason_shows_it_by_the_field_and_at_the_top(
    client_for, alice, referral
):
    response = client_for(alice).post(url("decline", referral), {"decline-reason": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The referral was not declined" in page
    assert 'href="#id_decline-reason"' in page  # the summary links to the field
    assert '<p id="error_1_id_decline-reason"><strong>Give the reason' in page  # by the field
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_declining_with_a_reason_tells_the_social_worker(
    client_for, alice, referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(url("decline", referral), {"decline-reason": "Too far"})
    assert response["Location"] == url("detail", referral)
    referral.refresh_from_db()
    assert (referral.status, referral.decision_reason) == ("declined", "Too far")
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


# --- the waiting list -----------------------------------------------------------------


def test_the_waiting_list_without_a_reason_keeps_the_page_and_explains(client_for, alice, referral):
    response = client_for(alice).post(url("waitlist", referral), {"waitlist-reason": " "})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The referral was not put on the waiting list" in page
    assert 'href="#id_waitlist-reason"' in page
    assert '<p id="error_1_id_waitlist-reason"><strong>Give the reason' in page
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_what_was_typed_is_kept_when_the_service_refuses(client_for, alice, referral, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValidationError({"reason": "Say more."})

    monkeypatch.setattr(services, "waitlist_referral", refuse)
    response = client_for(alice).post(url("waitlist", referral), {"waitlist-reason": "Full now"})
    page = response.content.decode()
    assert "Say more." in page and "Full now</textarea>" in page


def test_putting_on_the_waiting_list(client_for, alice, referral):
    response = client_for(alice).post(url("waitlist", referral), {"waitlist-reason": "Full"})
    assert response["Location"] == url("detail", referral)
    referral.refresh_from_db()
    assert (referral.status, referral.decision_reason) == ("waitlisted", "Full")


# --- the re-referral flag -------------------------------------------------------------


def test_a_re_referral_of_a_closed_case_is_flagged_with_a_link(
    client_for, alice, sam, cambridgeshire
):
    family = factories.AcceptedFamilyFactory(
        project=cambridgeshire, social_worker=sam, accepted_by=alice
    )
    family_services.close_case(family, by=alice, reason="Work done", missing_reason="family_moved")
    again = make_referral(cambridgeshire, sam, submit=True)
    page = client_for(alice).get(url("detail", again)).content.decode()
    assert "Re-referral of a closed case" in page
    assert reverse("families:detail", args=[family.pk]) in page
    assert f"Closed case {family.case_reference}" in page


def test_an_open_case_is_a_duplicate_but_not_a_re_referral(
    client_for, alice, sam, family, cambridgeshire
):
    again = make_referral(cambridgeshire, sam, submit=True)
    page = client_for(alice).get(url("detail", again)).content.decode()
    assert "Possible duplicate" in page and "Re-referral of a closed case" not in page


def test_the_social_worker_does_not_see_the_duplicate_check(
    client_for, alice, sam, family, cambridgeshire
):
    family_services.close_case(family, by=alice, reason="Work done", missing_reason="family_moved")
    again = make_referral(cambridgeshire, sam, submit=True)
    page = client_for(sam).get(url("detail", again)).content.decode()
    assert "Re-referral" not in page and "Possible duplicate" not in page
