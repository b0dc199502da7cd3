"""Risk reviews: the level of need and each child's plan and school attendance, at referral,
at reviews and at closure, recorded by the family's project managers only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from families.models import Child, Family
from families.services import close_case
from outcomes import services
from outcomes.models import ChildStatus, RiskReview
from outcomes.selectors import risk_journey
from referrals.models import LevelOfNeed
from referrals.services import accept_referral
from tests.factories import make_referral
from vicp.models import AuditEvent

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def children(family):
    amy, ben = family.children.order_by("date_of_birth")[:2]
    return amy, ben


def statuses(family, amy=("cin", "91"), ben=("cin", None)):
    first, second = children(family)
    return {
        first.pk: {"plan_type": amy[0], "school_attendance": amy[1]},
        second.pk: {"plan_type": ben[0], "school_attendance": ben[1]},
    }


def review(family, by, **kwargs):
    return services.record_risk_review(
        family=family,
        by=by,
        reviewed_on=kwargs.pop("reviewed_on", TODAY),
        caf_level=kwargs.pop("caf_level", 3),
        child_statuses=kwargs.pop("child_statuses", None) or statuses(family),
        **kwargs,
    )


# --- The service --------------------------------------------------------------------------


def test_accepting_a_referral_records_the_review_at_referral(family, alice):
    baseline = RiskReview.objects.get(family=family)
    assert (baseline.stage, baseline.reviewed_on, baseline.level_of_need.ordinal) == (
        "referral",
        family.accepted_on,
        4,
    )
    assert baseline.recorded_by == alice
    plans = {
        s.child.first_name: (s.plan_type, s.school_attendance) for s in ChildStatus.objects.all()
    }
    assert plans == {"Amy": ("cp", None), "Ben": ("cin", None)}


def test_a_review_is_recorded_and_audited(family, alice):
    recorded = review(family, alice, notes="  Core group agreed step-down.  ")
    assert (recorded.stage, recorded.level_of_need.ordinal, recorded.notes) == (
        "review",
        3,
        "Core group agreed step-down.",
    )
    amy, ben = children(family)
    assert {s.child: (s.plan_type, s.school_attendance) for s in recorded.child_statuses.all()} == {
        amy: ("cin", Decimal("91.0")),
        ben: ("cin", None),
    }
    assert AuditEvent.objects.filter(action="risk_review.recorded", actor=alice).count() == 1


@pytest.mark.parametrize(
    ("attendance", "ok"), [("-0.1", False), ("0", True), ("100", True), ("100.1", False)]
)
def test_school_attendance_is_a_percentage_from_0_to_100(family, alice, attendance, ok):
    amy, _ = children(family)
    if ok:
        recorded = review(family, alice, child_statuses=statuses(family, amy=("cp", attendance)))
        assert recorded.child_statuses.get(child=amy).school_attendance == Decimal(attendance)
        return
    with pytest.raises(ValidationError) as error:
        review(family, alice, child_statuses=statuses(family, amy=("cp", attendance)))
    assert error.value.message_dict == {
        f"attendance_{amy.pk}": ["School attendance is a percentage from 0 to 100."]
    }
    assert RiskReview.objects.filter(family=family).count() == 1  # only the baseline


def test_a_review_in_the_future_is_refused(family, alice):
    with pytest.raises(ValidationError) as error:
        review(family, alice, reviewed_on=TODAY + datetime.timedelta(days=1))
    assert error.value.message_dict == {"reviewed_on": ["This date is in the future."]}


def test_each_child_needs_a_plan(family, alice):
    amy, ben = children(family)
    with pytest.raises(ValidationError) as error:
        review(family, alice, child_statuses={amy.pk: {"plan_type": "cp"}})
    assert error.value.message_dict == {f"plan_{ben.pk}": ["Choose Ben's plan."]}


def test_one_closure_review_but_many_reviews(family, alice):
    review(family, alice, stage="closure")
    with pytest.raises(ValidationError) as error:
        review(family, alice, stage="closure")
    assert error.value.message_dict == {
        "stage": ["The family has a risk review at closure already."]
    }
    review(family, alice)
    review(family, alice)
    assert list(
        RiskReview.objects.filter(family=family).order_by("pk").values_list("stage", flat=True)
    ) == ["referral", "closure", "review", "review"]
    assert ChildStatus.objects.count() == 8  # nothing half-saved by the refused one


def test_a_second_review_at_referral_is_refused(family, alice):
    with pytest.raises(ValidationError, match="at referral already"):
        review(family, alice, stage="referral")


def test_a_child_of_another_family_is_refused(family, alice, sam, cambridgeshire):
    other = accept_referral(
        make_referral(cambridgeshire, sam, submit=True, family_name="Roe"), by=alice
    )
    stranger = other.children.first()
    with pytest.raises(ValidationError) as error:
        review(
            family,
            alice,
            child_statuses={**statuses(family), stranger.pk: {"plan_type": "none"}},
        )
    assert error.value.message_dict == {"__all__": ["Some children are not in this family."]}
    assert not ChildStatus.objects.filter(child=stranger, review__family=family).exists()


def test_a_level_not_on_the_projects_scale_is_refused(family, alice, cambridgeshire):
    with pytest.raises(ValidationError) as error:
        review(family, alice, caf_level=5)
    assert "caf_level" in error.value.message_dict
    # A local authority with its own three-step scale: level 4 is not on it.
    for ordinal, name in ((1, "Universal"), (2, "Additional"), (3, "Complex")):
        LevelOfNeed.objects.create(project=cambridgeshire, ordinal=ordinal, name=name)
    with pytest.raises(ValidationError) as error:
        review(family, alice, caf_level=4)
    assert error.value.message_dict == {
        "caf_level": ["Choose a level of need from the project's scale."]
    }
    assert review(family, alice, caf_level=3).level_of_need.name == "Complex"


def test_only_the_familys_managers_record_reviews(match, alice, ada, sam, charlie):
    for person in (match.volunteer.user, sam, charlie):
        with pytest.raises(ValidationError, match="Only a manager"):
            review(match.family, person)
    review(match.family, ada)  # administrators manage every project
    assert RiskReview.objects.filter(stage="review").count() == 1


def test_the_latest_review_brings_the_case_record_up_to_date(family, alice):
    review(family, alice, caf_level=2, child_statuses=statuses(family, amy=("none", None)))
    # An older review, entered late, changes nothing about where the case stands now.
    review(
        family,
        alice,
        caf_level=4,
        reviewed_on=TODAY - datetime.timedelta(days=1),
        child_statuses=statuses(family, amy=("cp", None)),
    )
    family = Family.objects.get(pk=family.pk)
    assert family.level_of_need.ordinal == 2
    assert Child.objects.get(family=family, first_name="Amy").plan_type == "none"
    amy_history = Child.history.filter(first_name="Amy").order_by("history_date")
    assert [h.plan_type for h in amy_history] == ["cp", "none"]
    assert amy_history.last().history_user == alice


# --- The journey on the family page ---------------------------------------------------------


def test_the_journey_runs_from_the_review_at_referral_to_the_one_at_closure(family, alice):
    week = datetime.timedelta(days=7)
    review(
        family,
        alice,
        caf_level=3,
        reviewed_on=TODAY - 4 * week,
        child_statuses=statuses(family, amy=("cp", "82"), ben=("cin", None)),
    )
    review(
        family,
        alice,
        stage="closure",
        caf_level=2,
        reviewed_on=TODAY - week,
        child_statuses=statuses(family, amy=("cin", "91.5"), ben=("cin", None)),
    )
    # A review dated after the closure (a correction) does not move the end point.
    review(family, alice, caf_level=1, child_statuses=statuses(family, amy=("none", "95")))
    journey = risk_journey(family)
    assert (journey["first"].stage, journey["latest"].stage) == ("referral", "closure")
    assert (str(journey["level_first"]), str(journey["level_latest"])) == (
        "4 Specialist / statutory",
        "2 Early help",
    )
    assert (journey["level_change"], journey["level_direction"]) == (-2, "better")
    amy, ben = journey["children"]
    assert (amy["plan_first"], amy["plan_latest"], amy["plan_changed"]) == (
        "CP plan",
        "CIN plan",
        True,
    )
    # Attendance is not known at referral: the first figure to the last one.
    assert (amy["attendance_first"], amy["attendance_latest"], amy["attendance_change"]) == (
        Decimal("82.0"),
        Decimal("95.0"),
        Decimal("13.0"),
    )
    assert (ben["plan_changed"], ben["attendance_first"]) == (False, None)
    assert len(journey["reviews"]) == 4


def test_the_journey_takes_two_queries_however_many_reviews(
    family, alice, django_assert_num_queries
):
    with django_assert_num_queries(2):
        risk_journey(family)
    for day in range(5):
        review(family, alice, reviewed_on=TODAY - datetime.timedelta(days=day))
    with django_assert_num_queries(2):
        journey = risk_journey(family)
        rows = [
            (r.level_of_need.name, r.recorded_by.email, r.status_rows) for r in journey["reviews"]
        ]
    assert len(rows) == 6


def test_no_reviews_no_journey(family):
    RiskReview.objects.all().delete()
    assert risk_journey(family) is None


# --- The form and the view ------------------------------------------------------------------


def url(family):
    return reverse("outcomes:record_risk_review", args=[family.pk])


def form_data(family, **overrides):
    amy, ben = children(family)
    return {
        "stage": "review",
        "reviewed_on": TODAY.strftime("%d/%m/%Y"),
        "caf_level": "3",
        f"plan_{amy.pk}": "cin",
        f"attendance_{amy.pk}": "88.5",
        f"plan_{ben.pk}": "cin",
        f"attendance_{ben.pk}": "",
        "notes": "Conference stepped Amy down.",
        **overrides,
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, family):
    response = client.get(url(family))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["charlie", "sally", "sam", "victor", "una", "volunteer"])
def test_everyone_but_the_familys_managers_gets_404(client_for, cast, match, who):
    person = match.volunteer.user if who == "volunteer" else cast[who]
    client = client_for(person)
    assert client.get(url(match.family)).status_code == 404
    assert client.post(url(match.family), form_data(match.family)).status_code == 404
    assert RiskReview.objects.count() == 1


def test_a_manager_records_a_review(client_for, alice, family):
    client = client_for(alice)
    page = client.get(url(family))
    assert page.status_code == 200
    content = page.content.decode()
    for label in (
        "Amy&#x27;s plan",
        "Ben&#x27;s school attendance (%)",
        "4 Specialist / statutory",
    ):
        assert label in content
    response = client.post(url(family), form_data(family))
    assert response.status_code == 302
    assert response["Location"] == reverse("families:outcomes", args=[family.pk]) + "#risk-heading"
    recorded = RiskReview.objects.get(stage="review")
    assert (recorded.level_of_need.ordinal, recorded.notes) == (3, "Conference stepped Amy down.")
    amy, _ = children(family)
    assert recorded.child_statuses.get(child=amy).school_attendance == Decimal("88.5")
    # The next review starts from the plans now in force and shows the last attendance.
    form = client.get(url(family)).context["form"]
    assert form[f"plan_{amy.pk}"].initial == "cin"
    assert form.fields[f"attendance_{amy.pk}"].help_text.startswith("Last recorded: 88.5%.")


def test_the_level_of_need_choices_are_the_projects_own(client_for, alice, family, cambridgeshire):
    LevelOfNeed.objects.create(project=cambridgeshire, ordinal=1, name="Universal")
    LevelOfNeed.objects.create(project=cambridgeshire, ordinal=2, name="Complex")
    page = client_for(alice).get(url(family))
    assert page.context["form"].fields["caf_level"].choices == [
        ("", "—"),
        (1, "1 Universal"),
        (2, "2 Complex"),
    ]


def test_each_field_says_what_is_wrong_and_keeps_what_was_typed(client_for, alice, family):
    amy, ben = children(family)
    response = client_for(alice).post(
        url(family),
        form_data(
            family, **{f"attendance_{amy.pk}": "100.1", f"plan_{ben.pk}": "", "caf_level": ""}
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors[f"attendance_{amy.pk}"] == [
        "School attendance is a percentage from 0 to 100, to one decimal place."
    ]
    assert errors[f"plan_{ben.pk}"] == ["Choose Ben's plan."]
    assert errors["caf_level"] == ["Choose a level of need from the project's scale."]
    content = response.content.decode()
    assert 'value="100.1"' in content
    assert "Conference stepped Amy down." in content
    assert RiskReview.objects.count() == 1


@pytest.mark.parametrize("value", ["-0.1", "82.25", "lots"])
def test_attendance_the_form_refuses(client_for, alice, family, value):
    amy, _ = children(family)
    response = client_for(alice).post(
        url(family), form_data(family, **{f"attendance_{amy.pk}": value})
    )
    assert response.status_code == 400
    assert f"attendance_{amy.pk}" in response.context["form"].errors


def test_the_services_refusals_appear_next_to_their_fields(client_for, alice, family):
    client = client_for(alice)
    future = (TODAY + datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    response = client.post(url(family), form_data(family, reviewed_on=future))
    assert response.status_code == 400
    assert response.context["form"].errors["reviewed_on"] == ["This date is in the future."]
    response = client.post(url(family), form_data(family, stage="referral"))
    assert response.context["form"].errors["stage"] == [
        "The family has a risk review at referral already."
    ]
    assert RiskReview.objects.count() == 1


def test_a_closed_case_offers_the_review_at_closure(client_for, alice, family):
    close_case(family, by=alice, reason="Work complete", missing_reason="not_contactable")
    page = client_for(alice).get(url(family))
    assert page.context["form"]["stage"].initial == "closure"


# --- Who sees the risk section on the family page -------------------------------------------


def test_the_family_page_shows_the_journey_to_managers(client_for, alice, match):
    family = match.family
    review(
        family,
        alice,
        caf_level=2,
        child_statuses=statuses(family, amy=("cin", "82")),
        reviewed_on=TODAY - datetime.timedelta(days=30),
    )
    review(
        family,
        alice,
        stage="closure",
        caf_level=2,
        child_statuses=statuses(family, amy=("cin", "91")),
    )
    page = client_for(alice).get(reverse("families:outcomes", args=[family.pk])).content.decode()
    assert "4 Specialist / statutory → 2 Early help" in page
    assert "down 2: less need" in page
    assert "CP plan → CIN plan" in page
    assert "82% → 91%" in page
    assert "Record a risk review" in page
    assert "All risk reviews (3)" in page


def test_the_referring_social_worker_sees_the_journey_but_records_nothing(client_for, sam, family):
    page = client_for(sam).get(reverse("families:outcomes", args=[family.pk])).content.decode()
    assert 'id="risk-heading"' in page
    assert "4 Specialist / statutory" in page
    assert "Record a risk review" not in page
    assert "Record a measure" not in page


def test_a_volunteer_never_sees_the_level_of_need(client_for, alice, match):
    review(match.family, alice, caf_level=2)
    client = client_for(match.volunteer.user)
    for section in ("detail", "outcomes", "details", "history"):
        page = client.get(reverse(f"families:{section}", args=[match.family.pk]))
        content = page.content.decode()
        assert page.status_code == 200
        assert 'id="risk-heading"' not in content
        for words in ("Level of need", "Specialist", "Early help", "risk review"):
            assert words not in content, (section, words)
    outcomes = client.get(reverse("families:outcomes", args=[match.family.pk])).content.decode()
    assert 'id="measures-heading"' in outcomes  # measures are theirs to see and record
