"""The SQL behind the reports, put together from constant fragments.

Every value is a query parameter; optional filters are left out of the text rather
than written as "%(team)s IS NULL OR ...", so that PostgreSQL estimates rows well
and hashes. The meetings are read once per statement: added up per (organiser,
participant) first, and only then joined to the reports (a few thousand pairs
rather than every meeting). The dashboard asks for the manager table and the gap
lists in one statement, so that one pass over the meetings serves both.

The definitions of the figures are in ``reports.selectors``.
"""

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

TEAM_FILTER = "AND u.team_id = %(team)s"
MANAGER_FILTER = "AND manager_id = %(manager)s"

# Everyone active; ``manager_id`` only when that manager is active too. ``report``:
# those with a manager, the people whose 1:1s the figures count.
PEOPLE_CTES = """
person AS (
    SELECT u.id, u.full_name, u.team_id, u.start_date, u.date_joined, u.time_zone,
        CASE WHEN boss.id IS NULL THEN NULL ELSE u.manager_id END AS manager_id
    FROM people_user u
    LEFT JOIN people_user boss ON boss.id = u.manager_id AND boss.is_active
    WHERE u.is_active {team_filter}
),
report AS (
    SELECT id, manager_id, full_name, team_id, time_zone
    FROM person
    WHERE manager_id IS NOT NULL {manager_filter}
)"""

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
# Which meetings are read: one manager's (found by index), the team's reports', or all.
ONE_MANAGERS_MEETINGS = "AND (organiser_id = %(manager)s OR participant_id = %(manager)s)"
# A team's: its reports' 1:1s, and (for the trend) every meeting of someone in it.
TEAM_PEOPLE = "SELECT id FROM people_user WHERE team_id = %(team)s"
TEAM_MEETINGS = (
    "AND (participant_id IN (SELECT id FROM report) OR organiser_id IN (SELECT id FROM report)"  # noqa: S608 -- a constant fragment
    f" OR participant_id IN ({TEAM_PEOPLE}))"
)

# The meetings are added up per pair in three passes, each over only the rows it
# needs and with only the aggregates it needs: the period's meetings (the counts, the
# held ones' dates and ratings), every held or booked one (the first, the last, the one
# before the period, the next booked), and the agenda items of the period's held 1:1s
# (who wrote them; their text is never read). Evaluating every aggregate on every row
# instead costs more than reading the table twice.
PAIR_COLUMNS = {  # name: its value in the passes that do not compute it
    **dict.fromkeys(PERIOD_AGGREGATES, "0"),
    "held_in_period": "NULL::timestamptz[]",
    "usefulness_sum": "0",
    "usefulness_count": "0",
    "last_held": "NULL::timestamptz",
    "held_before": "NULL::timestamptz",
    "last_held_ever": "NULL::timestamptz",
    "first_held": "NULL::timestamptz",
    "next_booked": "NULL::timestamptz",
    "agenda_items": "0",
    "agenda_by_participant": "0",
    "agenda_by_organiser": "0",
}
PASSES = {
    "period": (
        "FROM meeting LEFT JOIN meetings_meetingfeedback feedback"
        f" ON feedback.meeting_id = meeting.id WHERE {IN_PERIOD}",
        {
            **{
                name: f"COUNT(*) FILTER (WHERE {where})"
                for name, where in PERIOD_AGGREGATES.items()
            },
            "held_in_period": f"array_agg(starts_at) FILTER (WHERE {HELD})",
            "usefulness_sum": f"SUM(feedback.usefulness) FILTER (WHERE {HELD})",
            "usefulness_count": f"COUNT(feedback.usefulness) FILTER (WHERE {HELD})",
        },
    ),
    "held_and_booked": (
        f"FROM meeting WHERE ({HELD} OR {FUTURE})",
        {
            "last_held": f"MAX(starts_at) FILTER (WHERE {HELD} AND starts_at <= %(as_of)s)",
            "held_before": f"MAX(starts_at) FILTER (WHERE {HELD} AND starts_at < %(start)s)",
            "last_held_ever": f"MAX(starts_at) FILTER (WHERE {HELD})",
            "first_held": f"MIN(starts_at) FILTER (WHERE {HELD})",
            "next_booked": f"MIN(starts_at) FILTER (WHERE {FUTURE})",
        },
    ),
    "agenda": (
        "FROM meetings_agendaitem item JOIN meeting"
        f" ON meeting.id = item.meeting_id WHERE {HELD} AND {IN_PERIOD}",
        {
            "agenda_items": "COUNT(*)",
            "agenda_by_participant": "COUNT(*) FILTER (WHERE item.author_id = participant_id)",
            "agenda_by_organiser": "COUNT(*) FILTER (WHERE item.author_id = organiser_id)",
        },
    ),
}
FIGURES_PASSES = ("period", "held_and_booked", "agenda")
GAPS_PASSES = ("held_and_booked",)


