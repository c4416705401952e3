"""Every figure of the reports against the hand-built scenario (see scenario.py)."""

import datetime as dt
from dataclasses import replace

import pytest
import recurrence
from django.utils import timezone

from meetings.tests.factories import SeriesFactory
from people.tests.factories import UserFactory
from reports import selectors, sql
from reports.selectors import Period, gap_rows, manager_rows, report_rows, totals, trend
from reports.tests import scenario
from reports.tests.scenario import PERIOD, TREND_TODAY


def by_name(rows):
    return {row.name: row for row in rows}


def counts(row):
    return {name: getattr(row, name) for name in sql.COUNT_COLUMNS}


def test_it_counts_each_managers_reports_1_1s_in_the_period(s):
    rows = manager_rows(period=PERIOD, team=None)
    assert [row.name for row in rows] == ["Mara Moss", "Milo Mint"]
    mara, milo = rows
    assert (mara.manager_id, mara.team, mara.reports) == (s.mara.pk, "Platform", 3)
    # Rob: 6 in the period (2 cancelled, 1 moved); Rita: 2 she booked herself (1 cancelled by her).
    assert counts(mara) == {
        "scheduled": 8,
        "held": 5,
        "cancelled": 3,
        "cancelled_by_organiser": 2,  # Mara on Rob's, Rita on her own one-off
        "cancelled_by_participant": 1,  # Rob
        "nothing_to_discuss": 1,
        "rescheduled": 1,
    }
    # Mo's mentoring 1:1 is not one of Milo's reports', and nothing else is in the period.
    assert (milo.reports, counts(milo)) == (
        4,
        {
            "scheduled": 3,
            "held": 3,
            "cancelled": 0,
            "cancelled_by_organiser": 0,
            "cancelled_by_participant": 0,
            "nothing_to_discuss": 0,
            "rescheduled": 0,
        },
    )


def test_average_usefulness_and_agenda_items_by_reports(s):
    mara, milo = manager_rows(period=PERIOD, team=None)
    # Rob 4, 5, 3 and Rita 2; the rating of 27 February is before the period.
    assert (mara.usefulness_count, mara.average_usefulness) == (4, 3.5)
    # Rob wrote 3 + 1 items, Rita 1 on her own one-off; Mara 1 + 1. Not the cancelled
    # 1:1's items, nor those before the period.
    assert (mara.agenda_items, mara.agenda_by_report, mara.agenda_by_report_percent) == (7, 5, 71)
    assert (milo.average_usefulness, milo.agenda_items, milo.agenda_by_report_percent) == (
        5.0,
        0,
        None,
    )
    reports = by_name(report_rows(manager=s.mara, period=PERIOD, team=None))
    assert (
        reports["Rob Reed"].average_usefulness,
        reports["Rob Reed"].agenda_by_report_percent,
    ) == (
        4.0,
        80,
    )
    assert (reports["Rita Rowe"].average_usefulness, reports["Rita Rowe"].agenda_by_report) == (
        2.0,
        1,
    )
    assert reports["Ned North"].average_usefulness is None
    total = totals(rows=manager_rows(period=PERIOD, team=None))
    assert (total.average_usefulness, total.agenda_by_report_percent) == (3.8, 71)


def test_the_median_gap_counts_calendar_days_across_the_clock_change(s):
    """Rob: 7, 21, 7 (27 Mar GMT to 3 Apr BST: 6 days 23 hours) and 7 days: median 7.
    Sue: 14 and 28: median 21. Rita and Ned have no two held 1:1s: no figure."""
    reports = by_name(report_rows(manager=s.mara, period=PERIOD, team=None))
    assert reports["Rob Reed"].median_gap_days == 7
    assert reports["Rita Rowe"].median_gap_days is None
    assert reports["Ned North"].median_gap_days is None
    assert (
        by_name(report_rows(manager=s.milo, period=PERIOD, team=None))["Sue Sand"].median_gap_days
        == 21
    )
    mara, milo = manager_rows(period=PERIOD, team=None)
    assert (mara.median_gap_days, milo.median_gap_days) == (7, 21)


def test_the_gap_before_the_first_1_1_of_the_period_counts(s):
    march = Period(first=dt.date(2025, 3, 1), last=dt.date(2025, 3, 10))
    rob = by_name(report_rows(manager=s.mara, period=march, team=None))["Rob Reed"]
    assert (rob.held, rob.median_gap_days) == (1, 7)  # 6 March, after 27 February


