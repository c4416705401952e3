"""Clear refusals and warnings when booking (issue 14, point 6): a second active series
of the same two people, a cadence that mostly clashes, a local time that does not exist.

The clock is pinned to Monday 4 January 2027, 08:00 UTC.
"""

import datetime as dt
import zoneinfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, MeetingSeries
from meetings.scheduling import services
from meetings.tests.factories import MeetingFactory, SeriesFactory, weekly
from meetings.tests.test_views import booking_data as views_booking_data
from people.tests.factories import UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def pinned(clock):
    return clock


def booking_data(participant, **extra) -> dict:
    data = views_booking_data(participant, pattern="weekly", first_date="2027-01-05")
    data.update(extra)
    return data


# --- A second active series --------------------------------------------------------------


def test_a_second_active_series_with_the_same_person_is_refused_with_a_message(
    client, manager, employee
):
    client.force_login(manager)
    first = client.post(reverse("meetings:series_new"), booking_data(employee))
    assert first.status_code == 302
    second = client.post(
        reverse("meetings:series_new"), booking_data(employee, pattern="fortnightly")
    )
    assert second.status_code == 200
    body = second.content.decode()
    assert "You already have an active series with Emma Employee" in body
    assert "Every week on Tuesday at 09:30" in body
    assert MeetingSeries.objects.count() == 1
    assert Meeting.objects.count() == MeetingSeries.objects.get().meetings.count()


def test_after_ending_the_first_a_new_series_may_be_booked(client, manager, employee):
    client.force_login(manager)
    client.post(reverse("meetings:series_new"), booking_data(employee))
    services.series_end(series=MeetingSeries.objects.get(), by=manager)
    response = client.post(
        reverse("meetings:series_new"), booking_data(employee, pattern="fortnightly")
    )
    assert response.status_code == 302
    assert MeetingSeries.objects.filter(status="active").count() == 1


def test_resuming_a_paused_series_beside_an_active_one_is_refused(client, manager, employee):
    paused = SeriesFactory(organiser=manager, participant=employee, status="paused")
    SeriesFactory(organiser=manager, participant=employee)
    client.force_login(manager)
    response = client.post(reverse("meetings:series_resume", args=[paused.pk]), follow=True)
    assert "You already have an active series with Emma Employee" in response.content.decode()
    paused.refresh_from_db()
    assert paused.status == "paused"


def test_the_database_refuses_a_second_active_series_either_way_round(manager, employee):
    SeriesFactory(organiser=manager, participant=employee)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeriesFactory(organiser=employee, participant=manager)
    SeriesFactory(organiser=employee, participant=manager, status="ended")


# --- A cadence that mostly clashes ----------------------------------------------------------


def busy_tuesdays(person, weeks: int):
    other = UserFactory(full_name="Pat Peer")
    for week in range(weeks):
        start = dt.datetime(2027, 1, 5, 9, 30, tzinfo=LONDON) + dt.timedelta(weeks=week)
        MeetingFactory(organiser=other, participant=person, starts_at=start)


def preview(client, participant, **extra):
    return client.get(reverse("meetings:series_preview"), booking_data(participant, **extra))


def test_the_preview_warns_when_most_slots_clash(client, manager, employee):
    busy_tuesdays(employee, weeks=4)
    client.force_login(manager)
    body = preview(client, employee).content.decode()
    assert 'data-testid="preview-mostly-clash"' in body
    assert "4 of the next 6 meetings clash" in body
    # Another day is free: no warning.
    body = preview(client, employee, weekday="2").content.decode()
    assert "preview-mostly-clash" not in body


def test_the_preview_does_not_warn_about_one_clash(client, manager, employee):
    busy_tuesdays(employee, weeks=1)
    client.force_login(manager)
    body = preview(client, employee).content.decode()
    assert body.count('data-testid="preview-clash"') == 1
    assert "preview-mostly-clash" not in body


# --- A local time that does not exist --------------------------------------------------------


def test_a_meeting_on_the_night_the_clocks_skip_its_time_says_so(client, manager, employee):
    # 01:30 on Sundays; on Sunday 28 March 2027 the UK clocks jump from 01:00 to 02:00.
    series = SeriesFactory(
        organiser=manager,
        participant=employee,
        cadence=weekly(weekday=6),
        start_time=dt.time(1, 30),
        first_date=dt.date(2027, 1, 10),
    )
    services.series_generate(series_id=series.pk)
    by_day = {timezone.localtime(m.starts_at, LONDON).date(): m for m in series.meetings.all()}
    skipped = by_day[dt.date(2027, 3, 28)]
    assert timezone.localtime(skipped.starts_at, LONDON).time() == dt.time(2, 30)
    client.force_login(employee)
    body = client.get(reverse("meetings:meeting", args=[skipped.pk])).content.decode()
    assert 'data-testid="skipped-time"' in body
    assert "01:30 does not exist on Sun 28 Mar in Europe/London" in body
    assert "this 1:1 is at 02:30 Europe/London time" in body
    for other_day in (dt.date(2027, 3, 21), dt.date(2027, 4, 4)):
        page = client.get(reverse("meetings:meeting", args=[by_day[other_day].pk]))
        assert "skipped-time" not in page.content.decode()
