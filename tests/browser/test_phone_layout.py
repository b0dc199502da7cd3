"""Forms on a 320 px phone: a long label stays beside its radio button or tick box, every
control is a thumb's size, and a link that looks like a button has its text in the middle."""

import pytest

from tests.factories import PASSWORD

from .conftest import _checked_page, click_to_load, sign_in

pytestmark = pytest.mark.browser

# Each choice's input and label, measured where they are drawn.
CHOICES = """() => Array.from(document.querySelectorAll('.form-check')).filter(
    (row) => row.offsetParent !== null
  ).map((row) => {
    const input = row.querySelector('.form-check-input').getBoundingClientRect();
    const label = row.querySelector('.form-check-label').getBoundingClientRect();
    return {text: row.textContent.trim().slice(0, 40), inputRight: input.right,
            inputTop: input.top, inputSize: Math.min(input.width, input.height),
            labelLeft: label.left, labelTop: label.top,
            rowHeight: row.getBoundingClientRect().height};
  })"""

# Each link styled as a button: the middle of its text against the middle of its box.
LINK_BUTTONS = """() => Array.from(document.querySelectorAll('a.btn')).filter(
    (link) => link.offsetParent !== null && link.textContent.trim()
  ).map((link) => {
    const box = link.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(link);
    const text = range.getClientRects()[0];
    return {text: link.textContent.trim(), height: box.height,
            off: Math.abs((text.top + text.bottom) / 2 - (box.top + box.bottom) / 2)};
  })"""


@pytest.fixture
def narrowest_phone(browser, live_server):
    """A 320 px wide phone, the narrowest ViCP is made for."""
    yield from _checked_page(browser, live_server, {"width": 320, "height": 640})


def test_the_visit_form_on_a_320_px_phone(narrowest_phone, match, transactional_db):
    page = narrowest_phone
    val = match.volunteer.user
    val.set_password(PASSWORD)
    val.save()
    sign_in(page, val.email)
    links = page.evaluate(LINK_BUTTONS)
    assert links and all(link["off"] <= 2 for link in links), links
    click_to_load(page, page.get_by_role("link", name="Log a visit"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    choices = page.evaluate(CHOICES)
    assert any(c["text"].startswith("No, nobody was in") for c in choices), choices
    for choice in choices:
        # Beside its control, starting on the control's line, never wrapped under it.
        assert choice["labelLeft"] >= choice["inputRight"], choice
        assert abs(choice["labelTop"] - choice["inputTop"]) <= 6, choice
        assert choice["inputSize"] >= 20 and choice["rowHeight"] >= 44, choice


def test_the_public_application_on_a_320_px_phone(narrowest_phone, cambridgeshire):
    page = narrowest_phone
    page.goto("/volunteers/apply/")  # from the charity's own website
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    choices = page.evaluate(CHOICES)
    assert any("consent" in c["text"].lower() or "agree" in c["text"].lower() for c in choices)
    for choice in choices:
        assert choice["labelLeft"] >= choice["inputRight"], choice
        assert abs(choice["labelTop"] - choice["inputTop"]) <= 6, choice
        assert choice["inputSize"] >= 20 and choice["rowHeight"] >= 44, choice  # not 16 px