def _pass(source: str, aggregates: dict) -> str:
    columns = ", ".join(
        f"{aggregates.get(name, empty)} AS {name}" for name, empty in PAIR_COLUMNS.items()
    )
    return (
        f"SELECT organiser_id, participant_id, {columns} {source}"
        " GROUP BY organiser_id, participant_id"
    )


# The meetings the passes read. Not materialised: each pass reads the table with its
# own condition (writing 450,000 rows aside to read them four times costs more).
MEETINGS_CTE = """
meeting AS NOT MATERIALIZED (
    SELECT id, organiser_id, participant_id, starts_at, status, cancelled_by_id,
        cancel_reason, rescheduled_from
    FROM meetings_meeting
    WHERE true {meeting_filter}
)"""


def _by_pair(passes: tuple[str, ...]) -> str:
    return f"by_pair AS ({' UNION ALL '.join(_pass(*PASSES[name]) for name in passes)})"


# A pair is one of a report's 1:1s when it is (manager, report) or (report, manager):
# two hash-joinable halves rather than one join on an OR.
PAIR_HALF = """
    SELECT report.id AS report_id, report.time_zone AS report_zone, by_pair.*
    FROM by_pair
    JOIN report ON report.id = by_pair.{report_side} AND report.manager_id = by_pair.{manager_side}"""
PAIRS_CTE = f"""
pair AS (
    {PAIR_HALF.format(report_side="participant_id", manager_side="organiser_id")}
    UNION ALL
    {PAIR_HALF.format(report_side="organiser_id", manager_side="participant_id")}
)"""

