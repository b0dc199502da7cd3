"""Django's admin, used by administrators, works under ViCP's strict policy."""

import pytest

from ..factories import AdminFactory
from .conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("reference_data")
def test_an_administrator_opens_the_admin_pages(page, transactional_db):
    AdminFactory(email="ada@example.org")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "ada@example.org")
    page.goto("/admin/")
    page.goto("/admin/vicp/user/")
    page.goto("/admin/vicp/project/add/")
    assert page.get_by_role("heading", level=1).first.inner_text() == "Add project"
