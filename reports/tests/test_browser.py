"""The demo HR person opens the 1:1 reports and downloads the managers table."""

import csv
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import page_errors, sign_in
from people.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_hr_opens_the_dashboard_and_exports_csv(page, transactional_db):
    call_command("seed_demo")
    errors = page_errors(page)
    sign_in(page, "hr@example.com", DEMO_PASSWORD)
    page.get_by_role("link", name="1:1 reports", exact=True).click()
    page.get_by_role("heading", name="1:1 reports", exact=True).wait_for()
    table = page.get_by_test_id("managers-table")
    expect(table.get_by_role("link", name="Morgan Reid")).to_be_visible()
    expect(page.get_by_test_id("trend-chart")).to_be_visible()
    expect(page.get_by_test_id("gap-overdue").get_by_text("Owen Price")).to_be_visible()
    expect(page.get_by_test_id("gap-new_starters").get_by_text("Nina Rossi")).to_be_visible()

    # Filter by team with the labelled form, then download what is shown.
    page.get_by_label("Team", exact=True).select_option(label="Engineering")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**team=**")
    page.get_by_role("heading", name=", Engineering").wait_for()
    with page.expect_download() as download_info:
        page.get_by_test_id("export-managers").click()
    download = download_info.value
    assert download.suggested_filename.startswith("1-1-managers-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8") as downloaded:
        rows = list(csv.DictReader(io.StringIO(downloaded.read())))
    assert {row["Manager"] for row in rows} == {"Morgan Reid", "Dana Whitfield"}
    morgan = next(row for row in rows if row["Manager"] == "Morgan Reid")
    assert (morgan["Team"], morgan["Reports"]) == ("Engineering", "4")
    assert int(morgan["Held"]) > 0

    # Drill down to the manager's reports: dates and statuses.
    table = page.get_by_test_id("managers-table")
    table.get_by_role("link", name="Morgan Reid").click()
    page.get_by_role("heading", name="Morgan Reid: 1:1s with their reports").wait_for()
    expect(page.get_by_test_id("reports-table").get_by_text("Emma Clarke")).to_be_visible()
    expect(page.get_by_test_id("meetings-table").get_by_text("Held").first).to_be_visible()
    assert errors == []
