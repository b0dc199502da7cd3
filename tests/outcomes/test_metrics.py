"""The impact figures, at the edges of their definitions."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from scipy.stats import wilcoxon

from outcomes import services
from outcomes.metrics import impact_summary, percent, wilcoxon_p
from outcomes.models import Measure, RiskReview, UnitCosts
from outcomes.reference_data import FAMILY_STAR_PLUS
from tests import factories
from tests.volunteers.helpers import pass_interviews, signed_off
from volunteers import services as volunteer_services

from .helpers import accepted_family, closed, worked_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
TODAY = timezone.localdate()
YEAR_AGO = TODAY - datetime.timedelta(days=364)


def summary(project, start=YEAR_AGO, end=TODAY):
    return impact_summary(project=project, start=start, end=end)


def closure_review(family, alice, *, level, plans, attendance=None):
    """The closure review: `plans` and `attendance` list each child's, eldest first."""
    children = list(family.children.order_by("-date_of_birth").reverse())
    attendance = attendance or [None] * len(children)
    return services.record_risk_review(
        family=family,
        by=alice,
        reviewed_on=TODAY,
        caf_level=level,
        stage=RiskReview.Stage.CLOSURE,
        child_statuses={
            child.pk: {"plan_type": plan, "school_attendance": percent_}
            for child, plan, percent_ in zip(children, plans, attendance, strict=True)
        },
    )


@pytest.fixture
def closed_family(cambridgeshire, alice, sam):
    """The Doe family (level 4; Amy on a CP plan, Ben on a CIN plan), worked with and closed."""

    def make(**fields):
        family = accepted_family(cambridgeshire, alice, sam, **fields)
        worked_with(family, alice)
        return family

    return make


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 8, 13), (3, 8, 38), (1, 3, 33), (2, 3, 67), (87, 100, 87), (0, 5, 0), (1, 0, None)],
)
def test_percentages_round_half_up(part, whole, expected):
    assert percent(part, whole) == expected


def test_a_closed_family_with_no_end_review_is_not_in_the_risk_denominator(
    closed_family, alice, cambridgeshire
):
    family = closed_family()
    services.record_risk_review(
        family=family,
        by=alice,
        reviewed_on=TODAY,
        caf_level=2,
        child_statuses={c.pk: {"plan_type": "none"} for c in family.children.all()},
    )
    closed(family, alice)
    figures = summary(cambridgeshire)
    assert figures["families_closed"] == 1
    assert (figures["risk_reviewed"], figures["risk_decreased"]) == (0, 0)
    assert figures["risk_decreased_pct"] is None


def test_risk_decreased_when_the_level_of_need_went_down(closed_family, alice, cambridgeshire):
    down, same = closed_family(), closed_family(family_name="Roe")
    closure_review(down, alice, level=3, plans=["cp", "cin"])
    closure_review(same, alice, level=4, plans=["cp", "cin"])
    closed(down, alice)
    closed(same, alice)
    figures = summary(cambridgeshire)
    assert (figures["risk_reviewed"], figures["risk_decreased"]) == (2, 1)
    assert figures["risk_decreased_pct"] == 50


def test_an_open_case_is_not_an_outcome(closed_family, alice, cambridgeshire):
    family = closed_family()
    closure_review(family, alice, level=1, plans=["none", "none"])
    figures = summary(cambridgeshire)
    assert figures["families_closed"] == 0
    assert figures["risk_reviewed"] == 0
    assert figures["families_on_cp_plan_at_start"] == 0
    assert figures["families_worked_with"] == 1


def test_a_child_moved_from_cp_to_cin_counts_as_removed_from_a_cp_plan(
    closed_family, alice, cambridgeshire
):
    family = closed_family()
    closure_review(family, alice, level=3, plans=["cin", "cin"])
    closed(family, alice)
    figures = summary(cambridgeshire)
    assert figures["families_on_cp_plan_at_start"] == 1
    assert figures["children_on_cp_plan_at_start"] == 1
    assert figures["children_removed_from_cp_plan"] == 1
    assert figures["families_removed_from_cp_plan"] == 1


