"""HR cadence reports: whether 1:1s happen, for whom, and how well. Never what was said.

Every figure is computed by PostgreSQL in one aggregation per table (the
dashboard's manager table, the gaps lists, the trend, a manager's drill-down),
so the number of queries is the same for ten people or ten thousand. Only
dates, statuses, names and counts leave the database: no agenda, notes,
actions, cancel or reschedule notes, objectives or wellbeing content.

Definitions (the dashboard explains them to HR in the same words):

* A person's **1:1s** are the meetings between them and their current manager,
  whoever booked them, but for sign-ups to office hours (``NOT_LINE_KINDS``), which
  count in no figure. "Held" means completed.
* The **period** runs from the first day 00:00 UTC to the day after the last day
  00:00 UTC; a meeting counts in the period when it starts in it.
* **Scheduled** counts every 1:1 dated in the period, whatever happened to it;
  held and cancelled are parts of it. **Rescheduled** counts those that were moved
  (``rescheduled_from`` set). Cancellations are split by who cancelled: the
  organiser or the participant of the meeting.
* **Median days between held 1:1s**: for each report, the calendar days (in the
  report's own time zone, so a DST change does not make a week 6.96 days)
  between each held 1:1 in the period and the held 1:1 before it (which may be
  before the period); the median per report, and per manager the median of
  their reports' medians.
* **Average usefulness**: the mean of the 1-5 ratings reports gave (``MeetingFeedback``)
  to the held 1:1s of the period. **Agenda items by reports**: of the agenda items on
  those held 1:1s, the share whose author is the report. Only ratings and authors are
  read, never the text.
* **Met in the last 45 days** is as of the end of the period (or now, if the
  period ends later); **nothing booked** is as of now.
* **Overdue** (as of now): someone with a manager whose last held 1:1 (or, if
  none yet, their start date) is longer ago than 1.5 times the nominal interval of
  their active series with that manager (weekly 7 days, every N weeks 7N,
  monthly 30, ...), or 45 days when they have no active series.
* **New starters**: start date in the last 183 days; met within six weeks when
  their first held 1:1 was at most 42 days after the start date.
* **Mentoring** check-ins are not 1:1s with one's manager and count nowhere here (HR
  sees them apart, on the mentoring pairs page: ``mentoring.selectors``).
* The **trend** counts every line 1:1 in the system per calendar month in UTC; the
  team filter uses the participant's current team.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from meetings.models import NOT_LINE_KINDS, Meeting, MeetingSeries
from meetings.selectors import FIRST_TERM_DAYS, RECENT_DAYS, held_with_manager_since
from oneonones import limits
from people.models import Team, User
from people.selectors import NEW_STARTER_DAYS
from reports import sql
from reports.sql import SUMMED_COLUMNS

NO_SERIES_DAYS = 45
OVERDUE_FACTOR = 1.5
FIRST_MEETING_DAYS = 42  # six weeks
TREND_MONTHS = 12
GAP_CATEGORIES = {
    "overdue": "Overdue",
    "no_manager": "No manager",
    "no_series": "No active series",
    "new_starters": "New starters",
}


def hr_or_404(*, viewer: User) -> None:
    """Reports are for HR only. Not for managers, and not for admins or superusers
    who are not HR: access to cadence across the organisation is given by ticking
    "HR" on the person, nothing else."""
    if not (viewer.is_authenticated and viewer.is_active and viewer.is_hr):
        raise Http404("No such page.")


def teams() -> QuerySet[Team]:
    return Team.objects.order_by("name")


# Reports sort and hash tens of thousands of rows per statement; with the default
# 4 MB PostgreSQL plans sorts on disk and slower aggregates.
# The statements also join aggregates whose sizes PostgreSQL cannot estimate (it
# guesses 200 groups); a nested loop over such a guess runs 10,000 times 10,000 times, a
# hash join does not, nor does it sort both sides first as a merge join would. And those
# guesses make the plan look costly enough for JIT compilation, which took longer (1.8 s
# at 10,000 people) than running the query. (The look-ups of ``reports.sql`` are
# subqueries, not joins: these settings leave them alone.)
# The settings last for the statement's transaction only.
REPORT_SETTINGS = (
    "SET LOCAL work_mem = '32MB'; SET LOCAL enable_nestloop = off;"
    " SET LOCAL enable_mergejoin = off; SET LOCAL jit = off"
)


# A row of a statement, column name to value as the database driver gives it (untyped).
Row = dict[str, Any]
# The values a statement takes, by name.
SqlValue = int | float | str | dt.date | list[int] | None
Params = dict[str, SqlValue]


# The medians of a page of managers read a few hundred reports' held 1:1s, each pair's
# from ``held_meeting_pair_idx``: a nested loop over index look-ups, which the aggregates'
# settings turn off.
LOOK_UP_SETTINGS = "SET LOCAL jit = off"


def _rows(
    statement: str, params: Mapping[str, SqlValue], *, settings: str = REPORT_SETTINGS
) -> list[Row]:
    """The rows of one statement of ``reports.sql``, given ``params`` and the stored
    values every statement compares with (``sql.VALUES``)."""
    # No savepoint inside a caller's transaction: the settings then last until it ends.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(settings)
        cursor.execute(statement, {**sql.VALUES, **params})
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- Period and filters ----------------------------------------------------------------


# A period is at most three years long, between 1 January 2000 and two years ahead (no
# 1:1 is booked later): far enough for any question HR asks, and no date near the
# calendar's end, where adding a day overflows.
MAX_PERIOD_DAYS = 3 * 366


def latest_report_day() -> dt.date:
    return limits.latest_booking_day(utc_today())


def check_report_day(day: dt.date) -> None:
    """Raise ValidationError unless ``day`` may begin or end a period."""
    limits.check_day(day, what="dates", earliest=limits.EARLIEST_DAY, latest=latest_report_day())


@dataclass(frozen=True)
class Period:
    """From ``first`` to ``last`` (both included), UTC days. Raises ValidationError, in
    HR's words, for a period the reports do not cover."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValidationError("The “From” date must be on or before the “To” date.")
        check_report_day(self.first)
        check_report_day(self.last)
        if self.days > MAX_PERIOD_DAYS:
            raise ValidationError("Pick a period of at most three years.")

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time.min, tzinfo=dt.UTC)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def utc_today() -> dt.date:
    return timezone.now().astimezone(dt.UTC).date()


