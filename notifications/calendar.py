"""iCalendar for subscriptions (Google Calendar, Outlook) and single downloads.

Each meeting keeps one UID for life; SEQUENCE goes up with every change and
LAST-MODIFIED says when, so calendars update the event in place. Cancelled
meetings stay in the feed with STATUS:CANCELLED so calendars remove them.
"""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from meetings.models import Meeting

PRODID = "-//oneonones//1:1 meetings//EN"
REFRESH = dt.timedelta(hours=1)


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@oneonones"


def _event(meeting: Meeting, *, for_user, stamp) -> Event:
    other = meeting.other_person(for_user)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.get_kind_display()} with {other}")
    event.add("sequence", meeting.sequence)
    event.add("last-modified", meeting.updated_at)
    event.add("created", meeting.created_at)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    place = meeting.get_format_display()
    if meeting.location:
        place = f"{place}: {meeting.location}"
    event.add("location", place)
    event.add("url", settings.SITE_URL + reverse("meetings:meeting", args=[meeting.pk]))
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def calendar_bytes(meetings, *, for_user, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # Ask subscribing calendars to look again every hour.
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # Outlook reads this one; an unknown property would be written as text ("1:00:00").
    calendar.add("x-published-ttl", vDuration(REFRESH))
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(_event(meeting, for_user=for_user, stamp=stamp))
    return calendar.to_ical()


def _person_address(user, **parameters) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.full_name or user.email)
    for name, value in parameters.items():
        address.params[name.replace("_", "-")] = vText(value)
    return address


def invitation_bytes(meeting: Meeting, *, for_user, method: str) -> bytes:
    """An iTIP message (RFC 5546) for one person: METHOD:REQUEST for a new or changed
    meeting, METHOD:CANCEL for a cancelled or removed one. Same UID as the feed."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(method)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = _event(meeting, for_user=for_user, stamp=timezone.now())
    event.add("organizer", _person_address(meeting.organiser))
    event.add(
        "attendee",
        _person_address(
            meeting.participant, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="FALSE"
        ),
    )
    calendar.add_component(event)
    return calendar.to_ical()
