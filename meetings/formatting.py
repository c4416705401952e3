"""How a meeting's time reads in a sentence, in the reader's zone: shared by the
scheduling messages, the record and the emails of the notifications app."""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone

from meetings.models import Kind, Meeting
from people.models import User

EN_DASH = "\u2013"
KIND_LABELS = dict(Kind.choices)
# An id no URL's fixed text contains, to find where the id goes in a reversed address.
ADDRESS_MARKER = 987654321


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


def day_text(moment: dt.datetime) -> str:
    """The day of ``moment`` in the current zone as the date filter ``D j M Y`` writes it,
    e.g. "Mon 7 Dec 2026"."""
    local = timezone.localtime(moment)
    return f"{local:%a} {local.day} {local:%b %Y}"


def day_time_text(moment: dt.datetime) -> str:
    """``moment`` in the current zone as the date filter ``D j M, H:i`` writes it, e.g.
    "Mon 7 Dec, 09:30"."""
    local = timezone.localtime(moment)
    return f"{local:%a} {local.day} {local:%b, %H:%M}"


def address_of(url_name: str) -> Callable[[int], str]:
    """The address of ``url_name`` (a URL with one id) for any id, reversed once: a list
    writes twenty rows' links with string formatting rather than twenty ``{% url %}``."""
    before, marker, after = reverse(url_name, args=[ADDRESS_MARKER]).partition(str(ADDRESS_MARKER))
    if not marker:
        raise ValueError(f"{url_name} does not take one id")
    return lambda pk: f"{before}{pk}{after}"


def list_rows(
    meetings: Iterable[Mapping[str, Any]], *, viewer_id: int, address: Callable[[int], str]
) -> list[dict[str, Any]]:
    """Meetings as a list's rows show them (``meetings/_meeting_rows.html``), written
    once here rather than by filters, ``{% url %}`` and conditions in each row.

    Each meeting is a mapping with ``id``, ``kind``, ``starts_at``, ``ends_at``,
    ``status``, ``rescheduled_from`` (whether it moved), ``organiser_id``,
    ``participant_id``, ``organiser_name``, ``participant_name`` and, for those that
    show it, ``has_pending_request``. A row names the other person of the two, or both
    when the viewer is neither (their manager's manager, HR)."""
    rows = []
    for meeting in meetings:
        starts_iso, starts_text, ends_text = list_times(meeting["starts_at"], meeting["ends_at"])
        if meeting["organiser_id"] == viewer_id:
            other = meeting["participant_name"]
        elif meeting["participant_id"] == viewer_id:
            other = meeting["organiser_name"]
        else:
            other = f"{meeting['organiser_name']} and {meeting['participant_name']}"
        status = meeting["status"]
        rows.append(
            {
                "url": address(meeting["id"]),
                "starts_iso": starts_iso,
                "when": f"{starts_text}{EN_DASH}{ends_text}",
                "what": f"{KIND_LABELS.get(meeting['kind'], meeting['kind'])} with {other}",
                "moved": bool(meeting["rescheduled_from"]),
                "pending": bool(meeting.get("has_pending_request")),
                "cancelled": status == Meeting.Status.CANCELLED,
                "held": status == Meeting.Status.COMPLETED,
            }
        )
    return rows


def clash_message(*, person: User, clashing: Meeting | None, viewer: User | None) -> str:
    zone = viewer.zone if viewer else person.zone
    who = "You already have" if viewer and viewer.pk == person.pk else f"{person} already has"
    if clashing is None:
        return f"{who} a meeting at that time. Pick another time."
    return f"{who} a meeting {format_span(clashing.starts_at, clashing.ends_at, zone)}."
