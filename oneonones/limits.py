"""How far ahead and how far back the dates people enter may go.

These are rules of the domain, so the services check them; the forms call the same
checks so that the message shows beside the field. Without them a date such as
9999-12-31 is accepted by every form and then overflows the first time a day is
added to it (``OverflowError``), and a first date in year 1 makes the cadence
count two thousand years of weeks.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

# Nothing in oneonones happened before this day: no meeting, due date or report.
EARLIEST_DAY = dt.date(2000, 1, 1)
# A person's first day at work may be long before they were added.
EARLIEST_START_DATE = dt.date(1900, 1, 1)
# A meeting is booked (once, moved, proposed or rebooked), and a series starts, at
# most this far ahead; a person's first day at work is at most this far ahead too.
BOOKING_YEARS = 2
# Due dates and the last date of a series: at most this far ahead.
PLANNING_YEARS = 10


def _format(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def latest_booking_day(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + relativedelta(years=BOOKING_YEARS)


def latest_planning_day(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + relativedelta(years=PLANNING_YEARS)


def check_day(day: dt.date, *, what: str, earliest: dt.date, latest: dt.date) -> None:
    """Raise ValidationError, in the user's words, unless ``earliest <= day <= latest``."""
    if not earliest <= day <= latest:
        raise ValidationError(
            f"Pick {what} from {_format(earliest)} to {_format(latest)}.", code="out_of_range"
        )


def check_meeting_start(starts_at: dt.datetime, *, now: dt.datetime | None = None) -> None:
    """A meeting starts in the future and at most two years ahead."""
    now = now or timezone.now()
    if starts_at <= now:
        raise ValidationError("Pick a time in the future.", code="past")
    latest = now + relativedelta(years=BOOKING_YEARS)
    if starts_at > latest:
        day = timezone.localtime(latest).date()
        raise ValidationError(
            f"Pick a time at most two years ahead (until {_format(day)}).", code="too_far"
        )


def check_first_date(day: dt.date, *, today: dt.date | None = None) -> None:
    """The first date of a series: meetings are booked at most two years ahead."""
    check_day(day, what="a first date", earliest=EARLIEST_DAY, latest=latest_booking_day(today))


def check_planning_day(day: dt.date, *, what: str, today: dt.date | None = None) -> None:
    """A due date, or the last date of a series."""
    check_day(day, what=what, earliest=EARLIEST_DAY, latest=latest_planning_day(today))


def check_start_date(day: dt.date, *, today: dt.date | None = None) -> None:
    """A person's first day at work."""
    check_day(
        day,
        what="a start date",
        earliest=EARLIEST_START_DATE,
        latest=latest_booking_day(today),
    )
