import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.models import Meeting
from meetings.scheduling import services
from meetings.tests.factories import MeetingFactory
from notifications import calendar
from notifications import services as notification_services


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
    token = notification_services.calendar_feed_for(user=employee).token
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
    token = notification_services.calendar_feed_for(user=employee).token
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
    old = notification_services.calendar_feed_for(user=employee).token
    client.force_login(employee)
    response = client.post(reverse("meetings:calendar_regenerate"))
    assert response.status_code == 302
    client.logout()
    assert client.get(reverse("meetings:calendar_feed", args=[old])).status_code == 404
    new = notification_services.calendar_feed_for(user=employee).token
    assert client.get(reverse("meetings:calendar_feed", args=[new])).status_code == 200


def test_an_unknown_or_departed_token_is_404(client, employee):
    assert client.get(reverse("meetings:calendar_feed", args=["nope"])).status_code == 404
    token = notification_services.calendar_feed_for(user=employee).token
    employee.is_active = False
    employee.save()
    assert client.get(reverse("meetings:calendar_feed", args=[token])).status_code == 404


def test_my_meetings_page_shows_my_feed_address(client, employee):
    token = notification_services.calendar_feed_for(user=employee).token
    client.force_login(employee)
    body = client.get(reverse("meetings:mine")).content.decode()
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


# --- The subscription feed: written from rows, validated, asked again ------------------


def feed_url(user):
    return reverse(
        "meetings:calendar_feed", args=[notification_services.calendar_feed_for(user=user).token]
    )


@pytest.fixture
def awkward_meetings(manager, employee, outsider):
    """Meetings whose text needs escaping and folding, in both directions, cancelled
    and not, with a person who has only an email address."""
    employee.full_name = 'Émilie O\'Brien, "Em"; back\\slash'
    employee.save()
    outsider.full_name = ""
    outsider.manager = manager
    outsider.save()
    soon = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    long_place = "Room 2, floor 3; by the café\nsecond line\\ " + "ø" * 60 + ",;" * 30
    first = MeetingFactory(
        organiser=manager, participant=employee, starts_at=soon, location=long_place
    )
    second = MeetingFactory(
        organiser=employee,
        participant=manager,
        starts_at=soon + dt.timedelta(days=1),
        kind="mentoring",
        format="walk",
    )
    third = MeetingFactory(
        organiser=manager, participant=outsider, starts_at=soon + dt.timedelta(days=2)
    )
    services.meeting_cancel(meeting=third, by=manager, reason="nothing_to_discuss")
    return [first, second, third]


def test_the_feed_says_what_icalendar_says_of_each_meeting(client, manager, awkward_meetings):
    """The feed is written as text from rows; parsed, each event has exactly the
    properties and values the icalendar objects of the same meetings have."""
    response = client.get(feed_url(manager))
    found = events(response)
    assert len(found) == 3
    for meeting in awkward_meetings:
        meeting.refresh_from_db()
        written = calendar.calendar_bytes([meeting], for_user=manager, name="1:1")
        (expected,) = Calendar.from_ical(written).walk("VEVENT")
        event = found[calendar.meeting_uid(meeting)]
        assert sorted(event) == sorted(expected)
        for name in expected:
            if name != "DTSTAMP":
                assert event.decoded(name) == expected.decoded(name), name
        assert event.decoded("dtstamp") <= timezone.now()
    calendar_object = Calendar.from_ical(response.content)
    assert str(calendar_object["x-wr-calname"]) == "1:1s of Morgan Manager"
    assert calendar_object.decoded("refresh-interval") == dt.timedelta(hours=1)
    # A duration as RFC 5545 writes one (icalendar's objects wrote Python's "1:00:00").
    assert str(calendar_object["x-published-ttl"]) == "PT1H"
    summaries = {str(event["summary"]) for event in found.values()}
    assert summaries == {
        '1:1 with Émilie O\'Brien, "Em"; back\\slash',
        'Mentoring check-in with Émilie O\'Brien, "Em"; back\\slash',
        f"1:1 with {awkward_meetings[2].participant.email}",
    }


