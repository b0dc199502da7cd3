"""The end-state factories write what the services write, row for row, in far fewer
queries.

Each comparison builds the same thing twice from the same database, through the
services and with the factory, and compares every table (tests/rows.py): records,
status and change history, object permissions and audit events. When a service
starts writing something new, these fail until the factory does it too.
"""

import datetime

import factory
import pytest
from django.utils import timezone

from families.models import Family
from families.services import end_match, start_match
from referrals import services as referral_services
from referrals.models import LevelOfNeed, Need, Referral, RiskKind
from tests import factories
from tests.rows import rows_written
from tests.volunteers.helpers import signed_off
from volunteers.models import Volunteer

pytestmark = pytest.mark.usefixtures("reference_data")

VAL = {"first_name": "Val", "last_name": "Green", "email": "Val.Green@Example.org"}


def written(build):
    """The rows `build()` writes, with training sessions numbered from the start."""

    def numbered_build():
        factories.TrainingSessionFactory.reset_sequence()
        build()

    return rows_written(numbered_build)


def test_a_ready_volunteer_is_what_sign_off_leaves(cambridgeshire, alice):
    by_services = written(
        lambda: signed_off(factories.VolunteerFactory(project=cambridgeshire, **VAL), alice)
    )
    by_factory = written(
        lambda: factories.ReadyVolunteerFactory(project=cambridgeshire, signed_off_by=alice, **VAL)
    )
    assert by_factory == by_services
    assert by_factory["volunteers.VolunteerUserObjectPermission"]  # it did compare something


def test_an_accepted_family_is_what_accepting_a_referral_leaves(cambridgeshire, alice, sam):
    by_services = written(
        lambda: referral_services.accept_referral(
            factories.make_referral(cambridgeshire, sam, submit=True), by=alice
        )
    )
    by_factory = written(
        lambda: factories.AcceptedFamilyFactory(
            project=cambridgeshire, social_worker=sam, accepted_by=alice
        )
    )
    assert by_factory == by_services
    assert len(by_factory["families.Child"]) == 2


def test_an_accepted_family_with_needs_risks_and_its_own_details(cambridgeshire, alice, sam):
    needs = list(Need.objects.filter(slug__in=["routines", "budgeting"]))
    risks = list(RiskKind.objects.filter(slug="dogs"))
    details = {
        "family_name": "Nowak",
        "postcode": "cb2 3qq",
        "languages": "Polish, English",
        "email": "nowak@example.org",
        "hopes": "Calmer mornings.",
        "level_of_need": LevelOfNeed.for_project(cambridgeshire).get(ordinal=3),
    }
    children = [
        {
            "first_name": "Zofia",
            "last_name": "Nowak",
            "date_of_birth": factories.years_ago(5),
            "plan_type": "cin",
            "cp_category": None,
        },
        {
            "first_name": "Adam",
            "last_name": "Nowak",
            "date_of_birth": factories.years_ago(9),
            "plan_type": "none",
            "cp_category": None,
        },
    ]

    def through_the_services():
        fields = {**factories.referral_defaults(cambridgeshire), **details}
        referral = referral_services.save_referral(
            Referral(project=cambridgeshire, **fields),
            by=sam,
            children=children,
            needs=needs,
            risks=risks,
        )
        referral_services.submit_referral(referral, by=sam)
        referral_services.accept_referral(referral, by=alice)

    by_services = written(through_the_services)
    by_factory = written(
        lambda: factories.AcceptedFamilyFactory(
            project=cambridgeshire,
            social_worker=sam,
            accepted_by=alice,
            children=children,
            needs=needs,
            risks=risks,
            **details,
        )
    )
    assert by_factory == by_services
    assert len(by_factory["families.Family_needs"]) == 2


def test_an_active_match_is_what_starting_a_match_leaves(cambridgeshire, alice, sam):
    family = factories.AcceptedFamilyFactory(
        project=cambridgeshire, social_worker=sam, accepted_by=alice
    )
    volunteer = factories.ReadyVolunteerFactory(project=cambridgeshire, signed_off_by=alice)
    started_on = timezone.localdate() - datetime.timedelta(days=28)

    def fresh():
        return Family.objects.get(pk=family.pk), Volunteer.objects.get(pk=volunteer.pk)

    def through_the_service():
        family, volunteer = fresh()
        start_match(family=family, volunteer=volunteer, by=alice, started_on=started_on)

    def with_the_factory():
        family, volunteer = fresh()
        factories.ActiveMatchFactory(
            family=family, volunteer=volunteer, started_by=alice, started_on=started_on
        )

    by_service, by_factory = written(through_the_service), written(with_the_factory)
    assert by_factory == by_service
    assert by_factory["families.FamilyUserObjectPermission"]


def test_a_factory_match_ends_as_a_service_match_does(cambridgeshire, alice, sam):
    """What the services do next to a factory's rows is what they do to their own."""

    def journey(match_with):
        family = factories.AcceptedFamilyFactory(
            project=cambridgeshire, social_worker=sam, accepted_by=alice
        )
        volunteer = factories.ReadyVolunteerFactory(
            project=cambridgeshire, signed_off_by=alice, **VAL
        )
        match = match_with(family, volunteer)
        end_match(match, by=alice, reason="planned")

    def by_service(family, volunteer):
        return start_match(family=family, volunteer=volunteer, by=alice)

    def by_factory(family, volunteer):
        return factories.ActiveMatchFactory(family=family, volunteer=volunteer, started_by=alice)

    assert written(lambda: journey(by_factory)) == written(lambda: journey(by_service))


def test_the_factories_refuse_a_match_start_match_would_refuse(cambridgeshire, alice):
    applicant = factories.VolunteerFactory(project=cambridgeshire)
    with pytest.raises(ValueError, match="start_match would refuse"):
        factories.ActiveMatchFactory(family__project=cambridgeshire, volunteer=applicant)


def test_by_default_the_factories_make_a_consistent_cast():
    match = factories.ActiveMatchFactory()
    project = match.family.project
    assert match.volunteer.project == project
    assert match.started_by in project.managers.all()
    assert match.volunteer.signed_off_by in project.managers.all()
    assert match.family.referral.social_worker.has_perm("families.view_family", match.family)
    assert match.volunteer.user.has_perm("families.view_family", match.family)


def test_the_factories_take_few_queries(cambridgeshire, alice, sam, django_assert_max_num_queries):
    """Through the services: 221 queries for the volunteer, 107 for the family, 39 for
    the match (each factory's savepoint included here)."""
    with django_assert_max_num_queries(17):
        volunteer = factories.ReadyVolunteerFactory(project=cambridgeshire, signed_off_by=alice)
    with django_assert_max_num_queries(33):
        family = factories.AcceptedFamilyFactory(
            project=cambridgeshire, social_worker=sam, accepted_by=alice
        )
    with django_assert_max_num_queries(15):
        factories.ActiveMatchFactory(family=family, volunteer=volunteer, started_by=alice)


def test_nobody_is_given_a_name_of_the_fixed_family_at_random(monkeypatch):
    # Pages that must not show the Doe family are checked for "Amy", "Ben" and "Doe".
    faker = factory.Faker._get_faker(locale="en_GB")
    offered = iter(["Amy", "Ben", "Cara"])
    monkeypatch.setattr(faker, "first_name", lambda: next(offered))
    offered_last = iter(["Doe", "Hughes"])
    monkeypatch.setattr(faker, "last_name", lambda: next(offered_last))
    person = factories.UserFactory.build()
    assert (person.first_name, person.last_name) == ("Cara", "Hughes")
