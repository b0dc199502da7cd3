"""A manager finds the workshops among the training sessions and downloads the list."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.factories import PASSWORD

from .conftest import click_to_load, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def test_a_manager_filters_the_training_sessions_and_downloads_them(
    page, alice, cambridgeshire, transactional_db
):
    factories.TrainingSessionFactory(project=cambridgeshire, title="Initial training, part 1")
    factories.TrainingSessionFactory(
        project=cambridgeshire, title="Workshop: working with trauma", kind="workshop"
    )
    alice.set_password(PASSWORD)
    alice.save()
    sign_in(page, alice.email)
    open_menu(page)
    click_to_load(page, page.get_by_role("link", name="Training", exact=True))
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)

    page.get_by_label("Kind").select_option(label="Workshop")
    click_to_load(page, page.get_by_role("button", name="Filter"))
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("Workshop: working with trauma")

    click_to_load(page, page.get_by_role("link", name="Download CSV"))
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Confirm").click()
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    assert "Workshop: working with trauma" in text
    assert "Initial training" not in text
