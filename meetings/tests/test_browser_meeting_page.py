"""The meeting page in a real browser: the demo people run a 1:1 together."""

import datetime as dt
from email.utils import parseaddr

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from conftest import page_errors, sign_in
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingSeries
from meetings.scheduling import services
from notifications import sending
from people.demo import DEMO_PASSWORD
from wellbeing.models import CheckIn

pytestmark = pytest.mark.browser

TOPIC = "Browser topic: what would a promotion take?"
ACTION = "Send Emma the promotion criteria"
CHECKIN_NOTE = "Checked in from the meeting page: busy but fine."


def meeting_in_progress(series: MeetingSeries) -> Meeting:
    """A meeting of the series that began a few minutes ago, at a time both are free."""
    now = timezone.now().replace(second=0, microsecond=0)
    for minutes_ago in (5, 25, 45, 65, 85, 105):
        start = now - dt.timedelta(minutes=minutes_ago)
        try:
            with transaction.atomic():
                meeting = services.series_meeting(series, slot=start, starts_at=start)
                meeting.occurrence = None  # an extra meeting: the day may have its own later on
                meeting.save()
                services.save_attendances(meeting=meeting, viewer=None)
        except services.MeetingClash:
            continue
        return meeting
    raise AssertionError("No free time in the last two hours")


def sign_out(page):
    page.get_by_test_id("signed-in-as").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_the_employee_adds_an_item_and_the_manager_runs_and_completes_the_1_1(
    page, transactional_db
):
    call_command("seed_demo")
    series = MeetingSeries.objects.get(
        organiser__email="manager@example.com", participant__email="employee@example.com"
    )
    meeting = meeting_in_progress(series)
    errors = page_errors(page)

    sign_in(page, "employee@example.com", DEMO_PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/")
    page.evaluate("window.samePage = true")
    page.get_by_label("Add an item to the agenda").fill(TOPIC)
    page.get_by_role("button", name="Add to agenda").click()
    agenda = page.get_by_test_id("agenda")
    expect(agenda.get_by_text(TOPIC, exact=True)).to_be_visible()
    assert page.evaluate("window.samePage") is True  # htmx: no full reload
    expect(page.get_by_test_id("agenda-share")).to_contain_text("You wrote 1 of 1 item (100 %)")
    sign_out(page)

    sign_in(page, "manager@example.com", DEMO_PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/")
    page.evaluate("window.samePage = true")
    item = page.get_by_test_id("agenda-item").filter(has_text=TOPIC)
    expect(item).to_be_visible()
    tick = item.get_by_role("button", name="Discussed")
    tick.click()
    # Focus lands back on the button that was pressed, for keyboard users.
    expect(page.locator('#agenda button[aria-pressed="true"]')).to_be_focused()

    page.get_by_label("New action").fill(ACTION)
    # The new action's owner (each listed action has its own "Who" in its edit form).
    page.locator("#action-owner").select_option(label="Me")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_test_id("actions").get_by_text(ACTION, exact=True)).to_be_visible()
    assert page.evaluate("window.samePage") is True

    page.get_by_role("button", name="Complete the 1:1").click()
    expect(page.get_by_test_id("completed")).to_contain_text("Completed by Morgan Reid")
    assert errors == []

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.COMPLETED
    assert meeting.completed_by.email == "manager@example.com"
    assert AgendaItem.objects.get(meeting=meeting, text=TOPIC).discussed
    action = ActionItem.objects.get(description=ACTION)
    assert action.owner.email == "manager@example.com" and action.due_date is not None
    # The summary reaches both, once, even with no worker running: the sweep sends it.
    sending.send_due_reminders()
    sending.send_due_reminders()
    summaries = [m for m in mail.outbox if m.subject.startswith("Summary of")]
    assert sorted(parseaddr(m.to[0])[1] for m in summaries) == [
        "employee@example.com",
        "manager@example.com",
    ]
    assert all(TOPIC in m.body and ACTION in m.body for m in summaries)


def test_the_employee_checks_in_from_the_meeting_page_and_the_manager_sees_it(
    page, transactional_db
):
    call_command("seed_demo")
    upcoming = (
        Meeting.objects.filter(
            organiser__email="manager@example.com",
            participant__email="employee@example.com",
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    errors = page_errors(page)

    sign_in(page, "employee@example.com", DEMO_PASSWORD)
    page.goto(f"/meetings/{upcoming.pk}/")
    page.get_by_role("heading", name="Check in before your 1:1").wait_for()
    form = page.locator("form.wellbeing-compact-form")
    form.get_by_role("group", name="How happy are you at work at the moment?").get_by_label(
        "3 (okay)"
    ).check()
    form.get_by_role("group", name="How is your workload?").get_by_label("a bit too much").check()
    form.get_by_role("group", name="How is your work-life balance?").get_by_label(
        "4 (good)"
    ).check()
    form.get_by_label("Anything you want to add? (optional)").fill(CHECKIN_NOTE)
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Save check-in").click()
    page.wait_for_url(f"**/meetings/{upcoming.pk}/")
    expect(page.get_by_role("status").get_by_text("shared with Morgan Reid")).to_be_visible()
    sign_out(page)

    sign_in(page, "manager@example.com", DEMO_PASSWORD)
    page.goto(f"/meetings/{upcoming.pk}/")
    panel = page.get_by_test_id("checkin-panel")
    expect(panel.get_by_text(CHECKIN_NOTE)).to_be_visible()
    assert errors == []
    assert CheckIn.objects.get(note=CHECKIN_NOTE).shared_with_manager
