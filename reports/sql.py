"""The SQL behind the reports, put together from constant fragments.

Every value is a query parameter; optional filters are left out of the text rather
than written as "%(team)s IS NULL OR ...", so that PostgreSQL estimates rows well
and hashes. The definitions of the figures are in ``reports.selectors``.

How a statement stays fast however long the history:

* **One scan of the days that matter.** The meetings are read from
  ``meeting_period_idx`` (``starts_at`` with every column the reports use, the
  agenda counts and the rating included: an index-only scan), over a few date
  ranges only: the period (from 45 days before its end, when it is shorter) and a
  month either side of now
  (``selectors.scan_ranges`` works them out and merges those that overlap). The
  meetings are added up per pair of people (the lower and the higher id, so that
  whoever organised a meeting it counts for the same pair) and joined to the
  reports only then: a few thousand pairs rather than every meeting.
* **Kept by the database.** Each held 1:1 carries the days since the pair's held 1:1
  before it, in each of the two people's zones (``HeldMeeting``, kept by triggers), so
  the median gaps read the period's held 1:1s from an index, without a window over them
  per report and without turning times into local dates.
* **A look-up for what the scan did not see.** The last one held and the next one
  booked are almost always in those ranges; for the few pairs where they are not, one index look-up per pair in ``meeting_pair_idx``
  finds them (``_look_up``), however far back or ahead.
* **Only what is shown.** A new starter's first held 1:1, the next 1:1 of a gap list
  and the names of the team and the manager are looked up for the people shown only;
  the manager table adds up per manager before it joins the managers' names.

Nothing the models own is written here by hand, so that renaming it in a model cannot
silently break a figure: tables and columns come from the models' ``_meta``
(``MEETING.organiser`` is the quoted column of ``Meeting.organiser``), the stored values
compared with (held, cancelled, booked, an active series, "nothing to discuss") from
their ``TextChoices``, as parameters (``VALUES``). ``tests/test_sql.py`` renames every
table, column and value in the database and the models and gets the same figures.
Past the reads of a table, the statements call the columns they pass on by the
models' attribute names (``organiser_id``, ``status``).
"""

from django.db import connection
from django.db.models import Model

from meetings.models import NOT_LINE_KINDS, PERIOD_COLUMNS, CancelReason, Meeting, MeetingSeries
from oneonones.db import column, concrete_field
from people.models import Team, User
from reports.models import HeldMeeting, MeetingMonth


