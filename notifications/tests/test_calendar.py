import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.scheduling import services
from meetings.tests.factories import MeetingFactory


def events(response):
    calendar = Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def meeting(manager, employee):
    return MeetingFactory(organiser=manager, participant=employee, location="Room 2")


def test_the_feed_works_without_a_session_and_lists_my_meetings(
    client, employee, meeting, other_manager
):
    other = MeetingFactory(organiser=other_manager, participant=other_manager.reports.first())
    token = services.calendar_feed_for(user=employee).token
    response = client.get(reverse("meetings:calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response)
    assert set(found) == {f"meeting-{meeting.pk}@oneonones"}
    assert f"meeting-{other.pk}@oneonones" not in found
    event = found[f"meeting-{meeting.pk}@oneonones"]
    assert event.decoded("dtstart") == meeting.starts_at
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["summary"]) == "1:1 with Morgan Manager"
    assert int(event["sequence"]) == 0


def test_moves_and_cancellations_update_the_same_event(client, manager, employee, meeting):
    token = services.calendar_feed_for(user=employee).token
    url = reverse("meetings:calendar_feed", args=[token])
    new_time = meeting.starts_at + dt.timedelta(hours=2)
    services.meeting_move(meeting=meeting, by=manager, starts_at=new_time)
    event = events(client.get(url))[f"meeting-{meeting.pk}@oneonones"]
    assert event.decoded("dtstart") == new_time
    assert int(event["sequence"]) == 1
    services.meeting_cancel(meeting=meeting, by=manager, reason="nothing_to_discuss")
    event = events(client.get(url))[f"meeting-{meeting.pk}@oneonones"]
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 2
    assert event.decoded("last-modified") <= timezone.now()


def test_a_new_address_revokes_the_old_one(client, employee, meeting):
    old = services.calendar_feed_for(user=employee).token
    client.force_login(employee)
    response = client.post(reverse("meetings:calendar_regenerate"))
    assert response.status_code == 302
    client.logout()
    assert client.get(reverse("meetings:calendar_feed", args=[old])).status_code == 404
    new = services.calendar_feed_for(user=employee).token
    assert client.get(reverse("meetings:calendar_feed", args=[new])).status_code == 200


def test_an_unknown_or_departed_token_is_404(client, employee):
    assert client.get(reverse("meetings:calendar_feed", args=["nope"])).status_code == 404
    token = services.calendar_feed_for(user=employee).token
    employee.is_active = False
    employee.save()
    assert client.get(reverse("meetings:calendar_feed", args=[token])).status_code == 404


def test_my_meetings_page_shows_my_feed_address(client, employee):
    client.force_login(employee)
    body = client.get(reverse("meetings:mine")).content.decode()
    token = services.calendar_feed_for(user=employee).token
    assert reverse("meetings:calendar_feed", args=[token]) in body


def test_each_meeting_downloads_as_ics_for_its_two_people(client, employee, manager, meeting):
    client.force_login(employee)
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    event = events(response)[f"meeting-{meeting.pk}@oneonones"]
    assert "Room 2" in str(event["location"])


def test_the_ics_download_is_404_for_others(client, outsider, meeting):
    client.force_login(outsider)
    assert client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).status_code == 404
