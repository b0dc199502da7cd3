"""What the browser is told about an input matches what the server accepts: no input cuts
what is typed (the server checks lengths, with a message), and a number input has the
server's own minimum, maximum and step."""

import re

import pytest
from django.urls import reverse

from volunteers.forms import POSTCODE_MESSAGE, AttendanceForm, TrainingForm
from volunteers.models import TrainingSession, Volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def number_input(page, name):
    found = re.search(rf'<input type="number" name="{name}"[^>]*>', page)
    assert found, f"no number input {name}"
    return dict(re.findall(r'(\w+)="([^"]*)"', found.group(0)))


def test_no_form_cuts_what_is_typed(client, client_for, alice, sam, match):
    pages = [
        client.get(reverse("volunteers:apply")),
        client_for(sam).get(reverse("referrals:create")),
        client_for(alice).get(reverse("families:edit_details", args=[match.family.pk])),
        client_for(match.volunteer.user).get(reverse("families:log_visit", args=[match.family.pk])),
    ]
    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        assert "<input" in page and "maxlength" not in page


def test_a_postcode_too_long_is_explained_and_kept(client, cambridgeshire):
    response = client.post(
        reverse("volunteers:apply"),
        {"project": cambridgeshire.pk, "postcode": "CB1 2AB  EXTRA"},
    )
    form = response.context["form"]
    assert form.errors["postcode"] == [POSTCODE_MESSAGE]
    assert 'value="CB1 2AB  EXTRA"' in response.content.decode()


def test_the_visit_forms_numbers_are_what_the_server_accepts(client_for, match):
    page = (
        client_for(match.volunteer.user)
        .get(reverse("families:log_visit", args=[match.family.pk]))
        .content.decode()
    )
    duration = number_input(page, "duration_minutes")
    assert (duration["min"], duration["max"], duration["step"]) == ("15", "480", "1")
    miles = number_input(page, "miles")
    assert (miles["min"], miles["max"], miles["step"]) == ("1", "999", "1")


@pytest.mark.parametrize("form_class", [TrainingForm, AttendanceForm])
def test_hours_inputs_are_what_the_hours_column_holds(form_class):
    if form_class is TrainingForm:
        kwargs = {"sessions": TrainingSession.objects.none()}
    else:
        kwargs = {"volunteers": Volunteer.objects.none()}
    attrs = number_input(str(form_class(**kwargs)["hours"]), "hours")
    assert (attrs["min"], attrs["max"], attrs["step"]) == ("0.5", "999.9", "0.1")
