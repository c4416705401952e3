"""Cadences: expanding a series' rule into meeting times, and describing it in words.

A rule is expanded in the series' own wall-clock time, starting at its first
date, and only then each local time is given the series' zone. So a 09:30
Europe/London series is at 09:30 local in both GMT and BST, and the fortnightly
rhythm is counted from the first date whatever window is asked for.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Protocol

import recurrence
from dateutil import rrule as du

ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The patterns the booking form offers, in its own words.
PATTERNS = (
    ("weekly", "Every week"),
    ("fortnightly", "Every 2 weeks"),
    ("four_weekly", "Every 4 weeks"),
    ("monthly_weekday", "Monthly on a weekday (e.g. first Tuesday)"),
    ("monthly_date", "Monthly on a date"),
    ("custom", "Custom rule"),
)
WEEKLY_INTERVALS = {"weekly": 1, "fortnightly": 2, "four_weekly": 4}
SUB_DAILY = {du.HOURLY, du.MINUTELY, du.SECONDLY}
# Typical length of one step of each frequency, for "how long is one cadence".
FREQUENCY_DAYS = {du.YEARLY: 365, du.MONTHLY: 30, du.WEEKLY: 7, du.DAILY: 1}
# A custom rule meets at least once a year.
MAX_INTERVAL_DAYS = 366
# A series, when booked or changed, gives a meeting within this many days.
NEXT_MEETING_WITHIN_DAYS = 366


class SeriesLike(Protocol):
    """A series, or the booking form's data shaped like one (for a preview)."""

    @property
    def cadence(self) -> recurrence.Recurrence: ...
    @property
    def start_time(self) -> dt.time: ...
    @property
    def time_zone(self) -> str: ...
    @property
    def first_date(self) -> dt.date: ...
    @property
    def end_date(self) -> dt.date | None: ...
    @property
    def duration_minutes(self) -> int: ...


class CadenceError(ValueError):
    """The rule cannot be used for a series; the message says why, for people."""


@dataclass(frozen=True)
class Picked:
    """What the booking form's cadence picker holds."""

    pattern: str
    weekday: int = 0  # Monday is 0
    week_of_month: int = 1  # 1..4, or -1 for the last
    day_of_month: int = 1  # 1..28, or -1 for the last day
    custom_rule: str = ""


def build_cadence(picked: Picked) -> recurrence.Recurrence:
    """The rule for a picked pattern. Raises CadenceError for a custom rule we cannot use."""
    if picked.pattern in WEEKLY_INTERVALS:
        rule = recurrence.Rule(
            recurrence.WEEKLY,
            interval=WEEKLY_INTERVALS[picked.pattern],
            byday=recurrence.Weekday(picked.weekday),
        )
    elif picked.pattern == "monthly_weekday":
        rule = recurrence.Rule(
            recurrence.MONTHLY, byday=recurrence.Weekday(picked.weekday, picked.week_of_month)
        )
    elif picked.pattern == "monthly_date":
        rule = recurrence.Rule(recurrence.MONTHLY, bymonthday=picked.day_of_month)
    elif picked.pattern == "custom":
        return parse_custom_rule(picked.custom_rule)
    else:
        raise CadenceError("Choose how often to meet.")
    return recurrence.Recurrence(rrules=[rule], include_dtstart=False)


def parse_custom_rule(text: str) -> recurrence.Recurrence:
    text = (text or "").strip()
    if not text:
        raise CadenceError("Write a rule, for example FREQ=WEEKLY;INTERVAL=3;BYDAY=MO.")
    if not text.upper().startswith("RRULE:"):
        text = "RRULE:" + text
    if "DTSTART" in text.upper():
        raise CadenceError("Leave the start out of the rule: it comes from the first date.")
    try:
        cadence = recurrence.deserialize(text, include_dtstart=False)
    except (recurrence.exceptions.DeserializationError, ValueError, KeyError, TypeError):
        raise CadenceError(
            "That rule is not understood. Use the iCalendar form, for example "
            "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO."
        ) from None
    check_cadence(cadence)
    return cadence


