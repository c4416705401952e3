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
* The **trend** counts every 1:1 in the system per calendar month in UTC; the
  team filter uses the participant's current team.
"""

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
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


COUNT_COLUMNS = (
    "scheduled",
    "held",
    "cancelled",
    "cancelled_by_organiser",
    "cancelled_by_participant",
    "nothing_to_discuss",
    "rescheduled",
)
# From what people wrote in their held 1:1s, counted but never read: feedback ratings
# (summed, to average later) and who wrote the agenda items.
RECORD_COLUMNS = ("usefulness_sum", "usefulness_count", "agenda_items", "agenda_by_report")
SUMMED_COLUMNS = (*COUNT_COLUMNS, *RECORD_COLUMNS)

# --- The SQL building blocks -----------------------------------------------------------
#
# The statements are put together from the constant fragments below; every value
# is a query parameter. Optional filters are left out rather than written as
# "%(team)s IS NULL OR ...", so that PostgreSQL estimates the rows well and hashes.

TEAM_FILTER = "AND {alias}.team_id = %(team)s"
MANAGER_FILTER = "AND {alias}.manager_id = %(manager)s"

# Active people with an active manager, as reports of that manager.
REPORTS_CTE = """
report AS (
    SELECT r.id, r.manager_id, r.time_zone, r.full_name, r.team_id
    FROM people_user r
    JOIN people_user boss ON boss.id = r.manager_id AND boss.is_active
    WHERE r.is_active {team_filter} {manager_filter}
)"""

# Meetings are first added up per (organiser, participant) in one pass over the
# table, and only then joined to the reports: a few thousand pairs instead of every
# meeting. A pair is one of a report's 1:1s when it is (manager, report) or (report,
# manager): two hash-joinable halves rather than one join on an OR.
PAIR_HALF = """
    SELECT report.id AS report_id, {source}.*
    FROM {source}
    JOIN report ON report.id = {source}.{report_side}
        AND report.manager_id = {source}.{manager_side}"""


def _pairs_cte(name: str, source: str) -> str:
    halves = (
        PAIR_HALF.format(source=source, report_side=report, manager_side=manager)
        for report, manager in (
            ("participant_id", "organiser_id"),
            ("organiser_id", "participant_id"),
        )
    )
    return f"{name} AS ({' UNION ALL '.join(halves)})"


IN_PERIOD = "starts_at >= %(start)s AND starts_at < %(end)s"
HELD = "status = 'completed'"
CANCELLED = "status = 'cancelled'"
FUTURE = "status = 'scheduled' AND starts_at > %(now)s"
PERIOD_AGGREGATES = {
    "scheduled": IN_PERIOD,
    "held": f"{IN_PERIOD} AND {HELD}",
    "cancelled": f"{IN_PERIOD} AND {CANCELLED}",
    "cancelled_by_organiser": f"{IN_PERIOD} AND {CANCELLED} AND cancelled_by_id = organiser_id",
    "cancelled_by_participant": (
        f"{IN_PERIOD} AND {CANCELLED} AND cancelled_by_id = participant_id"
    ),
    "nothing_to_discuss": f"{IN_PERIOD} AND {CANCELLED} AND cancel_reason = 'nothing_to_discuss'",
    "rescheduled": f"{IN_PERIOD} AND rescheduled_from IS NOT NULL",
}

# Per report: the period's counts, the median gap, the as-of dates and what was
# booked, from one pass over the meetings (and one over the period's agenda items).
# The gaps need only the held 1:1s of the period (collected in that pass) and, per
# report, the last one before it.
REPORT_FIGURES_CTES = f"""
by_pair AS (
    SELECT organiser_id, participant_id,
        {", ".join(f"COUNT(*) FILTER (WHERE {where}) AS {name}" for name, where in PERIOD_AGGREGATES.items())},
        MAX(starts_at) FILTER (WHERE {HELD} AND starts_at <= %(as_of)s) AS last_held,
        array_agg(starts_at) FILTER (WHERE {HELD} AND {IN_PERIOD}) AS held_in_period,
        MAX(starts_at) FILTER (WHERE {HELD} AND starts_at < %(start)s) AS held_before,
        MIN(starts_at) FILTER (WHERE {FUTURE}) AS next_booked,
        SUM(feedback.usefulness) FILTER (WHERE {HELD} AND {IN_PERIOD}) AS usefulness_sum,
        COUNT(feedback.usefulness) FILTER (WHERE {HELD} AND {IN_PERIOD}) AS usefulness_count,
        0 AS agenda_items, 0 AS agenda_by_participant, 0 AS agenda_by_organiser
    FROM meetings_meeting
    LEFT JOIN meetings_meetingfeedback feedback ON feedback.meeting_id = meetings_meeting.id
    WHERE true {{meeting_filter}} {{history_filter}}
    GROUP BY organiser_id, participant_id
    UNION ALL
    -- Who wrote the agenda items of the period's held 1:1s (their text is never read).
    SELECT organiser_id, participant_id,
        {", ".join("0" for _ in PERIOD_AGGREGATES)},
        NULL, NULL, NULL, NULL, 0, 0,
        COUNT(*),
        COUNT(*) FILTER (WHERE item.author_id = participant_id),
        COUNT(*) FILTER (WHERE item.author_id = organiser_id)
    FROM meetings_agendaitem item
    JOIN meetings_meeting ON meetings_meeting.id = item.meeting_id
    WHERE {HELD} AND {IN_PERIOD} {{meeting_filter}}
    GROUP BY organiser_id, participant_id
),
{_pairs_cte("pair", "by_pair")},
per_report AS (
    SELECT report_id,
        {", ".join(f"SUM({name}) AS {name}" for name in COUNT_COLUMNS)},
        SUM(usefulness_sum) AS usefulness_sum,
        SUM(usefulness_count) AS usefulness_count,
        SUM(agenda_items) AS agenda_items,
        SUM(CASE WHEN report_id = participant_id THEN agenda_by_participant
            ELSE agenda_by_organiser END) AS agenda_by_report,
        MAX(held_before) AS held_before,
        MAX(last_held) AS last_held,
        MIN(next_booked) AS next_booked
    FROM pair
    GROUP BY report_id
),
held_dates AS (
    SELECT report_id, unnest(held_in_period) AS starts_at FROM pair
    UNION ALL
    SELECT report_id, held_before FROM per_report WHERE held_before IS NOT NULL
),
held_days AS (
    SELECT held_dates.report_id, held_dates.starts_at,
        (held_dates.starts_at AT TIME ZONE report.time_zone)::date AS day
    FROM held_dates
    JOIN report ON report.id = held_dates.report_id
),
held_gap AS (
    SELECT report_id, day - LAG(day) OVER (PARTITION BY report_id ORDER BY starts_at) AS gap
    FROM held_days
),
report_gap AS (
    SELECT report_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap
    FROM held_gap
    WHERE gap IS NOT NULL
    GROUP BY report_id
),
report_figures AS (
    SELECT report.id AS report_id, report.manager_id, report.full_name, report.team_id,
        {", ".join(f"COALESCE(per_report.{name}, 0)::int AS {name}" for name in SUMMED_COLUMNS)},
        report_gap.median_gap,
        per_report.last_held,
        per_report.next_booked,
        COALESCE(per_report.last_held > %(recent_from)s, false) AS met_recently,
        per_report.next_booked IS NOT NULL AS booked
    FROM report
    LEFT JOIN per_report ON per_report.report_id = report.id
    LEFT JOIN report_gap ON report_gap.report_id = report.id
)"""  # noqa: S608 -- constant fragments; values are parameters

MANAGERS_SELECT = f"""
SELECT boss.id, boss.full_name, team.name AS team_name,
    COUNT(*) AS reports,
    {", ".join(f"SUM({name})::int AS {name}" for name in SUMMED_COLUMNS)},
    percentile_cont(0.5) WITHIN GROUP (ORDER BY median_gap) AS median_gap,
    COUNT(*) FILTER (WHERE met_recently) AS met_recently,
    COUNT(*) FILTER (WHERE NOT booked) AS not_booked
