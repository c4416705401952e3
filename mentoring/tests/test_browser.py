"""Mentoring in a real browser: a mentee proposes a mentor, the mentor accepts, the
mentee books fortnightly check-ins and prepares the agenda, which the mentee's items
lead. The pages pass axe-core as they are used."""

import re

import pytest
from playwright.sync_api import expect

from conftest import page_errors, sign_in, sign_out
from meetings.models import Kind, MeetingSeries
from mentoring.models import Mentorship
from oneonones.tests.test_browser_sweeps import AXE, AXE_RUN, BLOCKING
from people.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def blocking_violations(page) -> list[dict]:
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in BLOCKING]


def test_a_mentee_finds_a_mentor_books_check_ins_and_leads_the_agenda(page, transactional_db):
    boss = UserFactory(full_name="Morgan Manager", email="morgan@example.org")
    UserFactory(full_name="Emma Employee", email="emma@example.org", manager=boss)
    UserFactory(full_name="Max Mentor", email="max@example.org", job_title="Head of Sales")
    errors = page_errors(page)
    page.context.add_init_script(path=str(AXE))  # on every page, as the sweep does

    # Emma looks for a mentor, without any script needed: a search, then a choice.
    sign_in(page, "emma@example.org", PASSWORD)
    page.get_by_role("link", name="Mentoring", exact=True).first.click()
    expect(page.get_by_role("heading", name="Mentoring", level=1)).to_be_visible()
    page.get_by_label("Find a person").fill("sales")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Max Mentor, Head of Sales").check()
    expect(page.get_by_label("I would like them to mentor me")).to_be_checked()
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("Proposed to Max Mentor")).to_be_visible()
    expect(page.get_by_test_id("my-proposals")).to_contain_text("You asked Max Mentor")
    sign_out(page)

    # Max accepts.
    sign_in(page, "max@example.org", PASSWORD)
    page.goto("/mentoring/")
    expect(page.get_by_test_id("to-answer")).to_contain_text("Emma Employee asks you")
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Accept mentoring with Emma Employee").click()
    expect(page.get_by_text("Mentoring with Emma Employee has started.")).to_be_visible()
    expect(page.get_by_test_id("active-mentoring")).to_contain_text("You mentor Emma Employee")
    sign_out(page)

    # Emma books fortnightly check-ins with Max: she owns the series.
    sign_in(page, "emma@example.org", PASSWORD)
    page.goto("/mentoring/")
    page.get_by_role("link", name="Book check-ins with Max").click()
    expect(page.get_by_label("With")).to_have_value(str(Mentorship.objects.get().mentor_id))
    expect(page.get_by_label("Kind of meeting")).to_have_value(Kind.MENTORING)
    expect(page.get_by_label("Agenda template")).to_contain_text("Mentoring check-in")
    page.get_by_label("Every 2 weeks").check()
    page.get_by_label("Day of the week").select_option(label="Thursday")
    page.get_by_label("Start time").fill("11:00")
    preview = page.get_by_test_id("series-preview").locator("li")
    expect(preview).to_have_text([re.compile(r"^\s*Thu .*, 11:00")] * 6, timeout=20_000)
    page.get_by_role("button", name="Book the 1:1s").click()
    page.wait_for_url(re.compile(r"/meetings/series/\d+/$"))
    expect(page.get_by_text("next six months of check-ins")).to_be_visible()
    series = MeetingSeries.objects.get(kind=Kind.MENTORING)
    assert (series.organiser.email, series.participant.email) == (
        "emma@example.org",
        "max@example.org",
    )

    # The first check-in shows the four areas of the mentoring template as prompts.
    rows = page.get_by_test_id("upcoming").get_by_test_id("meeting-row")
    rows.first.get_by_role("link").click()
    prompts = page.get_by_test_id("prompts")
    prompts.locator("summary").click()
    for area in ("Strategic goals", "Connect and update", "Two-way coaching", "Aspirations"):
        expect(prompts.get_by_role("heading", name=area)).to_be_visible()
    for topic in ("My team's progress this month", "Where I want to be in two years"):
        page.get_by_label("Add an item to the agenda").fill(topic)
        page.get_by_role("button", name="Add to agenda").click()
        expect(page.get_by_test_id("agenda").get_by_text(topic, exact=True)).to_be_visible()
    expect(page.get_by_test_id("agenda-share")).to_contain_text("You wrote 2 of 2 items")
    assert blocking_violations(page) == []
    meeting_url = page.url
    sign_out(page)

    # Max adds one of his; Emma's lead the agenda.
    sign_in(page, "max@example.org", PASSWORD)
    page.goto(meeting_url)
    page.get_by_label("Add an item to the agenda").fill("FYI from the sales team")
    page.get_by_role("button", name="Add to agenda").click()
    items = page.get_by_test_id("agenda-item")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("My team's progress this month")
    expect(items.nth(1)).to_contain_text("Where I want to be in two years")
    expect(items.nth(2)).to_contain_text("FYI from the sales team")
    expect(page.get_by_test_id("agenda-share")).to_contain_text("Emma wrote 2 of 3 items")
    sign_out(page)
    assert errors == []

    # Emma's manager does not see the check-in at all.
    sign_in(page, "morgan@example.org", PASSWORD)
    response = page.goto(meeting_url)
    assert response is not None and response.status == 404