def test_a_family_with_a_child_still_on_a_cp_plan_is_not_removed(
    closed_family, alice, cambridgeshire
):
    years = factories.years_ago
    family = closed_family(
        children=[
            {"first_name": "Cat", "last_name": "Doe", "date_of_birth": years(9), "plan_type": "cp"},
            {"first_name": "Dan", "last_name": "Doe", "date_of_birth": years(5), "plan_type": "cp"},
        ]
    )
    closure_review(family, alice, level=4, plans=["cp", "none"])
    closed(family, alice)
    figures = summary(cambridgeshire)
    assert figures["children_on_cp_plan_at_start"] == 2
    assert figures["children_removed_from_cp_plan"] == 1
    assert figures["families_removed_from_cp_plan"] == 0


def test_without_a_closure_review_nobody_is_counted_as_removed(
    closed_family, alice, cambridgeshire
):
    family = closed_family()
    closed(family, alice)
    figures = summary(cambridgeshire)
    assert figures["families_on_cp_plan_at_start"] == 1
    assert figures["families_removed_from_cp_plan"] == 0
    assert figures["children_removed_from_cp_plan"] == 0


def test_school_attendance_improved_when_any_childs_rose(closed_family, alice, cambridgeshire):
    rose, fell, once = closed_family(), closed_family(family_name="Roe"), closed_family()
    for family, before in ((rose, "80"), (fell, "90")):
        services.record_risk_review(
            family=family,
            by=alice,
            reviewed_on=TODAY - datetime.timedelta(days=90),
            caf_level=4,
            child_statuses={
                c.pk: {"plan_type": c.plan_type, "school_attendance": before}
                for c in family.children.all()
            },
        )
    closure_review(rose, alice, level=4, plans=["cp", "cin"], attendance=["80.1", "80"])
    closure_review(fell, alice, level=4, plans=["cp", "cin"], attendance=["89.9", "90"])
    closure_review(once, alice, level=4, plans=["cp", "cin"], attendance=["99", "99"])
    for family in (rose, fell, once):
        closed(family, alice)
    figures = summary(cambridgeshire)
    assert figures["school_attendance_measured"] == 2  # `once` has one figure per child
    assert figures["school_attendance_improved"] == 1


def test_the_period_includes_both_ends(closed_family, alice, cambridgeshire):
    start, end = TODAY - datetime.timedelta(days=30), TODAY - datetime.timedelta(days=10)
    for closed_on in (
        start - datetime.timedelta(days=1),
        start,
        end,
        end + datetime.timedelta(days=1),
    ):
        closed(closed_family(), alice, closed_on=closed_on)
    assert summary(cambridgeshire, start, end)["families_closed"] == 2


def test_star_change_is_the_mean_per_area_over_families_with_both_readings(
    closed_family, alice, cambridgeshire
):
    areas = [slug for slug, _ in FAMILY_STAR_PLUS]

    def reading(family, stage, value, **overrides):
        services.record_star_reading(
            family=family,
            by=alice,
            stage=stage,
            taken_on=TODAY,
            scores={**dict.fromkeys(areas, value), **overrides},
        )

    first, second, start_only = closed_family(), closed_family(), closed_family()
    reading(first, "start", 3)
    reading(first, "end", 6, routine=10)
    reading(second, "start", 5)
    reading(second, "end", 6)
    reading(start_only, "start", 1)
    for family in (first, second, start_only):
        closed(family, alice)
    change = {row["slug"]: row for row in summary(cambridgeshire)["star_change"]}
    assert summary(cambridgeshire)["star_change"][0]["area"] == "Physical health"
    assert change["physical-health"] == {
        "area": "Physical health",
        "slug": "physical-health",
        "n": 2,
        "mean_start": 4.0,
        "mean_end": 6.0,
        "mean_change": 2.0,
    }
    assert change["routine"]["mean_change"] == 4.0  # (7 + 1) / 2


