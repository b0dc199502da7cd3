"""Django's admin, used by administrators, works under ViCP's strict policy."""

import pytest

from ..factories import PASSWORD, AdminFactory

pytestmark = pytest.mark.browser


def test_an_administrator_opens_the_admin_pages(page, transactional_db):
    AdminFactory(email="ada@example.org")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/vicp/user/")
    page.goto("/admin/vicp/project/add/")
    assert page.get_by_role("heading", level=1).first.inner_text() == "Add project"
