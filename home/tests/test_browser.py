"""The home page in Chromium, for each role, with its empty states: what people see
after signing in, at phone width and through axe-core like every other page."""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from conftest import page_errors, sign_in
from home.tests import scenario
from oneonones.tests.test_browser_sweeps import AXE, PHONE, Findings, check
from people.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def pinned(transactional_db):
    # Ticking, so that the live server's clock moves as a browser expects.
    with time_machine.travel(scenario.NOW, tick=True):
        yield


@pytest.fixture
def s(pinned, manager, employee):
    return scenario.build(manager=manager, employee=employee)


def open_home(page, email: str) -> list[str]:
    """Sign in at phone width, with axe-core loaded in every page; the page's errors."""
    errors = page_errors(page)
    page.set_viewport_size(PHONE)
    page.add_init_script(path=str(AXE))
    sign_in(page, email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    return errors


def fits_and_passes_axe(page, label: str) -> None:
    findings = Findings()
    check(page, label, findings)
    assert not findings.overflow and not findings.blocking(), findings.report()


def test_the_employee_lands_on_what_to_do_next(page, s):
    errors = open_home(page, s.employee.email)
    expect(page.get_by_role("heading", name="Hello, Emma")).to_be_visible()
    next_block = page.get_by_test_id("home-next")
    expect(next_block.get_by_role("link", name=re.compile("Fri 20 Nov, 15:00"))).to_be_visible()
    expect(next_block.get_by_test_id("home-prepared")).to_contain_text("you wrote 1 (33 %)")
    actions = page.get_by_test_id("home-actions")
    expect(actions.get_by_test_id("home-action")).to_have_count(2)
    expect(actions.get_by_test_id("home-action").first).to_contain_text("overdue")
    expect(page.get_by_test_id("home-checkin-prompt")).to_be_visible()
    expect(page.get_by_test_id("home-waiting-empty")).to_be_visible()
    expect(page.get_by_test_id("home-team")).to_have_count(0)
    fits_and_passes_axe(page, "home as the employee")

    # The next step of each block leads somewhere useful.
    page.get_by_test_id("home-checkin").get_by_role("link", name="Check in").click()
    expect(page.get_by_role("heading", name="Wellbeing", exact=True)).to_be_visible()
    page.go_back()
    next_block.get_by_role("link", name=re.compile("Fri 20 Nov")).click()
    expect(page.get_by_test_id("agenda-share")).to_contain_text("You wrote 1 of 3 items")
    assert errors == []


def test_the_manager_answers_a_request_and_sees_whom_to_meet(page, s):
    errors = open_home(page, s.manager.email)
    waiting = page.get_by_test_id("home-waiting")
    expect(waiting.get_by_test_id("home-request")).to_contain_text(
        "Emma Employee asks to cancel the 1:1 on Fri 20 Nov, 10:00"
    )
    expect(waiting.get_by_test_id("home-proposal")).to_contain_text("learn Rust")
    team = page.get_by_test_id("home-team")
    expect(team.get_by_test_id("home-new-starter")).to_contain_text("Nina Newstart")
    expect(team.get_by_test_id("home-not-met")).to_contain_text("Ravi Remote")
    expect(page.get_by_test_id("home-checked-in")).to_be_visible()
    fits_and_passes_axe(page, "home as the manager")

    waiting.get_by_role("link", name="Answer Emma Employee").click()
    expect(page.get_by_test_id("change-request")).to_contain_text("asks to")
    page.go_back()
    team.get_by_role("link", name="Book a recurring 1:1 with Nina Newstart").click()
    expect(page.get_by_role("combobox", name=re.compile("^With"))).to_have_value(str(s.nina.pk))
    assert errors == []


def test_hr_finds_the_way_into_the_reports(page, s, hr):
    errors = open_home(page, hr.email)
    hr_block = page.get_by_test_id("home-hr")
    expect(hr_block).to_be_visible()
    expect(page.get_by_text("SECRET")).to_have_count(0)
    fits_and_passes_axe(page, "home as HR")
    hr_block.get_by_role("link", name="1:1 reports").click()
    expect(page.get_by_role("heading", name="1:1 reports", exact=True)).to_be_visible()
    assert errors == []


def test_a_new_user_with_nothing_sees_a_next_step_everywhere(page, pinned):
    newcomer = UserFactory(full_name="Nadia Nobody", email="nadia@example.org")
    errors = open_home(page, newcomer.email)
    for testid in ("home-next-empty", "home-waiting-empty", "home-actions-empty"):
        expect(page.get_by_test_id(testid)).to_be_visible()
    expect(page.get_by_test_id("home-checkin-prompt")).to_be_visible()
    fits_and_passes_axe(page, "home of a new user with nothing")
    page.get_by_test_id("home-next").get_by_role("link", name="see yours on My profile").click()
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    expect(page.get_by_text("No manager is set for you.")).to_be_visible()
    assert errors == []


def test_a_manager_with_no_reports_yet_is_offered_a_1_1_with_their_manager(
    page, pinned, grand_manager
):
    newly = UserFactory(
        full_name="Paula Promoted", email="paula@example.org", manager=grand_manager
    )
    errors = open_home(page, newly.email)
    expect(page.get_by_test_id("home-next-empty")).to_be_visible()
    expect(page.get_by_test_id("home-team")).to_have_count(0)
    fits_and_passes_axe(page, "home of a manager with no reports yet")
    page.get_by_role("link", name="Book a 1:1 with Gina").click()
    expect(page.get_by_role("combobox", name=re.compile("^With"))).to_have_value(
        str(grand_manager.pk)
    )
    assert errors == []


def test_a_manager_with_a_report_never_met_is_shown_them(page, pinned, manager):
    UserFactory(full_name="Sam Started", manager=manager)
    # Sam has no start date and no 1:1 yet: not a new starter, so "not met recently".
    errors = open_home(page, manager.email)
    expect(page.get_by_test_id("home-not-met")).to_contain_text("no 1:1 held yet")
    expect(page.get_by_test_id("home-waiting-empty")).to_contain_text("propose an objective")
    fits_and_passes_axe(page, "home of a manager with an unmet report")
    assert errors == []