def test_measures_pair_the_same_person_and_test_the_change(closed_family, alice, cambridgeshire):
    sdq = Measure.objects.get(slug="sdq-total")
    wemwbs = Measure.objects.get(slug="wemwbs")
    befores, afters = [30, 28, 25, 33, 20], [22, 21, 24, 25, 12]
    for before, after in zip(befores, afters, strict=True):
        family = closed_family()
        amy = family.children.get(first_name="Amy")
        for stage, score in (("start", before), ("end", after)):
            services.record_measure(
                family=family,
                by=alice,
                measure=sdq,
                stage=stage,
                taken_on=TODAY,
                score=score,
                child=amy,
            )
        services.record_measure(
            family=family,
            by=alice,
            measure=wemwbs,
            stage="start",
            taken_on=TODAY,
            score=40,
            parent="Mother",
        )
        services.record_measure(
            family=family,
            by=alice,
            measure=wemwbs,
            stage="end",
            taken_on=TODAY,
            score=50,
            parent="mother",
        )
        closed(family, alice)
    measures = {row["slug"]: row for row in summary(cambridgeshire)["measures"]}
    assert measures["sdq-total"]["n"] == 5
    assert measures["sdq-total"]["mean_before"] == 27.2
    assert measures["sdq-total"]["mean_after"] == 20.8
    assert measures["sdq-total"]["p_value"] == pytest.approx(wilcoxon(afters, befores).pvalue)
    assert measures["wemwbs"]["n"] == 5  # "Mother" and "mother" are the same person
    assert measures["sdq-emotional"] == {
        **measures["sdq-emotional"],
        "n": 0,
        "mean_before": None,
        "p_value": None,
    }


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [([10], [5], None), ([10, 12], [10, 12], None), ([10, 12], [5, 6], 0.5)],
)
def test_the_significance_test_needs_two_pairs_and_a_change(before, after, expected):
    assert wilcoxon_p(before, after) == expected


def test_savings_count_a_year_of_plan_costs_avoided_per_child(closed_family, alice, cambridgeshire):
    family = closed_family()
    closure_review(family, alice, level=3, plans=["cin", "none"])  # Amy CP→CIN, Ben CIN→none
    closed(family, alice)
    figures = summary(cambridgeshire, TODAY - datetime.timedelta(days=364), TODAY)
    assert figures["cost_of_scheme"] == Decimal("60000.00")  # 365 days of £60,000 a year
    assert figures["estimated_savings"] == Decimal("5000.00")  # (5000 - 2000) + 2000
    assert figures["net_savings"] == Decimal("-55000.00")
    method = " ".join(figures["savings_method"])
    assert "£5,000.00 a year" in method
    assert "1 child stepped down from a CP plan to a CIN plan" in method


def test_a_step_up_counts_against_the_savings(closed_family, alice, cambridgeshire):
    family = closed_family()
    closure_review(family, alice, level=4, plans=["cp", "cp"])  # Ben CIN → CP
    closed(family, alice)
    assert summary(cambridgeshire)["estimated_savings"] == Decimal("-3000.00")


def test_a_project_uses_its_own_unit_costs(closed_family, alice, cambridgeshire):
    UnitCosts.objects.create(
        project=cambridgeshire,
        valid_from=TODAY - datetime.timedelta(days=400),
        cp_plan_child_year=8000,
        cin_plan_child_year=3000,
        scheme_year=36500,
    )
    figures = summary(cambridgeshire, TODAY - datetime.timedelta(days=9), TODAY)
    assert figures["cost_of_scheme"] == Decimal("1000.00")  # 10 days of £36,500 a year


def test_every_project_for_the_organisation(closed_family, alice, charlie, sally, southend):
    closed(closed_family(), alice)
    other = accepted_family(southend, charlie, sally)
    worked_with(other, charlie)
    closed(other, charlie)
    assert summary(None)["families_closed"] == 2
    assert summary(None)["cost_of_scheme"] == Decimal("120000.00")
    assert summary(southend)["families_closed"] == 1


def test_referred_accepted_and_worked_with(closed_family, alice, sam, cambridgeshire):
    factories.make_referral(cambridgeshire, sam, submit=True)  # waiting
    factories.make_referral(cambridgeshire, sam)  # a draft: not referred yet
    closed_family()
    figures = summary(cambridgeshire)
    assert figures["families_referred"] == 2
    assert figures["families_accepted"] == 1
    assert figures["families_worked_with"] == 1


def test_the_volunteer_funnel_follows_each_applicant_as_far_as_they_got(cambridgeshire, alice):
    factories.VolunteerFactory.create_batch(2, project=cambridgeshire)
    interviewed = factories.VolunteerFactory(project=cambridgeshire)
    pass_interviews(interviewed, alice, "informal")
    stopped = factories.VolunteerFactory(project=cambridgeshire)
    pass_interviews(stopped, alice, "informal")
    volunteer_services.not_progressed(
        stopped, by=alice, reason="Not ready", alternative_suggested="Charity shop"
    )
    signed_off(factories.VolunteerFactory(project=cambridgeshire), alice)
    funnel = dict(summary(cambridgeshire)["volunteer_funnel"])
    assert funnel["Applied"] == 5
    assert funnel["Interviewed"] == 3
    assert funnel["Signed off"] == 1
    assert funnel["Matched with a family"] == 0
    assert funnel["Not progressed (alternatives suggested)"] == 1
    assert summary(cambridgeshire)["training_hours"] == Decimal(18)