class _Table:
    """A model's table as the statements write it: ``f"{MEETING}"`` is the quoted name of
    its table, ``MEETING.organiser`` the quoted column of its field ``organiser``."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model

    def __str__(self) -> str:
        return connection.ops.quote_name(self.model._meta.db_table)

    def __getattr__(self, field: str) -> str:
        if field.startswith("_"):  # copy, pickle and the like, not a field
            raise AttributeError(field)
        return connection.ops.quote_name(column(self.model, field))


MEETING = _Table(Meeting)
SERIES = _Table(MeetingSeries)
USER = _Table(User)
TEAM = _Table(Team)
MEETING_MONTH = _Table(MeetingMonth)
HELD_MEETING = _Table(HeldMeeting)

# The stored values the statements compare with. Parameters like any other value:
# psycopg2 writes them into the statement, so PostgreSQL plans as for a constant.
VALUES: dict[str, str | list[str]] = {
    "completed": Meeting.Status.COMPLETED.value,
    "cancelled": Meeting.Status.CANCELLED.value,
    "scheduled": Meeting.Status.SCHEDULED.value,
    "nothing_to_discuss": CancelReason.NOTHING_TO_DISCUSS.value,
    "active_series": MeetingSeries.Status.ACTIVE.value,
    # Kinds that are not line 1:1s (mentoring, office hours): no figure counts them.
    "not_line_kinds": list(NOT_LINE_KINDS),
}
# The condition ``meeting_period_idx`` and ``meeting_pair_idx`` are partial on: every
# read of the meetings carries it, so that a sign-up to someone's office hours is never
# counted as a 1:1 with one's manager and the scans stay on those indexes.
LINE_MEETINGS = f"{MEETING.kind} <> ALL(%(not_line_kinds)s)"

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

TEAM_FILTER = f"AND u.{USER.team} = %(team)s"
MANAGER_FILTER = "AND manager_id = %(manager)s"

# Everyone active; ``manager_id`` only when that manager is active too, and ``low``
# and ``high``, the key of the pair they make with their manager (LEAST and GREATEST
# skip a NULL: with no manager, both are the person's own id, which no pair has).
# ``report``: those with a manager, the people whose 1:1s the figures count.
PEOPLE_CTES = f"""
person AS (
    SELECT people.*, LEAST(id, manager_id) AS low, GREATEST(id, manager_id) AS high
    FROM (
        SELECT u.{USER.id} AS id, u.{USER.full_name} AS full_name, u.{USER.team} AS team_id,
            u.{USER.start_date} AS start_date, u.{USER.date_joined} AS date_joined,
            u.{USER.time_zone} AS time_zone,
            CASE WHEN boss.{USER.id} IS NULL THEN NULL ELSE u.{USER.manager} END AS manager_id
        FROM {USER} u
        LEFT JOIN {USER} boss ON boss.{USER.id} = u.{USER.manager} AND boss.{USER.is_active}
        WHERE u.{USER.is_active} {{team_filter}}
    ) people
),
report AS (
    SELECT id, manager_id, full_name, team_id, time_zone, low, high
    FROM person
    WHERE manager_id IS NOT NULL {{manager_filter}}
)"""  # noqa: S608 -- constant fragments; values are parameters

# Which meetings are read: one manager's, the team's reports', or all.
ONE_MANAGERS_MEETINGS = (
    f"AND ({MEETING.organiser} = %(manager)s OR {MEETING.participant} = %(manager)s)"
)
TEAM_MEETINGS = (
    f"AND ({MEETING.participant} IN (SELECT id FROM report)"  # noqa: S608 -- constant fragments
    f" OR {MEETING.organiser} IN (SELECT id FROM report))"
)

# The columns of ``meeting_period_idx``, so that reading them is an index-only scan;
# passed on as ``organiser_id``, ``status``, ...
SCANNED_COLUMNS = ", ".join(
    f"{getattr(MEETING, name)} AS {concrete_field(Meeting, name).attname}"
    for name in ("starts_at", *PERIOD_COLUMNS)
)


def _scanned(*, ranges: int, meeting_filter: str) -> str:
    """The meetings of ``ranges`` date ranges (parameters ``range0_from``,
    ``range0_to``, ...; they do not overlap), each read by an index-only range scan."""
    scans = " UNION ALL ".join(
        f"SELECT {SCANNED_COLUMNS} FROM {MEETING}"  # noqa: S608 -- constant fragments
        f" WHERE {MEETING.starts_at} >= %(range{number}_from)s"
        f" AND {MEETING.starts_at} < %(range{number}_to)s"
        f" AND {LINE_MEETINGS} {meeting_filter}"
        for number in range(ranges)
    )
    return f"scanned AS NOT MATERIALIZED ({scans})"


# The conditions the aggregates filter on, worked out once per meeting in ``_pairs``.
IN_PERIOD = "in_period"
HELD = "is_held"
CANCELLED = "is_cancelled"
HELD_IN_PERIOD = f"{HELD} AND {IN_PERIOD}"
FLAGS = """starts_at >= %(start)s AND starts_at < %(end)s AS in_period,
    status = %(completed)s AS is_held, status = %(cancelled)s AS is_cancelled"""
# Agenda items written by the lower or the higher id of the pair.
BY_LOW = "CASE WHEN organiser_id < participant_id THEN agenda_by_organiser ELSE agenda_by_participant END"
BY_HIGH = "CASE WHEN organiser_id < participant_id THEN agenda_by_participant ELSE agenda_by_organiser END"
PAIR_KEY = (
    "LEAST(organiser_id, participant_id) AS low, GREATEST(organiser_id, participant_id) AS high"
)

# Per pair, from the scanned ranges. The "_seen" dates are those within the ranges
# (see ``selectors.scan_ranges``); ``_look_up`` finds the others.
PAIR_AGGREGATES = {
    "scheduled": f"COUNT(*) FILTER (WHERE {IN_PERIOD})",
    "held": f"COUNT(*) FILTER (WHERE {HELD_IN_PERIOD})",
    "cancelled": f"COUNT(*) FILTER (WHERE {IN_PERIOD} AND {CANCELLED})",
    "cancelled_by_organiser": (
        f"COUNT(*) FILTER (WHERE {IN_PERIOD} AND {CANCELLED} AND cancelled_by_id = organiser_id)"
    ),
    "cancelled_by_participant": (
        f"COUNT(*) FILTER (WHERE {IN_PERIOD} AND {CANCELLED} AND cancelled_by_id = participant_id)"
    ),
    "nothing_to_discuss": (
        f"COUNT(*) FILTER (WHERE {IN_PERIOD} AND {CANCELLED}"
        " AND cancel_reason = %(nothing_to_discuss)s)"
    ),
    "rescheduled": f"COUNT(*) FILTER (WHERE {IN_PERIOD} AND rescheduled_from IS NOT NULL)",
    "usefulness_sum": f"SUM(usefulness) FILTER (WHERE {HELD_IN_PERIOD})",
    "usefulness_count": f"COUNT(usefulness) FILTER (WHERE {HELD_IN_PERIOD})",
    "agenda_items": f"SUM(agenda_count) FILTER (WHERE {HELD_IN_PERIOD})",
    "agenda_by_low": f"SUM({BY_LOW}) FILTER (WHERE {HELD_IN_PERIOD})",
    "agenda_by_high": f"SUM({BY_HIGH}) FILTER (WHERE {HELD_IN_PERIOD})",
    # The last held as of the end of the period, if within the last 45 days of it.
    "last_held_seen": (
        f"MAX(starts_at) FILTER (WHERE {HELD} AND starts_at > %(recent_from)s"
        " AND starts_at <= %(as_of)s)"
    ),
    # The last held as of now, if in the last month; the next booked, if in the next.
    "last_held_now_seen": (
        f"MAX(starts_at) FILTER (WHERE {HELD} AND starts_at >= %(lately_from)s"
        " AND starts_at <= %(now)s)"
    ),
    "next_booked_seen": (
        "MIN(starts_at) FILTER (WHERE status = %(scheduled)s AND starts_at > %(now)s"
        " AND starts_at < %(soon_to)s)"
    ),
}
FIGURES_AGGREGATES = tuple(name for name in PAIR_AGGREGATES if name != "last_held_now_seen")
GAPS_AGGREGATES = ("last_held_now_seen", "next_booked_seen")


def _pairs(names: tuple[str, ...]) -> str:
    """The scanned meetings added up per pair: the aggregates ``names``. The
    conditions are columns of a fenced subquery (``OFFSET 0``), or PostgreSQL would
    write them into every aggregate's FILTER and test them fifteen times a meeting."""
    columns = ", ".join(f"{PAIR_AGGREGATES[name]} AS {name}" for name in names)
    return (
        f"pair AS (SELECT {PAIR_KEY}, {columns}"  # noqa: S608 -- constant fragments
        f" FROM (SELECT scanned.*, {FLAGS} FROM scanned OFFSET 0) flagged GROUP BY 1, 2)"
    )


