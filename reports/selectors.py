"""HR cadence reports: whether 1:1s happen, for whom, and how well. Never what was said.

Every figure is computed by PostgreSQL in one aggregation per table (the
dashboard's manager table, the gaps lists, the trend, a manager's drill-down),
so the number of queries is the same for ten people or ten thousand. Only
dates, statuses, names and counts leave the database: no agenda, notes,
actions, cancel or reschedule notes, objectives or wellbeing content.

Definitions (the dashboard explains them to HR in the same words):

* A person's **1:1s** are the meetings between them and their current manager,
  whoever booked them. "Held" means completed.
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
* **Met in the last 45 days** is as of the end of the period (or now, if the
  period ends later); **nothing booked** is as of now.
* **Overdue** (as of now): someone with a manager whose last held 1:1 (or, if
  none yet, their start date) is longer ago than 1.5 times the nominal interval of
  their active series with that manager (weekly 7 days, every N weeks 7N,
  monthly 30, ...), or 45 days when they have no active series.
* **New starters**: start date in the last 183 days; met within six weeks when
  their first held 1:1 was at most 42 days after the start date.
* The **trend** counts every 1:1 in the system per calendar month in UTC; the
  team filter uses the participant's current team.
"""

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from meetings.models import Meeting, MeetingSeries
from people.models import Team, User

RECENT_DAYS = 45
NO_SERIES_DAYS = 45
OVERDUE_FACTOR = 1.5
NEW_STARTER_DAYS = 183
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


# --- The SQL building blocks -----------------------------------------------------------

# Active people with an active manager, as reports of that manager (team filter optional).
REPORTS_CTE = """
report AS (
    SELECT r.id, r.manager_id, r.time_zone, r.full_name, r.team_id
    FROM people_user r
    JOIN people_user boss ON boss.id = r.manager_id AND boss.is_active
    WHERE r.is_active
      AND (%(team)s::bigint IS NULL OR r.team_id = %(team)s::bigint)
      AND (%(manager)s::bigint IS NULL OR r.manager_id = %(manager)s::bigint)
)"""

# Every meeting between a report and their current manager, whoever organised it.
# Two hash-joinable halves rather than one join on an OR.
PAIRS_CTE = """
pair AS (
    SELECT mt.id, mt.starts_at, mt.status, mt.cancelled_by_id, mt.cancel_reason,
           mt.rescheduled_from, mt.organiser_id, mt.participant_id,
           report.id AS report_id, report.manager_id, report.time_zone
    FROM meetings_meeting mt
    JOIN report ON report.id = mt.participant_id AND report.manager_id = mt.organiser_id
    UNION ALL
    SELECT mt.id, mt.starts_at, mt.status, mt.cancelled_by_id, mt.cancel_reason,
           mt.rescheduled_from, mt.organiser_id, mt.participant_id,
           report.id AS report_id, report.manager_id, report.time_zone
    FROM meetings_meeting mt
    JOIN report ON report.id = mt.organiser_id AND report.manager_id = mt.participant_id
)"""

