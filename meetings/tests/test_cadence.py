import datetime as dt
import zoneinfo

import pytest

from meetings.cadence import (
    CadenceError,
    Picked,
    build_cadence,
    describe_cadence,
    describe_series,
    expand,
    parse_custom_rule,
    picked_from_cadence,
)
from meetings.models import MeetingSeries

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.UTC
TUESDAY = 1


def starts(picked, *, first, after, before, time="09:30", zone="Europe/London", end=None):
    return expand(
        build_cadence(picked),
        start_time=dt.time.fromisoformat(time),
        time_zone=zone,
        first_date=first,
        end_date=end,
        after=after,
        before=before,
    )


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def test_it_expands_weekly_on_the_chosen_weekday():
    got = starts(
        Picked("weekly", weekday=TUESDAY),
        first=dt.date(2026, 1, 5),  # a Monday
        after=utc(2026, 1, 1),
        before=utc(2026, 2, 1),
    )
    assert [d.date() for d in got] == [dt.date(2026, 1, d) for d in (6, 13, 20, 27)]
    assert all(d.hour == 9 and d.minute == 30 for d in got)


def test_fortnightly_keeps_its_rhythm_from_the_first_date_whatever_the_window():
    picked = Picked("fortnightly", weekday=TUESDAY)
    first = dt.date(2026, 1, 6)
    whole = starts(picked, first=first, after=utc(2026, 1, 1), before=utc(2026, 4, 1))
    assert [d.date() for d in whole][:3] == [
        dt.date(2026, 1, 6),
        dt.date(2026, 1, 20),
        dt.date(2026, 2, 3),
    ]
    later = starts(picked, first=first, after=utc(2026, 1, 14), before=utc(2026, 4, 1))
    assert later == [d for d in whole if d >= utc(2026, 1, 14)]


def test_it_expands_monthly_on_the_first_tuesday():
    got = starts(
        Picked("monthly_weekday", weekday=TUESDAY, week_of_month=1),
        first=dt.date(2026, 1, 1),
        after=utc(2026, 1, 1),
        before=utc(2026, 5, 1),
    )
    assert [d.date() for d in got] == [
        dt.date(2026, 1, 6),
        dt.date(2026, 2, 3),
        dt.date(2026, 3, 3),
        dt.date(2026, 4, 7),
    ]


def test_it_expands_monthly_on_the_last_friday_and_on_a_date():
    last_friday = starts(
        Picked("monthly_weekday", weekday=4, week_of_month=-1),
        first=dt.date(2026, 1, 1),
        after=utc(2026, 1, 1),
        before=utc(2026, 3, 1),
    )
    assert [d.date() for d in last_friday] == [dt.date(2026, 1, 30), dt.date(2026, 2, 27)]
    on_the_15th = starts(
        Picked("monthly_date", day_of_month=15),
        first=dt.date(2026, 1, 20),
        after=utc(2026, 1, 1),
        before=utc(2026, 4, 1),
    )
    assert [d.date() for d in on_the_15th] == [dt.date(2026, 2, 15), dt.date(2026, 3, 15)]


def test_it_keeps_wall_clock_time_across_the_spring_change():
    # Clocks in London go forward on Sunday 29 March 2026.
    got = starts(
        Picked("weekly", weekday=TUESDAY),
        first=dt.date(2026, 3, 17),
        after=utc(2026, 3, 1),
        before=utc(2026, 4, 8),
    )
    assert [d.astimezone(LONDON).time() for d in got] == [dt.time(9, 30)] * 4
    assert [d.astimezone(UTC).hour for d in got] == [9, 9, 8, 8]
    assert got[1].astimezone(UTC) == utc(2026, 3, 24, 9, 30)
    assert got[2].astimezone(UTC) == utc(2026, 3, 31, 8, 30)


def test_it_keeps_wall_clock_time_across_the_autumn_change():
    # Clocks in London go back on Sunday 25 October 2026.
    got = starts(
        Picked("weekly", weekday=TUESDAY),
        first=dt.date(2026, 10, 13),
        after=utc(2026, 10, 1),
        before=utc(2026, 11, 1),
    )
    assert [d.astimezone(UTC) for d in got] == [
        utc(2026, 10, 13, 8, 30),
        utc(2026, 10, 20, 8, 30),
        utc(2026, 10, 27, 9, 30),
    ]


def test_it_uses_the_series_zone_not_london():
    # New York changes clocks on 8 March 2026, three weeks before London.
    got = starts(
        Picked("weekly", weekday=TUESDAY),
        first=dt.date(2026, 3, 3),
        after=utc(2026, 3, 1),
        before=utc(2026, 3, 12),
        zone="America/New_York",
        time="10:00",
    )
    assert [d.astimezone(UTC) for d in got] == [utc(2026, 3, 3, 15), utc(2026, 3, 10, 14)]


