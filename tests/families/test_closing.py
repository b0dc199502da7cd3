"""Closing a case (its checklist, the closure risk review or why it is missing) and
reopening it."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from families import services
from families.models import Family, FamilyStatusChange
from outcomes import services as outcome_services
from outcomes.models import RiskReview
from tests import factories
from vicp.composition.retention import anonymise_family
from vicp.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def closure_review(family, alice, *, reviewed_on=None):
    return outcome_services.record_risk_review(
        family=family,
        by=alice,
        reviewed_on=reviewed_on or timezone.localdate(),
        caf_level=3,
        stage=RiskReview.Stage.CLOSURE,
        child_statuses={
            c.pk: {"plan_type": "cin", "school_attendance": "92"} for c in family.children.all()
        },
    )


@pytest.fixture
def ended(match, alice):
    """The Doe family, whose match with Val has ended today."""
    services.end_match(match, by=alice, reason="planned")
    return Family.objects.get(pk=match.family_id)


# --- The service ------------------------------------------------------------------------


def test_a_case_without_its_closure_review_or_a_reason_does_not_close(ended, alice):
    with pytest.raises(ValidationError) as error:
        services.close_case(ended, by=alice, reason="Work done")
    assert "missing_reason" in error.value.message_dict
    assert Family.objects.get().status == Family.Status.AWAITING_MATCH


def test_a_case_with_its_closure_review_closes_without_a_reason(
    ended, alice, django_capture_on_commit_callbacks
):
    closure_review(ended, alice)
    with django_capture_on_commit_callbacks(execute=True):
        family = services.close_case(ended, by=alice, reason="Work done")
    family.refresh_from_db()
    assert family.status == Family.Status.CLOSED
    assert family.closed_on == timezone.localdate()
    assert family.closure_review_missing_reason == ""


def test_a_missing_reason_is_refused_when_the_review_is_there(ended, alice):
    closure_review(ended, alice)
    with pytest.raises(ValidationError) as error:
        services.close_case(ended, by=alice, reason="Done", missing_reason="family_moved")
    assert "no reason for its absence is needed" in error.value.message_dict["missing_reason"][0]


def test_a_case_without_its_review_closes_with_the_reason_kept_and_audited(ended, alice):
    services.close_case(
        ended, by=alice, reason="They moved to Leeds", missing_reason="family_moved"
    )
    family = Family.objects.get()
    assert family.status == Family.Status.CLOSED
    assert family.get_closure_review_missing_reason_display() == "Family moved away"
    event = AuditEvent.objects.filter(action="family.closed").get()
    assert event.details["closure_review_missing_reason"] == "family_moved"
    assert family.history.first().closure_review_missing_reason == "family_moved"


@pytest.mark.parametrize("value", ["moved", " ", "x" * 30])
def test_an_unknown_or_blank_missing_reason_is_not_a_reason(ended, alice, value):
    with pytest.raises(ValidationError) as error:
        services.close_case(ended, by=alice, reason="Done", missing_reason=value)
    assert "missing_reason" in error.value.message_dict


def test_every_unmet_rule_is_said_at_once(match, alice):
    with pytest.raises(ValidationError) as error:
        services.close_case(match.family, by=alice, reason=" ")
    messages = error.value.message_dict
    assert messages["__all__"] == ["End the volunteer's match before closing the case."]
    assert messages["reason"] == ["Say why the case is closing."]
    assert "missing_reason" in messages


def test_a_closed_case_cannot_close_again(ended, alice):
    services.close_case(ended, by=alice, reason="Done", missing_reason="disengaged")
    with pytest.raises(ValidationError, match="already closed"):
        services.close_case(ended, by=alice, reason="Again", missing_reason="disengaged")
    assert FamilyStatusChange.objects.filter(to_status="closed").count() == 1


def test_only_the_projects_manager_closes_a_case(ended, charlie, sam):
    for user in (charlie, sam):
        with pytest.raises(ValidationError, match="Only a manager"):
            services.close_case(ended, by=user, reason="Done", missing_reason="disengaged")


def test_the_social_worker_is_emailed_the_case_reference_only(
    ended, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.close_case(ended, by=alice, reason="Done", missing_reason="disengaged")
    (message,) = [m for m in mail.outbox if "has closed" in m.subject]
    assert message.to == ["sam@example.org"]
    assert ended.case_reference in message.subject and ended.case_reference in message.body
    for detail in ("Doe", "Amy", "Ben", ended.postcode, "Done"):
        assert detail not in message.body and detail not in message.subject


def test_no_email_goes_when_the_closing_is_refused(
    ended, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.close_case(ended, by=alice, reason="Done")
    assert not [m for m in mail.outbox if "has closed" in m.subject]


# --- Reopening --------------------------------------------------------------------------


@pytest.fixture
def closed(ended, alice):
    return services.close_case(ended, by=alice, reason="Done", missing_reason="family_moved")


def test_reopening_a_case_puts_it_back_awaiting_a_volunteer(closed, alice):
    services.reopen_case(closed, by=alice, reason="The family came back")
    family = Family.objects.get()
    assert family.status == Family.Status.AWAITING_MATCH
    assert family.closed_on is None
    assert family.closure_review_missing_reason == ""
    change = family.status_changes.last()
    assert (change.from_status, change.to_status, change.reason) == (
        "closed",
        "awaiting_match",
        "The family came back",
    )
    event = AuditEvent.objects.get(action="family.reopened")
    assert event.details["closure_review_missing_reason"] == "family_moved"
    assert event.details["closed_on"] == timezone.localdate().isoformat()


def test_reopening_needs_a_reason(closed, alice):
    with pytest.raises(ValidationError) as error:
        services.reopen_case(closed, by=alice, reason="  ")
    assert error.value.message_dict == {"reason": ["Say why the case is being reopened."]}
    assert Family.objects.get().status == Family.Status.CLOSED


def test_only_a_manager_of_the_project_reopens(closed, charlie, sam):
    for user in (charlie, sam):
        with pytest.raises(ValidationError, match="Only a manager"):
            services.reopen_case(closed, by=user, reason="Back")


def test_an_open_case_is_not_reopened(ended, alice):
    with pytest.raises(ValidationError, match="not closed"):
        services.reopen_case(ended, by=alice, reason="Back")


def test_an_anonymised_case_is_not_reopened(closed, alice):
    anonymise_family(Family.objects.get())
    with pytest.raises(ValidationError, match="anonymised under the retention policy"):
        services.reopen_case(closed, by=alice, reason="Back")
    assert Family.objects.get().status == Family.Status.CLOSED


def test_a_reopened_case_closes_again_with_a_fresh_reason(closed, alice):
    services.reopen_case(closed, by=alice, reason="Back")
    with pytest.raises(ValidationError):
        services.close_case(closed, by=alice, reason="Done again")
    services.close_case(closed, by=alice, reason="Done again", missing_reason="disengaged")
    assert Family.objects.get().closure_review_missing_reason == "disengaged"


# --- The close page ---------------------------------------------------------------------


def close_url(family):
    return reverse("families:close_case", args=[family.pk])


def reopen_url(family):
    return reverse("families:reopen_case", args=[family.pk])


def test_the_checklist_says_what_is_done_and_links_to_the_rest(ended, alice, client_for):
    response = client_for(alice).get(close_url(ended))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Not done") == 4  # review, Family Star, measures, evaluations
    assert f"/outcomes/families/{ended.pk}/risk-review/?stage=closure" in page
    assert f"/outcomes/families/{ended.pk}/star/?stage=end" in page
    assert f"/outcomes/families/{ended.pk}/measures/?stage=end" in page
    assert f"Ended on {timezone.localdate():%-d %b %Y} (planned ending" in page
    assert 'name="close-missing_reason"' in page
    assert "the social worker is emailed" in page


def test_the_checklist_shows_the_closure_review_with_its_date(ended, alice, client_for):
    day = timezone.localdate() - datetime.timedelta(days=2)
    closure_review(ended, alice, reviewed_on=day)
    page = client_for(alice).get(close_url(ended)).content.decode()
    assert f"Recorded for {day:%-d %b %Y}: level of need 3" in page
    assert "Amy: CIN plan, 92%" in page
    assert 'name="close-missing_reason"' not in page  # nothing to explain


def test_the_checklist_says_the_match_must_end_first(match, alice, client_for):
    page = client_for(alice).get(close_url(match.family)).content.decode()
    assert "Val Green has worked with the family since" in page
    assert "End the match on the case page" in page


def test_closing_without_the_review_or_a_reason_keeps_what_was_typed(ended, alice, client_for):
    response = client_for(alice).post(close_url(ended), {"close-reason": "They moved away"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["missing_reason"] == [
        "Record the closure risk review before closing the case, or say why it could not be done."
    ]
    page = response.content.decode()
    assert 'id="error-summary"' in page and 'href="#id_close-missing_reason"' in page
    assert "They moved away</textarea>" in page
    assert Family.objects.get().status != Family.Status.CLOSED


def test_closing_with_a_missing_reason_closes_the_case(ended, alice, client_for):
    response = client_for(alice).post(
        close_url(ended),
        {"close-reason": "They moved away", "close-missing_reason": "family_moved"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("families:detail", args=[ended.pk])
    assert "The case is closed." in response.content.decode()
    assert "Reopen this case" in response.content.decode()
    assert Family.objects.get().status == Family.Status.CLOSED


def test_an_unknown_missing_reason_is_refused_by_the_form(ended, alice, client_for):
    response = client_for(alice).post(
        close_url(ended), {"close-reason": "x", "close-missing_reason": "<script>"}
    )
    assert response.status_code == 400
    assert "missing_reason" in response.context["form"].errors


def test_the_close_page_of_a_closed_case_says_so(closed, alice, client_for):
    response = client_for(alice).get(close_url(closed), follow=True)
    assert "This case is already closed." in response.content.decode()


def test_the_family_page_links_to_the_close_page(ended, alice, client_for):
    page = client_for(alice).get(reverse("families:detail", args=[ended.pk])).content.decode()
    assert f'href="{close_url(ended)}"' in page
    assert "Reopen this case" not in page


# --- The reopen page --------------------------------------------------------------------


def test_the_reopen_page_confirms_then_reopens(closed, alice, client_for):
    client = client_for(alice)
    page = client.get(reopen_url(closed)).content.decode()
    assert "When you reopen the case" in page
    assert Family.objects.get().status == Family.Status.CLOSED
    response = client.post(reopen_url(closed), {"reopen-reason": " "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Say why the case is being reopened."]
    response = client.post(reopen_url(closed), {"reopen-reason": "Came back"}, follow=True)
    assert "The case is open again" in response.content.decode()
    assert Family.objects.get().status == Family.Status.AWAITING_MATCH


def test_the_reopen_page_of_an_anonymised_case_explains_why_not(closed, alice, client_for):
    anonymise_family(Family.objects.get())
    client = client_for(alice)
    assert "cannot be reopened" in client.get(reopen_url(closed)).content.decode()
    response = client.post(reopen_url(closed), {"reopen-reason": "Came back"})
    assert response.status_code == 400
    assert "anonymised under the retention policy" in response.content.decode()
    assert Family.objects.get().status == Family.Status.CLOSED
    detail = client.get(reverse("families:detail", args=[closed.pk])).content.decode()
    assert "Reopen this case" not in detail


# --- Who may reach the pages ------------------------------------------------------------


@pytest.mark.parametrize("page", ["close", "reopen"])
def test_only_the_projects_managers_reach_the_pages(
    page, closed, alice, charlie, sam, vera, ready_volunteer, client, client_for
):
    if page == "close":
        services.reopen_case(closed, by=alice, reason="Back")
    url = (close_url if page == "close" else reopen_url)(closed)
    assert client_for(alice).get(url).status_code == 200
    client.logout()
    former = ready_volunteer.user  # Val, whose match has ended
    for user in (charlie, sam, vera, former):
        for method in ("get", "post"):
            response = getattr(client_for(user), method)(url)
            assert response.status_code == 404, (user, method)
        client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Family.objects.get().status == (
        Family.Status.AWAITING_MATCH if page == "close" else Family.Status.CLOSED
    )


def test_an_administrator_may_close_a_case(ended, ada, client_for):
    assert client_for(ada).get(close_url(ended)).status_code == 200


def test_a_factory_family_of_another_project_is_not_reachable(alice, client_for, southend):
    other = factories.AcceptedFamilyFactory(project=southend)
    assert client_for(alice).get(close_url(other)).status_code == 404