# Per report: the period's counts, the median gap, and the as-of flags.
REPORT_FIGURES_CTES = """
period AS (
    SELECT report_id,
        COUNT(*) AS scheduled,
        COUNT(*) FILTER (WHERE status = 'completed') AS held,
        COUNT(*) FILTER (WHERE status = 'cancelled') AS cancelled,
        COUNT(*) FILTER (WHERE status = 'cancelled' AND cancelled_by_id = organiser_id)
            AS cancelled_by_organiser,
        COUNT(*) FILTER (WHERE status = 'cancelled' AND cancelled_by_id = participant_id)
            AS cancelled_by_participant,
        COUNT(*) FILTER (WHERE status = 'cancelled' AND cancel_reason = 'nothing_to_discuss')
            AS nothing_to_discuss,
        COUNT(*) FILTER (WHERE rescheduled_from IS NOT NULL) AS rescheduled
    FROM pair
    WHERE starts_at >= %(start)s AND starts_at < %(end)s
    GROUP BY report_id
),
held_gap AS (
    SELECT report_id, starts_at,
        (starts_at AT TIME ZONE time_zone)::date
            - LAG((starts_at AT TIME ZONE time_zone)::date)
                OVER (PARTITION BY report_id ORDER BY starts_at) AS gap
    FROM pair
    WHERE status = 'completed' AND starts_at < %(end)s
),
report_gap AS (
    SELECT report_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap
    FROM held_gap
    WHERE gap IS NOT NULL AND starts_at >= %(start)s
    GROUP BY report_id
),
report_state AS (
    SELECT report_id,
        MAX(starts_at) FILTER (WHERE status = 'completed' AND starts_at <= %(as_of)s)
            AS last_held,
        MIN(starts_at) FILTER (WHERE status = 'scheduled' AND starts_at > %(now)s)
            AS next_booked
    FROM pair
    GROUP BY report_id
),
report_figures AS (
    SELECT report.id AS report_id, report.manager_id, report.full_name, report.team_id,
        COALESCE(period.scheduled, 0) AS scheduled,
        COALESCE(period.held, 0) AS held,
        COALESCE(period.cancelled, 0) AS cancelled,
        COALESCE(period.cancelled_by_organiser, 0) AS cancelled_by_organiser,
        COALESCE(period.cancelled_by_participant, 0) AS cancelled_by_participant,
        COALESCE(period.nothing_to_discuss, 0) AS nothing_to_discuss,
        COALESCE(period.rescheduled, 0) AS rescheduled,
        report_gap.median_gap,
        report_state.last_held,
        report_state.next_booked,
        COALESCE(report_state.last_held > %(recent_from)s, false) AS met_recently,
        report_state.next_booked IS NOT NULL AS booked
    FROM report
    LEFT JOIN period ON period.report_id = report.id
    LEFT JOIN report_gap ON report_gap.report_id = report.id
    LEFT JOIN report_state ON report_state.report_id = report.id
)"""

COUNT_COLUMNS = (
    "scheduled",
    "held",
    "cancelled",
    "cancelled_by_organiser",
    "cancelled_by_participant",
    "nothing_to_discuss",
    "rescheduled",
)

MANAGERS_SQL = f"""
WITH {REPORTS_CTE}, {PAIRS_CTE}, {REPORT_FIGURES_CTES}
SELECT boss.id, boss.full_name, team.name AS team_name,
    COUNT(*) AS reports,
    {", ".join(f"SUM({name})::int AS {name}" for name in COUNT_COLUMNS)},
    percentile_cont(0.5) WITHIN GROUP (ORDER BY median_gap) AS median_gap,
    COUNT(*) FILTER (WHERE met_recently) AS met_recently,
    COUNT(*) FILTER (WHERE NOT booked) AS not_booked
FROM report_figures
JOIN people_user boss ON boss.id = report_figures.manager_id
LEFT JOIN people_team team ON team.id = boss.team_id
GROUP BY boss.id, boss.full_name, team.name
ORDER BY boss.full_name, boss.id
"""  # noqa: S608 -- constant fragments only; values are parameters

REPORT_ROWS_SQL = f"""
WITH {REPORTS_CTE}, {PAIRS_CTE}, {REPORT_FIGURES_CTES}
SELECT report_figures.*, team.name AS team_name
FROM report_figures
LEFT JOIN people_team team ON team.id = report_figures.team_id
ORDER BY report_figures.full_name, report_figures.report_id
"""  # noqa: S608 -- constant fragments only; values are parameters


def _count(pattern: str) -> str:
    """How many comma-separated values a rule part (e.g. BYDAY=MO,TH) lists, at least 1."""
    return (
        f"GREATEST(1, COALESCE(array_length(string_to_array("
        f"substring(s.cadence from '{pattern}=([^;\\s]+)'), ','), 1), 1))"
    )


# The nominal days between meetings of a series, from its rule (NULL if it has none):
# weekly 7, every N weeks 7N, twice a week 3.5, monthly 30, twice a month 15, ...
INTERVAL_DAYS_SQL = f"""
(CASE substring(s.cadence from 'FREQ=([A-Z]+)')
    WHEN 'DAILY' THEN 1.0
    WHEN 'WEEKLY' THEN 7.0 / {_count("BYDAY")}
    WHEN 'MONTHLY' THEN 30.0 / GREATEST({_count("BYDAY")}, {_count("BYMONTHDAY")})
    WHEN 'YEARLY' THEN 365.0
END * COALESCE(substring(s.cadence from 'INTERVAL=([0-9]+)')::int, 1))"""