def _look_up(aggregate: str, condition: str, *, of: str) -> str:
    """``aggregate`` (MIN or MAX) of the start of the meetings of one pair (``of``: the
    alias of a row with ``low`` and ``high``) that meet ``condition``: a few rows of
    ``meeting_pair_idx``, whatever the size of the table."""
    pair = f"m.{MEETING.organiser}, m.{MEETING.participant}"
    return (
        f"(SELECT {aggregate}(m.{MEETING.starts_at}) FROM {MEETING} m"  # noqa: S608
        f" WHERE LEAST({pair}) = {of}.low AND GREATEST({pair}) = {of}.high"
        f" AND m.{LINE_MEETINGS} AND {condition})"
    )


# The next 1:1 booked after the month ahead that ``next_booked_seen`` reads.
BOOKED_LATER = f"m.{MEETING.status} = %(scheduled)s AND m.{MEETING.starts_at} >= %(soon_to)s"
WAS_HELD = f"m.{MEETING.status} = %(completed)s"
LAST_HELD = _look_up(
    "MAX", f"{WAS_HELD} AND m.{MEETING.starts_at} <= %(recent_from)s", of="report_figures"
)
NEXT_BOOKED = _look_up("MIN", BOOKED_LATER, of="report")

# Per report: the period's counts, the dates as of the end of the period and now.
PER_REPORT_CTE = f"""
per_report AS (
    SELECT report.id AS report_id, report.manager_id, report.full_name, report.team_id,
        report.time_zone,
        {", ".join(f"COALESCE(pair.{name}, 0)::int AS {name}" for name in COUNT_COLUMNS)},
        COALESCE(pair.usefulness_sum, 0)::int AS usefulness_sum,
        COALESCE(pair.usefulness_count, 0)::int AS usefulness_count,
        COALESCE(pair.agenda_items, 0)::int AS agenda_items,
        COALESCE(CASE WHEN report.id = report.low THEN pair.agenda_by_low
            ELSE pair.agenda_by_high END, 0)::int AS agenda_by_report,
        report.low, report.high,
        pair.last_held_seen,
        pair.last_held_seen IS NOT NULL AS met_recently,
        COALESCE(pair.next_booked_seen, {NEXT_BOOKED}) AS next_booked
    FROM report
    LEFT JOIN pair ON pair.low = report.low AND pair.high = report.high
)"""  # noqa: S608 -- constant fragments; values are parameters

