"""The CSV files behind every table of the reports: the same columns the pages show.

Only names, teams, dates, statuses and counts, like the pages. A cell that a
spreadsheet would read as a formula (a name starting with "=", "+", "-" or "@")
is written with a leading apostrophe.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.utils import timezone

from meetings.models import Meeting
from oneonones.spreadsheets import FORMULA_STARTS
from reports.selectors import GapRow, ManagerRow, MonthFigures, ReportRow
from reports.sql import COUNT_COLUMNS

COUNT_HEADERS = (
    "Scheduled",
    "Held",
    "Cancelled",
    "Cancelled by organiser",
    "Cancelled by participant",
    "Cancelled: nothing to discuss",
    "Rescheduled",
    "Median days between held 1:1s",
    "Average usefulness (1-5)",
    "Agenda items written by reports (%)",
)
# The columns of each table, as HR reads them on the pages and in the CSV files. Also
# what the page "What HR and my organisation can see about me" (``privacy``) lists.
MANAGER_HEADER = (
    "Manager",
    "Team",
    "Reports",
    *COUNT_HEADERS,
    "Reports met in the last 45 days (%)",
    "Reports with nothing booked (%)",
)
REPORT_HEADER = (
    "Report",
    "Team",
    "Series",
    *COUNT_HEADERS,
    "Last held 1:1",
    "Met in the last 45 days",
    "Next 1:1 booked",
)
MEETING_HEADER = ("Date", "Time", "Report", "Organised by", "Status", "Moved from")
GAP_HEADER_START = ("Person", "Team", "Manager", "Start date")
GAP_HEADER_END = "Next 1:1 booked"
GAP_MIDDLE_HEADERS = {
    "new_starters": (
        "First held 1:1",
        "Days from start to first 1:1",
        "Met within six weeks",
        "Status",
    ),
    "others": ("Last held 1:1", "Days since", "Allowed gap"),
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    # oneonones.spreadsheets' rule, inline: this runs for every cell of a file.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: list[str], rows: Iterable[Iterable]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _counts(row) -> list:
    """The values under COUNT_HEADERS."""
    return [
        *(getattr(row, name) for name in COUNT_COLUMNS),
        row.median_gap_days,
        row.average_usefulness,
        row.agenda_by_report_percent,
    ]


def managers_csv(rows: list[ManagerRow]) -> str:
    return to_csv(
        list(MANAGER_HEADER),
        (
            [
                row.name,
                row.team,
                row.reports,
                *_counts(row),
                row.met_recently_percent,
                row.not_booked_percent,
            ]
            for row in rows
        ),
    )


def trend_csv(months: list[MonthFigures]) -> str:
    return to_csv(
        ["Month", "Scheduled", "Held", "Cancelled"],
        ([f"{m.month:%Y-%m}", m.scheduled, m.held, m.cancelled] for m in months),
    )


def gaps_csv(category: str, rows: list[GapRow]) -> str:
    # (header, value) for the columns after who the person is and before the next 1:1.
    if category == "new_starters":
        values_of = [
            lambda r: r.first_held,
            lambda r: r.first_held_days,
            lambda r: r.met_within_six_weeks,
            lambda r: r.new_starter_status,
        ]
        middle = list(zip(GAP_MIDDLE_HEADERS["new_starters"], values_of, strict=True))
    else:
        values_of = [
            lambda r: r.last_held,
            lambda r: r.days_since,
            lambda r: r.rule if r.manager_id else "",
        ]
        middle = list(zip(GAP_MIDDLE_HEADERS["others"], values_of, strict=True))
    header = [*GAP_HEADER_START, *(h for h, _ in middle), GAP_HEADER_END]
    values = (
        [r.name, r.team, r.manager_name, r.start_date, *(v(r) for _, v in middle), r.next_booked]
        for r in rows
    )
    return to_csv(header, values)


def reports_csv(rows: list[ReportRow]) -> str:
    return to_csv(
        list(REPORT_HEADER),
        (
            [
                r.name,
                r.team,
                "; ".join(r.series) or "none",
                *_counts(r),
                r.last_held,
                r.met_recently,
                r.next_booked,
            ]
            for r in rows
        ),
    )


def meeting_status(meeting: Meeting, *, now: dt.datetime | None = None) -> str:
    """A meeting's status in a report's words: dates and statuses, never reasons or notes."""
    if meeting.status == Meeting.Status.CANCELLED:
        if meeting.cancelled_by_id == meeting.organiser_id:
            return "Cancelled by organiser"
        if meeting.cancelled_by_id == meeting.participant_id:
            return "Cancelled by participant"
        return "Cancelled"
    if meeting.status == Meeting.Status.COMPLETED:
        return "Held"
    if meeting.starts_at < (now or timezone.now()):
        return "Not marked as held"
    return "Scheduled"


def report_of(meeting: Meeting, manager_id: int):
    return meeting.participant if meeting.organiser_id == manager_id else meeting.organiser


def meetings_csv(meetings: Iterable[Meeting], *, manager_id: int) -> str:
    now = timezone.now()
    return to_csv(
        list(MEETING_HEADER),
        (
            [
                m.starts_at,
                f"{timezone.localtime(m.starts_at):%H:%M}",
                report_of(m, manager_id).full_name,
                "manager" if m.organiser_id == manager_id else "report",
                meeting_status(m, now=now),
                f"{timezone.localtime(m.rescheduled_from):%Y-%m-%d %H:%M}"
                if m.rescheduled_from
                else "",
            ]
            for m in meetings
        ),
    )
