"""Two people in two browsers pick the same office-hours slot; the first to sign up
gets it, the second is told someone just took it and offered the next free ones."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import sign_in
from meetings.models import Kind, Meeting
from officehours.models import SignUp
from officehours.tests.conftest import publish
from people.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def open_office_hours(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Office hours").click()
    return context, page


def test_two_people_sign_up_for_the_same_slot_and_one_gets_it(
    browser, live_server, transactional_db, settings
):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    host = UserFactory(
        full_name="Harriet Host", email="harriet@example.org", time_zone="Europe/London"
    )
    ana = UserFactory(full_name="Ana Able", email="ana@example.org", manager=host)
    ben = UserFactory(full_name="Ben Baker", email="ben@example.org", manager=host)
    # From tomorrow, every day 14:00-16:00 London in 20-minute slots, for the team.
    publish(
        host,
        weekdays=list(range(7)),
        first_date=timezone.localdate() + dt.timedelta(days=1),
    )
    contexts = []
    try:
        pages = []
        for person in (ana, ben):
            context, page = open_office_hours(browser, live_server, person.email)
            contexts.append(context)
            pages.append(page)
        first, second = pages
        # Both pick the first free slot and see it offered.
        chosen = []
        for page, topic in ((first, "Next year's timetable"), (second, "A parent complaint")):
            card = page.get_by_test_id("host-card").filter(has_text="Harriet Host")
            slot = card.get_by_label("Slot")
            chosen.append(slot.input_value())
            card.get_by_label("Topic (optional)").fill(topic)
        assert chosen[0] == chosen[1]

        first.get_by_role("button", name="Sign up with Harriet Host").click()
        expect(first.locator(".messages")).to_contain_text("You are signed up with Harriet Host")
        expect(first.get_by_test_id("my-sign-ups")).to_contain_text("Next year's timetable")

        second.get_by_role("button", name="Sign up with Harriet Host").click()
        taken = second.get_by_test_id("slot-taken")
        expect(taken).to_contain_text("Someone just took that slot; here are the next free ones")
        expect(taken.get_by_role("listitem").first).to_have_text(
            re.compile(r"^\d\d:\d\d\u2013\d\d:\d\d on ")
        )
        # The next free slot is offered first, and signing up for it works.
        card = second.get_by_test_id("host-card").filter(has_text="Harriet Host")
        assert card.get_by_label("Slot").input_value() != chosen[0]
        card.get_by_role("button", name="Sign up with Harriet Host").click()
        expect(second.get_by_test_id("my-sign-ups")).to_be_visible()
    finally:
        for context in contexts:
            context.close()

    meetings = Meeting.objects.filter(kind=Kind.OFFICE_HOURS).order_by("starts_at")
    assert [m.participant for m in meetings] == [ana, ben]
    assert meetings[0].starts_at.strftime("%Y-%m-%dT%H:%MZ") == chosen[0]
    assert SignUp.objects.get(meeting=meetings[0]).topic == "Next year's timetable"
