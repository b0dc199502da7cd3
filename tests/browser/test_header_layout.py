"""The header at laptop widths: a manager's many menu links never squeeze the search box
to nothing, and the page never scrolls sideways."""

import pytest

from tests.factories import PASSWORD

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.mark.parametrize("width", [1024, 1280, 1366])
def test_the_search_box_keeps_a_usable_width(page, ada, transactional_db, width):
    ada.set_password(PASSWORD)
    ada.save()
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, ada.email)
    box = page.locator("#header-search").bounding_box()
    assert box is not None
    assert box["width"] >= 200, box
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for link in page.get_by_role("navigation", name="Main").get_by_role("link").all():
        height = link.bounding_box()["height"]
        assert height < 60, f"{link.inner_text()!r} wraps onto two lines ({height} px)"