def test_shares_met_recently_and_with_nothing_booked(s):
    mara, milo = manager_rows(period=PERIOD, team=None)
    # As of 1 May 2025: Rob met on 10 April; Rita last on 10 March; Ned never.
    assert (mara.met_recently, mara.met_recently_percent) == (1, 33)
    # Today: Rob has one booked, Rita and Ned nothing.
    assert (mara.not_booked, mara.not_booked_percent) == (2, 67)
    # Sue met on 15 April; only Ben has a 1:1 booked.
    assert (milo.met_recently_percent, milo.not_booked, milo.not_booked_percent) == (25, 3, 75)


def test_the_drill_down_has_dates_statuses_and_series(s):
    rows = report_rows(manager=s.mara, period=PERIOD, team=None)
    assert [row.name for row in rows] == ["Ned North", "Rita Rowe", "Rob Reed"]
    ned, rita, rob = rows
    assert counts(rob) == {
        "scheduled": 6,
        "held": 4,
        "cancelled": 2,
        "cancelled_by_organiser": 1,
        "cancelled_by_participant": 1,
        "nothing_to_discuss": 1,
        "rescheduled": 1,
    }
    assert rob.last_held == s.meetings["rob_3"].starts_at  # as of the end of the period
    assert rob.next_booked == s.meetings["rob_next"].starts_at
    assert rob.met_recently
    assert rob.series == ("Every week on Thursday",)
    assert (rita.held, rita.cancelled_by_organiser, rita.met_recently) == (1, 1, False)
    assert rita.series == ("Every week on Tuesday (paused)",)
    assert (ned.scheduled, ned.last_held, ned.next_booked, ned.series) == (0, None, None, ())


def test_the_team_filter_keeps_the_reports_in_the_team(s):
    rows = manager_rows(period=PERIOD, team=s.teams["sales"])
    assert [(row.name, row.reports, row.scheduled) for row in rows] == [
        ("Mara Moss", 1, 0),  # Ned is in Sales, Mara in Platform
        ("Milo Mint", 4, 3),
    ]
    rows = manager_rows(period=PERIOD, team=s.teams["platform"])
    assert [(row.name, row.reports, row.scheduled, row.held) for row in rows] == [
        ("Mara Moss", 2, 8, 5)
    ]


def test_totals_add_the_rows_up(s):
    total = totals(rows=manager_rows(period=PERIOD, team=None))
    assert (total.managers, total.reports, total.scheduled, total.held, total.cancelled) == (
        2,
        7,
        11,
        8,
        3,
    )
    assert (total.met_recently_percent, total.not_booked_percent, total.held_percent) == (
        29,
        71,
        73,
    )


def names(rows, category):
    return [row.name for row in rows if row.category == category]


def test_the_gap_lists(s):
    rows = gap_rows(team=None)
    # Longest first: Ned since his start, Rita since 10 March 2025 (no active series:
    # 45 days), Rob since 1 May 2025 (weekly: 10.5 days), Lou and Ben on days 50 and 30.
    assert names(rows, "overdue") == ["Ned North", "Rita Rowe", "Rob Reed", "Lou Lane", "Ben Bell"]
    assert names(rows, "no_manager") == ["Hana HR", "Mara Moss", "Milo Mint", "Mo Moon"]
    assert names(rows, "no_series") == [
        "Ben Bell",
        "Lou Lane",
        "Ned North",
        "Nia Noor",
        "Rita Rowe",
    ]
    assert names(rows, "new_starters") == ["Nia Noor", "Ben Bell", "Lou Lane"]
    overdue = {row.name: row for row in rows if row.category == "overdue"}
    assert (overdue["Rob Reed"].interval_days, overdue["Rob Reed"].allowed_days) == (7, 10.5)
    assert overdue["Rob Reed"].rule == "Series every 7 days: 10.5 days"
    assert (overdue["Rita Rowe"].interval_days, overdue["Rita Rowe"].allowed_days) == (None, 45)
    assert overdue["Ned North"].last_held is None
    assert {row.total for row in rows if row.category == "overdue"} == {5}