# Per report: the period's counts, the median gap and the as-of dates. The gaps need
# only the held 1:1s of the period (collected in the pass over the meetings) and, per
# report, the last one before it; days are counted in the report's own time zone.
FIGURES_CTES = f"""
per_report AS (
    SELECT report_id,
        {", ".join(f"SUM({name}) AS {name}" for name in COUNT_COLUMNS)},
        SUM(usefulness_sum) AS usefulness_sum,
        SUM(usefulness_count) AS usefulness_count,
        SUM(agenda_items) AS agenda_items,
        SUM(CASE WHEN report_id = participant_id THEN agenda_by_participant
            ELSE agenda_by_organiser END) AS agenda_by_report,
        MAX(held_before) AS held_before,
        MIN(report_zone) AS report_zone,
        MAX(last_held) AS last_held,
        MIN(next_booked) AS next_booked
    FROM pair
    GROUP BY report_id
),
held_dates AS (
    SELECT report_id, held.starts_at, (held.starts_at AT TIME ZONE report_zone)::date AS day
    FROM pair, unnest(held_in_period) AS held(starts_at)
    UNION ALL
    SELECT report_id, held_before, (held_before AT TIME ZONE report_zone)::date
    FROM per_report WHERE held_before IS NOT NULL
),
held_gap AS (
    SELECT report_id, day - LAG(day) OVER (PARTITION BY report_id ORDER BY starts_at) AS gap
    FROM held_dates
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


def _part(name: str) -> str:
    """The value of one part of the rule (e.g. ``BYDAY`` gives ``MO,TH``), '' if absent.
    Plain string functions: a regular expression per part per series costs ten times more."""
    return f"split_part(split_part(split_part(s.cadence, '{name}=', 2), ';', 1), E'\\n', 1)"


def _count(name: str) -> str:
    """How many comma-separated values a rule part lists, at least 1."""
    value = _part(name)
    return f"GREATEST(1, length({value}) - length(replace({value}, ',', '')) + 1)"


# The nominal days between meetings of a series, from its rule (NULL if it has none):
# weekly 7, every N weeks 7N, twice a week 3.5, monthly 30, twice a month 15, ...
INTERVAL_DAYS_SQL = f"""
(CASE {_part("FREQ")}
    WHEN 'DAILY' THEN 1.0
    WHEN 'WEEKLY' THEN 7.0 / {_count("BYDAY")}
    WHEN 'MONTHLY' THEN 30.0 / GREATEST({_count("BYDAY")}, {_count("BYMONTHDAY")})
    WHEN 'YEARLY' THEN 365.0
END * COALESCE(NULLIF({_part("INTERVAL")}, '')::int, 1))"""

GAPS_CTES = f"""
held AS (
    SELECT report_id, MAX(last_held_ever) AS last_held, MIN(first_held) AS first_held,
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
),
shown AS (
    SELECT * FROM numbered WHERE position > %(offset)s {{limit_filter}}
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
# The trend: every meeting (of someone in the team) per calendar month in UTC.
TREND_COLUMNS = """date_trunc('month', starts_at AT TIME ZONE 'UTC')::date AS month,
    COUNT(*) AS scheduled,
    COUNT(*) FILTER (WHERE status = 'completed') AS held,
    COUNT(*) FILTER (WHERE status = 'cancelled') AS cancelled"""
TREND_WINDOW = "starts_at >= %(trend_start)s AND starts_at < %(trend_end)s"
TREND_TEAM_FILTER = f"AND participant_id IN ({TEAM_PEOPLE})"
TREND_CTE = f"""
trend AS (
    SELECT {TREND_COLUMNS} FROM meeting WHERE {TREND_WINDOW} {{team_filter}} GROUP BY 1
)"""  # noqa: S608 -- constant fragments; values are parameters

# The dashboard: the manager rows, then one row holding the gap lists and the trend
# as JSON. One statement, so that the passes over the meetings serve all three.
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
    *, team: bool, manager: bool, passes: tuple[str, ...], parts: tuple[str, ...], select: str
) -> str:
    people = PEOPLE_CTES.format(
        team_filter=TEAM_FILTER if team else "",
        manager_filter=MANAGER_FILTER if manager else "",
    )
    meeting_filter = ONE_MANAGERS_MEETINGS if manager else TEAM_MEETINGS if team else ""
    meetings = MEETINGS_CTE.format(meeting_filter=meeting_filter)
    return (
        f"WITH {people}, {meetings}, {_by_pair(passes)}, {PAIRS_CTE}, {', '.join(parts)} {select}"
    )


def _gaps_ctes(*, category: bool, limit: bool) -> str:
    return GAPS_CTES.format(
        category_filter="WHERE category = %(category)s" if category else "",
        limit_filter="AND position <= %(offset)s + %(limit)s" if limit else "",
    )


def _figures(*, team: bool, manager: bool, select: str) -> str:
    parts = (FIGURES_CTES,)
    return _with(team=team, manager=manager, passes=FIGURES_PASSES, parts=parts, select=select)


def managers(*, team: bool) -> str:
    return _figures(team=team, manager=False, select=MANAGERS_SELECT)


def report_rows(*, team: bool) -> str:
    return _figures(team=team, manager=True, select=REPORT_ROWS_SELECT)


def gaps(*, team: bool, category: bool, limit: bool) -> str:
    parts = (_gaps_ctes(category=category, limit=limit),)
    return _with(team=team, manager=False, passes=GAPS_PASSES, parts=parts, select=GAPS_SELECT)


def dashboard(*, team: bool) -> str:
    trend = TREND_CTE.format(team_filter=TREND_TEAM_FILTER if team else "")
    parts = (FIGURES_CTES, _gaps_ctes(category=False, limit=True), trend)
    return _with(
        team=team, manager=False, passes=FIGURES_PASSES, parts=parts, select=DASHBOARD_SELECT
    )


def trend(*, team: bool) -> str:
    team_filter = TREND_TEAM_FILTER if team else ""
    return f"SELECT {TREND_COLUMNS} FROM meetings_meeting WHERE {TREND_WINDOW} {team_filter} GROUP BY 1"  # noqa: S608 -- constant fragments
