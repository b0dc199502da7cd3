"""Family Star readings: every area scored 1 to 10, at the start, at reviews and at the end."""

import base64
import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outcomes import selectors, services
from outcomes.models import OutcomeScale, StarReading
from outcomes.reference_data import FAMILY_STAR_PLUS

pytestmark = pytest.mark.django_db
AREAS = [slug for slug, _ in FAMILY_STAR_PLUS]


def scores(value=5, **overrides):
    return {**dict.fromkeys(AREAS, value), **overrides}


def record(match, stage="start", by=None, **kwargs):
    return services.record_star_reading(
        family=match.family,
        by=by or match.volunteer.user,
        stage=stage,
        taken_on=kwargs.pop("taken_on", timezone.localdate()),
        scores=kwargs.pop("scores", scores()),
        **kwargs,
    )


@pytest.mark.usefixtures("reference_data")
def test_the_default_scale_is_the_family_star_plus_ten_areas():
    scale = OutcomeScale.default()
    assert [a.name for a in scale.areas.all()][:2] == ["Physical health", "Your well-being"]
    assert scale.areas.count() == 10


@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (10, True), (11, False)])
def test_scores_are_1_to_10(match, value, ok):
    if ok:
        record(match, scores=scores(5, routine=value))
    else:
        with pytest.raises(ValidationError) as error:
            record(match, scores=scores(5, routine=value))
        assert "routine" in error.value.message_dict
        assert not StarReading.objects.exists()


def test_a_missing_area_is_refused_by_name(match):
    incomplete = scores()
    del incomplete["work"]
    with pytest.raises(ValidationError) as error:
        record(match, scores=incomplete)
    assert error.value.message_dict["work"] == ["Give a score for Progress to work."]


def test_one_start_reading_but_several_reviews(match, alice):
    record(match)
    with pytest.raises(ValidationError, match="already has a start"):
        record(match)
    record(match, stage="review")
    record(match, stage="review", by=alice)
    assert StarReading.objects.filter(stage="review").count() == 2


def test_not_in_the_future(match):
    with pytest.raises(ValidationError):
        record(match, taken_on=timezone.localdate() + datetime.timedelta(days=1))


def test_only_the_volunteer_or_a_manager_records(match, sam, charlie):
    for person in (sam, charlie):
        with pytest.raises(ValidationError):
            record(match, by=person)


def test_the_family_page_shows_the_journey_per_area(client_for, match, alice, sam):
    record(match, scores=scores(3), taken_on=match.started_on)
    record(match, stage="end", scores=scores(3, routine=7, **{"home-money": 2}))
    page = client_for(sam).get(reverse("families:outcomes", args=[match.family.pk]))
    rows = {row["area"]: row for row in page.context["journey"]["rows"]}
    assert rows["Family routine"] == {
        "area": "Family routine",
        "start": 3,
        "latest": 7,
        "change": 4,
    }
    assert rows["Home and money"]["change"] == -1
    assert "Record a Family Star reading" not in page.content.decode()  # Sam only reads


def test_the_journey_compares_the_start_with_the_latest_in_two_queries(
    match, django_assert_num_queries
):
    today = timezone.localdate()
    record(match, scores=scores(2), taken_on=today - datetime.timedelta(days=30))
    for days, value in ((20, 4), (10, 9)):
        record(match, "review", scores=scores(value), taken_on=today - datetime.timedelta(days))
    record(match, "review", scores=scores(6, routine=8), taken_on=today)
    with django_assert_num_queries(2):
        journey = selectors.star_journey(match.family)
    assert [r.stage for r in journey["readings"]] == ["start", "review", "review", "review"]
    assert journey["latest"].taken_on == today
    rows = {row["area"]: row for row in journey["rows"]}
    assert rows["Family routine"] == {
        "area": "Family routine",
        "start": 2,
        "latest": 8,
        "change": 6,
    }
    assert rows["Progress to work"]["change"] == 4


def test_one_reading_is_shown_without_a_change(match):
    record(match, scores=scores(5))
    journey = selectors.star_journey(match.family)
    assert journey["start"] == journey["latest"]
    assert {row["change"] for row in journey["rows"]} == {None}
    assert {row["start"] for row in journey["rows"]} == {5}


def test_the_outcomes_section_links_to_a_new_reading_for_those_who_record_them(
    client_for, match, alice, sam, charlie
):
    section = reverse("families:outcomes", args=[match.family.pk])
    form = reverse("outcomes:record_star_reading", args=[match.family.pk])
    for person in (match.volunteer.user, alice):
        page = client_for(person).get(section).content.decode()
        assert f'href="{form}">Record a Family Star reading</a>' in page
        assert client_for(person).get(form).status_code == 200
    assert form not in client_for(sam).get(section).content.decode()  # she reads only
    for person in (sam, charlie):
        assert client_for(person).get(form).status_code == 404


def test_the_phone_form_keeps_what_was_typed(client_for, match):
    url = reverse("outcomes:record_star_reading", args=[match.family.pk])
    client = client_for(match.volunteer.user)
    data = {
        "stage": "start",
        "taken_on": timezone.localdate().isoformat(),
        "notes": "Kitchen table",
        **dict.fromkeys(AREAS, "6"),
    }
    data["work"] = ""
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "work" in refused.context["form"].errors
    assert "Kitchen table" in refused.content.decode()
    data["work"] = "4"
    assert client.post(url, data).status_code == 302
    reading = StarReading.objects.get()
    assert reading.scores.get(area__slug="work").score == 4


def test_the_family_page_draws_the_journey_as_a_star(match, client_for):
    record(match, "start", taken_on=timezone.localdate() - datetime.timedelta(days=7))
    record(match, "review", scores=scores(6, routine=9))
    page = client_for(match.volunteer.user).get(
        reverse("families:outcomes", args=[match.family.pk])
    )
    uri = re.search(
        rb'class="img-fluid chart chart-star" src="data:image/svg\+xml;base64,([^"]+)"',
        page.content,
    )
    svg = base64.b64decode(uri.group(1)).decode()
    assert svg.startswith("<?xml") and "<script" not in svg
    text = " ".join(re.findall(r">([^<>]+)</text>", svg))  # labels may wrap over lines
    assert "routine" in text and "Progress to" in text
    assert "Start" in text and "Review" in text