# Per report: the median gap. It reads the period's held 1:1s with the days since the one
# before each, in the report's own time zone (``HeldMeeting``, kept by the database: the
# report is the lower or the higher id of the pair).
MEDIAN_CTES = f"""
held_gap AS (
    SELECT report.id AS report_id,
        CASE WHEN report.id = report.low THEN held.{HELD_MEETING.gap_days_low}
            ELSE held.{HELD_MEETING.gap_days_high} END AS gap
    FROM {HELD_MEETING} held
    JOIN report ON report.low = held.{HELD_MEETING.low} AND report.high = held.{HELD_MEETING.high}
    WHERE held.{HELD_MEETING.starts_at} >= %(start)s AND held.{HELD_MEETING.starts_at} < %(end)s
        AND held.{HELD_MEETING.previous_starts_at} IS NOT NULL {{held_filter}}
),
report_gap AS (
    SELECT report_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap
    FROM held_gap
    GROUP BY report_id
)"""  # noqa: S608 -- constant fragments; values are parameters

REPORT_FIGURES_CTE = """
report_figures AS (
    SELECT per_report.*, report_gap.median_gap, next_booked IS NOT NULL AS booked
    FROM per_report
    LEFT JOIN report_gap ON report_gap.report_id = per_report.report_id
)"""
# The dashboard's manager table leaves the medians out: they are worked out for the
# managers of the page shown only (``median_gaps``), as no sort and no total reads them.
REPORT_FIGURES_NO_MEDIAN_CTE = """
report_figures AS (
    SELECT per_report.*, NULL::float8 AS median_gap, next_booked IS NOT NULL AS booked
    FROM per_report
)"""

# The drill-down reads one manager's held 1:1s only.
HELD_OF_ONE_MANAGER = (
    f"AND (held.{HELD_MEETING.low} = %(manager)s OR held.{HELD_MEETING.high} = %(manager)s)"
)


def _figures_ctes(*, manager: bool, medians: bool = True) -> str:
    if not medians:
        return f"{PER_REPORT_CTE}, {REPORT_FIGURES_NO_MEDIAN_CTE}"
    held = MEDIAN_CTES.replace("{held_filter}", HELD_OF_ONE_MANAGER if manager else "")
    return f"{PER_REPORT_CTE}, {held}, {REPORT_FIGURES_CTE}"


