"""A case's documents from the social worker to the volunteer: Sam, on a phone, uploads the
child protection plan to the case (an image named .pdf is refused first, beside the field
and in the summary, with what he typed kept); Alice, at her desk, shares it with the
volunteer; Val, on her phone, finds it on the family's Documents tab and downloads it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import document_files as files
from tests.documents_helpers import add
from tests.factories import PASSWORD
from vicp.models import AuditEvent, Document

from .conftest import SMALL_PHONE, click_to_load, open_menu, open_section, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
DESKTOP = {"width": 1280, "height": 900}
TITLE = "Child protection plan, Nov 2026"


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def assert_thumb_sized(locator, width=SMALL_PHONE["width"]):
    box = locator.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= width, box


def assert_accessible(page):
    page.check_accessibility()
    assert page.violations == []


# The space a reader sees between a button's first word and its last ("Download (PDF)"),
# in pixels: the text hidden for screen readers between them takes none.
SPACE_SEEN = """(button) => {
  const walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
  const seen = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.textContent.trim() && !node.parentElement.closest(".visually-hidden")) seen.push(node);
  }
  const words = (node) => {  // the box of the node's text without its spaces
    const text = node.textContent, range = document.createRange();
    range.setStart(node, text.length - text.trimStart().length);
    range.setEnd(node, text.trimEnd().length);
    return range.getBoundingClientRect();
  };
  return words(seen[seen.length - 1]).left - words(seen[0]).right;
}"""


def assert_fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


def test_a_plan_goes_from_the_social_worker_to_the_volunteer(
    small_phone, page, match, sam, alice, transactional_db
):
    family = match.family
    val = with_password(match.volunteer.user)
    with_password(sam)
    with_password(alice)
    add(family, alice, name="consent.pdf", title="Consent to the referral", kind="consent")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    # Sam, on his phone, from his home page to the case's Documents tab.
    phone = small_phone
    sign_in(phone, sam.email)
    families = phone.get_by_role("region", name="Families you referred")
    click_to_load(phone, families.get_by_role("link", name=f"{family.case_reference}: Doe family"))
    open_section(phone, "Documents")
    documents = phone.get_by_role("region", name="Documents of the case")
    expect(
        documents.get_by_role("link", name="Consent to the referral", exact=True)
    ).to_be_visible()
    assert_accessible(phone)
    assert_fits(phone)

    upload = documents.get_by_text("Upload a document", exact=True)
    assert_thumb_sized(upload)
    upload.click()
    file_field = documents.get_by_label("File", exact=True)
    expect(file_field).to_be_visible()

    # An image named .pdf: refused, said beside the field and in the summary at the top.
    file_field.set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": files.png()}
    )
    documents.get_by_label("Title").fill(TITLE)
    documents.get_by_role("radio", name="Child protection plan").check()
    documents.get_by_label("The date it is about").fill(yesterday.isoformat())
    click_to_load(phone, documents.get_by_role("button", name="Upload the document"))

    refused = 'This file is a PNG image, but its name ends ".pdf"'
    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(refused)
    assert summary.bounding_box()["y"] < phone.get_by_label("File", exact=True).bounding_box()["y"]
    expect(phone.locator("#div_id_document-file")).to_contain_text(refused)
    expect(phone.get_by_label("Title")).to_have_value(TITLE)
    expect(phone.get_by_role("radio", name="Child protection plan")).to_be_checked()
    expect(phone.get_by_label("The date it is about")).to_have_value(yesterday.isoformat())
    expect(phone.get_by_text("Choose the file again")).to_be_visible()
    assert not Document.objects.filter(title=TITLE).exists()
    assert_accessible(phone)
    assert_fits(phone)
    summary.get_by_role("link").click()
    expect(phone.get_by_label("File", exact=True)).to_be_focused()

    # The plan itself, chosen again: kept, and listed on the tab.
    phone.get_by_label("File", exact=True).set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": files.pdf()}
    )
    click_to_load(phone, phone.get_by_role("button", name="Upload the document"))
    expect(phone.get_by_text(f"“{TITLE}” is kept on case {family.case_reference}.")).to_be_visible()
    listed = documents.get_by_role("listitem").filter(has_text=TITLE)
    expect(listed.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    expect(listed).to_contain_text(f"Child protection plan · {yesterday:%-d %b %Y}")
    expect(listed).to_contain_text("added by Sam Shah")
    plan = Document.objects.get(title=TITLE)
    assert (plan.kind, plan.about_on, plan.added_by) == ("cp_plan", yesterday, sam)
    assert not plan.shared_with_volunteer
    with plan.current.file.open("rb") as stored:
        assert stored.read() == files.pdf()
    assert_fits(phone)
    sign_out(phone)

    # Alice, at her desk, from her home page to the plan, and shares it with the volunteer.
    page.set_viewport_size(DESKTOP)
    sign_in(page, alice.email)
    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Families", exact=True))
    click_to_load(page, page.get_by_role("link", name=family.case_reference))
    open_section(page, "Documents")
    case_documents = page.get_by_role("region", name="Documents of the case")
    assert_accessible(page)
    click_to_load(page, case_documents.get_by_role("link", name=TITLE, exact=True))
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_text("Not shared with the volunteer")).to_be_visible()
    assert_accessible(page)
    click_to_load(page, page.get_by_role("button", name="Share it with the volunteer"))
    expect(
        page.get_by_text("The volunteer working with the family can now read it.")
    ).to_be_visible()
    expect(page.get_by_text("Shared with the volunteer working with the family")).to_be_visible()
    expect(page.get_by_role("button", name="Stop sharing it with the volunteer")).to_be_visible()
    plan.refresh_from_db()
    assert plan.shared_with_volunteer
    assert AuditEvent.objects.filter(action="document.shared", actor=alice).count() == 1

    # Val, on her phone, from her home page to the family's documents: the plan alone.
    sign_in(phone, val.email)
    family_link = phone.get_by_role("link", name="Doe family")
    assert_thumb_sized(family_link)
    click_to_load(phone, family_link)
    sections = phone.get_by_role("navigation", name="Sections of the case")
    assert_thumb_sized(sections.get_by_role("link", name="Documents", exact=True))
    open_section(phone, "Documents")
    shared = phone.get_by_role("region", name="Documents shared with you")
    expect(shared.get_by_role("listitem")).to_have_count(1)
    expect(shared.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    expect(phone.get_by_text("Consent to the referral")).to_have_count(0)
    expect(phone.get_by_text("Upload a document")).to_have_count(0)
    assert_thumb_sized(shared.get_by_role("link", name=TITLE, exact=True))
    assert_accessible(phone)
    assert_fits(phone)

    download_link = shared.get_by_role("link", name=f"Download {TITLE} (PDF)")
    assert_thumb_sized(download_link)
    assert download_link.evaluate(SPACE_SEEN) >= 3
    with phone.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "child-protection-plan-nov-2026.pdf"
    assert download.value.path().read_bytes() == files.pdf()
    assert AuditEvent.objects.filter(action="document.downloaded", actor=val).count() == 1

    click_to_load(phone, shared.get_by_role("link", name=TITLE, exact=True))
    expect(phone.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(phone.get_by_role("button", name="Share it with the volunteer")).to_have_count(0)
    assert_thumb_sized(phone.get_by_role("link", name="Download (PDF", exact=False))
    assert_accessible(phone)
    assert_fits(phone)
