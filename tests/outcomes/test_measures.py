"""Validated measures: SDQ scores for a child and WEMWBS for a parent, at the start and the
end of the work, recorded by the family's volunteer or a project manager."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from families.services import end_match
from outcomes import services
from outcomes.models import Measure, MeasureScore
from outcomes.selectors import measure_journey
from referrals.services import accept_referral
from tests.factories import make_referral
from vicp.models import AuditEvent

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def measure(slug):
    return Measure.objects.get(slug=slug)


def amy(family):
    return family.children.get(first_name="Amy")


def record(match, slug="sdq-total", score=20, stage="start", by=None, **kwargs):
    family = match.family
    about_child = measure(slug).about == "child"
    return services.record_measure(
        family=family,
        by=by or match.volunteer.user,
        measure=measure(slug),
        stage=stage,
        taken_on=kwargs.pop("taken_on", TODAY),
        score=score,
        child=kwargs.pop("child", amy(family) if about_child else None),
        parent=kwargs.pop("parent", "" if about_child else "Mother"),
        **kwargs,
    )


# --- The service --------------------------------------------------------------------------


@pytest.mark.usefixtures("reference_data")
def test_the_measures_are_data_with_their_ranges():
    assert [
        (m.slug, m.about, m.min_score, m.max_score, m.higher_is_better)
        for m in Measure.objects.all()
    ] == [
        ("sdq-total", "child", 0, 40, False),
        ("sdq-emotional", "child", 0, 10, False),
        ("wemwbs", "parent", 14, 70, True),
    ]


@pytest.mark.parametrize(
    ("slug", "score", "ok"),
    [
        ("sdq-total", -1, False),
        ("sdq-total", 0, True),
        ("sdq-total", 40, True),
        ("sdq-total", 41, False),
        ("sdq-emotional", 10, True),
        ("sdq-emotional", 11, False),
        ("wemwbs", 13, False),
        ("wemwbs", 14, True),
        ("wemwbs", 70, True),
        ("wemwbs", 71, False),
    ],
)
def test_scores_outside_the_measures_range_are_refused(match, slug, score, ok):
    if ok:
        assert record(match, slug, score).score == score
        return
    with pytest.raises(ValidationError) as error:
        record(match, slug, score)
    instrument = measure(slug)
    assert error.value.message_dict == {
        "score": [
            f"{instrument.name} scores run from {instrument.min_score} to {instrument.max_score}."
        ]
    }
    assert not MeasureScore.objects.exists()


def test_a_score_is_recorded_and_audited(match):
    entry = record(match, "wemwbs", 41, parent="  Mother ")
    assert (entry.parent, entry.child, entry.recorded_by) == ("Mother", None, match.volunteer.user)
    event = AuditEvent.objects.get(action="measure.recorded")
    assert (event.actor, event.details) == (
        match.volunteer.user,
        {"measure": "wemwbs", "stage": "start"},
    )


def test_a_score_must_be_a_whole_number(match):
    with pytest.raises(ValidationError) as error:
        record(match, score="12")
    assert error.value.message_dict == {"score": ["Give the score as a whole number."]}


def test_a_childs_measure_needs_a_child_of_this_family(match, alice, sam, cambridgeshire):
    with pytest.raises(ValidationError) as error:
        record(match, child=None)
    assert error.value.message_dict == {"child": ["Choose which child this score is about."]}
    other = accept_referral(
        make_referral(cambridgeshire, sam, submit=True, family_name="Roe"), by=alice
    )
    with pytest.raises(ValidationError) as error:
        record(match, child=other.children.first())
    assert "child" in error.value.message_dict
    assert not MeasureScore.objects.exists()


def test_a_parents_measure_needs_to_say_which_parent(match):
    with pytest.raises(ValidationError) as error:
        record(match, "wemwbs", 40, parent=" ")
    assert error.value.message_dict == {
        "parent": ["Say which parent or carer this score is about, e.g. Mother."]
    }


def test_a_score_in_the_future_is_refused(match):
    with pytest.raises(ValidationError) as error:
        record(match, taken_on=TODAY + datetime.timedelta(days=1))
    assert error.value.message_dict == {"taken_on": ["This date is in the future."]}


def test_one_start_and_one_end_per_person_and_measure(match):
    ben = match.family.children.get(first_name="Ben")
    record(match)
    with pytest.raises(ValidationError) as error:
        record(match)
    assert error.value.message_dict == {
        "stage": ["SDQ total difficulties already has a start score for Amy."]
    }
    record(match, child=ben)
    record(match, stage="end")
    record(match, "sdq-emotional", 5)
    record(match, "wemwbs", 40, parent="Mother")
    record(match, "wemwbs", 44, parent="Father")
    assert MeasureScore.objects.count() == 6


def test_a_parents_label_pairs_whatever_its_capitals(match):
    record(match, "wemwbs", 40, parent="Mother")
    end = record(match, "wemwbs", 50, stage="end", parent="mother")
    assert end.parent == "Mother"
    with pytest.raises(ValidationError, match="already has a start score for Mother"):
        record(match, "wemwbs", 40, parent="MOTHER")
    (row,) = measure_journey(match.family)
    assert (row["who"], row["start"].score, row["end"].score) == ("Mother", 40, 50)


def test_only_the_familys_volunteer_or_a_manager_records(match, alice, sam, charlie, una):
    for person in (sam, charlie, una):
        with pytest.raises(ValidationError, match="Only the family's volunteer"):
            record(match, by=person)
    record(match, by=alice)
    assert MeasureScore.objects.count() == 1


def test_the_volunteer_records_nothing_once_the_match_has_ended(match, alice):
    end_match(match, by=alice, reason="planned")
    with pytest.raises(ValidationError):
        record(match)


# --- The journey on the family page ---------------------------------------------------------


def test_the_journey_pairs_start_and_end_and_knows_which_way_is_better(match):
    ben = match.family.children.get(first_name="Ben")
    record(match, "sdq-total", 24)
    record(match, "sdq-total", 18, stage="end")  # lower is better
    record(match, "sdq-total", 10, child=ben)
    record(match, "sdq-total", 14, stage="end", child=ben)
    record(match, "sdq-emotional", 6)
    record(match, "sdq-emotional", 6, stage="end")
    record(match, "wemwbs", 40, parent="Mother")
    record(match, "wemwbs", 52, stage="end", parent="Mother")  # higher is better
    record(match, "wemwbs", 45, parent="Father")  # no end score yet
    rows = [
        (r["measure"].slug, r["who"], r["change"], r["direction"])
        for r in measure_journey(match.family)
    ]
    assert rows == [
        ("sdq-total", "Amy", -6, "better"),  # Amy is the elder: first
        ("sdq-total", "Ben", 4, "worse"),
        ("sdq-emotional", "Amy", 0, "same"),
        ("wemwbs", "Father", None, None),
        ("wemwbs", "Mother", 12, "better"),
    ]


def test_the_journey_is_one_query(match, django_assert_num_queries):
    for slug in ("sdq-total", "sdq-emotional"):
        for stage in ("start", "end"):
            record(match, slug, 5, stage=stage)
    with django_assert_num_queries(1):
        rows = measure_journey(match.family)
        assert [row["who"] for row in rows] == ["Amy", "Amy"]


# --- The form and the view ------------------------------------------------------------------


def url(family):
    return reverse("outcomes:record_measure", args=[family.pk])


def form_data(family, slug="sdq-total", **overrides):
    return {
        "measure": str(measure(slug).pk),
        "child": str(amy(family).pk),
        "parent": "",
        "stage": "start",
        "taken_on": TODAY.strftime("%d/%m/%Y"),
        "score": "17",
        **overrides,
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, match):
    response = client.get(url(match.family))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["charlie", "sally", "sam", "victor", "una"])
def test_everyone_else_gets_404(client_for, cast, match, who):
    client = client_for(cast[who])
    assert client.get(url(match.family)).status_code == 404
    assert client.post(url(match.family), form_data(match.family)).status_code == 404
    assert not MeasureScore.objects.exists()


def test_the_volunteer_records_a_score_on_a_phone(client_for, match):
    client = client_for(match.volunteer.user)
    page = client.get(url(match.family))
    assert page.status_code == 200
    content = page.content.decode()
    assert "SDQ total difficulties (0 to 40, lower is better)" in content
    assert "WEMWBS) 14 to 70" in content  # every range, in the score's help text
    assert 'inputmode="numeric"' in content
    assert "js/measures.js" in content
    response = client.post(url(match.family), form_data(match.family))
    assert response.status_code == 302
    assert response["Location"].endswith("#measures-heading")
    entry = MeasureScore.objects.get()
    assert (entry.child, entry.stage, entry.score) == (amy(match.family), "start", 17)


def test_a_manager_records_a_parents_score(client_for, alice, match):
    response = client_for(alice).post(
        url(match.family), form_data(match.family, "wemwbs", child="", parent="Mother", score="48")
    )
    assert response.status_code == 302
    entry = MeasureScore.objects.get()
    assert (entry.parent, entry.child, entry.score, entry.recorded_by) == (
        "Mother",
        None,
        48,
        alice,
    )


def test_save_and_record_another_keeps_the_stage_and_date(client_for, match):
    client = client_for(match.volunteer.user)
    last_week = TODAY - datetime.timedelta(days=7)
    response = client.post(
        url(match.family),
        form_data(match.family, stage="end", taken_on=last_week.strftime("%d/%m/%Y"), another="1"),
    )
    query = f"?stage=end&taken_on={last_week.isoformat()}"
    assert response["Location"] == url(match.family) + query
    page = client.get(response["Location"])
    assert f'value="{last_week.isoformat()}"' in page.content.decode()
    assert page.context["form"]["stage"].value() == "end"


def test_the_parents_already_named_are_offered(client_for, match):
    record(match, "wemwbs", 40, parent="Mother")
    page = client_for(match.volunteer.user).get(url(match.family)).content.decode()
    assert '<option value="Mother"></option>' in page
    assert 'list="parent-labels"' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"score": "41"}, "score", "SDQ total difficulties scores run from 0 to 40."),
        ({"score": "twelve"}, "score", "Give the score as a whole number."),
        ({"score": ""}, "score", "Give the score."),
        ({"child": ""}, "child", "Choose which child this score is about."),
        ({"stage": ""}, "stage", "Choose start or end."),
    ],
)
def test_each_field_says_what_is_wrong_and_keeps_what_was_typed(
    client_for, match, overrides, field, message
):
    data = form_data(match.family, **overrides)
    response = client_for(match.volunteer.user).post(url(match.family), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == [message]
    assert form["score"].value() == data["score"]
    assert form["taken_on"].value() == data["taken_on"]
    assert not MeasureScore.objects.exists()


def test_a_parents_score_needs_the_parent(client_for, match):
    response = client_for(match.volunteer.user).post(
        url(match.family), form_data(match.family, "wemwbs", score="30")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["parent"] == [
        "Say which parent or carer this score is about, e.g. Mother."
    ]
    assert 'value="30"' in response.content.decode()


def test_an_out_of_range_score_keeps_its_value_on_the_page(client_for, match):
    response = client_for(match.volunteer.user).post(
        url(match.family), form_data(match.family, "wemwbs", child="", parent="Dad", score="71")
    )
    content = response.content.decode()
    assert "scores run from 14 to 70" in content
    assert 'value="71"' in content and 'value="Dad"' in content


# --- Who sees the measures on the family page -----------------------------------------------


def test_the_volunteer_sees_the_change_and_may_record(client_for, match):
    record(match, "sdq-total", 24)
    record(match, "sdq-total", 18, stage="end")
    page = client_for(match.volunteer.user).get(
        reverse("families:outcomes", args=[match.family.pk])
    )
    content = page.content.decode()
    assert 'id="measures-heading"' in content
    assert "0 to 40, lower is better" in content
    assert "\u22126" in content and "better</span>" in content
    assert "Record a measure" in content
    assert "Doe" not in page.context["measures"][0]["who"]  # children by first name only


def test_the_referring_social_worker_sees_the_scores_but_records_none(client_for, match, sam):
    record(match, "wemwbs", 40, parent="Mother")
    page = client_for(sam).get(reverse("families:outcomes", args=[match.family.pk]))
    content = page.content.decode()
    assert "Mother" in content and 'id="measures-heading"' in content
    assert "Record a measure" not in content
