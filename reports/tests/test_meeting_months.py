"""The trend's counts per month and status, kept by the database (``MeetingMonth``), are
the meetings' own counts after every way of writing meetings."""

import datetime as dt

from django.db import connection
from django.db.models import F
from django.utils import timezone

from meetings.models import Meeting
from meetings.record import services as record_services
from meetings.scheduling import services
from meetings.tests.factories import MeetingFactory, SeriesFactory
from reports import selectors, sql
from reports.models import MeetingMonth
from reports.selectors import trend, trend_months
from reports.tests import scenario
from reports.tests.scenario import TREND_TODAY


def kept() -> dict[tuple[dt.date, str], int]:
    return {
        (row.month, row.status): row.meetings for row in MeetingMonth.objects.exclude(meetings=0)
    }


def counted() -> dict[tuple[dt.date, str], int]:
    """The same counts from every meeting."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_trunc('month', starts_at AT TIME ZONE 'UTC')::date, status, COUNT(*)"
            " FROM meetings_meeting GROUP BY 1, 2"
        )
        return {(month, status): meetings for month, status, meetings in cursor.fetchall()}


def rebuilt() -> dict[tuple[dt.date, str], int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_rebuild_meeting_months()")
    return kept()


def test_the_kept_counts_are_the_meetings_counts(s):
    assert kept() == counted()
    assert selectors.months_kept_wrong() == []
    assert sum(kept().values()) == Meeting.objects.count()
    assert rebuilt() == counted()


def test_every_way_of_writing_meetings_keeps_them(s):
    mara, rob, sue, milo = s.mara, s.rob, s.sue, s.milo
    now = timezone.now()
    # Services: book, move into another month, cancel, hold.
    booked = MeetingFactory(organiser=milo, participant=sue, starts_at=now + dt.timedelta(days=40))
    services.meeting_move(meeting=booked, by=milo, starts_at=booked.starts_at + dt.timedelta(35))
    services.meeting_cancel(meeting=booked, by=milo, reason="nothing_to_discuss")
    held = MeetingFactory(organiser=mara, participant=rob, starts_at=now - dt.timedelta(hours=2))
    record_services.meeting_complete(meeting=held, by=mara)
    assert kept() == counted()
    # Generation, and ending the series (which removes the untouched future meetings).
    series = SeriesFactory(organiser=milo, participant=s.ben, first_date=timezone.localdate())
    services.series_generate(series_id=series.pk)
    assert series.meetings.count() > 20
    assert kept() == counted()
    services.series_end(series=series, by=milo)
    assert kept() == counted()
    # Months whose meetings were all removed keep zero counts: the same as no month.
    assert selectors.months_kept_wrong() == []
    # Bulk statements: an update of many rows across months, a delete, a bulk insert.
    Meeting.objects.filter(organiser=mara).update(status=Meeting.Status.CANCELLED)
    a_year_on = dt.timedelta(days=365)
    Meeting.objects.filter(participant=rob).update(
        starts_at=F("starts_at") + a_year_on, ends_at=F("ends_at") + a_year_on
    )
    Meeting.objects.filter(organiser=milo, status=Meeting.Status.CANCELLED).delete()
    assert kept() == counted()
    assert selectors.months_kept_wrong() == []
    scenario.insert_meetings_in_sql(milo, s.lou, status="scheduled", years=(1, 2))
    assert kept() == counted()
    assert rebuilt() == counted()


def test_the_trend_from_the_kept_counts_is_the_trend_of_the_meetings(s):
    """The dashboard reads the kept counts; the meetings give the same twelve months,
    and so does every other month with meetings."""
    months = trend_months(today=TREND_TODAY)
    window = selectors._trend_window(months)
    from_meetings = {
        row["month"]: row
        for row in selectors._rows(sql.trend_from_meetings(), {**window, "team": None})
    }
    assert trend(team=None, today=TREND_TODAY) == selectors._month_figures(months, from_meetings)
    assert sum(month.scheduled for month in trend(team=None, today=TREND_TODAY)) == 14
    assert selectors.months_kept_wrong() == []
    with connection.cursor() as cursor:  # written around the triggers: found out
        cursor.execute("UPDATE reports_meetingmonth SET meetings = meetings + 1")
    assert [row["month"] for row in selectors.months_kept_wrong()] == sorted(
        {month for month, _ in kept()}
    )
