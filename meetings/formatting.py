"""How a meeting's time reads in a sentence, in the reader's zone: shared by the
scheduling messages, the record and the emails of the notifications app."""

import datetime as dt

from django.utils import timezone

from meetings.models import Meeting
from people.models import User

EN_DASH = "\u2013"


def format_span(starts_at: dt.datetime, ends_at: dt.datetime, zone: dt.tzinfo) -> str:
    """E.g. "10:00\u201310:30 on Tue 3 Mar" in ``zone`` (the year too when not this year)."""
    start = timezone.localtime(starts_at, zone)
    end = timezone.localtime(ends_at, zone)
    day = f"{start:%a} {start.day} {start:%b}"
    if start.year != timezone.localtime(timezone.now(), zone).year:
        day += f" {start.year}"
    return f"{start:%H:%M}{EN_DASH}{end:%H:%M} on {day}"


def list_times(starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[str, str, str]:
    """A meeting's time as a list row shows it, in the current zone (the viewer's): the
    start in ISO 8601 (``<time datetime>``), e.g. "Mon 7 Dec 2026, 09:30", and the end's
    "10:00". The same as the date filters ``c``, ``D j M Y, H:i`` and ``H:i``, in
    Python: three filters on each of twenty rows cost more than the rest of the page."""
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    return (
        start.isoformat(),
        f"{start:%a} {start.day} {start:%b %Y, %H:%M}",
        f"{end:%H:%M}",
    )


def clash_message(*, person: User, clashing: Meeting | None, viewer: User | None) -> str:
    zone = viewer.zone if viewer else person.zone
    who = "You already have" if viewer and viewer.pk == person.pk else f"{person} already has"
    if clashing is None:
        return f"{who} a meeting at that time. Pick another time."
    return f"{who} a meeting {format_span(clashing.starts_at, clashing.ends_at, zone)}."