def test_a_time_in_the_spring_gap_becomes_a_real_time():
    got = starts(
        Picked("weekly", weekday=6),  # Sunday
        first=dt.date(2026, 3, 22),
        after=utc(2026, 3, 20),
        before=utc(2026, 3, 30),
        time="01:30",
    )
    assert got[1].astimezone(UTC) == utc(2026, 3, 29, 1, 30)  # 02:30 BST: 01:30 does not exist


def test_it_stops_at_the_end_date_including_that_day():
    got = starts(
        Picked("weekly", weekday=TUESDAY),
        first=dt.date(2026, 1, 6),
        end=dt.date(2026, 1, 20),
        after=utc(2026, 1, 1),
        before=utc(2026, 6, 1),
    )
    assert [d.date() for d in got] == [dt.date(2026, 1, d) for d in (6, 13, 20)]


def test_it_never_starts_before_the_first_date():
    got = starts(
        Picked("weekly", weekday=TUESDAY),
        first=dt.date(2026, 2, 1),
        after=utc(2026, 1, 1),
        before=utc(2026, 2, 8),
    )
    assert [d.date() for d in got] == [dt.date(2026, 2, 3)]


@pytest.mark.parametrize(
    "picked",
    [
        Picked("weekly", weekday=2),
        Picked("fortnightly", weekday=TUESDAY),
        Picked("four_weekly", weekday=4),
        Picked("monthly_weekday", weekday=TUESDAY, week_of_month=1),
        Picked("monthly_weekday", weekday=0, week_of_month=-1),
        Picked("monthly_date", day_of_month=15),
        Picked("custom", custom_rule="FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TH"),
    ],
)
def test_the_picker_reads_back_what_it_built(picked):
    assert picked_from_cadence(build_cadence(picked)) == picked


@pytest.mark.parametrize(
    ("picked", "words"),
    [
        (Picked("weekly", weekday=TUESDAY), "Every week on Tuesday"),
        (Picked("fortnightly", weekday=TUESDAY), "Every 2 weeks on Tuesday"),
        (
            Picked("monthly_weekday", weekday=TUESDAY, week_of_month=1),
            "Monthly on the first Tuesday",
        ),
        (Picked("monthly_weekday", weekday=4, week_of_month=-1), "Monthly on the last Friday"),
        (Picked("monthly_date", day_of_month=22), "Monthly on the 22nd"),
    ],
)
def test_it_describes_cadences_in_words(picked, words):
    assert describe_cadence(build_cadence(picked)) == words


def test_it_describes_a_series_with_time_zone_and_length():
    series = MeetingSeries(
        cadence=build_cadence(Picked("fortnightly", weekday=TUESDAY)),
        start_time=dt.time(9, 30),
        time_zone="Europe/London",
        duration_minutes=30,
        first_date=dt.date(2026, 1, 6),
    )
    assert describe_series(series) == "Every 2 weeks on Tuesday at 09:30 (Europe/London), 30 min"


def test_it_describes_a_custom_rule(settings):
    text = describe_cadence(parse_custom_rule("FREQ=DAILY;INTERVAL=3"))
    assert "3 days" in text


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "Write a rule"),
        ("nonsense", "not understood"),
        ("FREQ=HOURLY", "at most once a day"),
        ("FREQ=WEEKLY;COUNT=3", "end date"),
        ("DTSTART:20260101T000000Z\nRRULE:FREQ=WEEKLY", "Leave the start out"),
        ("FREQ=WEEKLY;INTERVAL=0", "1, 2, 3"),
        ("FREQ=WEEKLY;INTERVAL=-1", "1, 2, 3"),
        ("FREQ=WEEKLY;INTERVAL=53", "at least once a year"),
        ("FREQ=YEARLY;INTERVAL=99999", "at least once a year"),
        ("FREQ=MONTHLY;BYDAY=99MO", "cannot give meeting dates"),
        ("FREQ=DAILY;BYSETPOS=0", "cannot give meeting dates"),
        ("FREQ=DAILY;BYHOUR=99", "cannot give meeting dates"),
        ("FREQ=YEARLY;BYMONTH=13", "cannot give meeting dates"),
        ("FREQ=MONTHLY;BYMONTHDAY=99", "cannot give meeting dates"),
    ],
)
def test_it_refuses_custom_rules_it_cannot_use(rule, message):
    with pytest.raises(CadenceError, match=message):
        parse_custom_rule(rule)