def default_period(*, today: dt.date | None = None, days: int = 90) -> Period:
    last = today or utc_today()
    return Period(first=last - dt.timedelta(days=days - 1), last=last)


def period_between(*, start: dt.date | None, end: dt.date | None) -> Period:
    """The period HR asks for: the last 90 days unless both ends are given; one end alone
    keeps the 90 days from (or up to) it. Raises ValidationError, in HR's words, for a
    day or a period the reports do not cover."""
    for day in (start, end):
        if day is not None:
            check_report_day(day)
    default = default_period()
    if start and end:
        return Period(first=start, last=end)
    if start:
        return Period(first=start, last=start + dt.timedelta(days=default.days - 1))
    if end:
        return Period(first=end - dt.timedelta(days=default.days - 1), last=end)
    return default


# How far either side of now the statements read the meetings (see ``reports.sql``):
# about a month, where nearly every pair of people has met or will meet. Dates beyond
# are looked up pair by pair, so this changes the speed only. (The held 1:1 before the
# period, which the median gap needs, is kept on each held 1:1: ``HeldMeeting``.)
SCAN_MARGIN = dt.timedelta(days=31)


def scan_ranges(
    *, period: Period | None, now: dt.datetime, as_of: dt.datetime, recent_from: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The date ranges whose meetings a statement reads, in order, merged where they
    overlap: the period and the 45 days before ``as_of``
    (unless ``period`` is None: the gap lists look at now only), and a month either
    side of now."""
    ranges = [(now - SCAN_MARGIN, now + SCAN_MARGIN)]
    if period is not None:
        # ``as_of`` itself counts (a 1:1 held at that very moment), hence the microsecond.
        ranges.append(
            (
                min(period.start, recent_from),
                max(period.end, as_of + dt.timedelta(microseconds=1)),
            )
        )
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _params(
    *,
    period: Period,
    team: Team | None,
    manager: User | None = None,
    category: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    gaps_only: bool = False,
) -> tuple[int, Params]:
    """The number of date ranges the statements of ``reports.sql`` read, and every
    value they take."""
    now = timezone.now()
    as_of = min(period.end, now)
    recent_from = as_of - dt.timedelta(days=RECENT_DAYS)
    today = utc_today()
    ranges = scan_ranges(
        period=None if gaps_only else period, now=now, as_of=as_of, recent_from=recent_from
    )
    return len(ranges), {
        **{f"range{number}_from": start for number, (start, _) in enumerate(ranges)},
        **{f"range{number}_to": end for number, (_, end) in enumerate(ranges)},
        "start": period.start,
        "end": period.end,
        "now": now,
        "as_of": as_of,
        "recent_from": recent_from,
        "lately_from": now - SCAN_MARGIN,
        "soon_to": now + SCAN_MARGIN,
        "team": team.pk if team else None,
        "manager": manager.pk if manager else None,
        "today": today,
        "new_since": today - dt.timedelta(days=NEW_STARTER_DAYS),
        "factor": OVERDUE_FACTOR,
        "no_series_days": NO_SERIES_DAYS,
        "category": category,
        "offset": offset,
        "limit": limit,
    }


# --- The manager table -----------------------------------------------------------------


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _days(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 1)


@dataclass(frozen=True, kw_only=True)
class PeriodCounts:
    """What happened to the 1:1s dated in the period (see ``reports.sql.COUNT_COLUMNS``)."""

    scheduled: int
    held: int
    cancelled: int
    cancelled_by_organiser: int
    cancelled_by_participant: int
    nothing_to_discuss: int
    rescheduled: int
    usefulness_sum: int
    usefulness_count: int
    agenda_items: int
    agenda_by_report: int

    @property
    def average_usefulness(self) -> float | None:
        """The average 1-5 rating reports gave the period's held 1:1s."""
        if not self.usefulness_count:
            return None
        return round(self.usefulness_sum / self.usefulness_count, 1)

    @property
    def agenda_by_report_percent(self) -> int | None:
        """The share of the period's held 1:1s' agenda items that reports wrote."""
        return _share(self.agenda_by_report, self.agenda_items)


@dataclass(frozen=True, kw_only=True)
class ReportShares(PeriodCounts):
    """Counts over a number of reports, with the shares met recently and not booked."""

    reports: int
    met_recently: int
    not_booked: int

    @property
    def met_recently_percent(self) -> int | None:
        return _share(self.met_recently, self.reports)

    @property
    def not_booked_percent(self) -> int | None:
        return _share(self.not_booked, self.reports)

    @property
    def held_percent(self) -> int | None:
        return _share(self.held, self.scheduled)


@dataclass(frozen=True, kw_only=True)
class ManagerRow(ReportShares):
    manager_id: int
    name: str
    team: str
    median_gap_days: float | None


def manager_rows(*, period: Period, team: Team | None) -> list[ManagerRow]:
    """One row per active manager with at least one active report (in ``team``), by name.

    One query, whatever the size of the organisation.
    """
    ranges, params = _params(period=period, team=team)
    rows = _rows(sql.managers(team=team is not None, ranges=ranges), params)
    return [_manager_row(row) for row in rows]


def _manager_row(row: Row) -> "ManagerRow":
    return ManagerRow(
        manager_id=row["id"],
        name=row["full_name"],
        team=row["team_name"] or "",
        reports=row["reports"],
        **{name: row[name] or 0 for name in SUMMED_COLUMNS},
        median_gap_days=_days(row["median_gap"]),
        met_recently=row["met_recently"],
        not_booked=row["not_booked"],
    )


@dataclass(frozen=True, kw_only=True)
class Totals(ReportShares):
    """The manager table added up (medians do not add up, so there is none)."""

    managers: int


def totals(*, rows: list[ManagerRow]) -> Totals:
    summed = ("reports", *SUMMED_COLUMNS, "met_recently", "not_booked")
    return Totals(
        managers=len(rows), **{name: sum(getattr(row, name) for row in rows) for name in summed}
    )


SORTS = {
    "name": ("Manager name", lambda row: (row.name.lower(), row.manager_id)),
    "met_recently": (
        "Fewest reports met in the last 45 days first",
        lambda row: (row.met_recently_percent, row.name.lower()),
    ),
    "cancelled": (
        "Most cancellations first",
        lambda row: (-row.cancelled, row.name.lower()),
    ),
    "not_booked": (
        "Most reports with nothing booked first",
        lambda row: (-(row.not_booked_percent or 0), row.name.lower()),
    ),
}


def sorted_rows(*, rows: list[ManagerRow], sort: str) -> list[ManagerRow]:
    key = SORTS.get(sort, SORTS["name"])[1]
    return sorted(rows, key=key)


# --- A manager's drill-down ------------------------------------------------------------


def get_manager_for_hr_or_404(*, viewer: User, pk: int) -> User:
    """An active person with at least one active report, for HR only."""
    hr_or_404(viewer=viewer)
    try:
        return (
            User.objects.filter(is_active=True)
            .annotate(active_reports=Count("reports", filter=Q(reports__is_active=True)))
            .filter(active_reports__gt=0)
            .select_related("team")
            .get(pk=pk)
        )
    except User.DoesNotExist:
        raise Http404("No such manager.") from None


@dataclass(frozen=True, kw_only=True)
class ReportRow(PeriodCounts):
    report_id: int
    name: str
    team: str
    median_gap_days: float | None
    last_held: dt.datetime | None
    next_booked: dt.datetime | None
    met_recently: bool
    series: tuple[str, ...] = field(default_factory=tuple)


def report_rows(*, manager: User, period: Period, team: Team | None) -> list[ReportRow]:
    """``manager``'s active reports (in ``team``) with their figures and series (two queries)."""
    ranges, params = _params(period=period, team=team, manager=manager)
    rows = _rows(sql.report_rows(team=team is not None, ranges=ranges), params)
    series_of: dict[int, list[str]] = {}
    open_series = (
        MeetingSeries.objects.filter(
            organiser=manager, participant_id__in=[row["report_id"] for row in rows]
        )
        .exclude(status=MeetingSeries.Status.ENDED)
        .only("participant_id", "cadence", "status")
        .order_by("pk")
    )
    from meetings.cadence import describe_cadence

    for series in open_series:
        text = describe_cadence(series.cadence)
        if series.status != MeetingSeries.Status.ACTIVE:
            text += f" ({series.get_status_display().lower()})"
        series_of.setdefault(series.participant_id, []).append(text)
    return [
        ReportRow(
            report_id=row["report_id"],
            name=row["full_name"],
            team=row["team_name"] or "",
            **{name: row[name] for name in SUMMED_COLUMNS},
            median_gap_days=_days(row["median_gap"]),
            last_held=row["last_held"],
            next_booked=row["next_booked"],
            met_recently=row["met_recently"],
            series=tuple(series_of.get(row["report_id"], ())),
        )
        for row in rows
    ]


def manager_meetings(*, manager: User, period: Period, team: Team | None) -> QuerySet[Meeting]:
    """The 1:1s between ``manager`` and their current active reports in the period, with
    the fields a report may show (times, status, who cancelled) and no others."""
    reports = User.objects.filter(manager=manager, is_active=True)
    if team is not None:
        reports = reports.filter(team=team)
    return (
        Meeting.objects.filter(
            Q(organiser=manager, participant__in=reports)
            | Q(participant=manager, organiser__in=reports),
            starts_at__gte=period.start,
            starts_at__lt=period.end,
        )
        .exclude(kind__in=NOT_LINE_KINDS)
        .select_related("organiser", "participant")
        .only(
            "starts_at",
            "status",
            "rescheduled_from",
            "cancelled_by_id",
            "organiser_id",
            "participant_id",
            "organiser__full_name",
            "participant__full_name",
            "organiser__manager_id",
            "participant__manager_id",
        )
        .order_by("-starts_at", "pk")
    )


# --- Gaps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapRow:
    category: str
    person_id: int
    name: str
    team: str
    manager_id: int | None
    manager_name: str
    start_date: dt.date | None
    last_held: dt.datetime | None
    first_held: dt.datetime | None
    next_booked: dt.datetime | None
    interval_days: float | None
    allowed_days: float
    total: int

    @property
    def days_since(self) -> int | None:
        if self.last_held is None:
            return None
        return (timezone.now() - self.last_held).days

    @property
    def first_held_days(self) -> int | None:
        """Days from the start date to the first held 1:1."""
        if self.first_held is None or self.start_date is None:
            return None
        return (self.first_held.astimezone(dt.UTC).date() - self.start_date).days

    @property
    def met_within_six_weeks(self) -> bool:
        days = self.first_held_days
        return days is not None and days <= FIRST_MEETING_DAYS

    @property
    def first_meeting_due(self) -> dt.date | None:
        return self.start_date + dt.timedelta(days=FIRST_MEETING_DAYS) if self.start_date else None

    @property
    def in_first_six_weeks(self) -> bool:
        return self.start_date is not None and (utc_today() - self.start_date).days <= (
            FIRST_MEETING_DAYS
        )

    @property
    def new_starter_status(self) -> str:
        if self.first_held is not None:
            if self.met_within_six_weeks:
                return "Met within six weeks"
            return "Met after six weeks"
        if self.in_first_six_weeks:
            return "Not met yet (still within six weeks)"
        return "Not met in the first six weeks"

    @property
    def rule(self) -> str:
        if self.interval_days is None:
            return f"No active series: {NO_SERIES_DAYS} days"
        return f"Series every {self.interval_days:g} days: {self.allowed_days:g} days"


def gap_rows(
    *, team: Team | None, category: str | None = None, offset: int = 0, limit: int | None = None
) -> list[GapRow]:
    """The people in each gap list (or one ``category``), ``limit`` per list from ``offset``.

    One query. Each row carries ``total``, the length of its whole list.
    """
    ranges, params = _params(
        period=default_period(),
        team=team,
        category=category,
        offset=offset,
        limit=limit,
        gaps_only=True,
    )
    statement = sql.gaps(
        team=team is not None,
        ranges=ranges,
        category=category is not None,
        limit=limit is not None,
    )
    return [_gap_row(row) for row in _rows(statement, params)]


def _gap_row(row: Row) -> GapRow:
    return GapRow(
        category=row["category"],
        person_id=row["id"],
        name=row["full_name"],
        team=row["team_name"] or "",
        manager_id=row["manager_id"],
        manager_name=row["manager_name"] or "",
        start_date=row["start_date"],
        last_held=row["last_held"],
        first_held=row["first_held"],
        next_booked=row["next_booked"],
        interval_days=_days(row["interval_days"]),
        allowed_days=round(float(row["allowed_days"]), 1),
        total=row["total"],
    )


def _from_json(row: Row) -> Row:
    """A gap row as JSON gives it (dates and times as text) as the database would."""

    def moment(text: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(text) if text else None

    return {
        **row,
        "start_date": dt.date.fromisoformat(row["start_date"]) if row["start_date"] else None,
        "last_held": moment(row["last_held"]),
        "first_held": moment(row["first_held"]),
        "next_booked": moment(row["next_booked"]),
    }


@dataclass
class GapList:
    category: str
    title: str
    rows: list[GapRow]

    @property
    def total(self) -> int:
        return self.rows[0].total if self.rows else 0


def _gap_lists(rows: list[GapRow]) -> list[GapList]:
    return [
        GapList(category=key, title=title, rows=[row for row in rows if row.category == key])
        for key, title in GAP_CATEGORIES.items()
    ]


def gap_lists(*, team: Team | None, limit: int) -> list[GapList]:
    """Every gap list with its first ``limit`` people (one query)."""
    return _gap_lists(gap_rows(team=team, limit=limit))


@dataclass(frozen=True)
class Dashboard:
    managers: list["ManagerRow"]
    gap_lists: list[GapList]
    months: list["MonthFigures"]


def dashboard(
    *, period: Period, team: Team | None, gap_limit: int, median_gaps: bool = True
) -> Dashboard:
    """The manager table, the gap lists (their first ``gap_limit`` people) and the
    trend in one statement, so that the passes over the meetings serve all three.

    The managers' median gaps take a second statement (``with_median_gaps``); without
    ``median_gaps`` they are left out (None), for the caller to add them to the rows it
    shows: no sort and no total reads them, and they were a quarter of the statement."""
    months = trend_months()
    ranges, params = _params(period=period, team=team, limit=gap_limit)
    rows = _rows(
        sql.dashboard(team=team is not None, ranges=ranges), {**params, **_trend_window(months)}
    )
    managers = [_manager_row(row) for row in rows if row["id"] is not None]
    if median_gaps:
        managers = with_median_gaps(managers, period=period, team=team)
    extra = next((row for row in rows if row["id"] is None), {})
    gaps = [_gap_row(_from_json(row)) for row in extra.get("gap_rows") or []]
    found = {dt.date.fromisoformat(row["month"]): row for row in extra.get("trend_rows") or []}
    return Dashboard(
        managers=managers, gap_lists=_gap_lists(gaps), months=_month_figures(months, found)
    )


def with_median_gaps(
    rows: list[ManagerRow], *, period: Period, team: Team | None
) -> list[ManagerRow]:
    """``rows`` with each manager's median days between held 1:1s (one query): the same
    figure ``manager_rows`` gives, from the held 1:1s of those managers' reports only."""
    if not rows:
        return rows
    params: Params = {
        "start": period.start,
        "end": period.end,
        "team": team.pk if team else None,
        "managers": [row.manager_id for row in rows],
    }
    found = {
        row["manager_id"]: row["median_gap"]
        for row in _rows(sql.median_gaps(team=team is not None), params, settings=LOOK_UP_SETTINGS)
    }
    return [replace(row, median_gap_days=_days(found.get(row.manager_id))) for row in rows]


# --- Trend -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    month: dt.date
    scheduled: int
    held: int
    cancelled: int


def trend_months(*, today: dt.date | None = None, count: int = TREND_MONTHS) -> list[dt.date]:
    """The first days of the last ``count`` calendar months (UTC), oldest first."""
    first = (today or utc_today()).replace(day=1)
    return [first - relativedelta(months=back) for back in reversed(range(count))]


def _trend_window(months: list[dt.date]) -> dict[str, SqlValue]:
    """From the first of ``months`` to the one after the last: as times for the meetings,
    as days for the counts kept per month."""
    end_month = months[-1] + relativedelta(months=1)
    return {
        "trend_start": dt.datetime.combine(months[0], dt.time.min, tzinfo=dt.UTC),
        "trend_end": dt.datetime.combine(end_month, dt.time.min, tzinfo=dt.UTC),
        "trend_first_month": months[0],
        "trend_end_month": end_month,
    }


def trend(*, team: Team | None, today: dt.date | None = None) -> list[MonthFigures]:
    """Scheduled, held and cancelled 1:1s per month for the last 12 months (one query)."""
    months = trend_months(today=today)
    params = {**_trend_window(months), "team": team.pk if team else None}
    found = {row["month"]: row for row in _rows(sql.trend_select(team=team is not None), params)}
    return _month_figures(months, found)


EVERY_MONTH = {
    "trend_start": dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
    "trend_end": dt.datetime(2100, 1, 1, tzinfo=dt.UTC),
    "trend_first_month": dt.date(2000, 1, 1),
    "trend_end_month": dt.date(2100, 1, 1),
    "team": None,
}


def months_kept_wrong() -> list[Row]:
    """The months whose trend figures, from the counts the database keeps
    (``MeetingMonth``), are not the meetings' own: none, unless meetings were written
    with the triggers off and the counts not rebuilt. The bench checks its databases
    with it before measuring; the tests, every way of writing meetings."""
    kept = {row["month"]: row for row in _rows(sql.trend_select(team=False), EVERY_MONTH)}
    counted = {row["month"]: row for row in _rows(sql.trend_from_meetings(), EVERY_MONTH)}
    return [
        {"month": month, "kept": kept.get(month), "counted": counted.get(month)}
        for month in sorted(kept.keys() | counted.keys())
        if kept.get(month) != counted.get(month)
    ]


def held_meetings_kept_wrong() -> list[Row]:
    """The held meetings whose row the database keeps for the median gaps
    (``HeldMeeting``) is missing, extra or says another previous start than the
    meetings do (at most 100): none, unless meetings were written with the triggers off
    and the rows not written again (``SELECT reports_rebuild_held_meetings()``)."""
    return _rows(sql.HELD_KEPT_WRONG, {})


def _month_figures(months: list[dt.date], found: Mapping[dt.date, Row]) -> list[MonthFigures]:
    return [
        MonthFigures(
            month=month,
            scheduled=found.get(month, {}).get("scheduled", 0),
            held=found.get(month, {}).get("held", 0),
            cancelled=found.get(month, {}).get("cancelled", 0),
        )
        for month in months
    ]


# --- "Met everyone": has each manager met all their reports since a day? ---------------


@dataclass(frozen=True, kw_only=True)
class MetFigure:
    """One manager: how many of their current reports they met since a day. Counts only."""

    manager_id: int
    name: str
    team: str
    reports: int
    met: int


def default_met_since(*, today: dt.date | None = None) -> dt.date:
    return (today or utc_today()) - dt.timedelta(days=FIRST_TERM_DAYS)


def met_everyone_rows(*, since: dt.date) -> list[MetFigure]:
    """Per active manager, their active reports and how many of them had a 1:1 with
    them marked as held since the start of ``since`` (a UTC day, like every report's
    period). One aggregation, whatever the size of the organisation; the same rule as
    the manager's own "Who have I met?" page (``meetings.selectors.met_since``)."""
    since_at = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    met = held_with_manager_since(
        since=since_at, person=OuterRef("pk"), manager=OuterRef("manager_id")
    )
    rows = (
        User.objects.filter(is_active=True, manager__is_active=True)
        .alias(met=Exists(met))
        .values("manager_id", "manager__full_name", "manager__team__name")
        .annotate(report_count=Count("pk"), met_count=Count("pk", filter=Q(met=True)))
        .order_by("manager__full_name", "manager_id")
    )
    return [
        MetFigure(
            manager_id=row["manager_id"],
            name=row["manager__full_name"],
            team=row["manager__team__name"] or "",
            reports=row["report_count"],
            met=row["met_count"],
        )
        for row in rows
    ]
