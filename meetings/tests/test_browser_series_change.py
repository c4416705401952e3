"""In a real browser: a manager moves a weekly series whose next meeting already has an
agenda, and the report keeps something for next time (issue 14).

The server's clock is pinned to Monday 4 January 2027, 08:00 UTC (ticking, so the
browser's waits still pass); the series meets on Tuesdays at 09:30 Europe/London.
"""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from conftest import page_errors, sign_in, sign_out
from meetings.models import AgendaItem, Meeting
from meetings.record import services as record_services
from meetings.scheduling import services
from meetings.tests.conftest import MONDAY
from meetings.tests.factories import SeriesFactory, weekly
from people.tests.factories import PASSWORD

pytestmark = pytest.mark.browser

LONDON = zoneinfo.ZoneInfo("Europe/London")
PREPARED = "Prepared: what would a promotion take?"
NEXT_TIME = "Kept for next time: how did the launch go?"


def local(meeting: Meeting) -> dt.datetime:
    return timezone.localtime(meeting.starts_at, LONDON)


def test_a_manager_moves_a_prepared_series_and_the_report_keeps_something_for_next_time(
    page, transactional_db, manager, employee
):
    with time_machine.travel(MONDAY, tick=True):
        series = SeriesFactory(
            organiser=manager,
            participant=employee,
            cadence=weekly(),
            first_date=dt.date(2027, 1, 5),
            location="https://video.example.org/emma",
        )
        services.series_generate(series_id=series.pk)
        second = series.meetings.order_by("starts_at")[1]
        record_services.agenda_item_add(meeting=second, by=employee, text=PREPARED)
        count = series.meetings.count()
        errors = page_errors(page)

        # The manager changes the time from 09:30 to 10:30.
        sign_in(page, manager.email, PASSWORD)
        page.goto(f"/meetings/series/{series.pk}/edit/")
        page.get_by_label("Start time").fill("10:30")
        expect(page.get_by_test_id("series-preview")).to_contain_text("Tue 5 Jan 2027, 10:30")
        page.get_by_role("button", name="Save changes").click()
        page.wait_for_url(f"**/meetings/series/{series.pk}/")
        expect(page.get_by_text("Future meetings follow the new settings")).to_be_visible()
        upcoming = page.get_by_test_id("upcoming")
        expect(upcoming).to_contain_text("Tue 12 Jan 2027, 10:30")
        expect(upcoming).not_to_contain_text("09:30")
        assert page.get_by_test_id("waiting-meeting").count() == 0

        # The prepared meeting moved with its agenda: the same meeting, one that day.
        upcoming.get_by_role("link", name="Tue 12 Jan 2027, 10:30").click()
        page.wait_for_url(f"**/meetings/{second.pk}/")
        expect(page.get_by_test_id("agenda")).to_contain_text(PREPARED)
        expect(page.get_by_test_id("video-link")).to_have_attribute(
            "href", "https://video.example.org/emma"
        )
        sign_out(page)

        # The report, on the first meeting's page (a new one at 10:30: nobody had touched
        # the 09:30 one), keeps something for next time.
        first = series.meetings.order_by("starts_at").first()
        assert local(first) == dt.datetime(2027, 1, 5, 10, 30, tzinfo=LONDON)
        sign_in(page, employee.email, PASSWORD)
        page.goto(f"/meetings/{first.pk}/")
        page.evaluate("window.samePage = true")
        page.get_by_label("Add something for next time").fill(NEXT_TIME)
        page.get_by_role("button", name="Add for next time").click()
        expect(page.locator("#next-time")).to_contain_text("Added to the next 1:1, on Tue 12 Jan.")
        assert page.evaluate("window.samePage") is True  # htmx: no reload
        expect(page.get_by_test_id("agenda-block")).not_to_contain_text(NEXT_TIME)
        page.goto(f"/meetings/{second.pk}/")
        agenda = page.get_by_test_id("agenda")
        expect(agenda).to_contain_text(PREPARED)
        expect(agenda).to_contain_text(NEXT_TIME)
        assert errors == []

    assert series.meetings.count() == count
    moved = Meeting.objects.get(pk=second.pk)
    assert local(moved) == dt.datetime(2027, 1, 12, 10, 30, tzinfo=LONDON)
    assert sorted(AgendaItem.objects.filter(meeting=moved).values_list("text", flat=True)) == [
        NEXT_TIME,
        PREPARED,
    ]
    days = [local(m).date() for m in series.meetings.all()]
    assert len(days) == len(set(days))
