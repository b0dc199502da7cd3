"""Browser tests: Playwright driving Debian's Chromium against the live server.

Every page a browser test loads is checked with axe-core; a serious or
critical accessibility violation fails the test that loaded it.

A step waits for the state it needs, never for a length of time: a click that
loads a page waits for the new page (`click_to_load`), a menu is used once it
has opened (`open_menu`), and anything that appears later is awaited with
Playwright's `expect`. The time limits are generous, as the machine may be busy:
a passing step takes as long as it takes, and only a failing one waits that long.
"""

import base64
import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django_otp import user_has_device
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect, sync_playwright

from bench.actors import session_for
from vicp import services
from vicp.models import User

from ..conftest import need

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are safe (one thread, no concurrency).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
# Chromium's headless shell loads a page in half the time of the whole browser.
CHROMIUM = os.environ.get("VICP_CHROMIUM") or next(
    (
        path
        for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
        if Path(path).exists()
    ),
    "/usr/bin/chromium-headless-shell",
)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
# Flags for a sandboxed machine with a closed network (see the machine notes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SERIOUS = {"serious", "critical"}
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)
# The rules axe is told to leave out, as {id: {enabled: false}}: those that can only
# report a minor or moderate problem, which fails no test. A rule reports the highest
# impact of its failing checks (or its own, where it names one). Leaving them out saves
# about a fifth of the check's work in Chromium; most of the rest is axe reading the page,
# whatever the rules. Where axe does not describe its rules so, every rule runs.
AXE_RULES = """() => {
  const rank = {minor: 1, moderate: 2, serious: 3, critical: 4};
  const audit = axe._audit || {};
  const checks = (audit.data && audit.data.checks) || {};
  const rules = {};
  for (const rule of audit.rules || []) {
    const ids = [...rule.any, ...rule.all, ...rule.none].map(
      (check) => (typeof check === "string" ? check : check.id));
    const impacts = ids.map((id) => (checks[id] || {}).impact);
    if (rule.impact) impacts.push(rule.impact);
    const worst = Math.max(...impacts.map((impact) => rank[impact] || rank.critical));
    if (ids.length && worst <= rank.moderate) rules[rule.id] = {enabled: false};
  }
  return rules;
}"""
# Runs axe once per loaded document (after it has finished loading), and
# answers null for a document already checked; `everything` runs every rule.
RUN_AXE = """async (everything) => {
  if (window.__vicpAxeChecked && !everything) return null;
  if (document.readyState !== "complete") {
    await new Promise(resolve => window.addEventListener("load", resolve, {once: true}));
  }
  window.__vicpAxeChecked = true;
  const rules = everything ? {} : (AXE_RULES)();
  const result = await axe.run(document, {resultTypes: ["violations"], rules});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))
  }));
}""".replace("AXE_RULES", AXE_RULES)


@pytest.fixture(scope="session")
def browser():
    need(
        Path(CHROMIUM).exists(),
        f"needs Chromium at {CHROMIUM} (apt-get install chromium-headless-shell)",
    )
    need(AXE.exists(), "needs axe-core (npm ci)")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class CheckedPage:
    """A Playwright page that runs axe on each document it shows, and fails on
    anything the Content-Security-Policy blocks.

    Before every use of the page, the document on screen is checked if it has
    not been yet; so is the last one, when the test ends. A check that meets a
    navigation in progress is dropped; the new document is checked next time.
    """

    def __init__(self, page, base_url):
        self._page = page
        self.base_url = base_url
        self.violations = []
        self.csp_violations = []
        page.on("console", self._watch_console)

    def _watch_console(self, message):
        # axe-core itself briefly applies styles while it checks contrast.
        from_axe = "axe" in (message.location or {}).get("url", "")
        if "Content Security Policy" in message.text and not from_axe:
            self.csp_violations.append(f"{self._page.url}: {message.text} at {message.location}")

    def __getattr__(self, name):
        self.check_accessibility()
        return getattr(self._page, name)

    def check_accessibility(self):
        page = self._page
        if page.is_closed() or page.url.startswith("about:"):
            return
        try:
            violations = page.evaluate(RUN_AXE, False)
        except Exception as error:
            if any(word in str(error) for word in ("destroyed", "navigation", "closed")):
                return
            raise
        for violation in violations or ():
            if violation["impact"] in SERIOUS:
                self.violations.append({"url": page.url, **violation})


def _checked_page(browser, live_server, viewport, *, motion=False):
    """A checked page in a browser of its own; it asks for reduced motion (Bootstrap's
    transitions then end at once) unless `motion`, for a test of the animations."""
    context = browser.new_context(
        viewport=viewport,
        base_url=live_server.url,
        locale="en-GB",
        reduced_motion="no-preference" if motion else "reduce",
    )
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    checked = CheckedPage(page, live_server.url)
    yield checked
    page.wait_for_load_state()
    checked.check_accessibility()
    context.close()
    assert not checked.csp_violations, "blocked by the Content-Security-Policy:\n" + "\n".join(
        checked.csp_violations
    )
    assert not checked.violations, "accessibility violations:\n" + "\n".join(
        f"  {v['url']}: {v['impact']} {v['id']} ({v['help']}) at {v['targets']}"
        for v in checked.violations
    )


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page on the live server, checked by axe (see CheckedPage)."""
    yield from _checked_page(browser, live_server, PHONE)


@pytest.fixture
def small_phone(browser, live_server):
    """As `page`, on a 360 px wide phone."""
    yield from _checked_page(browser, live_server, SMALL_PHONE)


@pytest.fixture
def animated_page(browser, live_server):
    """As `page`, with the menus' transitions running, as on most phones."""
    yield from _checked_page(browser, live_server, PHONE, motion=True)