def test_new_starters_and_their_first_1_1(s):
    starters = {row.name: row for row in gap_rows(team=None, category="new_starters")}
    nia, ben, lou = starters["Nia Noor"], starters["Ben Bell"], starters["Lou Lane"]
    assert (nia.first_held, nia.met_within_six_weeks, nia.in_first_six_weeks) == (None, False, True)
    assert nia.new_starter_status == "Not met yet (still within six weeks)"
    assert (ben.first_held_days, ben.met_within_six_weeks) == (30, True)
    assert ben.new_starter_status == "Met within six weeks"
    assert ben.next_booked == s.meetings["ben_next"].starts_at
    assert (lou.first_held_days, lou.met_within_six_weeks) == (50, False)
    assert lou.new_starter_status == "Met after six weeks"


def test_someone_not_met_after_six_weeks(db):
    boss = UserFactory()
    UserFactory(
        full_name="Late Starter", manager=boss, start_date=timezone.localdate() - dt.timedelta(60)
    )
    (row,) = gap_rows(team=None, category="new_starters")
    assert row.new_starter_status == "Not met in the first six weeks"


def test_the_gap_lists_page_and_filter_by_team(s):
    page = gap_rows(team=None, category="overdue", offset=2, limit=2)
    assert [(row.name, row.total) for row in page] == [("Rob Reed", 5), ("Lou Lane", 5)]
    sales = gap_rows(team=s.teams["sales"])
    assert names(sales, "overdue") == ["Ned North", "Lou Lane", "Ben Bell"]
    assert names(sales, "no_manager") == ["Milo Mint"]


def test_a_series_within_its_interval_is_not_overdue(s):
    # Sue met 5 days ago on a fortnightly series (21 days allowed).
    assert "Sue Sand" not in names(gap_rows(team=None), "overdue")


@pytest.mark.parametrize(
    ("rule", "days"),
    [
        ("RRULE:FREQ=WEEKLY;BYDAY=TH", 7),
        ("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", 14),
        ("RRULE:FREQ=WEEKLY;INTERVAL=4;BYDAY=TH", 28),
        ("RRULE:FREQ=WEEKLY;BYDAY=MO,TH", 3.5),
        ("RRULE:FREQ=MONTHLY;BYDAY=1TU", 30),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=15", 30),
        ("RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1", 90),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15", 15),
        ("RRULE:FREQ=DAILY;INTERVAL=10", 10),
        ("RRULE:FREQ=YEARLY", 365),
        ("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU\nEXDATE:20250107T000000Z", 14),
    ],
)
def test_the_nominal_interval_of_a_rule(db, rule, days):
    series = SeriesFactory(cadence=recurrence.deserialize(rule, include_dtstart=False))
    SeriesFactory(cadence=recurrence.deserialize("RRULE:FREQ=YEARLY", include_dtstart=False))
    assert _interval_of(series.participant_id) == days
    # The gap lists work it out once per distinct rule: the same days.
    assert _interval_by_rule(series.participant_id) == days


def _interval_of(person_id: int) -> float | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql.INTERVAL_DAYS_SQL} FROM meetings_meetingseries s "  # noqa: S608
            "WHERE s.participant_id = %s",
            [person_id],
        )
        return float(cursor.fetchone()[0])


def _interval_by_rule(person_id: int) -> float | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {sql.RULE_CTE} SELECT rule.interval_days FROM rule"  # noqa: S608
            " JOIN meetings_meetingseries s ON COALESCE(s.cadence, '') = rule.cadence"
            " WHERE s.participant_id = %(person)s",
            {**sql.VALUES, "person": person_id},
        )
        return float(cursor.fetchone()[0])


def test_the_trend_counts_every_1_1_per_month(s):
    months = {
        m.month: (m.scheduled, m.held, m.cancelled) for m in trend(team=None, today=TREND_TODAY)
    }
    first, *_, last = months
    assert (first, last, len(months)) == (dt.date(2024, 6, 1), dt.date(2025, 5, 1), 12)
    assert months[dt.date(2025, 2, 1)] == (1, 1, 0)
    # Rob 4, Rita 1, Sue 2 and Mo's mentoring 1:1.
    assert months[dt.date(2025, 3, 1)] == (8, 6, 2)
    assert months[dt.date(2025, 4, 1)] == (4, 3, 1)
    assert months[dt.date(2025, 5, 1)] == (1, 1, 0)
    assert sum(scheduled for scheduled, _, _ in months.values()) == 14


def test_the_trend_of_one_team_goes_by_the_participants_team(s):
    months = {m.month: m.held for m in trend(team=s.teams["sales"], today=TREND_TODAY)}
    assert (months[dt.date(2025, 3, 1)], months[dt.date(2025, 4, 1)]) == (2, 1)
    assert sum(months.values()) == 3


