"""The accessibility check of the harness really runs, and really fails."""

import pytest

from .conftest import AXE_RULES, RUN_AXE, SERIOUS, sign_in

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


# Serious problems (an image with no text, a field with no label, grey on grey) and
# moderate ones (no main landmark, a heading level skipped, content outside any region).
MIXED = (
    "<!doctype html><html lang='en'><head><title>Mixed</title></head><body>"
    "<h1>Mixed</h1><h4>Skipped a level</h4><img src='/x.png'><input type='text'>"
    "<p style='color:#ccc;background:#ddd'>Hard to read</p></body></html>"
)


def _serious(violations):
    return sorted(
        (v["id"], tuple(v["targets"])) for v in violations or () if v["impact"] in SERIOUS
    )


@pytest.mark.usefixtures("reference_data")
def test_the_rules_left_out_find_nothing_serious(page, alice, transactional_db):
    page.route("**/mixed", lambda route: route.fulfill(body=MIXED, content_type="text/html"))
    page.goto("/mixed")
    page.check_accessibility()  # as every page is checked: without the rules left out
    left_out = page.evaluate(AXE_RULES)
    assert {"region", "heading-order", "landmark-one-main"} <= set(left_out)
    assert not {"image-alt", "label", "color-contrast"} & set(left_out)
    everything = page.evaluate(RUN_AXE, True)
    assert {"region", "heading-order", "image-alt", "label", "color-contrast"} <= {
        v["id"] for v in everything
    }
    assert _serious(page.violations) == _serious(everything)
    page.violations.clear()
    sign_in(page, alice.email)  # and a real page
    page.check_accessibility()
    assert _serious(page.evaluate(RUN_AXE, True)) == _serious(page.violations) == []


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