def totp_code(key, *, not_before=None):
    """The code an authenticator app shows now for `key` (bytes).

    `not_before` is the device's last used time step: django-otp refuses a code
    twice, so a test signing in again within 30 seconds uses the next step
    (accepted, as a phone's clock may run a little fast).
    """

    step = int(time.time() // 30)
    if not_before is not None:
        step = max(step, not_before + 1)
    return f"{hotp(key, step, digits=6):06d}"


def click_to_load(page, target):
    """Click `target`, which loads a page (a link, or a button that sends a form), and
    wait until the new document has loaded, even when it has the same address (a
    refused form shown again)."""
    page.evaluate("() => { window.__vicpLeaving = true; }")
    target.click()
    page.wait_for_function("() => !window.__vicpLeaving && document.readyState === 'complete'")


def _path(url):
    return urlsplit(url).path


def sign_in_through_pages(page, email, password):
    """Sign in through the pages, doing the second step as a person would, and wait
    for the signed-in page.

    A first sign-in of a project manager or admin sets up an authenticator by
    reading the key shown on the page (as one would type it into a phone app).
    """

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    click_to_load(page, page.get_by_role("button", name="Sign in"))
    if _path(page.url) == "/account/two-step/set-up/":
        key = "".join(page.locator("code").inner_text().split())
        secret = base64.b32decode(key + "=" * (-len(key) % 8))
        page.get_by_label("Code").fill(totp_code(secret))
        click_to_load(page, page.get_by_role("button", name="Turn on two-step sign-in"))
        click_to_load(page, page.get_by_role("link", name="I have kept them safe"))
    elif _path(page.url) == "/account/two-step/verify/":
        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        page.get_by_label("Code").fill(totp_code(device.bin_key, not_before=device.last_t))
        click_to_load(page, page.get_by_role("button", name="Continue"))
    assert _path(page.url) != "/accounts/login/", "the sign-in was refused"
    expect(page.locator("#account-menu")).to_be_attached()


def sign_in(page, email):
    """Open the home page signed in as `email`, both steps done, as after
    `sign_in_through_pages` (which the tests of signing in use).

    The browser is given a session made as signing in makes one. Someone whose
    role needs two-step sign-in and has no authenticator yet gets one set up
    through the same services as the set-up page, so a later sign-in through the
    pages asks for a code.
    """

    user = User.objects.get(email=email)
    if user.role in settings.VICP_TWO_FACTOR_ROLES and not user_has_device(user):
        device = services.pending_authenticator(user)
        services.confirm_authenticator(user, token=totp_code(device.bin_key))
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_for(user), "url": page.base_url}]
    )
    page.goto("/")
    assert _path(page.url) == "/", f"the session did not sign {email} in"
    expect(page.locator("#account-menu")).to_be_attached()


# Bootstrap marks the collapsed menu "collapsing" while it opens, "show" once open.
OPENED = re.compile(r"^(?!.*\bcollapsing\b).*\bshow\b")


def open_menu(page):
    """Open the main menu where the screen is too narrow to show it (a phone: the
    "Show menu" button), and wait until it has finished opening."""
    page.wait_for_load_state()  # Bootstrap's script runs before the page's load event
    toggle = page.get_by_role("button", name="Show menu")
    if not toggle.is_visible():
        return
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main-nav")).to_have_class(OPENED)


def open_account_menu(page):
    """Open the account menu (Change password, Sign out...), and wait until it shows."""
    open_menu(page)
    account = page.locator("#account-menu")
    if account.get_attribute("aria-expanded") != "true":
        account.click()
    expect(account).to_have_attribute("aria-expanded", "true")
    expect(page.locator("ul[aria-labelledby=account-menu]")).to_be_visible()


def sign_out(page):
    open_account_menu(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def open_section(page, name):
    """Click the family page's tab (on a phone, its link in the grid) to `name`."""
    sections = page.get_by_role("navigation", name="Sections of the case")
    click_to_load(page, sections.get_by_role("link", name=name, exact=True))


# The drafts on the device that the signed-in page's key opens (static/js/form-draft.js),
# each as {name: value}; another person's drafts do not open and are left out.
_DEVICE_DRAFTS = """async () => {
  const meta = document.querySelector('meta[name="vicp-draft-key"]');
  if (!meta) return [];
  const bytes = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey(
    "raw", bytes(meta.content), "AES-GCM", false, ["decrypt"]);
  const drafts = [];
  for (const name of Object.keys(localStorage).filter((n) => n.startsWith("vicp-draft:"))) {
    try {
      const box = JSON.parse(localStorage.getItem(name));
      const plain = await crypto.subtle.decrypt(
        {name: "AES-GCM", iv: bytes(box.iv), additionalData: new TextEncoder().encode(name)},
        key, bytes(box.data));
      drafts.push(JSON.parse(new TextDecoder().decode(plain)).values);
    } catch (error) {}
  }
  return drafts;
}"""


def device_drafts(page):
    return page.evaluate(_DEVICE_DRAFTS)


def wait_for_draft(page, field, value):
    """Wait until the device's draft of the form has caught up with `value` typed in `field`."""
    page.wait_for_function(
        f"async ([field, value]) => (await ({_DEVICE_DRAFTS})())"
        ".some((values) => JSON.stringify(values[field]) === JSON.stringify(value))",
        arg=[field, value],
    )