def check_cadence(cadence: recurrence.Recurrence) -> None:
    """What every stored cadence is, however it was made (the booking form builds one,
    a service may be handed one): one rule, at most daily, at least once a year, that
    gives dates. Raises CadenceError."""
    if len(cadence.rrules) != 1 or cadence.exrules or cadence.rdates or cadence.exdates:
        raise CadenceError("Use exactly one rule.")
    rule = cadence.rrules[0]
    if rule.freq in SUB_DAILY:
        raise CadenceError("Meet at most once a day.")
    if rule.until is not None or rule.count is not None:
        raise CadenceError("Leave UNTIL and COUNT out: use the end date instead.")
    if rule.interval < 1:
        raise CadenceError("INTERVAL counts steps: 1, 2, 3 and so on.")
    if rule.interval > MAX_INTERVAL_DAYS // FREQUENCY_DAYS[rule.freq]:
        raise CadenceError("Meet at least once a year: make INTERVAL smaller.")
    _check_expands(cadence)


def _check_expands(cadence: recurrence.Recurrence) -> None:
    """The rule gives dates and words: dateutil accepts rules that only fail once expanded
    (INTERVAL=0, BYDAY=99MO, BYHOUR=99, BYSETPOS=0), and those must not be stored."""
    start = dt.datetime.combine(dt.date(2000, 1, 3), dt.time(10))  # naive, as in ``expand``
    try:
        for rule in cadence.rrules:
            rule.to_dateutil_rrule(dtstart=start).between(start, start + dt.timedelta(days=800))
            rule.to_text()
    except (ValueError, IndexError, KeyError, TypeError, OverflowError):
        raise CadenceError(
            "That rule cannot give meeting dates. Check each part, for example "
            "FREQ=MONTHLY;BYDAY=1TU for the first Tuesday of each month."
        ) from None


def picked_from_cadence(cadence: recurrence.Recurrence) -> Picked:
    """The picker settings that produce ``cadence`` (custom if none of the simple ones)."""
    rules = list(cadence.rrules)
    if len(rules) == 1 and not (cadence.exrules or cadence.rdates or cadence.exdates):
        rule = rules[0]
        plain = not (rule.bysetpos or rule.bymonth or rule.byyearday or rule.byweekno)
        plain = plain and not (rule.byhour or rule.byminute or rule.bysecond)
        days = list(rule.byday or [])
        if plain and rule.freq == recurrence.WEEKLY and len(days) == 1 and not days[0].index:
            for pattern, interval in WEEKLY_INTERVALS.items():
                if rule.interval == interval and not rule.bymonthday:
                    return Picked(pattern=pattern, weekday=days[0].number)
        if plain and rule.freq == recurrence.MONTHLY and rule.interval == 1:
            if len(days) == 1 and days[0].index in ORDINALS and not rule.bymonthday:
                return Picked(
                    pattern="monthly_weekday",
                    weekday=days[0].number,
                    week_of_month=days[0].index,
                )
            monthdays = list(rule.bymonthday or [])
            if not days and len(monthdays) == 1:
                return Picked(pattern="monthly_date", day_of_month=monthdays[0])
    text = recurrence.serialize(cadence).removeprefix("RRULE:")
    return Picked(pattern="custom", custom_rule=text)