MANAGER_COLUMNS = (
    "id",
    "full_name",
    "team_name",
    "reports",
    *SUMMED_COLUMNS,
    "median_gap",
    "met_recently",
    "not_booked",
)
# The median over a manager's reports of their medians (NULL where a report has none).
MANAGER_MEDIAN = "percentile_cont(0.5) WITHIN GROUP (ORDER BY median_gap)"
# Added up per manager first, then joined to the managers' names: a thousand rows
# rather than ten thousand. ``{median}``: ``MANAGER_MEDIAN``, or NULL where the medians
# are left out (``_figures_ctes``).
MANAGERS_SELECT = f"""
SELECT boss.{USER.id} AS id, boss.{USER.full_name} AS full_name, team.{TEAM.name} AS team_name,
    {", ".join(f"per_manager.{name}" for name in MANAGER_COLUMNS[3:])}
FROM (
    SELECT manager_id, COUNT(*) AS reports,
        {", ".join(f"SUM({name})::int AS {name}" for name in SUMMED_COLUMNS)},
        {{median}} AS median_gap,
        COUNT(*) FILTER (WHERE met_recently) AS met_recently,
        COUNT(*) FILTER (WHERE NOT booked) AS not_booked
    FROM report_figures
    GROUP BY manager_id
) per_manager
JOIN {USER} boss ON boss.{USER.id} = per_manager.manager_id
LEFT JOIN {TEAM} team ON team.{TEAM.id} = boss.{USER.team}
ORDER BY boss.{USER.full_name}, boss.{USER.id}
"""  # noqa: S608 -- constant fragments; values are parameters

REPORT_ROWS_SELECT = f"""
SELECT report_figures.*, team.{TEAM.name} AS team_name,
    COALESCE(last_held_seen, {LAST_HELD}) AS last_held
FROM report_figures
LEFT JOIN {TEAM} team ON team.{TEAM.id} = report_figures.team_id
ORDER BY report_figures.full_name, report_figures.report_id
"""  # noqa: S608 -- constant fragments; values are parameters


def _part(rule: str, name: str) -> str:
    """The value of one part of the rule in the column ``rule`` (e.g. ``BYDAY`` gives
    ``MO,TH``), '' if absent. Plain string functions: a regular expression per part per
    rule costs ten times more."""
    return f"split_part(split_part(split_part({rule}, '{name}=', 2), ';', 1), E'\\n', 1)"


def _count(rule: str, name: str) -> str:
    """How many comma-separated values a rule part lists, at least 1."""
    value = _part(rule, name)
    return f"GREATEST(1, length({value}) - length(replace({value}, ',', '')) + 1)"


def interval_days_sql(rule: str) -> str:
    """The nominal days between meetings of the rule in the column ``rule`` (NULL if it
    has none): weekly 7, every N weeks 7N, twice a week 3.5, monthly 30, twice a month
    15, ..."""
    return f"""
(CASE {_part(rule, "FREQ")}
    WHEN 'DAILY' THEN 1.0
    WHEN 'WEEKLY' THEN 7.0 / {_count(rule, "BYDAY")}
    WHEN 'MONTHLY' THEN 30.0 / GREATEST({_count(rule, "BYDAY")}, {_count(rule, "BYMONTHDAY")})
    WHEN 'YEARLY' THEN 365.0
END * COALESCE(NULLIF({_part(rule, "INTERVAL")}, '')::int, 1))"""


# A series' nominal interval, for a row of its table called ``s``. The gap lists work it
# out once per distinct rule (``rule`` in ``GAPS_CTES``): an organisation has thousands
# of series but a handful of rules, and taking a rule apart is the costly part.
INTERVAL_DAYS_SQL = interval_days_sql(f"s.{SERIES.cadence}")

# Each distinct rule of the active series (a missing one as ''), with its interval.
# MATERIALIZED: read once, PostgreSQL would pull the subquery up into the join with the
# series and take the rule apart once per series (10,000 times rather than 17 on the
# bench organisation: 11 ms of the dashboard's statement).
RULE_CTE = f"""
rule AS MATERIALIZED (
    SELECT rules.cadence, {interval_days_sql("rules.cadence")} AS interval_days
    FROM (
        SELECT DISTINCT COALESCE(s.{SERIES.cadence}, '') AS cadence FROM {SERIES} s
        WHERE s.{SERIES.status} = %(active_series)s
    ) rules
)"""  # noqa: S608 -- constant fragments; values are parameters

GAP_LAST_HELD = _look_up(
    "MAX", f"{WAS_HELD} AND m.{MEETING.starts_at} < %(lately_from)s", of="person"
)
GAP_FIRST_HELD = _look_up("MIN", WAS_HELD, of="numbered")
GAP_NEXT_BOOKED = _look_up("MIN", BOOKED_LATER, of="numbered")

