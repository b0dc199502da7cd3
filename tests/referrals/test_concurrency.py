"""Two managers accepting at the same moment get different case references."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from families.models import Family
from referrals import services
from tests.factories import make_referral

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("already_accepted", [0, 1], ids=["first-of-the-year", "counter-exists"])
def test_concurrent_accepts_get_consecutive_distinct_references(
    postgres, sam, alice, cambridgeshire, already_accepted
):
    for _ in range(already_accepted):
        services.accept_referral(make_referral(cambridgeshire, sam, submit=True), by=alice)
    referrals = [make_referral(cambridgeshire, sam, submit=True, family_name=n) for n in "AB"]
    start = threading.Barrier(len(referrals))
    results, errors = [], []

    def accept(referral):
        try:
            start.wait()
            results.append(services.accept_referral(referral, by=alice).case_reference)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=[r]) for r in referrals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    year = timezone.localdate().year
    assert errors == []
    assert sorted(results) == [
        f"CAM-{year}-{n:04d}" for n in (already_accepted + 1, already_accepted + 2)
    ]


@pytest.mark.django_db(transaction=True)
def test_two_managers_accepting_the_same_referral_open_one_case(
    postgres, sam, alice, cambridgeshire
):
    referral = make_referral(cambridgeshire, sam, submit=True)
    start = threading.Barrier(2)
    outcomes = []

    def accept():
        try:
            start.wait()
            services.accept_referral(referral, by=alice)
            outcomes.append("accepted")
        except Exception as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("accepted") == 1
    (refusal,) = [outcome for outcome in outcomes if outcome != "accepted"]
    assert "cannot be made twice" in refusal
    assert Family.objects.count() == 1
