"""Each demo role signs in on a phone-sized screen and lands on their home page."""

import pytest
from django.core.management import call_command

from vicp.management.commands.seed_demo import DEMO_PASSWORD

from .conftest import sign_in

pytestmark = pytest.mark.browser

HOMES = [
    ("pm.cam@example.org", "Your projects"),
    ("sw.cam@example.org", "Your referrals"),
    ("volunteer.cam@example.org", "Hello, Vera"),
    ("admin@example.org", "Organisation overview"),
]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize(("email", "heading"), HOMES, ids=[h[0].split("@")[0] for h in HOMES])
def test_each_role_signs_in_and_sees_their_home(demo, page, email, heading):
    page.goto("/")
    assert "/accounts/login/" in page.url
    sign_in(page, email, DEMO_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == heading

    # The menu collapses on a phone, and opens from its button.
    sign_out = page.get_by_role("button", name="Sign out")
    assert not sign_out.is_visible()
    page.get_by_role("button", name="Show menu").click()
    page.locator("#main-nav.show").wait_for()  # a click before the menu is open is lost
    page.locator("#account-menu").click()
    sign_out.click()
    page.wait_for_url("**/accounts/login/")


def test_a_wrong_password_shows_a_message_and_keeps_the_email(demo, page):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("pm.cam@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "correct email address and password" in page.content()
    assert page.get_by_label("Email address").input_value() == "pm.cam@example.org"