def expand(
    cadence: recurrence.Recurrence,
    *,
    start_time: dt.time,
    time_zone: str,
    first_date: dt.date,
    end_date: dt.date | None,
    after: dt.datetime,
    before: dt.datetime,
) -> list[dt.datetime]:
    """Aware starts of the series' meetings with ``after <= start < before``.

    The rule runs on naive local wall-clock times from the first date; each
    result is then placed in the zone. A time that does not exist on the
    morning clocks go forward comes out an hour later (zoneinfo's reading of
    the gap); a time that happens twice in autumn is the first of the two.
    """
    zone = zoneinfo.ZoneInfo(time_zone)
    # Naive on purpose: the rule counts wall-clock time in the series' own zone.
    dtstart = dt.datetime.combine(first_date, start_time)
    last_local = after.astimezone(zone).replace(tzinfo=None)
    window_start = max(dtstart, last_local - dt.timedelta(days=1))
    window_end = before.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
    if end_date is not None:
        window_end = min(window_end, dt.datetime.combine(end_date, dt.time.max))
    if window_end < window_start:
        return []
    rules = du.rruleset()
    for rule in cadence.rrules:
        rules.rrule(rule.to_dateutil_rrule(dtstart=dtstart))
    for rule in cadence.exrules:
        rules.exrule(rule.to_dateutil_rrule(dtstart=dtstart))
    for day in cadence.rdates:
        rules.rdate(dt.datetime.combine(day.date(), start_time))
    for day in cadence.exdates:
        rules.exdate(dt.datetime.combine(day.date(), start_time))
    starts = []
    for local in rules.between(window_start, window_end, inc=True):
        # The rule keeps our start time unless a custom rule sets BYHOUR and friends.
        aware = local.replace(tzinfo=zone)
        # Round-trip through UTC so that a time in the spring gap becomes a real one.
        aware = aware.astimezone(dt.UTC).astimezone(zone)
        if after <= aware < before:
            starts.append(aware)
    return starts


def series_starts(
    series: "SeriesLike", *, after: dt.datetime, before: dt.datetime
) -> list[dt.datetime]:
    """``expand`` for a series (or anything with the same fields)."""
    return expand(
        series.cadence,
        start_time=series.start_time,
        time_zone=series.time_zone,
        first_date=series.first_date,
        end_date=series.end_date,
        after=after,
        before=before,
    )


def next_starts(
    series: "SeriesLike", *, after: dt.datetime, count: int, horizon_days: int = 800
) -> list[dt.datetime]:
    """The next ``count`` starts of a series after ``after``."""
    return series_starts(series, after=after, before=after + dt.timedelta(days=horizon_days))[
        :count
    ]


def ordinal_day(number: int) -> str:
    if number == -1:
        return "last day"
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def describe_cadence(cadence: recurrence.Recurrence) -> str:
    """ "Every 2 weeks on Tuesday", "Monthly on the first Tuesday", or the rule's own words."""
    picked = picked_from_cadence(cadence)
    weekday = WEEKDAY_NAMES[picked.weekday]
    if picked.pattern == "weekly":
        return f"Every week on {weekday}"
    if picked.pattern in WEEKLY_INTERVALS:
        return f"Every {WEEKLY_INTERVALS[picked.pattern]} weeks on {weekday}"
    if picked.pattern == "monthly_weekday":
        return f"Monthly on the {ORDINALS[picked.week_of_month]} {weekday}"
    if picked.pattern == "monthly_date":
        return f"Monthly on the {ordinal_day(picked.day_of_month)}"
    texts = [rule.to_text() for rule in cadence.rrules]
    return "; ".join(texts).capitalize() if texts else "No repeating rule"


def describe_series(series: "SeriesLike") -> str:
    """E.g. "Every 2 weeks on Tuesday at 09:30 (Europe/London), 30 min"."""
    text = (
        f"{describe_cadence(series.cadence)} at {series.start_time:%H:%M} "
        f"({series.time_zone}), {series.duration_minutes} min"
    )
    if series.end_date:
        text += f", until {series.end_date:%-d %b %Y}"
    return text


def cadence_interval(cadence: recurrence.Recurrence) -> dt.timedelta | None:
    """The usual gap between meetings of the rule (the longest of its rules), e.g. 14
    days for every 2 weeks, 30 days for monthly; None when there is no rule."""
    gaps = [
        dt.timedelta(days=FREQUENCY_DAYS[rule.freq] * (rule.interval or 1))
        for rule in cadence.rrules
        if rule.freq in FREQUENCY_DAYS
    ]
    return max(gaps, default=None)
