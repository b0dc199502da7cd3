"""A manager corrects the family's details and children: a new baby added, a date of
birth put right, a child who left marked so, never deleted. Each change is kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from families import selectors, services
from families.models import Child, Family
from referrals.models import Need, RiskKind
from vicp.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

TODAY = timezone.localdate


def changes_of(family):
    return [
        (what, field, before, after)
        for _, _, what, field, before, after in selectors.family_changes(family)
    ]


def test_the_family_details_are_corrected_with_before_and_after(family, alice):
    dogs = RiskKind.objects.first()
    services.update_family_details(
        family, by=alice, phone="07700 900123", postcode="cb4 2zz", risks=[dogs]
    )
    family.refresh_from_db()
    assert (family.phone, family.postcode) == ("07700 900123", "CB4 2ZZ")
    assert list(family.risks.all()) == [dogs]
    assert ("Family", "phone", "", "07700 900123") in changes_of(family)
    event = AuditEvent.objects.get(action="family.changed")
    assert event.details["fields"] == ["phone", "postcode", "risks"]


def test_nothing_changed_records_nothing(family, alice):
    services.update_family_details(family, by=alice, phone=family.phone)
    assert not AuditEvent.objects.filter(action="family.changed").exists()


def test_only_the_familys_managers_correct_its_details(family, charlie, sam):
    for person in (charlie, sam):
        with pytest.raises(ValidationError):
            services.update_family_details(family, by=person, phone="1")


def test_the_family_name_cannot_be_emptied(family, alice):
    with pytest.raises(ValidationError, match="name"):
        services.update_family_details(family, by=alice, family_name="  ")


def test_a_new_baby_is_added(family, alice):
    child = services.add_child(
        family,
        by=alice,
        first_name="Cara",
        last_name="Doe",
        date_of_birth=TODAY(),
        plan_type="none",
    )
    assert child.family == family and child.cp_category is None
    assert AuditEvent.objects.filter(action="child.added").exists()


def test_a_child_on_a_plan_needs_its_category(family, alice):
    with pytest.raises(ValidationError) as error:
        services.add_child(
            family, by=alice, first_name="Cara", date_of_birth=TODAY(), plan_type="cp"
        )
    assert "cp_category" in error.value.error_dict


def test_a_date_of_birth_tomorrow_is_refused_today_is_not(family, alice):
    amy = family.children.get(first_name="Amy")
    with pytest.raises(ValidationError, match="future"):
        services.correct_child(amy, by=alice, date_of_birth=TODAY() + datetime.timedelta(days=1))
    services.correct_child(amy, by=alice, date_of_birth=TODAY())
    amy.refresh_from_db()
    assert amy.date_of_birth == TODAY()


def test_a_child_must_have_been_under_18_when_the_case_was_accepted(family, alice):
    amy = family.children.get(first_name="Amy")
    accepted = family.accepted_on
    eighteen_then = accepted.replace(year=accepted.year - 18)
    with pytest.raises(ValidationError, match="18 or over"):
        services.correct_child(amy, by=alice, date_of_birth=eighteen_then)
    services.correct_child(amy, by=alice, date_of_birth=eighteen_then + datetime.timedelta(days=1))


def test_a_corrected_date_of_birth_is_kept_before_and_after(family, alice):
    amy = family.children.get(first_name="Amy")
    before = amy.date_of_birth
    services.correct_child(amy, by=alice, date_of_birth=before - datetime.timedelta(days=40))
    rows = [row for row in changes_of(family) if row[0] == "Child Amy"]
    assert rows == [("Child Amy", "date of birth", before, before - datetime.timedelta(days=40))]


def test_a_child_who_left_is_kept_and_marked(family, alice):
    ben = family.children.get(first_name="Ben")
    with pytest.raises(ValidationError) as error:
        services.record_child_left(
            ben, by=alice, left_on=TODAY() + datetime.timedelta(days=1), reason=""
        )
    assert set(error.value.error_dict) == {"left_on", "reason"}
    services.record_child_left(ben, by=alice, left_on=TODAY(), reason="Lives with his father now")
    ben.refresh_from_db()
    assert ben.left_household_on == TODAY()
    assert Child.objects.filter(family=family).count() == 2  # never deleted
    with pytest.raises(ValidationError, match="already"):
        services.record_child_left(ben, by=alice, left_on=TODAY(), reason="Again")


def test_an_anonymised_case_is_not_corrected(family, alice):
    Family.objects.filter(pk=family.pk).update(anonymised_on=TODAY())
    with pytest.raises(ValidationError, match="retention"):
        services.update_family_details(family, by=alice, phone="1")


MANAGERS_ONLY = [
    ("alice", 200),
    ("ada", 200),
    ("charlie", 404),
    ("sam", 404),
    ("vera", 404),
    ("una", 404),
]


@pytest.mark.parametrize(("who", "status"), MANAGERS_ONLY)
def test_who_may_open_the_correction_pages(client_for, cast, family, who, status):
    child = family.children.first()
    for url in (
        reverse("families:edit_details", args=[family.pk]),
        reverse("families:add_child", args=[family.pk]),
        reverse("families:edit_child", args=[child.pk]),
        reverse("families:child_left", args=[child.pk]),
    ):
        assert client_for(cast[who]).get(url).status_code == status, url


def test_the_matched_volunteer_may_not_correct_the_family(client_for, match):
    child = match.family.children.first()
    client = client_for(match.volunteer.user)
    assert client.get(reverse("families:edit_details", args=[match.family.pk])).status_code == 404
    assert client.get(reverse("families:edit_child", args=[child.pk])).status_code == 404


def test_a_refused_form_keeps_what_was_typed_and_lists_every_problem(client_for, family, alice):
    response = client_for(alice).post(
        reverse("families:add_child", args=[family.pk]),
        {
            "first_name": "",
            "last_name": "Doe-Smith",
            "date_of_birth": "31/02/2026",
            "plan_type": "cp",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the child&#x27;s first name." in page and "Enter a date of birth." in page
    assert 'value="Doe-Smith"' in page
    assert "data-error-summary" in page
    assert family.children.count() == 2


def test_the_details_page_saves(client_for, family, alice):
    need = Need.objects.first()
    form = client_for(alice).get(reverse("families:edit_details", args=[family.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(phone="01223 000000", needs=[need.pk], risks=[])
    data.pop("consent_given", None)
    data["consent_given"] = "on"
    response = client_for(alice).post(reverse("families:edit_details", args=[family.pk]), data)
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.phone == "01223 000000" and list(family.needs.all()) == [need]


def test_the_family_page_shows_a_child_who_left(client_for, family, alice):
    ben = family.children.get(first_name="Ben")
    services.record_child_left(ben, by=alice, left_on=TODAY(), reason="Lives with his father now")
    page = client_for(alice).get(reverse("families:details", args=[family.pk])).content.decode()
    assert "Left the household" in page and "Lives with his father now" in page
