"""Recovery codes: long, easy to read out, stored only as hashes; the admin shows no secret."""

import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vicp import services
from vicp.models import AuditEvent, RecoveryCode, RecoveryCodes

from .factories import PASSWORD
from .test_two_factor import HOME, VERIFY, password_only, set_up

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
# Four groups of four, of digits and capitals that cannot be mistaken for one another.
CODE = re.compile(r"^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$")


def test_codes_are_sixteen_unambiguous_characters_in_groups_of_four(alice):
    codes = services.regenerate_recovery_codes(alice)
    assert len(codes) == len(set(codes)) == 10
    assert all(CODE.match(code) for code in codes), codes
    assert not any(set(code) & set("01ILO") for code in codes)


def test_only_hashes_of_the_codes_are_stored(alice):
    codes = services.regenerate_recovery_codes(alice)
    stored = [row.digest for row in RecoveryCode.objects.filter(device__user=alice)]
    assert len(stored) == 10
    plain = {c for code in codes for c in (code, code.replace("-", ""), code.lower())}
    assert not plain & set(stored)
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest FROM vicp_recoverycode")
        column = " ".join(row[0] for row in cursor.fetchall())
    assert not any(code.replace("-", "") in column.upper() for code in codes)


@pytest.mark.parametrize("typed", ["as shown", "lower case", "spaces", "no separators"])
def test_a_code_works_however_it_is_typed(alice, typed):
    code = set_up(password_only(alice), alice).context["codes"][0]
    entered = {
        "as shown": code,
        "lower case": code.lower(),
        "spaces": code.replace("-", " "),
        "no separators": code.replace("-", ""),
    }[typed]
    client = password_only(alice)
    assert client.post(VERIFY, {"token": entered}).status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_stored_hash_is_not_a_code(alice):
    set_up(password_only(alice), alice)
    digest = RecoveryCode.objects.filter(device__user=alice).first().digest
    client = password_only(alice)
    assert client.post(VERIFY, {"token": digest}).status_code == 200
    assert client.get(HOME).status_code == 302


def test_turning_two_step_sign_in_off_removes_the_codes(sam):
    services.regenerate_recovery_codes(sam)
    services.disable_two_factor(sam, by=sam)
    assert not RecoveryCodes.objects.filter(user=sam).exists()
    assert not RecoveryCode.objects.exists()


# --- the admin -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/otp_totp/totpdevice/",
        "/admin/otp_totp/totpdevice/1/change/",
        "/admin/otp_totp/totpdevice/1/config/",
        "/admin/otp_static/staticdevice/",
        "/admin/otp_static/statictoken/",
        "/admin/vicp/recoverycodes/",
        "/admin/vicp/recoverycode/",
    ],
)
def test_the_admin_has_no_page_for_secrets_or_codes(client_for, ada, alice, path):
    set_up(password_only(alice), alice)
    assert client_for(ada).get(path).status_code == 404


def test_the_user_page_shows_no_secret_and_no_code(client_for, ada, alice):
    codes = set_up(password_only(alice), alice).context["codes"]
    device = TOTPDevice.objects.get(user=alice, confirmed=True)
    page = client_for(ada).get(reverse("admin:vicp_user_change", args=[alice.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert device.key not in html
    assert not any(code in html for code in codes)
    assert "Two-step sign-in" in html
    index = client_for(ada).get(reverse("admin:index")).content.decode()
    assert "TOTP" not in index and "Static" not in index and "Recovery" not in index


def test_an_admin_resets_someones_two_step_sign_in(client_for, ada, alice):
    set_up(password_only(alice), alice)
    response = client_for(ada).post(
        reverse("admin:vicp_user_changelist"),
        {"action": "reset_two_step_sign_in", "_selected_action": [alice.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not RecoveryCodes.objects.filter(user=alice).exists()
    assert AuditEvent.objects.filter(action="auth.two_factor_disabled", actor=ada).exists()
    client = Client()
    client.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    assert client.get(HOME)["Location"].startswith(reverse("vicp:two_factor_setup"))


# --- codes made before they were hashed ----------------------------------------------------


def test_plain_codes_left_by_the_old_plugin_are_hashed_and_removed(alice, sam):
    """django-otp's static plugin kept codes in plain text; the migration hashes them
    (so nobody is locked out) and empties its tables."""

    migration = importlib.import_module("vicp.migrations.0005_recovery_codes")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE otp_static_staticdevice"
            " (id integer PRIMARY KEY, user_id integer, name varchar(64), confirmed boolean)"
        )
        cursor.execute(
            "CREATE TABLE otp_static_statictoken"
            " (id integer PRIMARY KEY, device_id integer, token varchar(16))"
        )
        cursor.execute(
            "INSERT INTO otp_static_staticdevice VALUES (1, %s, 'Recovery codes', %s)",
            [alice.pk, True],
        )
        cursor.execute(
            "INSERT INTO otp_static_statictoken VALUES (1, 1, 'abcdefgh'), (2, 1, 'ijklmnop')"
        )

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    migration.hash_plain_recovery_codes(apps, editor)

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM otp_static_statictoken")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT COUNT(*) FROM otp_static_staticdevice")
        assert cursor.fetchone()[0] == 0
    device = RecoveryCodes.objects.get(user=alice)
    assert device.codes.count() == 2
    assert device.verify_token("ABCDEFGH")
    assert device.verify_token("ijkl mnop")
    assert not device.verify_token("abcdefgh")  # used once already
    assert not RecoveryCodes.objects.filter(user=sam).exists()
