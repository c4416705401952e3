import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import page_errors, sign_in, sign_out
from people.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

NOTE = "Browser check-in: launch week, tired but fine."


def test_the_employee_shares_a_check_in_and_the_manager_sees_it(page, transactional_db):
    call_command("seed_demo")
    errors = page_errors(page)
    sign_in(page, "employee@example.com", DEMO_PASSWORD)
    page.get_by_role("link", name="Wellbeing", exact=True).click()
    page.get_by_role("heading", name="Record a check-in").wait_for()

    happiness = page.get_by_role("group", name="How happy are you at work at the moment?")
    happiness.get_by_label("4 (happy)").check()
    page.get_by_role("group", name="How is your workload?").get_by_label("a bit too much").check()
    page.get_by_role("group", name="How is your work-life balance?").get_by_label(
        "3 (okay)"
    ).check()
    page.get_by_label("Anything you want to add? (optional)").fill(NOTE)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status").get_by_text("Only you can see it")).to_be_visible()

    row = page.get_by_test_id("checkin-row").filter(has_text=NOTE)
    expect(row.get_by_text("Private")).to_be_visible()
    row.get_by_role("button", name=re.compile("^Share with my manager: the check-in")).click()
    expect(page.get_by_role("status").get_by_text("Shared with Morgan Reid")).to_be_visible()
    expect(
        page.get_by_test_id("checkin-row").filter(has_text=NOTE).get_by_text("Shared")
    ).to_be_visible()
    sign_out(page)

    sign_in(page, "manager@example.com", DEMO_PASSWORD)
    page.get_by_role("link", name="Wellbeing", exact=True).click()
    page.get_by_test_id("wellbeing-reports").get_by_role("link", name="Emma Clarke").click()
    page.get_by_role("heading", name="Emma Clarke: wellbeing").wait_for()
    shared = page.get_by_test_id("checkin-row").filter(has_text=NOTE)
    expect(shared).to_be_visible()
    expect(shared.get_by_text("a bit too much")).to_be_visible()
    expect(page.get_by_test_id("checkin-chart")).to_be_visible()
    assert errors == []


def test_hr_reads_the_published_figures_and_the_employee_reads_the_rule(page, transactional_db):
    call_command("seed_demo")
    errors = page_errors(page)
    sign_in(page, "hr@example.com", DEMO_PASSWORD)
    page.goto("/wellbeing/")
    page.get_by_role("link", name="Team wellbeing: anonymous monthly figures").click()
    page.get_by_role("heading", name="Team wellbeing", exact=True).wait_for()
    expect(page.get_by_test_id("aggregate-rules").get_by_text("The rule of 5.")).to_be_visible()
    engineering = page.get_by_test_id("team-trend").filter(
        has=page.get_by_role("heading", name="Engineering")
    )
    expect(engineering.locator('[data-state="shown"]').first).to_be_visible()
    support = page.get_by_test_id("team-trend").filter(
        has=page.get_by_role("heading", name="Customer Success")
    )
    expect(support.get_by_test_id("withheld").first).to_be_visible()
    expect(support.locator('[data-state="shown"]')).to_have_count(0)
    sign_out(page)

    sign_in(page, "employee@example.com", DEMO_PASSWORD)
    page.goto("/wellbeing/")
    rule = page.get_by_test_id("what-hr-sees")
    expect(rule.get_by_text("The rule of 5:")).to_be_hidden()
    rule.get_by_text("What HR sees of your check-ins").click()
    expect(rule.get_by_text("The rule of 5:")).to_be_visible()
    assert errors == []