GAPS_CTES = f"""
person_held AS (
    SELECT person.*,
        COALESCE(pair.last_held_now_seen,
            CASE WHEN person.manager_id IS NOT NULL THEN {GAP_LAST_HELD} END) AS last_held,
        pair.next_booked_seen
    FROM person
    LEFT JOIN pair ON pair.low = person.low AND pair.high = person.high
),
{RULE_CTE},
series AS (
    -- Per participant and organiser, hashed; the gaps keep the one with the manager.
    SELECT s.{SERIES.participant} AS person_id, s.{SERIES.organiser} AS organiser_id,
        MIN(rule.interval_days) AS interval_days
    FROM {SERIES} s
    JOIN rule ON rule.cadence = COALESCE(s.{SERIES.cadence}, '')
    WHERE s.{SERIES.status} = %(active_series)s
    GROUP BY 1, 2
),
gaps AS (
    SELECT person.id, person.full_name, person.start_date, person.manager_id,
        person.low, person.high, person.team_id,
        person.last_held, person.next_booked_seen,
        series.person_id IS NOT NULL AS has_series,
        series.interval_days,
        COALESCE(%(factor)s::float8 * series.interval_days::float8, %(no_series_days)s::float8)
            AS allowed_days,
        COALESCE(person.last_held, person.start_date::timestamp AT TIME ZONE 'UTC',
                 person.date_joined) AS since
    FROM person_held person
    LEFT JOIN series ON series.person_id = person.id AND series.organiser_id = person.manager_id
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
),
shown AS (
    -- A new starter's first held 1:1, and the names of the team and the manager, for
    -- those shown only (a few of the hundreds a large organisation has in each list).
    SELECT numbered.*, team.{TEAM.name} AS team_name, boss.{USER.full_name} AS manager_name,
        CASE WHEN numbered.manager_id IS NOT NULL AND numbered.start_date > %(new_since)s
            THEN {GAP_FIRST_HELD} END AS first_held,
        COALESCE(numbered.next_booked_seen,
            CASE WHEN numbered.manager_id IS NOT NULL THEN {GAP_NEXT_BOOKED} END) AS next_booked
    FROM numbered
    LEFT JOIN {TEAM} team ON team.{TEAM.id} = numbered.team_id
    LEFT JOIN {USER} boss ON boss.{USER.id} = numbered.manager_id
    WHERE numbered.position > %(offset)s {{limit_filter}}
)"""  # noqa: S608 -- constant fragments; values are parameters

GAPS_SELECT = "SELECT * FROM shown ORDER BY category, position"
GAP_COLUMNS = (
    "category",
    "id",
    "full_name",
    "start_date",
    "manager_id",
    "team_name",
    "manager_name",
    "last_held",
    "first_held",
    "next_booked",
    "interval_days",
    "allowed_days",
    "total",
)
# The trend: every line meeting (of someone in the team) per calendar month in UTC, read
# from ``meeting_period_idx``.
TREND_COLUMNS = f"""date_trunc('month', {MEETING.starts_at} AT TIME ZONE 'UTC')::date AS month,
    COUNT(*) AS scheduled,
    COUNT(*) FILTER (WHERE {MEETING.status} = %(completed)s) AS held,
    COUNT(*) FILTER (WHERE {MEETING.status} = %(cancelled)s) AS cancelled"""
