"""A change of manager in Chromium: the report chooses what to bring, the new manager is
asked to book and sees who they have met; each page at phone width through axe-core."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from conftest import page_errors, sign_in
from meetings.models import Meeting
from meetings.tests.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory
from oneonones.tests.test_browser_sweeps import AXE, PHONE, Findings, check
from people.services import people_import_csv
from people.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

NOW = dt.datetime(2027, 3, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def pinned(transactional_db):
    # Ticking, so that the live server's clock moves as a browser expects.
    with time_machine.travel(NOW, tick=True):
        yield


def fits_and_passes_axe(page, label: str) -> None:
    findings = Findings()
    check(page, label, findings)
    assert not findings.overflow and not findings.blocking(), findings.report()


def test_the_report_brings_an_item_and_the_new_manager_books(page, pinned, manager, employee):
    held = MeetingFactory(
        organiser=manager,
        participant=employee,
        starts_at=NOW - dt.timedelta(days=7),
        status=Meeting.Status.COMPLETED,
    )
    AgendaItemFactory(meeting=held, series=None, author=employee, text="Ask about mentoring")
    ActionItemFactory(meeting=held, series=None, owner=employee, description="Write the RFC")
    nina = UserFactory(full_name="Nina New", email="nina@example.org")
    people_import_csv(
        lines=["email,full_name,manager_email", f"{employee.email},Emma Employee,{nina.email}"]
    )

    errors = page_errors(page)
    page.set_viewport_size(PHONE)
    page.add_init_script(path=str(AXE))
    sign_in(page, employee.email, PASSWORD)
    prompt = page.get_by_test_id("home-handover")
    expect(prompt).to_contain_text("Your manager is now Nina New")
    prompt.get_by_role("link", name="Choose what to bring").click()
    expect(page.get_by_role("heading", name="Bring to your new manager")).to_be_visible()
    fits_and_passes_axe(page, "the report's choice after a change of manager")
    page.get_by_label("Ask about mentoring").check()
    page.get_by_role("button", name="Bring what I ticked").click()
    expect(page.get_by_text(re.compile("Brought 1 to your 1:1s with Nina New"))).to_be_visible()
    expect(page.get_by_test_id("handover-none")).to_be_visible()
    page.context.clear_cookies()  # signed out (the menu is folded away at phone width)

    sign_in(page, nina.email, PASSWORD)
    expect(page.get_by_test_id("home-new-report")).to_contain_text("Emma Employee")
    fits_and_passes_axe(page, "home of a new manager asked to book")
    page.get_by_role("link", name="Who have I met?").first.click()
    expect(page.get_by_test_id("met-summary")).to_contain_text("0 of 1")
    fits_and_passes_axe(page, "who have I met")
    page.get_by_role("link", name="Book a recurring 1:1 with Emma Employee").click()
    expect(page.get_by_role("heading", name=re.compile("Book"))).to_be_visible()
    assert errors == []
