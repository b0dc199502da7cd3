"""The manager's home page shows the last twelve months' impact figures from impact_summary."""

import datetime

import pytest
import time_machine
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse
from django.utils import timezone

from outcomes import reports, selectors, services
from outcomes.metrics import default_period, impact_summary
from outcomes.models import Report, RiskReview
from outcomes.reference_data import FAMILY_STAR_PLUS

from .helpers import accepted_family, closed, worked_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
AREAS = [slug for slug, _ in FAMILY_STAR_PLUS]


def closed_with_outcomes(project, manager, social_worker, *, level_after=2):
    family = accepted_family(project, manager, social_worker)
    worked_with(family, manager)
    for stage, score in (("start", 3), ("end", 7)):
        services.record_star_reading(
            family=family,
            by=manager,
            stage=stage,
            taken_on=timezone.localdate(),
            scores=dict.fromkeys(AREAS, score),
        )
    services.record_risk_review(
        family=family,
        by=manager,
        reviewed_on=timezone.localdate(),
        caf_level=level_after,
        stage=RiskReview.Stage.CLOSURE,
        child_statuses={c.pk: {"plan_type": "none"} for c in family.children.all()},
    )
    return closed(family, manager)


def test_the_manager_sees_their_projects_figures_and_chart(client_for, alice, sam, cambridgeshire):
    closed_with_outcomes(cambridgeshire, alice, sam)
    closed_with_outcomes(cambridgeshire, alice, sam, level_after=4)
    start, end = default_period()
    figures = impact_summary(project=cambridgeshire, start=start, end=end)
    assert (figures["risk_decreased"], figures["risk_reviewed"]) == (1, 2)

    page = client_for(alice).get(reverse("vicp:home")).content.decode()
    assert "Impact in the last twelve months" in page
    assert "Cambridgeshire" in page
    assert "50%" in page and "1 of 2" in page
    assert 'src="data:image/svg+xml;base64,' in page
    assert "+4.0" in page  # every area went from 3 to 7
    # The estimate explains itself, with the method the report uses.
    assert "less the cost of running the scheme" in page
    assert "How the net savings are worked out" in page
    assert figures["savings_method"][-1] in page.replace("&#x27;", "'")


def test_another_projects_manager_sees_none_of_it(client_for, alice, sam, charlie, cambridgeshire):
    closed_with_outcomes(cambridgeshire, alice, sam)
    page = client_for(charlie).get(reverse("vicp:home")).content.decode()
    assert "Southend" in page
    assert "1 of 1" not in page
    assert "data:image/svg+xml" not in page


def test_an_administrator_sees_the_whole_organisation(client_for, ada, alice, sam, cambridgeshire):
    closed_with_outcomes(cambridgeshire, alice, sam)
    page = client_for(ada).get(reverse("vicp:home")).content.decode()
    assert "All projects" in page and "1 of 1" in page


@pytest.mark.parametrize("who", ["sam", "vera"])
def test_social_workers_and_volunteers_have_no_impact_panel(client_for, cast, who):
    page = client_for(cast[who]).get(reverse("vicp:home")).content.decode()
    assert "Impact in the last twelve months" not in page


def test_the_panel_costs_the_same_queries_with_more_cases(
    client_for, alice, sam, cambridgeshire, django_assert_max_num_queries
):
    client = client_for(alice)
    counts = []
    for total in (1, 4):
        while cambridgeshire.families.filter(status="closed").count() < total:
            closed_with_outcomes(cambridgeshire, alice, sam)
        client.get(reverse("vicp:home"))
        with django_assert_max_num_queries(80) as queries:
            assert client.get(reverse("vicp:home")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_figures_are_kept_for_a_few_minutes(
    client_for, alice, sam, cambridgeshire, monkeypatch
):
    # An in-process cache, whose expiry follows the travelling clock (Redis's does not).
    monkeypatch.setattr(selectors, "cache", LocMemCache("impact-panel-test", {}))
    client = client_for(alice)
    client.get(reverse("vicp:home"))  # nothing closed yet: cached as such
    closed_with_outcomes(cambridgeshire, alice, sam)
    assert "1 of 1" not in client.get(reverse("vicp:home")).content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        page = client.get(reverse("vicp:home")).content.decode()
    assert "1 of 1" in page


def test_the_panel_and_the_report_say_which_closed_cases_were_not_counted(
    client_for, alice, sam, cambridgeshire
):
    closed_with_outcomes(cambridgeshire, alice, sam)
    moved = accepted_family(cambridgeshire, alice, sam, family_name="Roe")
    worked_with(moved, alice)
    closed(moved, alice, missing_reason="family_moved")
    said = "1 closed case could not be assessed: family moved away (1)"

    page = client_for(alice).get(reverse("vicp:home")).content.decode()
    assert "Closed cases the figures could not count" in page
    assert f"Risk decreased: {said}." in page
    assert f"Family Star change: {said}." in page
    assert "1 of 1" in page  # the one assessed case is the whole of the figure

    start, end = default_period()
    report = Report(
        kind=Report.Kind.IMPACT,
        project=cambridgeshire,
        parameters={"start": start.isoformat(), "end": end.isoformat()},
        requested_by=alice,
    )
    html = reports.render_html(report)
    assert html.count(said) == 3  # risk, CP plans and the Family Star
    # Neither case has two attendance figures for a child, nor measures.
    assert (
        "2 closed cases could not be assessed: family moved away (1), fewer than two "
        "attendance figures for any child (1)" in html
    )
    assert "2 closed cases could not be assessed: family moved away (1), no measures (1)" in html