GAPS_SQL = f"""
WITH person AS (
    SELECT u.id, u.full_name, u.team_id, u.start_date, u.date_joined, u.time_zone,
        CASE WHEN boss.id IS NULL THEN NULL ELSE u.manager_id END AS manager_id
    FROM people_user u
    LEFT JOIN people_user boss ON boss.id = u.manager_id AND boss.is_active
    WHERE u.is_active AND (%(team)s::bigint IS NULL OR u.team_id = %(team)s::bigint)
),
report AS (
    SELECT id, manager_id, full_name, team_id, time_zone
    FROM person WHERE manager_id IS NOT NULL
),
{PAIRS_CTE},
held AS (
    SELECT report_id,
        MAX(starts_at) FILTER (WHERE status = 'completed') AS last_held,
        MIN(starts_at) FILTER (WHERE status = 'completed') AS first_held,
        MIN(starts_at) FILTER (WHERE status = 'scheduled' AND starts_at > %(now)s) AS next_booked
    FROM pair
    GROUP BY report_id
),
series AS (
    SELECT s.participant_id AS person_id, MIN({INTERVAL_DAYS_SQL}) AS interval_days
    FROM meetings_meetingseries s
    JOIN person ON person.id = s.participant_id AND person.manager_id = s.organiser_id
    WHERE s.status = 'active'
    GROUP BY s.participant_id
),
gaps AS (
    SELECT person.id, person.full_name, person.start_date, person.manager_id,
        team.name AS team_name, boss.full_name AS manager_name,
        held.last_held, held.first_held, held.next_booked,
        series.person_id IS NOT NULL AS has_series,
        series.interval_days,
        COALESCE(%(factor)s::float8 * series.interval_days::float8, %(no_series_days)s::float8)
            AS allowed_days,
        COALESCE(held.last_held, person.start_date::timestamp AT TIME ZONE 'UTC',
                 person.date_joined) AS since
    FROM person
    LEFT JOIN held ON held.report_id = person.id
    LEFT JOIN series ON series.person_id = person.id
    LEFT JOIN people_team team ON team.id = person.team_id
    LEFT JOIN people_user boss ON boss.id = person.manager_id
),
flagged AS (
    -- Longest overdue first; the newest starters first; the others by name.
    SELECT 'overdue' AS category, gaps.*, EXTRACT(EPOCH FROM since)::float8 AS sort_key
    FROM gaps
    WHERE manager_id IS NOT NULL AND since < %(now)s - allowed_days * INTERVAL '1 day'
    UNION ALL
    SELECT 'no_manager', gaps.*, NULL FROM gaps WHERE manager_id IS NULL
    UNION ALL
    SELECT 'no_series', gaps.*, NULL FROM gaps WHERE manager_id IS NOT NULL AND NOT has_series
    UNION ALL
    SELECT 'new_starters', gaps.*, (DATE '1970-01-01' - start_date)::float8
    FROM gaps WHERE start_date > %(new_since)s AND start_date <= %(today)s
),
numbered AS (
    SELECT flagged.*,
        ROW_NUMBER() OVER (PARTITION BY category ORDER BY sort_key NULLS FIRST, full_name, id)
            AS position,
        COUNT(*) OVER (PARTITION BY category) AS total
    FROM flagged
    WHERE %(category)s::text IS NULL OR category = %(category)s::text
)
SELECT * FROM numbered
WHERE position > %(offset)s AND (%(limit)s::int IS NULL OR position <= %(offset)s + %(limit)s)
ORDER BY category, position
"""  # noqa: S608 -- constant fragments only; values are parameters

TREND_SQL = """
SELECT date_trunc('month', mt.starts_at AT TIME ZONE 'UTC')::date AS month,
    COUNT(*) AS scheduled,
    COUNT(*) FILTER (WHERE mt.status = 'completed') AS held,
    COUNT(*) FILTER (WHERE mt.status = 'cancelled') AS cancelled
FROM meetings_meeting mt
JOIN people_user p ON p.id = mt.participant_id
WHERE mt.starts_at >= %(start)s AND mt.starts_at < %(end)s
  AND (%(team)s::bigint IS NULL OR p.team_id = %(team)s::bigint)
GROUP BY 1
"""


