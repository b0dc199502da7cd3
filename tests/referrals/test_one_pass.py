"""A referral submitted with several problems, in the form and in its children, shows
every one of them in one response: beside each field and in the summary at the top."""

import datetime
import re

import pytest
from django.utils import timezone

from referrals.forms import POSTCODE_TOO_LONG
from referrals.models import LevelOfNeed, Referral
from tests.factories import years_ago

from .test_views import CREATE, TWO_CHILDREN, form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def summary(page):
    found = re.search(r"data-error-summary>(.*?)</div>", page, re.S)
    assert found, "no error summary"
    return found.group(1)


def test_every_problem_of_a_submitted_referral_shows_at_once(client_for, sam, cambridgeshire):
    children = [
        ("Zofia", timezone.localdate() + datetime.timedelta(days=1), "cp"),
        ("", years_ago(5), "cin"),
    ]
    data = form_data(
        cambridgeshire,
        children,
        consent_given=None,
        level_of_need="",
        reasons="",
        postcode="CB2 3QQ EXTRA",
    )
    response = client_for(sam).post(CREATE, data)
    form, formset = response.context["form"], response.context["formset"]
    expected = {
        "postcode": POSTCODE_TOO_LONG,
        "consent_given": "The family must consent to having a volunteer before you submit.",
        "level_of_need": "Choose the level of need.",
        "reasons": "Say why you are referring the family.",
    }
    assert form.errors == {name: [message] for name, message in expected.items()}
    assert [f.errors for f in formset] == [
        {"date_of_birth": ["The date of birth cannot be in the future."]},
        {"first_name": ["This field is required."]},
    ]
    page = response.content.decode()
    top = summary(page)
    for message in expected.values():
        assert message in top
    assert "Child 1, date of birth: The date of birth cannot be in the future." in top
    assert "Child 2, first name: This field is required." in top
    assert 'href="#id_children-0-date_of_birth"' in top
    assert 'value="CB2 3QQ EXTRA"' in page  # what was typed is kept whole
    assert not Referral.objects.exists()


def test_a_level_from_another_scale_shows_with_the_other_problems(client_for, sam, cambridgeshire):
    """The service's check of the project's own scale is asked before saving."""
    for ordinal in (1, 3):
        LevelOfNeed.objects.create(
            project=cambridgeshire, ordinal=ordinal, name=f"Cambridgeshire level {ordinal}"
        )
    default_level = LevelOfNeed.objects.filter(project=None).first()
    data = form_data(cambridgeshire, TWO_CHILDREN, level_of_need=default_level.pk, reasons="")
    response = client_for(sam).post(CREATE, data)
    assert response.context["form"].errors == {
        "level_of_need": ["Choose a level from this project's list."],
        "reasons": ["Say why you are referring the family."],
    }
    assert not Referral.objects.exists()


def test_no_child_and_missing_answers_show_together(client_for, sam, cambridgeshire):
    response = client_for(sam).post(CREATE, form_data(cambridgeshire, [], consent_given=None))
    assert "consent_given" in response.context["form"].errors
    assert response.context["formset"].non_form_errors() == ["Add at least one child."]
    top = summary(response.content.decode())
    assert "Add at least one child." in top and "must consent" in top