# --- Closed cases the figures could not count ------------------------------------------------


def test_each_closure_figure_says_which_closed_cases_it_could_not_count(
    closed_family, alice, cambridgeshire
):
    reviewed, moved, unexplained = (
        closed_family(),
        closed_family(family_name="Roe"),
        closed_family(family_name="Poe"),
    )
    closure_review(reviewed, alice, level=3, plans=["cin", "cin"])
    closed(reviewed, alice)
    closed(moved, alice, missing_reason="family_moved")
    closed(unexplained, alice, missing_reason="other")
    figures = summary(cambridgeshire)
    risk = figures["not_assessed"]["risk"]
    assert figures["risk_reviewed"] == 1
    assert risk["count"] == 2
    assert risk["reasons"] == [("another reason", 1), ("family moved away", 1)]
    assert risk["text"] == (
        "2 closed cases could not be assessed: another reason (1), family moved away (1)"
    )
    assert figures["not_assessed"]["cp_plans"]["count"] == 2


def test_a_case_closed_without_a_reason_counts_as_having_no_closure_review(
    closed_family, alice, cambridgeshire
):
    family = closed_family()
    closed(family, alice, missing_reason="disengaged")
    # As a case closed before the reason was asked for would be.
    type(family).objects.filter(pk=family.pk).update(closure_review_missing_reason="")
    risk = summary(cambridgeshire)["not_assessed"]["risk"]
    assert risk["text"] == (
        "1 closed case could not be assessed: no closure risk review recorded (1)"
    )


def test_a_closure_review_without_an_earlier_one_cannot_be_compared(
    closed_family, alice, cambridgeshire
):
    family = closed_family()
    RiskReview.objects.filter(family=family).delete()  # no baseline from the referral
    closure_review(family, alice, level=3, plans=["cin", "cin"])
    closed(family, alice)
    risk = summary(cambridgeshire)["not_assessed"]["risk"]
    assert risk["reasons"] == [("no earlier risk review to compare", 1)]


def test_every_closed_case_assessed_leaves_nothing_to_explain(closed_family, alice, cambridgeshire):
    family = closed_family()
    closure_review(family, alice, level=3, plans=["cin", "cin"])
    closed(family, alice)
    missing = summary(cambridgeshire)["not_assessed"]
    assert missing["risk"] == {"count": 0, "reasons": [], "text": ""}
    assert missing["cp_plans"]["count"] == 0


def star(family, alice, stage, score=5):
    return services.record_star_reading(
        family=family,
        by=alice,
        stage=stage,
        taken_on=TODAY,
        scores={slug: score for slug, _ in FAMILY_STAR_PLUS},
    )


def test_the_family_star_change_counts_only_cases_with_both_readings(
    closed_family, alice, cambridgeshire
):
    both, started, moved = (
        closed_family(),
        closed_family(family_name="Roe"),
        closed_family(family_name="Poe"),
    )
    star(both, alice, "start", 4)
    star(both, alice, "end", 6)
    star(started, alice, "start")
    star(moved, alice, "start")
    for family in (both, started):
        closed(family, alice)
    closed(moved, alice, missing_reason="family_moved")
    missing = summary(cambridgeshire)["not_assessed"]["star"]
    assert missing["count"] == 2
    # The reason given at closing is the reason; without one, what is missing.
    assert missing["reasons"] == [("another reason", 1), ("family moved away", 1)]


def test_measures_count_cases_with_a_pair_of_scores(closed_family, alice, cambridgeshire):
    paired, none = closed_family(), closed_family(family_name="Roe")
    closure_review(paired, alice, level=3, plans=["cin", "cin"])
    closure_review(none, alice, level=3, plans=["cin", "cin"])
    wemwbs = Measure.objects.get(slug="wemwbs")
    for stage, score in (("start", 40), ("end", 50)):
        services.record_measure(
            family=paired,
            by=alice,
            measure=wemwbs,
            stage=stage,
            taken_on=TODAY,
            score=score,
            parent="Mother",
        )
    services.record_measure(
        family=none,
        by=alice,
        measure=wemwbs,
        stage="start",
        taken_on=TODAY,
        score=40,
        parent="Mother",
    )
    closed(paired, alice)
    closed(none, alice)
    missing = summary(cambridgeshire)["not_assessed"]["measures"]
    assert missing["text"] == "1 closed case could not be assessed: no end measures recorded (1)"