def _rows(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- Period and filters ----------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From ``first`` to ``last`` (both included), UTC days."""

    first: dt.date
    last: dt.date

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


def _params(*, period: Period, team: Team | None, manager: User | None = None) -> dict:
    now = timezone.now()
    as_of = min(period.end, now)
    return {
        "start": period.start,
        "end": period.end,
        "now": now,
        "as_of": as_of,
        "recent_from": as_of - dt.timedelta(days=RECENT_DAYS),
        "team": team.pk if team else None,
        "manager": manager.pk if manager else None,
    }


# --- The manager table -----------------------------------------------------------------


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _days(value) -> float | None:
    return None if value is None else round(float(value), 1)


@dataclass(frozen=True, kw_only=True)
class PeriodCounts:
    """What happened to the 1:1s dated in the period (see COUNT_COLUMNS)."""

    scheduled: int
    held: int
    cancelled: int
    cancelled_by_organiser: int
    cancelled_by_participant: int
    nothing_to_discuss: int
    rescheduled: int


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
    rows = _rows(MANAGERS_SQL, _params(period=period, team=team))
    return [
        ManagerRow(
            manager_id=row["id"],
            name=row["full_name"],
            team=row["team_name"] or "",
            reports=row["reports"],
            **{name: row[name] or 0 for name in COUNT_COLUMNS},
            median_gap_days=_days(row["median_gap"]),
            met_recently=row["met_recently"],
            not_booked=row["not_booked"],
        )
        for row in rows
    ]


@dataclass(frozen=True, kw_only=True)
class Totals(ReportShares):
    """The manager table added up (medians do not add up, so there is none)."""

    managers: int


def totals(rows: list[ManagerRow]) -> Totals:
    summed = ("reports", *COUNT_COLUMNS, "met_recently", "not_booked")
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


def sorted_rows(rows: list[ManagerRow], *, sort: str) -> list[ManagerRow]:
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
    rows = _rows(REPORT_ROWS_SQL, _params(period=period, team=team, manager=manager))
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
            **{name: row[name] for name in COUNT_COLUMNS},
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
    today = utc_today()
    params = {
        "now": timezone.now(),
        "today": today,
        "new_since": today - dt.timedelta(days=NEW_STARTER_DAYS),
        "team": team.pk if team else None,
        "factor": OVERDUE_FACTOR,
        "no_series_days": NO_SERIES_DAYS,
        "category": category,
        "offset": offset,
        "limit": limit,
    }
    return [
        GapRow(
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
            allowed_days=_days(row["allowed_days"]),
            total=row["total"],
        )
        for row in _rows(GAPS_SQL, params)
    ]


@dataclass
class GapList:
    category: str
    title: str
    rows: list[GapRow]

    @property
    def total(self) -> int:
        return self.rows[0].total if self.rows else 0


def gap_lists(*, team: Team | None, limit: int) -> list[GapList]:
    """Every gap list with its first ``limit`` people (one query)."""
    rows = gap_rows(team=team, limit=limit)
    return [
        GapList(category=key, title=title, rows=[row for row in rows if row.category == key])
        for key, title in GAP_CATEGORIES.items()
    ]


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


def trend(*, team: Team | None, today: dt.date | None = None) -> list[MonthFigures]:
    """Scheduled, held and cancelled 1:1s per month for the last 12 months (one query)."""
    months = trend_months(today=today)
    start = dt.datetime.combine(months[0], dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(months[-1] + relativedelta(months=1), dt.time.min, tzinfo=dt.UTC)
    found = {
        row["month"]: row
        for row in _rows(TREND_SQL, {"start": start, "end": end, "team": team.pk if team else None})
    }
    return [
        MonthFigures(
            month=month,
            scheduled=found.get(month, {}).get("scheduled", 0),
            held=found.get(month, {}).get("held", 0),
            cancelled=found.get(month, {}).get("cancelled", 0),
        )
        for month in months
    ]
