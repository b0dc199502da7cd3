"""Matching a family with a volunteer, and ending the match."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from families import services
from families.models import Family, Match
from tests import factories
from tests.volunteers.helpers import clear_dbs
from vicp.permissions import granted
from volunteers.models import Stage

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today


def test_suggestions_rank_ready_volunteers_with_their_reasons(family, alice, cambridgeshire):
    family.postcode = "CB4 1AA"
    family.languages = "Polish, English"
    family.save()
    near = factories.ReadyVolunteerFactory(
        project=cambridgeshire, postcode="CB4 3XY", languages="Polish", drives=True
    )
    far = factories.ReadyVolunteerFactory(project=cambridgeshire, postcode="PE1 1AA")
    factories.VolunteerFactory(project=cambridgeshire)  # not signed off: never suggested
    suggestions = services.suggest_volunteers(family)
    assert [s.volunteer for s in suggestions] == [near, far]
    assert "Lives in the same postcode district (CB4)" in suggestions[0].reasons
    assert "Speaks Polish" in suggestions[0].reasons
    assert any("Drives" in r for r in suggestions[0].reasons)


def test_a_volunteer_with_a_lapsed_dbs_is_not_suggested_or_matched(family, ready_volunteer, alice):
    ready_volunteer.dbs_checks.update(issued_on=TODAY().replace(year=TODAY().year - 4))
    assert services.suggest_volunteers(family) == []
    with pytest.raises(ValidationError, match="DBS"):
        services.start_match(family=family, volunteer=ready_volunteer, by=alice)


def test_starting_a_match_gives_the_volunteer_the_family(
    family, ready_volunteer, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        match = services.start_match(family=family, volunteer=ready_volunteer, by=alice)
    family.refresh_from_db()
    ready_volunteer.refresh_from_db()
    assert family.status == Family.Status.MATCHED
    assert ready_volunteer.stage == Stage.MATCHED
    assert list(granted(ready_volunteer.user, "families.view_family", Family.objects.all())) == [
        family
    ]
    assert [m.to for m in mail.outbox] == [["val@example.org"], ["sam@example.org"]]
    assert match.started_on == timezone.localdate()


def test_ending_a_match_takes_the_family_away_at_once(match, alice):
    volunteer = match.volunteer
    services.end_match(match, by=alice, reason="planned")
    assert not granted(volunteer.user, "families.view_family", Family.objects.all()).exists()
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.READY
    assert Family.objects.get().status == Family.Status.AWAITING_MATCH


def test_only_a_manager_of_the_project_matches(family, ready_volunteer, charlie, sam):
    for person in (charlie, sam):
        with pytest.raises(ValidationError, match="Only a manager"):
            services.start_match(family=family, volunteer=ready_volunteer, by=person)


def test_a_volunteer_has_one_family_at_a_time(match, alice, sam, cambridgeshire):
    second_family = factories.AcceptedFamilyFactory(
        project=cambridgeshire, social_worker=sam, accepted_by=alice, family_name="Other"
    )
    with pytest.raises(ValidationError, match="not signed off and free"):
        services.start_match(family=second_family, volunteer=match.volunteer, by=alice)


def test_a_family_has_one_volunteer_at_a_time(match, alice, cambridgeshire):
    another = factories.ReadyVolunteerFactory(project=cambridgeshire, signed_off_by=alice)
    with pytest.raises(ValidationError, match="not awaiting a volunteer"):
        services.start_match(family=match.family, volunteer=another, by=alice)


def test_the_database_refuses_a_second_active_match(match, alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(
            family=match.family, volunteer=match.volunteer, started_on=TODAY(), started_by=alice
        )


def test_a_match_cannot_start_in_the_future_or_end_before_it_started(
    family, ready_volunteer, alice
):
    with pytest.raises(ValidationError, match="future"):
        services.start_match(
            family=family,
            volunteer=ready_volunteer,
            by=alice,
            started_on=TODAY() + datetime.timedelta(days=1),
        )
    match = services.start_match(family=family, volunteer=ready_volunteer, by=alice)
    with pytest.raises(ValidationError):
        services.end_match(
            match, by=alice, reason="planned", ended_on=TODAY() - datetime.timedelta(days=1)
        )


def test_a_case_closes_only_after_the_match_ends(match, alice):
    with pytest.raises(ValidationError, match="End the volunteer"):
        services.close_case(match.family, by=alice, reason="Work done")
    services.end_match(match, by=alice, reason="planned")
    services.close_case(match.family, by=alice, reason="Work done", missing_reason="disengaged")
    assert Family.objects.get().status == Family.Status.CLOSED


@pytest.mark.django_db(transaction=True)
def test_two_managers_matching_one_volunteer_at_once_make_one_match(
    postgres, sam, alice, cambridgeshire, reference_data
):
    families = [
        factories.AcceptedFamilyFactory(
            project=cambridgeshire, social_worker=sam, accepted_by=alice, family_name=name
        )
        for name in "AB"
    ]
    volunteer = factories.ReadyVolunteerFactory(project=cambridgeshire, signed_off_by=alice)
    clear_dbs(volunteer, alice)
    start = threading.Barrier(2)
    outcomes = []

    def match(family):
        try:
            start.wait()
            services.start_match(family=family, volunteer=volunteer, by=alice)
            outcomes.append("matched")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=match, args=[f]) for f in families]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("matched") == 1
    assert Match.objects.filter(volunteer=volunteer, ended_on=None).count() == 1
    (refusal,) = [o for o in outcomes if o != "matched"]
    assert "not signed off and free" in refusal
