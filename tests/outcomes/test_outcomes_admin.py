"""The admin: measures and unit costs are reference data that administrators edit; recorded
risk reviews and scores are shown for oversight, with their history, and never changed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import services
from outcomes.models import Measure, MeasureScore, RiskReview

pytestmark = pytest.mark.django_db


def score(match, value=20):
    return services.record_measure(
        family=match.family,
        by=match.volunteer.user,
        measure=Measure.objects.get(slug="sdq-total"),
        stage="start",
        taken_on=timezone.localdate(),
        score=value,
        child=match.family.children.get(first_name="Amy"),
    )


def measure_form(**overrides):
    return {
        "slug": "rcads",
        "name": "RCADS total",
        "about": "child",
        "min_score": "0",
        "max_score": "141",
        "position": "4",
        "is_active": "on",
        **overrides,
    }


def test_an_admin_adds_a_measure(client_for, ada):
    response = client_for(ada).post(reverse("admin:outcomes_measure_add"), measure_form())
    assert response.status_code == 302
    added = Measure.objects.get(slug="rcads")
    assert (added.min_score, added.max_score, added.higher_is_better) == (0, 141, False)


def test_a_measure_with_scores_keeps_its_range(client_for, ada, match):
    score(match)
    sdq = Measure.objects.get(slug="sdq-total")
    url = reverse("admin:outcomes_measure_change", args=[sdq.pk])
    response = client_for(ada).post(
        url,
        measure_form(slug="sdq", name="SDQ (total)", max_score="10", higher_is_better="on"),
    )
    assert response.status_code == 302
    sdq.refresh_from_db()
    assert (sdq.name, sdq.slug, sdq.max_score, sdq.higher_is_better) == (
        "SDQ (total)",
        "sdq-total",
        40,
        False,
    )


def test_the_unit_costs_page_explains_the_savings(client_for, ada):
    page = client_for(ada).get(reverse("admin:outcomes_unitcosts_add")).content.decode()
    assert "How the impact report estimates savings" in page
    assert "pro rata for the days of the period" in page


def test_risk_reviews_are_shown_with_their_children_and_history(client_for, ada, family):
    review = RiskReview.objects.get(family=family)
    client = client_for(ada)
    assert (
        family.case_reference
        in client.get(reverse("admin:outcomes_riskreview_changelist")).content.decode()
    )
    page = client.get(reverse("admin:outcomes_riskreview_change", args=[review.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Child protection plan" in content and "Child in need plan" in content
    history = client.get(reverse("admin:outcomes_riskreview_history", args=[review.pk]))
    assert history.status_code == 200


@pytest.mark.parametrize("model", ["riskreview", "measurescore"])
def test_recorded_outcomes_cannot_be_changed_in_the_admin(client_for, ada, match, model):
    record = RiskReview.objects.get() if model == "riskreview" else score(match)
    client = client_for(ada)
    change = reverse(f"admin:outcomes_{model}_change", args=[record.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"notes": "Changed", "score": "1"}).status_code == 403
    assert client.get(reverse(f"admin:outcomes_{model}_add")).status_code == 403
    delete = reverse(f"admin:outcomes_{model}_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    # simple-history would save a posted old version even with its "Revert" hidden.
    version = record.history.earliest().history_id
    old = reverse(f"admin:outcomes_{model}_simple_history", args=[record.pk, version])
    assert client.get(old).status_code == 200
    assert client.post(old, {"notes": "Changed", "score": "1"}).status_code == 403
    record.refresh_from_db()
    assert type(record).objects.filter(pk=record.pk).exists()
    if model == "measurescore":
        assert MeasureScore.objects.get().score == 20
    else:
        assert record.notes == "Taken from the referral."