def test_the_feed_is_folded_at_75_octets_with_crlf(client, manager, awkward_meetings):
    body = client.get(feed_url(manager)).content
    assert body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long location was folded
    for line in lines:
        line.decode()  # never folded inside a character
    # No line is folded in the middle of an escape: each ends after whole ones.
    for line in lines:
        assert (len(line) - len(line.rstrip(b"\\"))) % 2 == 0, line


def test_the_feed_lists_exactly_the_meetings_of_the_last_year_on(client, employee, manager):
    now = timezone.now().replace(microsecond=0)
    kept = [
        MeetingFactory(organiser=manager, participant=employee, starts_at=now + days)
        for days in (dt.timedelta(days=-364), dt.timedelta(days=1), dt.timedelta(days=170))
    ]
    MeetingFactory(organiser=manager, participant=employee, starts_at=now - dt.timedelta(days=366))
    found = events(client.get(feed_url(employee)))
    assert list(found) == [calendar.meeting_uid(meeting) for meeting in kept]


def test_an_unchanged_feed_answers_304_and_a_change_gives_a_new_etag(
    client, manager, employee, meeting, django_assert_num_queries
):
    url = feed_url(employee)
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200
    assert etag.startswith('W/"')
    assert "Last-Modified" not in first
    assert {"private", "no-cache"} <= {part.strip() for part in first["Cache-Control"].split(",")}
    assert "no-store" not in first["Cache-Control"]
    # The token and the rows; nothing else, however many meetings.
    with django_assert_num_queries(2):
        again = client.get(url, headers={"if-none-match": etag})
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    assert client.get(url, headers={"if-none-match": 'W/"other"'}).status_code == 200

    services.meeting_move(
        meeting=meeting, by=manager, starts_at=meeting.starts_at + dt.timedelta(hours=1)
    )
    moved = client.get(url, headers={"if-none-match": etag})
    assert moved.status_code == 200
    assert moved["ETag"] != etag
    event = events(moved)[calendar.meeting_uid(meeting)]
    assert event.decoded("dtstart") == meeting.starts_at + dt.timedelta(hours=1)
    assert client.get(url, headers={"if-none-match": moved["ETag"]}).status_code == 304


def test_the_etag_follows_everything_the_feed_shows(client, manager, employee, meeting):
    url = feed_url(employee)

    def etag() -> str:
        return client.get(url)["ETag"]

    first = etag()
    manager.full_name = "Morgan Renamed"
    manager.save()
    renamed = etag()
    Meeting.objects.filter(pk=meeting.pk).update(location="Room 9")  # no save(), no SEQUENCE
    moved_room = etag()
    assert "Room 9" in str(events(client.get(url))[calendar.meeting_uid(meeting)]["location"])
    other = MeetingFactory(
        organiser=manager, participant=employee, starts_at=meeting.starts_at + dt.timedelta(days=7)
    )
    added = etag()
    assert len({first, renamed, moved_room, added}) == 4
    other.delete()
    # The same feed as before the meeting was added, so the same validator.
    assert etag() == moved_room


def test_the_feed_makes_the_same_queries_for_one_meeting_or_many(
    client, manager, employee, django_assert_num_queries
):
    start = timezone.now() + dt.timedelta(days=1)
    for week in range(30):
        MeetingFactory(
            organiser=manager, participant=employee, starts_at=start + dt.timedelta(weeks=week)
        )
    url = feed_url(employee)
    with django_assert_num_queries(2):
        response = client.get(url)
    assert len(events(response)) == 30


@pytest.mark.parametrize("offset", range(6))
def test_folding_keeps_characters_and_escapes_whole_and_unfolds_to_the_line(offset):
    text = "x" * offset + "é\\;,\n\\\\" * 40 + "ø" * 30
    line = f"LOCATION:{calendar._escaped(text)}"
    folded = calendar._folded(line)
    parts = folded.encode().split(b"\r\n")
    assert all(len(part) <= 75 for part in parts)
    assert all(part.startswith(b" ") for part in parts[1:])
    for part in parts[:-1]:
        assert (len(part) - len(part.rstrip(b"\\"))) % 2 == 0, part
    assert folded.replace("\r\n ", "") == line
