"""iCalendar for subscriptions (Google Calendar, Outlook) and single downloads.

Each meeting keeps one UID for life; SEQUENCE goes up with every change and
LAST-MODIFIED says when, so calendars update the event in place. Cancelled
meetings stay in the feed with STATUS:CANCELLED so calendars remove them.

The subscription feed is written from plain rows (``feed_bytes``), with an ETag
worked out from everything it shows (``feed_etag``), so that an unchanged feed is
answered ``304 Not Modified``; single downloads and invitations go through
icalendar's objects (``_event``), which the tests hold the feed to.
"""

import datetime as dt
import hashlib
from typing import NamedTuple

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from meetings.formatting import address_of
from meetings.models import KIND_WORDS, Format, Meeting

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
    event.add("summary", f"{meeting.kind_words.title} with {other}")
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


# --- The subscription feed -------------------------------------------------------------
#
# A manager's feed lists hundreds of meetings and calendar apps fetch it every hour, so
# it is written straight from the rows (``selectors.feed_rows``) as text, not through
# icalendar's objects (which took about a millisecond per event). It writes the same
# properties as ``_event``; ``tests/test_calendar.py`` parses both and compares them,
# and checks the lines are folded at 75 octets and end in CRLF (RFC 5545 3.1).

# Part of the feed's ETag: change it whenever what the feed writes changes, so calendars
# that kept the old text fetch the new one although no meeting changed.
FEED_FORMAT = "1"
KIND_LABELS = {kind: words.title for kind, words in KIND_WORDS.items()}
FORMAT_LABELS = dict(Format.choices)
LINE_OCTETS = 75


class FeedRow(NamedTuple):
    """What the feed shows of one meeting, and of the other person in it; the times
    already written as iCalendar UTC date-times (``20261130T093000Z``) by the database."""

    pk: int
    starts_at: str
    ends_at: str
    kind: str
    format: str
    location: str
    status: str
    sequence: int
    created_at: str
    updated_at: str
    other_name: str


# How the database writes a time for the feed: in UTC, to the second, as iCalendar does.
ICAL_UTC = 'YYYYMMDD"T"HH24MISS"Z"'


def feed_etag(rows: list[FeedRow], *, name: str) -> str:
    """A validator of the feed for ``rows``: it changes whenever anything the feed shows
    does (a meeting added, removed, moved out of the window or changed in any field it
    writes, a person renamed, the site's address, the labels, the format). Weak: the
    DTSTAMP of each event is the time of writing, so two answers with the same ETag
    differ in that only."""
    context = (FEED_FORMAT, PRODID, settings.SITE_URL, name, KIND_LABELS, FORMAT_LABELS)
    written = "\x1e".join("\x1f".join(map(str, row)) for row in rows)
    digest = hashlib.blake2b(f"{context!r}\x1d{written}".encode(), digest_size=16)
    return f'W/"{digest.hexdigest()}"'


def _escaped(text: str) -> str:
    """TEXT as RFC 5545 3.3.11 writes it."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _folded(line: str) -> str:
    """``line`` folded into lines of at most 75 octets (RFC 5545 3.1), never inside a
    character or right after the backslash of an escape."""
    if len(line) * 4 <= LINE_OCTETS or len(line.encode()) <= LINE_OCTETS:
        return line
    parts, current, octets = [], "", 0
    for char in line:
        size = len(char.encode())
        if octets + size > LINE_OCTETS:
            # An odd run of backslashes at the end: the last one begins an escape.
            backslashes = len(current) - len(current.rstrip("\\"))
            if backslashes % 2 and len(current) > 1:
                parts.append(current[:-1])
                current = " \\"
            else:
                parts.append(current)
                current = " "
            octets = len(current)
        current += char
        octets += size
    parts.append(current)
    return "\r\n".join(parts)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def feed_bytes(rows: list[FeedRow], *, name: str) -> bytes:
    """The subscription feed: ``rows`` as VEVENTs, with the calendar's own properties."""
    stamp = _utc(timezone.now())
    # The meeting page's address around its id, worked out once rather than per event.
    meeting_address = address_of("meetings:meeting")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        _folded(f"X-WR-CALNAME:{_escaped(name)}"),
        # Ask subscribing calendars to look again every hour.
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for row in rows:
        cancelled = row.status == Meeting.Status.CANCELLED
        kind = KIND_LABELS.get(row.kind, row.kind)
        place = FORMAT_LABELS.get(row.format, row.format)
        if row.location:
            place = f"{place}: {row.location}"
        lines += (
            "BEGIN:VEVENT",
            _folded(f"SUMMARY:{_escaped(f'{kind} with {row.other_name}')}"),
            f"DTSTART:{row.starts_at}",
            f"DTEND:{row.ends_at}",
            f"DTSTAMP:{stamp}",
            f"UID:meeting-{row.pk}@oneonones",
            f"SEQUENCE:{row.sequence}",
            f"CREATED:{row.created_at}",
            f"LAST-MODIFIED:{row.updated_at}",
            _folded(f"LOCATION:{_escaped(place)}"),
            f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
            f"TRANSP:{'TRANSPARENT' if cancelled else 'OPAQUE'}",
            _folded(f"URL:{settings.SITE_URL}{meeting_address(row.pk)}"),
            "END:VEVENT",
        )
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()
