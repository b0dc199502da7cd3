"""The accessibility check of the harness really runs, and really fails."""

import pytest

pytestmark = pytest.mark.browser

INACCESSIBLE = "<!doctype html><html><body><img src='/x.png'><input type='text'></body></html>"


def test_axe_reports_a_serious_violation_on_a_loaded_page(page):
    page.route(
        "**/inaccessible", lambda route: route.fulfill(body=INACCESSIBLE, content_type="text/html")
    )
    page.goto("/inaccessible")
    page.check_accessibility()
    found = {v["id"] for v in page.violations}
    assert "image-alt" in found
    page.violations.clear()  # seen; let the fixture's own check pass


def test_each_document_is_checked_once(page):
    page.route(
        "**/inaccessible", lambda route: route.fulfill(body=INACCESSIBLE, content_type="text/html")
    )
    page.goto("/inaccessible")
    page.title()
    page.title()
    assert [v["id"] for v in page.violations].count("image-alt") == 1
    page.violations.clear()


def test_inline_script_blocked_by_the_policy_is_reported(page, live_server):
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.x = 1'; document.body.appendChild(s); }"
    )
    page.title()
    assert page.csp_violations, "the harness did not notice a blocked inline script"
    page.csp_violations.clear()