TREND_WINDOW = (
    f"{MEETING.starts_at} >= %(trend_start)s AND {MEETING.starts_at} < %(trend_end)s"
    f" AND {LINE_MEETINGS}"
)
TREND_TEAM_FILTER = (
    f"AND {MEETING.participant} IN"  # noqa: S608 -- constant fragments
    f" (SELECT {USER.id} FROM {USER} WHERE {USER.team} = %(team)s)"
)
TREND_SELECT = (
    f"SELECT {TREND_COLUMNS} FROM {MEETING} WHERE {TREND_WINDOW} {{team_filter}}"  # noqa: S608
    " GROUP BY 1"
)
# Without a team: the same counts from the ones the database keeps per month and status
# (``MeetingMonth``), a few dozen rows however many meetings and years there are.
MONTHS_SELECT = f"""
SELECT {MEETING_MONTH.month} AS month,
    SUM({MEETING_MONTH.meetings}) AS scheduled,
    COALESCE(SUM({MEETING_MONTH.meetings}) FILTER (WHERE {MEETING_MONTH.status} = %(completed)s), 0)
        AS held,
    COALESCE(SUM({MEETING_MONTH.meetings}) FILTER (WHERE {MEETING_MONTH.status} = %(cancelled)s), 0)
        AS cancelled
FROM {MEETING_MONTH}
-- A month whose meetings were all removed keeps its rows at zero: no month, as for the
-- meetings themselves.
WHERE {MEETING_MONTH.month} >= %(trend_first_month)s AND {MEETING_MONTH.month} < %(trend_end_month)s
GROUP BY 1
HAVING SUM({MEETING_MONTH.meetings}) > 0
"""  # noqa: S608 -- constant fragments; values are parameters

# The dashboard: the manager rows, then one row holding the gap lists and the trend
# as JSON. One statement, so that one scan of the meetings serves the manager table
# and the gap lists.
DASHBOARD_SELECT = f"""
SELECT managers.*, NULL::json AS gap_rows, NULL::json AS trend_rows
FROM ({MANAGERS_SELECT}) managers
UNION ALL
SELECT {", ".join("NULL" for _ in MANAGER_COLUMNS)},
    (SELECT json_agg(json_build_object({", ".join(f"'{name}', {name}" for name in GAP_COLUMNS)})
        ORDER BY category, position) FROM shown),
    (SELECT json_agg(trend) FROM trend)
"""  # noqa: S608 -- constant fragments; values are parameters


def _with(
    *,
    team: bool,
    manager: bool,
    ranges: int,
    aggregates: tuple[str, ...],
    parts: tuple[str, ...],
    select: str,
) -> str:
    people = PEOPLE_CTES.format(
        team_filter=TEAM_FILTER if team else "",
        manager_filter=MANAGER_FILTER if manager else "",
    )
    meeting_filter = ONE_MANAGERS_MEETINGS if manager else TEAM_MEETINGS if team else ""
    scanned = _scanned(ranges=ranges, meeting_filter=meeting_filter)
    return f"WITH {people}, {scanned}, {_pairs(aggregates)}, {', '.join(parts)} {select}"


def _gaps_ctes(*, category: bool, limit: bool) -> str:
    return GAPS_CTES.format(
        category_filter="WHERE category = %(category)s" if category else "",
        limit_filter="AND numbered.position <= %(offset)s + %(limit)s" if limit else "",
    )


def _figures(*, team: bool, manager: bool, ranges: int, select: str) -> str:
    return _with(
        team=team,
        manager=manager,
        ranges=ranges,
        aggregates=FIGURES_AGGREGATES,
        parts=(_figures_ctes(manager=manager),),
        select=select,
    )


def _with_medians(select: str, *, medians: bool) -> str:
    """``select`` (``MANAGERS_SELECT`` or one holding it) with the managers' median, or
    NULL where the medians are left out."""
    return select.replace("{median}", MANAGER_MEDIAN if medians else "NULL::float8")


def managers(*, team: bool, ranges: int) -> str:
    return _figures(
        team=team, manager=False, ranges=ranges, select=_with_medians(MANAGERS_SELECT, medians=True)
    )


def report_rows(*, team: bool, ranges: int) -> str:
    return _figures(team=team, manager=True, ranges=ranges, select=REPORT_ROWS_SELECT)


def gaps(*, team: bool, ranges: int, category: bool, limit: bool) -> str:
    return _with(
        team=team,
        manager=False,
        ranges=ranges,
        aggregates=GAPS_AGGREGATES,
        parts=(_gaps_ctes(category=category, limit=limit),),
        select=GAPS_SELECT,
    )


def dashboard(*, team: bool, ranges: int) -> str:
    trend = f"trend AS ({trend_select(team=team)})"
    return _with(
        team=team,
        manager=False,
        ranges=ranges,
        aggregates=tuple(PAIR_AGGREGATES),
        parts=(
            _figures_ctes(manager=False, medians=False),
            _gaps_ctes(category=False, limit=True),
            trend,
        ),
        select=_with_medians(DASHBOARD_SELECT, medians=False),
    )


