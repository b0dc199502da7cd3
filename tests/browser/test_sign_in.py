"""Each demo role signs in on a phone-sized screen and lands on their home page."""

import pytest
from django.core.management import call_command

from vicp.composition.management.commands.seed_demo import DEMO_PASSWORD

from .conftest import click_to_load, open_account_menu, sign_in_through_pages

pytestmark = pytest.mark.browser

HOMES = [
    ("pm.cam@example.org", "Your projects"),
    ("sw.cam@example.org", "Your referrals"),
    ("volunteer.cam@example.org", "Hello, Vera"),
    ("admin@example.org", "Organisation overview"),
]


@pytest.fixture
def demo(transactional_db, reference_data):
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_each_role_signs_in_and_sees_their_home(demo, animated_page):
    """One after another on the same phone, as on a device a team shares."""
    page = animated_page
    for email, heading in HOMES:
        page.goto("/")
        assert "/accounts/login/" in page.url
        sign_in_through_pages(page, email, DEMO_PASSWORD)
        assert page.get_by_role("heading", level=1).inner_text() == heading, email

        # The menu collapses on a phone, and opens from its button.
        sign_out = page.get_by_role("button", name="Sign out")
        assert not sign_out.is_visible()
        assert page.get_by_role("button", name="Show menu").is_visible()
        open_account_menu(page)
        sign_out.click()
        page.wait_for_url("**/accounts/login/")


def test_a_wrong_password_shows_a_message_and_keeps_the_email(alice, page):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill("not the password")
    click_to_load(page, page.get_by_role("button", name="Sign in"))
    assert "correct email address and password" in page.content()
    assert page.get_by_label("Email address").input_value() == alice.email
