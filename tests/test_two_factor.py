"""Two-step sign-in: required for project managers and admins, optional for others."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import user_has_device
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from vicp import services
from vicp.models import AuditEvent, RecoveryCode, RecoveryCodes
from vicp.two_step import has_two_step

from .factories import PASSWORD

pytestmark = pytest.mark.django_db
HOME = reverse("vicp:home")
SETUP = reverse("vicp:two_factor_setup")
VERIFY = reverse("vicp:two_factor_verify")


def password_only(user):
    client = Client()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def code_for(device, steps_ahead=0):
    device.refresh_from_db()
    step = max(int(time.time() // 30), device.last_t + 1) + steps_ahead
    return f"{hotp(device.bin_key, step, digits=6):06d}"


def set_up(client, user):
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"token": code_for(device)})
    assert response.status_code == 200
    return response


def test_a_project_manager_must_set_up_two_step_sign_in_before_anything_else(alice):
    client = password_only(alice)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    assert client.get(reverse("vicp:social_workers")).status_code == 302


@pytest.mark.parametrize("who", ["alice", "ada"])
@pytest.mark.usefixtures("reference_data")
def test_setting_up_shows_ten_recovery_codes_and_opens_the_site(cast, who):
    user = cast[who]
    client = password_only(user)
    response = set_up(client, user)
    assert len(response.context["codes"]) == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(action="auth.two_factor_enabled", actor=user).exists()


def test_a_wrong_code_at_set_up_is_refused_by_the_field(alice):
    client = password_only(alice)
    client.get(SETUP)
    response = client.post(SETUP, {"token": "000000"})
    assert "did not match" in str(response.context["form"].errors["token"])
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    assert client.get(HOME).status_code == 302


@pytest.mark.usefixtures("reference_data")
def test_the_next_sign_in_asks_for_a_code(alice):
    set_up(password_only(alice), alice)
    client = password_only(alice)
    response = client.get(HOME)
    assert response["Location"].startswith(VERIFY)

    wrong = client.post(VERIFY, {"token": "123456"})
    assert "not right" in str(wrong.context["form"].errors["token"])
    assert AuditEvent.objects.filter(action="auth.two_factor_failed").exists()

    device = TOTPDevice.objects.get(user=alice, confirmed=True)
    too_soon = client.post(VERIFY, {"token": code_for(device)})
    assert too_soon.status_code == 200  # after a failure, guessing is slowed down

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        right = client.post(VERIFY, {"token": code_for(device), "next": "/social-workers/"})
    assert right.status_code == 302
    assert right["Location"] == "/social-workers/"
    assert client.get(HOME).status_code == 200


@pytest.mark.usefixtures("reference_data")
def test_a_recovery_code_works_once(alice):
    codes = set_up(password_only(alice), alice).context["codes"]
    first = password_only(alice)
    assert first.post(VERIFY, {"token": codes[0]}).status_code == 302
    assert first.get(HOME).status_code == 200
    again = password_only(alice)
    assert again.post(VERIFY, {"token": codes[0]}).status_code == 200
    assert again.get(HOME).status_code == 302
    assert RecoveryCode.objects.filter(device__user=alice).count() == 9


def test_someone_with_only_the_password_cannot_replace_the_authenticator(alice):
    set_up(password_only(alice), alice)
    intruder = password_only(alice)
    response = intruder.get(SETUP)
    assert response.status_code == 302
    assert response["Location"] == VERIFY


def test_next_never_leads_off_the_site(alice):
    codes = set_up(password_only(alice), alice).context["codes"]
    client = password_only(alice)
    response = client.post(VERIFY, {"token": codes[1], "next": "https://evil.example/"})
    assert response["Location"] == HOME


def test_social_workers_and_volunteers_may_sign_in_with_a_password_only(sam, vera):
    for user in (sam, vera):
        assert password_only(user).get(HOME).status_code == 200


def test_a_social_worker_may_turn_it_on_and_off(sam):
    client = password_only(sam)
    set_up(client, sam)
    assert password_only(sam).get(HOME)["Location"].startswith(VERIFY)
    client.post(reverse("vicp:two_factor_turn_off"))
    assert not TOTPDevice.objects.filter(user=sam).exists()
    assert password_only(sam).get(HOME).status_code == 200


def test_a_project_manager_cannot_turn_it_off(client_for, alice):
    client = client_for(alice)
    client.post(reverse("vicp:two_factor_turn_off"))
    assert TOTPDevice.objects.filter(user=alice).exists()


def test_new_recovery_codes_replace_the_old_ones(alice):
    client = password_only(alice)
    old = set_up(client, alice).context["codes"]
    new = client.post(reverse("vicp:two_factor_recovery_codes")).context["codes"]
    assert set(old).isdisjoint(new)
    assert RecoveryCode.objects.filter(device__user=alice).count() == 10


def test_only_an_admin_resets_someone_elses_two_step_sign_in(alice, charlie, ada):
    set_up(password_only(alice), alice)
    with pytest.raises(ValidationError):
        services.disable_two_factor(alice, by=charlie)
    services.disable_two_factor(alice, by=ada)
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert password_only(alice).get(HOME)["Location"].startswith(SETUP)


def test_signing_out_and_public_pages_stay_open_half_way(alice):
    client = password_only(alice)
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(HOME)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [SETUP, VERIFY, reverse("vicp:two_factor")])
def test_the_pages_ask_anonymous_visitors_to_sign_in(client, url):
    assert client.get(url)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "devices",
    [
        [],
        [("totp", False)],
        [("totp", True)],
        [("recovery", True)],
        [("recovery", False), ("totp", False)],
        [("recovery", True), ("totp", True)],
    ],
)
def test_whether_someone_has_two_step_sign_in_is_asked_in_one_query(
    vera, alice, devices, django_assert_num_queries
):
    # Someone else's devices are not hers.
    TOTPDevice.objects.create(user=alice, name="Alice's phone", confirmed=True)
    RecoveryCodes.objects.create(user=alice, name="Alice's codes", confirmed=True)
    for kind, confirmed in devices:
        model = TOTPDevice if kind == "totp" else RecoveryCodes
        model.objects.create(user=vera, name=kind, confirmed=confirmed)
    with django_assert_num_queries(1):
        answer = has_two_step(vera)
    assert answer == user_has_device(vera) == any(confirmed for _, confirmed in devices)
