""" "For next time" means the 1:1 after the one it was written on (issue 14, point 2).

The clock is pinned to Monday 4 January 2027, 08:00 UTC; the series meets on Tuesdays
at 09:30 Europe/London from 5 January.
"""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Meeting
from meetings.record import selectors as record_selectors
from meetings.record import services as record_services
from meetings.scheduling import services
from meetings.tests.factories import SeriesFactory, weekly

LONDON = zoneinfo.ZoneInfo("Europe/London")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def series(tuesday_series):
    return tuesday_series


def upcoming(series) -> list[Meeting]:
    return list(series.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at"))


def add_for_next_time(client, meeting, text: str, **headers):
    return client.post(
        reverse("meetings:next_time_add", args=[meeting.pk]), {"text": text}, **headers
    )


def test_written_on_the_upcoming_meeting_it_lands_on_the_one_after(client, series, employee):
    this, following = upcoming(series)[:2]
    client.force_login(employee)
    response = add_for_next_time(client, this, "How did the launch go?", **HTMX)
    body = response.content.decode()
    assert "Added to the next 1:1, on Tue 12 Jan." in body
    item = AgendaItem.objects.get(text="How did the launch go?")
    assert item.meeting_id == following.pk
    assert not this.agenda_items.exists()
    # It is on that meeting's page, not on this one's.
    assert "How did the launch go?" in client.get(f"/meetings/{following.pk}/").content.decode()
    this_page = client.get(f"/meetings/{this.pk}/").content.decode()
    assert 'data-testid="agenda-item"' not in this_page


def test_without_javascript_it_says_where_it_went(client, series, manager):
    this, following = upcoming(series)[:2]
    client.force_login(manager)
    response = add_for_next_time(client, this, "Budget", follow=True)
    assert "Added to the next 1:1, on Tue 12 Jan." in response.content.decode()
    assert following.agenda_items.get().text == "Budget"


def test_written_on_a_held_meeting_it_lands_on_the_next_one_to_come(client, series, employee):
    slot = dt.datetime(2026, 12, 29, 9, 30, tzinfo=LONDON)
    held = services.series_meeting(series, slot=slot, starts_at=slot)
    held.status = Meeting.Status.COMPLETED
    held.save()
    client.force_login(employee)
    add_for_next_time(client, held, "Follow up on training", **HTMX)
    assert AgendaItem.objects.get().meeting_id == upcoming(series)[0].pk


def test_with_no_meeting_after_it_the_item_waits_for_the_one_after_not_this_one(
    client, clock, manager, employee
):
    series = SeriesFactory(
        organiser=manager,
        participant=employee,
        cadence=weekly(),
        first_date=dt.date(2027, 1, 5),
        end_date=dt.date(2027, 1, 5),
    )
    services.series_generate(series_id=series.pk)
    (only,) = upcoming(series)
    client.force_login(employee)
    response = add_for_next_time(client, only, "Career plan", **HTMX)
    assert "it moves to the next 1:1 once one is booked" in response.content.decode()
    item = AgendaItem.objects.get()
    assert item.meeting is None
    # Opening the page lands waiting items, but never on the meeting it was written on.
    client.get(f"/meetings/{only.pk}/")
    assert AgendaItem.objects.get().meeting is None
    assert record_selectors.next_time_items(series).count() == 1
    # The series goes on: the item lands on the next meeting once it is booked.
    services.series_update(series=series, by=manager, end_date=None)
    item.refresh_from_db()
    assert item.meeting == upcoming(series)[1]
    assert item.lands_after is None


def test_it_goes_after_what_the_next_meeting_already_has(client, series, manager, employee):
    this, following = upcoming(series)[:2]
    record_services.agenda_item_add(meeting=following, by=manager, text="Already there")
    client.force_login(employee)
    add_for_next_time(client, this, "Added later", **HTMX)
    texts = [item.text for item in record_selectors.agenda_of(following).order_by("position")]
    assert texts == ["Already there", "Added later"]


def test_an_empty_item_is_refused_and_nothing_is_added(client, series, employee):
    this = upcoming(series)[0]
    client.force_login(employee)
    response = add_for_next_time(client, this, "   ", **HTMX)
    assert response.status_code == 200
    assert "alert" in response.content.decode()
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("role", ["grand_manager", "hr", "other_manager", "outsider"])
def test_nobody_else_can_add_for_next_time(client, request, series, role):
    client.force_login(request.getfixturevalue(role))
    assert add_for_next_time(client, upcoming(series)[0], "Sneaky").status_code == 404
    assert not AgendaItem.objects.exists()