# The median gap of each of some managers (``managers``, their ids), for the page of the
# dashboard's manager table shown: the held 1:1s of those managers' reports only.
MEDIANS_SELECT = f"""
SELECT report.manager_id, {MANAGER_MEDIAN} AS median_gap
FROM report
LEFT JOIN report_gap ON report_gap.report_id = report.id
GROUP BY report.manager_id
"""  # noqa: S608 -- constant fragments; values are parameters


# Those managers' reports, read from the index of their manager; ``report`` keeps those
# whose manager is active, as everywhere.
OF_MANAGERS = f"AND u.{USER.manager} = ANY(%(managers)s)"


def median_gaps(*, team: bool) -> str:
    people = PEOPLE_CTES.format(
        team_filter=f"{TEAM_FILTER if team else ''} {OF_MANAGERS}", manager_filter=""
    )
    return f"WITH {people}, {MEDIAN_CTES.replace('{held_filter}', '')} {MEDIANS_SELECT}"


def trend_select(*, team: bool) -> str:
    """The trend's counts per month: of one team's meetings from the meetings, of all from
    the counts the database keeps."""
    return TREND_SELECT.format(team_filter=TREND_TEAM_FILTER) if team else MONTHS_SELECT


def trend_from_meetings() -> str:
    """Every meeting's counts per month straight from the meetings: what ``MONTHS_SELECT``
    reads from the kept counts (the tests and the bench compare the two)."""
    return TREND_SELECT.format(team_filter="")


# Each held line meeting with the start of its pair's held line meeting before it and the
# days since it in each of the two people's zones, from the meetings and the people: what
# the triggers keep in ``HeldMeeting``. The rows that differ, either way
# (none, unless meetings were written with the triggers off and not rebuilt).
_PAIR_OF_MEETING = (
    f"LEAST({MEETING.organiser}, {MEETING.participant}),"
    f" GREATEST({MEETING.organiser}, {MEETING.participant})"
)


def _days_in(zone: str) -> str:
    """The calendar days from ``previous_starts_at`` to ``starts_at`` in ``zone``."""
    return (
        f"(held.starts_at AT TIME ZONE {zone})::date"
        f" - (held.previous_starts_at AT TIME ZONE {zone})::date"
    )


HELD_FROM_MEETINGS = f"""
SELECT held.*, {_days_in(f"low_person.{USER.time_zone}")}, {_days_in(f"high_person.{USER.time_zone}")}
FROM (
    SELECT {MEETING.id} AS meeting_id,
        LEAST({MEETING.organiser}, {MEETING.participant}) AS low,
        GREATEST({MEETING.organiser}, {MEETING.participant}) AS high,
        {MEETING.starts_at} AS starts_at,
        LAG({MEETING.starts_at}) OVER (
            PARTITION BY {_PAIR_OF_MEETING} ORDER BY {MEETING.starts_at}, {MEETING.id})
            AS previous_starts_at
    FROM {MEETING} WHERE {MEETING.status} = %(completed)s AND {LINE_MEETINGS}
) held
JOIN {USER} low_person ON low_person.{USER.id} = held.low
JOIN {USER} high_person ON high_person.{USER.id} = held.high"""  # noqa: S608
HELD_KEPT = f"""
SELECT {HELD_MEETING.meeting_id}, {HELD_MEETING.low}, {HELD_MEETING.high},
    {HELD_MEETING.starts_at}, {HELD_MEETING.previous_starts_at},
    {HELD_MEETING.gap_days_low}, {HELD_MEETING.gap_days_high}
FROM {HELD_MEETING}"""  # noqa: S608 -- constant fragments
HELD_KEPT_WRONG = f"""
SELECT 'kept' AS side, * FROM ({HELD_KEPT} EXCEPT {HELD_FROM_MEETINGS}) kept_only
UNION ALL
SELECT 'meetings', * FROM ({HELD_FROM_MEETINGS} EXCEPT {HELD_KEPT}) meetings_only
LIMIT 100"""  # noqa: S608 -- constant fragments
