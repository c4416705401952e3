"""The slots of office hours: expanded in the host's zone, in wall-clock time.

"Thursdays 14:00–16:00 in 20-minute slots" stays 14:00, 14:20, ... local time on both
sides of a clock change, so its UTC times move by an hour. A local time that does not
exist on a day (the hour the clocks skip) gives no slot; one that happens twice (the
hour they repeat) gives its first.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from officehours.models import OfficeHours

# How far ahead people see free slots.
WEEKS_AHEAD = 4


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime  # aware, in UTC
    ends_at: dt.datetime

    @property
    def key(self) -> str:
        """What a form posts for the slot: its start in UTC, to the minute."""
        return self.starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


def parse_key(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%MZ").replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


def _local(day: dt.date, time: dt.time, hours: OfficeHours) -> dt.datetime | None:
    """``time`` on ``day`` in the host's zone, or None when the clocks skip it."""
    moment = dt.datetime.combine(day, time, tzinfo=hours.zone)
    back = moment.astimezone(dt.UTC).astimezone(hours.zone)
    if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


def day_slots(hours: OfficeHours, day: dt.date) -> Iterator[Slot]:
    length = dt.timedelta(minutes=hours.slot_minutes)
    start = dt.datetime.combine(day, hours.start_time)
    end = dt.datetime.combine(day, hours.end_time)
    while start + length <= end:
        begins = _local(start.date(), start.time(), hours)
        finishes = _local((start + length).date(), (start + length).time(), hours)
        if begins is not None and finishes is not None and finishes > begins:
            yield Slot(begins.astimezone(dt.UTC), finishes.astimezone(dt.UTC))
        start += length


def slots_between(
    hours: OfficeHours, *, after: dt.datetime, before: dt.datetime
) -> list[Slot]:
    """The slots of ``hours`` that start after ``after`` and before ``before``, open
    or not (paused hours have slots too: their booked sign-ups are in them)."""
    first = max(hours.first_date, after.astimezone(hours.zone).date())
    last = before.astimezone(hours.zone).date()
    if hours.last_date is not None:
        last = min(last, hours.last_date)
    slots = []
    day = first
    while day <= last:
        if day.weekday() in hours.weekdays:
            slots.extend(
                slot for slot in day_slots(hours, day) if after < slot.starts_at < before
            )
        day += dt.timedelta(days=1)
    return slots


def is_a_slot(hours: OfficeHours, starts_at: dt.datetime) -> Slot | None:
    """The slot of ``hours`` that starts at ``starts_at``, if there is one."""
    local_day = starts_at.astimezone(hours.zone).date()
    if local_day < hours.first_date or (hours.last_date and local_day > hours.last_date):
        return None
    if local_day.weekday() not in hours.weekdays:
        return None
    for slot in day_slots(hours, local_day):
        if slot.starts_at == starts_at:
            return slot
    return None


def overlaps(slot: Slot, spans: Iterable[tuple[dt.datetime, dt.datetime]]) -> bool:
    return any(start < slot.ends_at and slot.starts_at < end for start, end in spans)
