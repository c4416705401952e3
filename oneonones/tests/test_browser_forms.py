"""Forms in a real browser: a double click sends a form once, and what an htmx swap
did is said in the page's live region (static/js/app.js)."""

import re

import pytest
from playwright.sync_api import expect

from conftest import sign_in
from meetings.models import ActionItem, AgendaItem, Note
from meetings.tests.factories import MeetingFactory
from people.tests.factories import PASSWORD
from wellbeing.models import CheckIn

pytestmark = pytest.mark.browser

CHECK_IN = {
    "How happy are you at work at the moment?": "4 (happy)",
    "How is your workload?": "about right",
    "How is your work-life balance?": "3 (okay)",
}


@pytest.fixture
def meeting(manager, employee):
    return MeetingFactory(organiser=manager, participant=employee)


def double_click_while_the_answer_is_held(page, button, path: str) -> None:
    """A real double click on an htmx form while the answer is slow to come: each POST
    reaches the server (and does its work) at once, the browser gets the answers only
    once the button has been seen disabled."""
    held = []

    def hold(route):
        if route.request.method == "POST":
            held.append((route, route.fetch()))
        else:
            route.continue_()

    page.route(f"**{path}", hold)
    button.dblclick()
    expect(button).to_be_disabled()
    for _ in range(500):  # until the server has answered the first POST
        if held:
            break
        page.wait_for_timeout(20)
    for route, response in held:
        route.fulfill(response=response)
    page.unroute(f"**{path}")


def test_a_double_click_saves_one_check_in(page, transactional_db, employee):
    sign_in(page, employee.email, PASSWORD)
    page.goto("/wellbeing/")
    for question, answer in CHECK_IN.items():
        page.get_by_role("group", name=question).get_by_label(answer).check()
    save = page.get_by_role("button", name="Save check-in")

    def saved_but_no_page_yet(route):
        # The server saves the check-in; the browser stays on the form, as while a slow
        # answer is coming. (Chromium drops a second identical navigation by itself,
        # other browsers do not: the disabled button is our guard at work.)
        route.fetch()
        route.fulfill(status=204)

    page.route("**/wellbeing/check-ins/new/", saved_but_no_page_yet)
    with page.expect_response("**/wellbeing/check-ins/new/"):
        save.dblclick()
    expect(save).to_be_disabled()
    assert CheckIn.objects.filter(employee=employee).count() == 1


def test_a_double_click_adds_one_agenda_item_and_the_page_says_so(
    page, transactional_db, employee, meeting
):
    sign_in(page, employee.email, PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_label("Add an item to the agenda").fill("How do I grow into a lead role?")
    double_click_while_the_answer_is_held(
        page, page.get_by_role("button", name="Add to agenda"), f"/meetings/{meeting.pk}/agenda/"
    )
    announcer = page.get_by_test_id("live-announcer")
    expect(announcer).to_have_text("Added to the agenda.")
    expect(page.get_by_test_id("agenda-item")).to_have_count(1)
    expect(page.get_by_label("Add an item to the agenda")).to_be_focused()
    page.wait_for_load_state("networkidle")
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1

    page.get_by_role("button", name=re.compile("^Discussed")).click()
    expect(announcer).to_have_text("Marked as discussed: How do I grow into a lead role?")


def test_saved_notes_and_actions_are_announced(page, transactional_db, manager, meeting):
    sign_in(page, manager.email, PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/")
    announcer = page.get_by_test_id("live-announcer")
    expect(announcer).to_be_empty()
    page.get_by_label("New action").fill("Share the promotion criteria")
    double_click_while_the_answer_is_held(
        page, page.get_by_role("button", name="Add", exact=True), f"/meetings/{meeting.pk}/actions/"
    )
    expect(announcer).to_have_text("Action added.")
    page.wait_for_load_state("networkidle")
    assert ActionItem.objects.filter(meeting=meeting).count() == 1
    page.get_by_role("button", name=re.compile("^Done")).click()
    expect(announcer).to_have_text("Marked as done: Share the promotion criteria")

    page.get_by_label(re.compile("^Shared notes")).fill("We agreed on the next steps.")
    page.get_by_role("button", name="Save shared notes").click()
    expect(announcer).to_have_text(re.compile(r"^Saved at \d\d:\d\d\.$"))
    assert Note.objects.get(meeting=meeting).body == "We agreed on the next steps."