def test_a_week_across_the_clock_change_is_seven_days(s):
    """Only the 3 April 1:1 is in this period: 6 days 23 hours after 27 March in UTC,
    one week on the calendar in London."""
    around_the_change = Period(first=dt.date(2025, 4, 1), last=dt.date(2025, 4, 5))
    rob = by_name(report_rows(manager=s.mara, period=around_the_change, team=None))["Rob Reed"]
    # In UTC: two datetimes in the same zone subtract as wall-clock times.
    gap = s.meetings["rob_moved"].starts_at.astimezone(dt.UTC) - s.meetings[
        "rob_2"
    ].starts_at.astimezone(dt.UTC)
    assert gap == dt.timedelta(days=6, hours=23)
    assert (rob.held, rob.rescheduled, rob.median_gap_days) == (1, 1, 7)


def test_the_dashboard_statement_gives_the_same_figures(s):
    """One statement for the dashboard's manager table and gap lists, the same numbers
    as the two on their own (dates and times come back through JSON there)."""
    shown = []
    for team in (None, s.teams["sales"], s.teams["platform"]):
        figures = selectors.dashboard(period=PERIOD, team=team, gap_limit=3)
        shown += [row for g in figures.gap_lists for row in g.rows]
        assert figures.managers == manager_rows(period=PERIOD, team=team)
        alone = selectors.gap_lists(team=team, limit=3)
        assert [(g.category, g.total, g.rows) for g in figures.gap_lists] == [
            (g.category, g.total, g.rows) for g in alone
        ]
        assert figures.months == trend(team=team)
        if team is None:
            assert sum(month.held for month in figures.months) == 3  # Sue's, Ben's and Lou's
    # First held 1:1s (looked up for new starters only) come through JSON too.
    assert any(row.first_held for row in shown)


def test_the_median_gaps_of_some_managers_are_those_of_the_whole_table(s):
    """The dashboard's page of managers gets its median gaps apart (``with_median_gaps``):
    the figures ``manager_rows`` gives, whichever managers are asked for."""
    for team in (None, s.teams["sales"], s.teams["platform"]):
        for period in (PERIOD, selectors.default_period()):
            every = manager_rows(period=period, team=team)
            for some in (every, every[:1], every[1:], []):
                without = [replace(row, median_gap_days=None) for row in some]
                assert selectors.with_median_gaps(without, period=period, team=team) == some
    mara, milo = manager_rows(period=PERIOD, team=None)
    assert (mara.median_gap_days, milo.median_gap_days) == (7, 21)


@pytest.mark.parametrize("margin_days", [0, 3650])
def test_dates_outside_the_scanned_ranges_are_looked_up(s, monkeypatch, margin_days):
    """The statements read a month around the period and around now, and look up the
    held 1:1 before, the last held and the next booked beyond it pair by pair. Reading
    nothing around them (every date looked up) or ten years (none) gives the same."""
    usual = scenario.everything(s)
    monkeypatch.setattr(selectors, "SCAN_MARGIN", dt.timedelta(days=margin_days))
    assert scenario.everything(s) == usual


def test_the_scanned_ranges_merge_where_they_overlap():
    now = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)
    month = selectors.SCAN_MARGIN

    def ranges(period):
        as_of = min(period.end, now)
        recent_from = as_of - dt.timedelta(days=selectors.RECENT_DAYS)
        return selectors.scan_ranges(period=period, now=now, as_of=as_of, recent_from=recent_from)

    last_90_days = selectors.default_period(today=now.date())
    assert ranges(last_90_days) == [(last_90_days.start, now + month)]
    # A period long past: it (with the 45 days before its end, that end included),
    # then the month either side of now.
    instant = dt.timedelta(microseconds=1)
    assert ranges(PERIOD) == [
        (min(PERIOD.start, PERIOD.end - dt.timedelta(days=45)), PERIOD.end + instant),
        (now - month, now + month),
    ]
    short = Period(first=dt.date(2025, 4, 20), last=dt.date(2025, 4, 21))
    assert ranges(short)[0] == (short.end - dt.timedelta(days=45), short.end + instant)
    # The gap lists look at now only.
    assert selectors.scan_ranges(period=None, now=now, as_of=now, recent_from=now) == [
        (now - month, now + month)
    ]