FROM report_figures
JOIN people_user boss ON boss.id = report_figures.manager_id
LEFT JOIN people_team team ON team.id = boss.team_id
GROUP BY boss.id, boss.full_name, team.name
ORDER BY boss.full_name, boss.id
"""  # noqa: S608 -- constant fragments; values are parameters

REPORT_ROWS_SELECT = """
SELECT report_figures.*, team.name AS team_name
FROM report_figures
LEFT JOIN people_team team ON team.id = report_figures.team_id
ORDER BY report_figures.full_name, report_figures.report_id
"""


# Which meetings the figures read. One manager's: all of theirs, found by index.
# Everyone's: from a year before the period on (the held 1:1 before the period, for
# the first gap, is looked for in that year), so the work grows with the period and
# the organisation, not with years of history. (A manager's drill-down shows the
# last held 1:1 however long ago; the manager table only needs to know whether it
# was in the last 45 days.)
ONE_MANAGERS_MEETINGS = "AND (organiser_id = %(manager)s OR participant_id = %(manager)s)"
HISTORY_MEETINGS = "AND starts_at >= %(look_from)s"
LOOK_BACK_DAYS = 365


def _figures_sql(select: str, *, team: bool, manager: bool) -> str:
    reports = REPORTS_CTE.format(
        team_filter=TEAM_FILTER.format(alias="r") if team else "",
        manager_filter=MANAGER_FILTER.format(alias="r") if manager else "",
    )
    figures = REPORT_FIGURES_CTES.format(
        meeting_filter=ONE_MANAGERS_MEETINGS if manager else "",
        history_filter="" if manager else HISTORY_MEETINGS,
    )
    return f"WITH {reports}, {figures} {select}"


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

GAPS_CTES = f"""
person AS (
    SELECT u.id, u.full_name, u.team_id, u.start_date, u.date_joined, u.time_zone,
        CASE WHEN boss.id IS NULL THEN NULL ELSE u.manager_id END AS manager_id
    FROM people_user u
    LEFT JOIN people_user boss ON boss.id = u.manager_id AND boss.is_active
    WHERE u.is_active {{team_filter}}
),
report AS (
    SELECT id, manager_id, full_name, team_id, time_zone
    FROM person WHERE manager_id IS NOT NULL
),
by_pair AS (
    SELECT organiser_id, participant_id,
        MAX(starts_at) FILTER (WHERE {HELD}) AS last_held,
        MIN(starts_at) FILTER (WHERE {HELD}) AS first_held,
        MIN(starts_at) FILTER (WHERE {FUTURE}) AS next_booked
    FROM meetings_meeting
    GROUP BY organiser_id, participant_id
),
{_pairs_cte("pair", "by_pair")},
held AS (
    SELECT report_id, MAX(last_held) AS last_held, MIN(first_held) AS first_held,
        MIN(next_booked) AS next_booked
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
    {{category_filter}}
)"""  # noqa: S608 -- constant fragments; values are parameters

GAPS_SELECT = """
SELECT * FROM numbered
WHERE position > %(offset)s {limit_filter}
ORDER BY category, position
"""


def _gaps_sql(*, team: bool, category: bool, limit: bool) -> str:
    ctes = GAPS_CTES.format(
        team_filter=TEAM_FILTER.format(alias="u") if team else "",
        category_filter="WHERE category = %(category)s" if category else "",
    )
    select = GAPS_SELECT.format(
        limit_filter="AND position <= %(offset)s + %(limit)s" if limit else ""
    )
    return f"WITH {ctes} {select}"


TREND_SQL = """
SELECT date_trunc('month', mt.starts_at AT TIME ZONE 'UTC')::date AS month,
    COUNT(*) AS scheduled,
    COUNT(*) FILTER (WHERE mt.status = 'completed') AS held,
    COUNT(*) FILTER (WHERE mt.status = 'cancelled') AS cancelled
