"""Malformed input is refused by the form, never answered with a server error.

Ids that are not numbers, numbers no database column can hold, NUL characters
and forged formset counts: each gets the form back with a message.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import Visit, VisitActivity
from families.services import log_visit
from referrals.forms import MAX_CHILDREN
from referrals.models import Referral

from . import factories
from .referrals.test_views import TWO_CHILDREN, form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
HUGE = "999999999999999999999"  # more than a 64-bit integer
CLAIMS = reverse("families:claims")
CREATE = reverse("referrals:create")


@pytest.fixture
def claim(match):
    return log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=timezone.localdate(),
        duration_minutes=60,
        engagement=3,
        miles=10,
    )


@pytest.mark.parametrize("value", ["abc", "\x00", "1\x00", HUGE, "-1", "1.5"])
def test_paying_a_claim_that_is_not_an_id_is_refused(client_for, alice, claim, value):
    client = client_for(alice)
    response = client.post(CLAIMS, {"claim": [value]}, follow=True)
    assert response.status_code == 200
    assert "already paid or are not yours to pay" in response.content.decode()
    claim.refresh_from_db()
    assert claim.claim_paid_at is None


def test_a_malformed_id_among_good_ones_pays_nothing(client_for, alice, claim):
    client_for(alice).post(CLAIMS, {"claim": [claim.pk, HUGE]})
    claim.refresh_from_db()
    assert claim.claim_paid_at is None


def test_a_good_claim_is_still_paid(client_for, alice, claim):
    client_for(alice).post(CLAIMS, {"claim": [claim.pk]})
    claim.refresh_from_db()
    assert claim.claim_paid_by == alice


def test_another_projects_claim_gets_the_same_answer_as_no_claim(client_for, charlie, claim):
    page = client_for(charlie).post(CLAIMS, {"claim": [claim.pk]}, follow=True)
    assert "already paid or are not yours to pay" in page.content.decode()
    claim.refresh_from_db()
    assert claim.claim_paid_at is None


# --- the children of a referral ------------------------------------------------------------


@pytest.mark.parametrize("count", ["abc", "", "\x00", HUGE, "-3"])
def test_adding_a_child_with_a_forged_count_answers_with_the_form(
    client_for, sam, cambridgeshire, count
):
    data = form_data(cambridgeshire, TWO_CHILDREN, action="add_child")
    data["children-TOTAL_FORMS"] = count
    response = client_for(sam).post(CREATE, data)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) <= MAX_CHILDREN
    assert not Referral.objects.exists()


def test_a_forged_count_of_1999_children_renders_no_more_than_the_cap(
    client_for, sam, cambridgeshire
):
    data = {"action": "add_child", "children-TOTAL_FORMS": "1999"}
    # The work is bounded by what is rendered (never by the clock, which a busy machine
    # would make lie): the cap's forms and no more.
    response = client_for(sam).post(CREATE, data)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == MAX_CHILDREN
    assert len(response.content) < 400_000
    assert f"at most {MAX_CHILDREN} children" in response.content.decode()


def test_a_household_of_the_largest_size_can_be_referred(client_for, sam, cambridgeshire):
    children = [(f"Child{i}", factories.years_ago(1 + i % 16), "cin") for i in range(MAX_CHILDREN)]
    response = client_for(sam).post(CREATE, form_data(cambridgeshire, children))
    assert response.status_code == 302
    assert Referral.objects.get().children.count() == MAX_CHILDREN


def test_one_child_more_than_the_cap_is_refused_with_a_message(client_for, sam, cambridgeshire):
    children = [
        (f"Child{i}", factories.years_ago(1 + i % 16), "cin") for i in range(MAX_CHILDREN + 1)
    ]
    response = client_for(sam).post(CREATE, form_data(cambridgeshire, children))
    assert response.status_code == 200
    assert f"at most {MAX_CHILDREN} children" in " ".join(
        response.context["formset"].non_form_errors()
    )
    assert not Referral.objects.exists()


def test_no_child_can_be_added_beyond_the_cap(client_for, sam, cambridgeshire):
    children = [(f"Child{i}", factories.years_ago(1 + i % 16), "cin") for i in range(MAX_CHILDREN)]
    response = client_for(sam).post(CREATE, form_data(cambridgeshire, children, action="add_child"))
    assert len(response.context["formset"].forms) == MAX_CHILDREN
    page = response.content.decode()
    assert 'value="add_child"' not in page
    assert f"at most {MAX_CHILDREN} children" in page


# --- ids out of range in multiple choices ---------------------------------------------------


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "abc", "\x00"])
def test_an_activity_id_out_of_range_is_refused_by_its_field(client_for, match, value):
    response = client_for(match.volunteer.user).post(
        reverse("families:log_visit", args=[match.family.pk]),
        {
            "visited_on": timezone.localdate().isoformat(),
            "duration_minutes": "90",
            "contact_made": "yes",
            "medium": "in_person",
            "activities": [VisitActivity.objects.first().pk, value],
            "notes": "Kept.",
            "engagement": "4",
            "action": "log",
        },
    )
    assert response.status_code == 400
    assert "activities" in response.context["form"].errors
    assert not Visit.objects.exists()


@pytest.mark.parametrize("field", ["needs", "risks"])
def test_a_need_or_risk_id_out_of_range_is_refused_by_its_field(
    client_for, sam, cambridgeshire, field
):
    data = form_data(cambridgeshire, TWO_CHILDREN, **{field: HUGE})
    response = client_for(sam).post(CREATE, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Referral.objects.exists()


def test_a_volunteer_id_out_of_range_is_refused_by_the_register(client_for, alice, cambridgeshire):
    session = factories.TrainingSessionFactory(project=cambridgeshire)
    volunteer = factories.VolunteerFactory(project=cambridgeshire)
    response = client_for(alice).post(
        reverse("volunteers:training_detail", args=[session.pk]),
        {"volunteers": [volunteer.pk, HUGE], "hours": "3"},
    )
    assert response.status_code == 400
    assert "volunteers" in response.context["form"].errors
    assert not session.attendances.exists()


def test_miles_no_column_can_hold_are_refused_by_their_field(client_for, match):
    response = client_for(match.volunteer.user).post(
        reverse("families:log_visit", args=[match.family.pk]),
        {
            "visited_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "duration_minutes": "90",
            "contact_made": "yes",
            "medium": "in_person",
            "engagement": "4",
            "miles": HUGE,
            "action": "log",
        },
    )
    assert response.status_code == 400
    assert "miles" in response.context["form"].errors


# --- text read straight from the form by the decision buttons ------------------------------

NUL = "Out of area\x00"


@pytest.mark.parametrize("action", ["decline", "waitlist", "withdraw"])
def test_a_nul_in_a_referrals_reason_is_refused(client_for, alice, referral, action):
    response = client_for(alice).post(
        reverse(f"referrals:{action}", args=[referral.pk]), {f"{action}-reason": NUL}, follow=True
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_a_nul_in_the_reason_for_closing_a_case_is_refused(client_for, alice, family):
    response = client_for(alice).post(
        reverse("families:close_case", args=[family.pk]), {"close-reason": NUL}, follow=True
    )
    assert "Null characters are not allowed" in response.content.decode()
    family.refresh_from_db()
    assert family.status != family.Status.CLOSED


def test_a_nul_in_a_concerns_follow_up_is_refused(client_for, alice, match):
    visit = log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=timezone.localdate(),
        duration_minutes=60,
        engagement=3,
        concern="Worried",
    )
    concern = visit.concerns.get()
    response = client_for(alice).post(
        reverse("families:close_concern", args=[concern.pk]),
        {"close-outcome": "advice", "close-follow_up": NUL, "close-information_shared": "x"},
        follow=True,
    )
    assert "Null characters are not allowed" in response.content.decode()
    concern.refresh_from_db()
    assert concern.is_open