FROM meetings_meeting mt
{team_join}
WHERE mt.starts_at >= %(start)s AND mt.starts_at < %(end)s
GROUP BY 1
"""
TREND_TEAM_JOIN = "JOIN people_user p ON p.id = mt.participant_id AND p.team_id = %(team)s"


# Reports sort and hash tens of thousands of rows per statement; with the default
# 4 MB PostgreSQL plans sorts on disk and slower aggregates.
# The statements also join aggregates whose sizes PostgreSQL cannot estimate (it
# guesses 200 groups); a nested loop over such a guess runs 10,000 times 10,000 times, a
# hash join does not. And those guesses make the plan look costly enough for JIT
# compilation, which took longer (1.8 s at 10,000 people) than running the query.
# The settings last for the statement's transaction only.
REPORT_SETTINGS = (
    "SET LOCAL work_mem = '32MB'; SET LOCAL enable_nestloop = off; SET LOCAL jit = off"
)


def _rows(sql: str, params: dict) -> list[dict]:
    # No savepoint inside a caller's transaction: the settings then last until it ends.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(REPORT_SETTINGS)
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
        "look_from": min(
            period.start - dt.timedelta(days=LOOK_BACK_DAYS),
            as_of - dt.timedelta(days=RECENT_DAYS),
        ),
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
    rows = _rows(
        _figures_sql(MANAGERS_SELECT, team=team is not None, manager=False),
        _params(period=period, team=team),
    )
    return [
        ManagerRow(
            manager_id=row["id"],
            name=row["full_name"],
            team=row["team_name"] or "",
            reports=row["reports"],
            **{name: row[name] or 0 for name in SUMMED_COLUMNS},
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
    rows = _rows(
        _figures_sql(REPORT_ROWS_SELECT, team=team is not None, manager=True),
        _params(period=period, team=team, manager=manager),
    )
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
        for row in _rows(
            _gaps_sql(
                team=team is not None, category=category is not None, limit=limit is not None
            ),
            params,
        )
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
        for row in _rows(
            TREND_SQL.format(team_join=TREND_TEAM_JOIN if team else ""),
            {"start": start, "end": end, "team": team.pk if team else None},
        )
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
