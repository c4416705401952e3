"""Reads about series and meetings, always from the point of view of the person asking.

Who sees what (DESIGN.md): the two people in a meeting see everything about it;
the participant's manager and their manager, and HR, see when meetings are and
whether they happen (time, status, cadence), never what is in them. Everyone
else gets a 404. Only the two people may change anything.
"""

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import (
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils import timezone

from meetings.models import (
    Attendance,
    ChangeRequest,
    Kind,
    ManagerHandover,
    Meeting,
    MeetingFeedback,
    MeetingSeries,
    SlotClash,
)
from oneonones.db import execute_prepared, instances_from_json, table
from people.models import User
from people.selectors import reports_of

# A 1:1 within this many days is recent: HR's reports and the home page both say so.
RECENT_DAYS = 45
# Seed 002: a new head of department meets every member of staff within the first term,
# six weeks. "Met everyone" counts from this many days ago unless another date is chosen.
FIRST_TERM_DAYS = 42


def _line_of_sight(user: User, *, prefix: str = "") -> Q:
    """Rows where ``user`` is one of the two people, or above the participant in a line
    meeting. A mentoring check-in is the pair's alone: neither person's line sees it,
    not even its time (DESIGN.md, "Who may see what"); HR sees its cadence."""
    above = Q(**{f"{prefix}participant__manager": user}) | Q(
        **{f"{prefix}participant__manager__manager": user}
    )
    return (
        Q(**{f"{prefix}organiser": user})
        | Q(**{f"{prefix}participant": user})
        | (above & ~Q(**{f"{prefix}kind": Kind.MENTORING}))
    )


def _pending_request_exists() -> Exists:
    return Exists(
        ChangeRequest.objects.filter(meeting=OuterRef("pk"), status=ChangeRequest.Status.PENDING)
    )


def meetings_visible_to(*, viewer: User) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("organiser", "participant", "series")
    if viewer.is_hr:
        return meetings
    return meetings.filter(_line_of_sight(viewer))


def meetings_of(*, viewer: User) -> QuerySet[Meeting]:
    """The meetings ``viewer`` is in, as organiser or participant."""
    return (
        Meeting.objects.filter(Q(organiser=viewer) | Q(participant=viewer))
        .select_related("organiser", "participant", "series")
        .annotate(has_pending_request=_pending_request_exists())
    )


# The columns of a meeting that ``formatting.list_rows`` takes, read by the list pages
# (with the two people's names, which each reads its own way).
LIST_ROW_COLUMNS = (
    "id",
    "kind",
    "starts_at",
    "ends_at",
    "status",
    "rescheduled_from",
    "organiser_id",
    "participant_id",
    "has_pending_request",
)


def _my_meetings_sql(*, past: bool) -> str:
    """My 1:1s, one page and how many there are, in one statement: the meetings over
    (``past``, latest first) or to come (soonest first) that the viewer is one of the two
    of; the page asked for (``asked``; the last when it is 0 or past the end, as
    ``Paginator.get_page`` does), each row the columns of ``LIST_ROW_COLUMNS`` and the two
    people's names (their name, or their email without one); then whether any request of
    the viewer's own waits for an answer (``requests_made_by``)."""
    over, order = ("<", "DESC") if past else (">=", "ASC")
    # The names are looked up by key for each row of the page only: a join made
    # PostgreSQL hash the whole people table before it could sort and take the page.
    return f"""
WITH mine AS (
  SELECT m.id, m.kind, m.starts_at, m.ends_at, m.status,
    m.rescheduled_from IS NOT NULL AS moved, m.organiser_id, m.participant_id
  FROM {table(Meeting)} m
  WHERE (m.organiser_id = %(viewer)s OR m.participant_id = %(viewer)s)
    AND m.ends_at {over} %(now)s
), counted AS (
  SELECT count(*) AS total,
    GREATEST(CEIL(count(*) / %(per_page)s::numeric), 1)::int AS pages
  FROM mine
), page AS (
  SELECT total,
    CASE WHEN %(asked)s < 1 OR %(asked)s > pages THEN pages ELSE %(asked)s END AS number
  FROM counted
)
SELECT page.total, page.number,
  to_json(ARRAY(
    SELECT json_build_array(p.id, p.kind, p.starts_at, p.ends_at, p.status, p.moved,
      p.organiser_id, p.participant_id,
      EXISTS (SELECT 1 FROM {table(ChangeRequest)} r
              WHERE r.meeting_id = p.id AND r.status = %(pending)s),
      (SELECT COALESCE(NULLIF(u.full_name, ''), u.email) FROM {table(User)} u
       WHERE u.id = p.organiser_id),
      (SELECT COALESCE(NULLIF(u.full_name, ''), u.email) FROM {table(User)} u
       WHERE u.id = p.participant_id))
    FROM (
      SELECT * FROM mine ORDER BY mine.starts_at {order}, mine.id {order}
      LIMIT %(per_page)s OFFSET (page.number - 1) * %(per_page)s
    ) p
    ORDER BY p.starts_at {order}, p.id {order}
  )),
  EXISTS (
    SELECT 1 FROM {table(ChangeRequest)} r
    JOIN {table(Meeting)} m ON m.id = r.meeting_id
    WHERE r.requested_by_id = %(viewer)s AND r.status = %(pending)s AND m.ends_at >= %(now)s
  )
FROM page
"""  # noqa: S608 -- table names from the models, values as parameters


MY_MEETINGS_SQL = {past: _my_meetings_sql(past=past) for past in (False, True)}


@dataclass
class MyMeetings:
    """A page of My 1:1s (``my_meetings_page``)."""

    page: Page[dict[str, Any]]
    requests: Sequence[ChangeRequest]


def _page_asked(number: str | int | None) -> int:
    """The page ``Paginator.get_page`` would show for ``number`` before it knows how many
    there are (``validate_number``'s reading): 1 for anything not a whole number, 0 (the
    last) for one below 1, else the number (the last too when past the end)."""
    try:
        asked = int(number)  # type: ignore[arg-type]  # None is not a number: page 1
    except (TypeError, ValueError):
        return 1
    return max(asked, 0)


def my_meetings_page(
    *, viewer: User, past: bool, number: str | int | None, per_page: int
) -> MyMeetings:
    """One page of My 1:1s (``MY_MEETINGS_SQL``), each meeting the columns
    ``formatting.list_rows`` takes, and ``viewer``'s own requests still waiting
    (``requests_made_by``), read only when there are some. One statement besides those."""
    with connection.cursor() as cursor:
        cursor.execute(
            MY_MEETINGS_SQL[past],
            {
                "viewer": viewer.pk,
                "now": timezone.now(),
                "per_page": per_page,
                "asked": _page_asked(number),
                "pending": ChangeRequest.Status.PENDING,
            },
        )
        total, shown, rows_json, has_requests = cursor.fetchone()
    columns = (*LIST_ROW_COLUMNS, "organiser_name", "participant_name")
    rows = [dict(zip(columns, row, strict=True)) for row in rows_json]
    for row in rows:
        row["starts_at"] = dt.datetime.fromisoformat(row["starts_at"])
        row["ends_at"] = dt.datetime.fromisoformat(row["ends_at"])
    # The paginator counts a range as long as the list: the page is read already.
    paginator: Paginator[Any] = Paginator(range(total), per_page)
    page: Page[dict[str, Any]] = Page(rows, shown, paginator)
    return MyMeetings(
        page=page, requests=list(requests_made_by(viewer=viewer)) if has_requests else []
    )


def attach_people(rows: Sequence[Model], fields: tuple[str, ...], people: dict[int, User]) -> None:
    """Set each row's ``fields`` (foreign keys to User) from ``people``, reading those
    not in it in one query, instead of joining a whole person row to every row."""
    missing = {
        person_id
        for row in rows
        for name in fields
        if (person_id := getattr(row, f"{name}_id")) is not None
    } - people.keys()
    if missing:
        people = {**people, **User.objects.in_bulk(missing)}
    for row in rows:
        for name in fields:
            person_id = getattr(row, f"{name}_id")
            if person_id is not None:
                setattr(row, name, people[person_id])


def is_one_of_the_two(*, viewer: User, meeting_or_series: Meeting | MeetingSeries) -> bool:
    return viewer.pk in (meeting_or_series.organiser_id, meeting_or_series.participant_id)


# ``get_meeting_for_user_or_404``'s statement: ``meetings_visible_to`` for one meeting,
# with its two people and its series (each row as JSON, every column). The rule is
# ``_line_of_sight``'s: one of the two, or above the participant (their manager or the
# manager's manager) in a meeting that is not a mentoring check-in; HR sees every
# meeting. Only our models' table names are put in (S608).
# The largest id a table's key (bigint) holds.
MAX_ID = 2**63 - 1

VISIBLE_MEETING_SQL = f"""
SELECT to_jsonb(meeting), to_jsonb(organiser), to_jsonb(participant), to_jsonb(series)
FROM {table(Meeting)} meeting
JOIN {table(User)} organiser ON organiser.id = meeting.organiser_id
JOIN {table(User)} participant ON participant.id = meeting.participant_id
LEFT JOIN {table(MeetingSeries)} series ON series.id = meeting.series_id
LEFT JOIN {table(User)} manager ON manager.id = participant.manager_id
WHERE meeting.id = %(pk)s
  AND (%(hr)s OR meeting.organiser_id = %(viewer)s OR meeting.participant_id = %(viewer)s
       OR ((participant.manager_id = %(viewer)s OR manager.manager_id = %(viewer)s)
           AND meeting.kind <> %(mentoring)s))
"""  # noqa: S608


def get_meeting_for_user_or_404(*, viewer: User, pk: int) -> Meeting:
    """A meeting ``viewer`` may see (``meetings_visible_to``), with its two people and
    its series. Missing and not allowed are the same 404.

    Written as one statement by hand: the meeting page is the page people open most,
    and building this lookup through the ORM (three related rows and the line of
    sight's joins) cost it more than any of its other reads.
    ``test_the_meeting_lookup_is_meetings_visible_to`` compares the two for every role."""
    if not 0 < pk <= MAX_ID:  # the prepared statement's id is a bigint: larger is an error
        raise Http404("No such meeting.")
    with connection.cursor() as cursor:
        execute_prepared(
            cursor,
            VISIBLE_MEETING_SQL,
            {"pk": pk, "viewer": viewer.pk, "hr": viewer.is_hr, "mentoring": Kind.MENTORING},
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such meeting.")
    # Django has psycopg2 hand jsonb over as text; only the series may be missing.
    meeting_row, organiser_row, participant_row, series_row = row
    meeting = instances_from_json(Meeting, [json.loads(meeting_row)])[0]
    meeting.organiser, meeting.participant = instances_from_json(
        User, [json.loads(organiser_row), json.loads(participant_row)]
    )
    if series_row is not None:
        meeting.series = instances_from_json(MeetingSeries, [json.loads(series_row)])[0]
    else:
        meeting.series = None
    # Who completed or cancelled it is nearly always one of the two: no query for them.
    two = {meeting.organiser_id: meeting.organiser, meeting.participant_id: meeting.participant}
    for name in ("completed_by", "cancelled_by"):
        if (person := two.get(getattr(meeting, f"{name}_id"))) is not None:
            setattr(meeting, name, person)
    return meeting


def get_meeting_to_change_or_404(*, viewer: User, pk: int) -> Meeting:
    """A meeting ``viewer`` is one of the two people of: the only ones who may change
    anything about it. Anyone else gets the same 404 as for a missing meeting."""
    try:
        return meetings_of(viewer=viewer).get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None


def series_visible_to(*, viewer: User) -> QuerySet[MeetingSeries]:
    series = MeetingSeries.objects.select_related("organiser", "participant")
    if viewer.is_hr:
        return series
    return series.filter(_line_of_sight(viewer))


def get_series_for_user_or_404(*, viewer: User, pk: int) -> MeetingSeries:
    try:
        return series_visible_to(viewer=viewer).get(pk=pk)
    except MeetingSeries.DoesNotExist:
        raise Http404("No such series.") from None


def get_series_to_change_or_404(*, viewer: User, pk: int) -> MeetingSeries:
    """A series ``viewer`` organises: only the organiser changes a series."""
    try:
        return series_visible_to(viewer=viewer).filter(organiser=viewer).get(pk=pk)
    except MeetingSeries.DoesNotExist:
        raise Http404("No such series.") from None


# How many held 1:1s (and pieces of feedback) the series page lists.
SERIES_PAST_SHOWN = 10

# What the series page reads below the series itself, in one statement: the meetings to
# come (with whether a change is asked), the latest held, the report's feedback on
# them (for the two only), and whether any slot needs a new time or any request waits
# for the organiser, so that those two lists are read only when they have something.
# Each list is an array of rows as JSON, a row the columns of a list row. On a busy
# server every statement waits for its turn on the CPU, and building five ORM
# statements cost more than the page's rows.
SERIES_PAGE_SQL = f"""
SELECT
  to_json(ARRAY(
    SELECT json_build_array(m.id, m.kind, m.starts_at, m.ends_at, m.status,
      m.rescheduled_from IS NOT NULL, m.organiser_id, m.participant_id,
      EXISTS (SELECT 1 FROM {table(ChangeRequest)} r
              WHERE r.meeting_id = m.id AND r.status = %(pending)s))
    FROM {table(Meeting)} m
    WHERE m.series_id = %(series)s AND m.ends_at >= %(now)s
    ORDER BY m.starts_at, m.id
  )),
  to_json(ARRAY(
    SELECT json_build_array(m.id, m.kind, m.starts_at, m.ends_at, m.status,
      m.rescheduled_from IS NOT NULL, m.organiser_id, m.participant_id, false)
    FROM {table(Meeting)} m
    WHERE m.series_id = %(series)s AND m.ends_at < %(now)s
    ORDER BY m.starts_at DESC, m.id DESC
    LIMIT %(past)s
  )),
  to_json(ARRAY(
    SELECT json_build_array(f.id, f.meeting_id, f.usefulness, f.help_more,
      f.preferred_frequency, m.starts_at)
    FROM {table(MeetingFeedback)} f
    JOIN {table(Meeting)} m ON m.id = f.meeting_id
    WHERE %(feedback)s AND m.series_id = %(series)s
    ORDER BY m.starts_at DESC, f.id DESC
    LIMIT %(past)s
  )),
  EXISTS (
    SELECT 1 FROM {table(SlotClash)} c
    WHERE c.series_id = %(series)s AND NOT c.skipped AND c.slot >= %(now)s
  ),
  %(requests)s AND EXISTS (
    SELECT 1 FROM {table(ChangeRequest)} r
    JOIN {table(Meeting)} m ON m.id = r.meeting_id
    WHERE m.series_id = %(series)s AND m.organiser_id = %(organiser)s
      AND r.status = %(pending)s AND m.ends_at >= %(now)s
  )
"""  # noqa: S608 -- table names from the models, values as parameters


FEEDBACK_COLUMNS = ("id", "meeting_id", "usefulness", "help_more", "preferred_frequency")


@dataclass
class SeriesPage:
    """What the series page lists (``series_page_read``)."""

    upcoming: list[dict[str, Any]]
    past: list[dict[str, Any]]
    feedback: list[tuple[dt.datetime, MeetingFeedback]]  # with the start of its meeting
    clashes: Sequence[SlotClash]
    requests: Sequence[ChangeRequest]


def series_page_read(*, series: MeetingSeries, viewer: User) -> SeriesPage:
    """The series' meetings to come and its latest held ones (as ``formatting.list_rows``
    takes them, with the two people's names), the report's feedback on the latest (for
    the two people only), the slots that need a new time (``open_clashes``) and, for the
    two, the requests the organiser has to answer (``pending_requests_for``): one
    statement, and those last two lists read only when there are some. ``series`` comes
    from ``get_series_for_user_or_404`` (its two people are the rows' people; anyone else
    a row names is read in one more query)."""
    one_of_two = is_one_of_the_two(viewer=viewer, meeting_or_series=series)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            SERIES_PAGE_SQL,
            {
                "series": series.pk,
                "organiser": series.organiser_id,
                "now": now,
                "past": SERIES_PAST_SHOWN,
                "pending": ChangeRequest.Status.PENDING,
                "feedback": one_of_two,
                "requests": one_of_two,
            },
        )
        upcoming_json, past_json, feedback_json, has_clashes, has_requests = cursor.fetchone()
    # psycopg2 decodes json (Django has it hand only jsonb over as text).
    upcoming = [dict(zip(LIST_ROW_COLUMNS, row, strict=True)) for row in upcoming_json]
    past = [dict(zip(LIST_ROW_COLUMNS, row, strict=True)) for row in past_json]
    names = {
        series.organiser_id: str(series.organiser),
        series.participant_id: str(series.participant),
    }
    _name_rows([*upcoming, *past], names)
    # Each piece of feedback, then the start of its meeting.
    feedback = [
        (
            dt.datetime.fromisoformat(row[-1]),
            MeetingFeedback(**dict(zip(FEEDBACK_COLUMNS, row[:-1], strict=True))),
        )
        for row in feedback_json
    ]
    return SeriesPage(
        upcoming=upcoming,
        past=past,
        feedback=feedback,
        clashes=list(open_clashes(organiser=series.organiser, series=series))
        if has_clashes
        else [],
        requests=(
            list(pending_requests_for(organiser=series.organiser, series=series))
            if has_requests
            else []
        ),
    )


def _name_rows(rows: list[dict[str, Any]], names: dict[int, str]) -> None:
    """Set each row's times as datetimes and its ``organiser_name`` and ``participant_name``
    from ``names`` (person id to ``str(person)``), reading anyone else in one query."""
    missing = {
        row[key] for row in rows for key in ("organiser_id", "participant_id")
    } - names.keys()
    if missing:
        names = {
            **names,
            **{pk: str(person) for pk, person in User.objects.in_bulk(missing).items()},
        }
    for row in rows:
        row["starts_at"] = dt.datetime.fromisoformat(row["starts_at"])
        row["ends_at"] = dt.datetime.fromisoformat(row["ends_at"])
        row["organiser_name"] = names[row["organiser_id"]]
        row["participant_name"] = names[row["participant_id"]]


def open_clashes(*, organiser: User, series: MeetingSeries | None = None) -> QuerySet[SlotClash]:
    """Slots of ``organiser``'s series that need a new time."""
    clashes = SlotClash.objects.filter(
        series__organiser=organiser, skipped=False, slot__gte=timezone.now()
    ).select_related("series__participant", "person", "clashing_meeting", "meeting")
    if series is not None:
        clashes = clashes.filter(series=series)
    return clashes.order_by("slot")


def get_clash_for_user_or_404(*, viewer: User, pk: int) -> SlotClash:
    try:
        return open_clashes(organiser=viewer).select_related("series__organiser").get(pk=pk)
    except SlotClash.DoesNotExist:
        raise Http404("No such slot.") from None


def pending_requests_for(
    *, organiser: User, series: MeetingSeries | None = None
) -> QuerySet[ChangeRequest]:
    """Requests from the other person that ``organiser`` has to answer (of ``series``)."""
    requests = ChangeRequest.objects.filter(
        meeting__organiser=organiser,
        status=ChangeRequest.Status.PENDING,
        meeting__ends_at__gte=timezone.now(),
    )
    if series is not None:
        requests = requests.filter(meeting__series=series)
    return requests.select_related("meeting__participant", "requested_by").order_by(
        "meeting__starts_at"
    )


def requests_made_by(*, viewer: User) -> QuerySet[ChangeRequest]:
    """``viewer``'s own requests still waiting for an answer, for meetings not over."""
    return (
        ChangeRequest.objects.filter(
            requested_by=viewer,
            status=ChangeRequest.Status.PENDING,
            meeting__ends_at__gte=timezone.now(),
        )
        .select_related("meeting__organiser")
        .order_by("meeting__starts_at")
    )


def get_request_for_organiser_or_404(*, viewer: User, meeting: Meeting, pk: int) -> ChangeRequest:
    try:
        return ChangeRequest.objects.select_related("meeting").get(
            pk=pk, meeting=meeting, meeting__organiser=viewer
        )
    except ChangeRequest.DoesNotExist:
        raise Http404("No such request.") from None


# What My team reads, in one statement (as the series page's): the viewer's reports
# still working here, by name, each with the start of their latest 1:1 with the viewer
# that was not called off, their next one still scheduled (start and id), and their
# series with the viewer not ended (what the cadence's words need), newest first; then
# whether any slot needs a new time or any request waits for the viewer, so that those
# two lists are read only when they have something.
TEAM_PAGE_SQL = f"""
SELECT
  to_json(ARRAY(
    SELECT json_build_array(
      person.id, person.full_name, person.job_title,
      (SELECT m.starts_at FROM {table(Meeting)} m
       WHERE m.participant_id = person.id AND m.organiser_id = %(manager)s
         AND m.starts_at < %(now)s AND m.status <> %(cancelled)s
       ORDER BY m.starts_at DESC LIMIT 1),
      next.starts_at, next.id,
      ARRAY(
        SELECT json_build_array(s.id, s.status, s.cadence, s.start_time, s.time_zone,
          s.duration_minutes, s.end_date)
        FROM {table(MeetingSeries)} s
        WHERE s.organiser_id = %(manager)s AND s.participant_id = person.id
          AND s.status <> %(ended)s
        ORDER BY s.created_at DESC, s.id DESC
      ))
    FROM {table(User)} person
    LEFT JOIN LATERAL (
      SELECT m.starts_at, m.id FROM {table(Meeting)} m
      WHERE m.participant_id = person.id AND m.organiser_id = %(manager)s
        AND m.starts_at >= %(now)s AND m.status = %(scheduled)s
      ORDER BY m.starts_at LIMIT 1
    ) next ON true
    WHERE person.manager_id = %(manager)s AND person.is_active
    ORDER BY person.full_name, person.id
  )),
  EXISTS (
    SELECT 1 FROM {table(SlotClash)} c
    JOIN {table(MeetingSeries)} s ON s.id = c.series_id
    WHERE s.organiser_id = %(manager)s AND NOT c.skipped AND c.slot >= %(now)s
  ),
  EXISTS (
    SELECT 1 FROM {table(ChangeRequest)} r
    JOIN {table(Meeting)} m ON m.id = r.meeting_id
    WHERE m.organiser_id = %(manager)s AND r.status = %(pending)s AND m.ends_at >= %(now)s
  )
"""  # noqa: S608 -- table names from the models, values as parameters


@dataclass
class TeamRow:
    """One of the viewer's reports on My team (``team_page_read``)."""

    id: int
    full_name: str
    job_title: str
    last_held_at: dt.datetime | None
    next_meeting_at: dt.datetime | None
    next_meeting_id: int | None
    # Not ended, newest first; each with what ``cadence_text`` reads, and its status.
    open_series: list[MeetingSeries]


@dataclass
class TeamPage:
    reports: list[TeamRow]
    clashes: Sequence[SlotClash]
    requests: Sequence[ChangeRequest]


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


# The columns of a series in TEAM_PAGE_SQL: what ``cadence_text`` reads, and its status.
TEAM_SERIES_COLUMNS = (
    "id",
    "status",
    "cadence",
    "start_time",
    "time_zone",
    "duration_minutes",
    "end_date",
)


def _open_series(row: list[Any], *, organiser_id: int, participant_id: int) -> MeetingSeries:
    fields = dict(zip(TEAM_SERIES_COLUMNS, row, strict=True))
    fields["start_time"] = dt.time.fromisoformat(fields["start_time"])
    fields["end_date"] = dt.date.fromisoformat(fields["end_date"]) if fields["end_date"] else None
    return MeetingSeries(organiser_id=organiser_id, participant_id=participant_id, **fields)


def team_page_read(*, manager: User) -> TeamPage:
    """My team: ``manager``'s reports still working here (``people.selectors.reports_of``),
    each with their last held and next 1:1 with ``manager`` and their series with them
    not ended; the slots of ``manager``'s series that need a new time (``open_clashes``)
    and the requests ``manager`` has to answer (``pending_requests_for``), read only when
    there are some. One statement besides those two."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            TEAM_PAGE_SQL,
            {
                "manager": manager.pk,
                "now": now,
                "cancelled": Meeting.Status.CANCELLED,
                "scheduled": Meeting.Status.SCHEDULED,
                "ended": MeetingSeries.Status.ENDED,
                "pending": ChangeRequest.Status.PENDING,
            },
        )
        reports_json, has_clashes, has_requests = cursor.fetchone()
    reports = []
    for pk, full_name, job_title, last_held_at, next_at, next_id, series in reports_json:
        open_series = [
            _open_series(row, organiser_id=manager.pk, participant_id=pk) for row in series
        ]
        reports.append(
            TeamRow(
                id=pk,
                full_name=full_name,
                job_title=job_title,
                last_held_at=_moment(last_held_at),
                next_meeting_at=_moment(next_at),
                next_meeting_id=next_id,
                open_series=open_series,
            )
        )
    return TeamPage(
        reports=reports,
        clashes=list(open_clashes(organiser=manager)) if has_clashes else [],
        requests=list(pending_requests_for(organiser=manager)) if has_requests else [],
    )


def bookable_people(*, viewer: User) -> QuerySet[User]:
    """Whom ``viewer`` may book a one-off with: their reports and their own manager."""
    people = User.objects.filter(is_active=True).exclude(pk=viewer.pk)
    return people.filter(Q(manager=viewer) | Q(pk=viewer.manager_id or 0)).order_by("full_name")


def clashes_at(
    *,
    people: list[User],
    starts: list[dt.datetime],
    minutes: int,
    ignore_series: MeetingSeries | None = None,
) -> dict[dt.datetime, Attendance]:
    """For a preview: which of ``starts`` would clash, and with whose meeting (one query)."""
    if not starts:
        return {}
    length = dt.timedelta(minutes=minutes)
    query = Attendance.objects.filter(
        person__in=people,
        active=True,
        during__overlap=DateTimeTZRange(min(starts), max(starts) + length),
    ).select_related("person", "meeting")
    if ignore_series is not None:
        query = query.exclude(meeting__series=ignore_series)
    busy = list(query)
    found = {}
    for start in starts:
        for attendance in busy:
            if attendance.during.lower < start + length and start < attendance.during.upper:
                found[start] = attendance
                break
    return found


# --- "Met everyone": who a manager has met since a date ----------------------------------


def held_with_manager_since(*, since: dt.datetime, person: Any, manager: Any) -> QuerySet[Meeting]:
    """1:1s of ``person`` and ``manager`` (expressions or ids, either of them may have
    booked it) marked as held, that started at ``since`` or later and before now."""
    return Meeting.objects.filter(
        Q(organiser=manager, participant=person) | Q(organiser=person, participant=manager),
        status=Meeting.Status.COMPLETED,
        starts_at__gte=since,
        starts_at__lte=timezone.now(),
    )


def _open_series_with_report(manager: User) -> QuerySet[MeetingSeries]:
    """For a subquery over reports: ``manager``'s series with that report, not ended."""
    return MeetingSeries.objects.filter(organiser=manager, participant=OuterRef("pk")).exclude(
        status=MeetingSeries.Status.ENDED
    )


def default_met_since(*, viewer: User) -> dt.date:
    """The first day "met everyone" counts from: six weeks ago, in the viewer's zone."""
    return timezone.localdate(timezone.now(), viewer.zone) - dt.timedelta(days=FIRST_TERM_DAYS)


def start_of_day(day: dt.date, *, viewer: User) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=viewer.zone)


def met_since(*, viewer: User, since: dt.date) -> QuerySet[User]:
    """``viewer``'s current reports, each with ``last_met_at`` (their latest held 1:1
    with the viewer since the start of ``since`` in the viewer's zone, or None),
    ``next_meeting_id``/``next_meeting_at`` and whether an active or paused series of
    the two exists (``has_series``). One query; those still to meet first."""
    since_at = start_of_day(since, viewer=viewer)
    held = held_with_manager_since(since=since_at, person=OuterRef("pk"), manager=viewer).order_by(
        "-starts_at"
    )
    upcoming = Meeting.objects.filter(
        Q(organiser=viewer, participant=OuterRef("pk"))
        | Q(organiser=OuterRef("pk"), participant=viewer),
        status=Meeting.Status.SCHEDULED,
        ends_at__gte=timezone.now(),
    ).order_by("starts_at", "pk")
    return (
        reports_of(manager=viewer)
        .annotate(
            last_met_at=Subquery(held.values("starts_at")[:1]),
            next_meeting_id=Subquery(upcoming.values("pk")[:1]),
            next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
            has_series=Exists(_open_series_with_report(viewer)),
        )
        .order_by(F("last_met_at").asc(nulls_first=True), "full_name", "pk")
    )


def new_reports_to_book(*, viewer: User) -> QuerySet[User]:
    """People who came to ``viewer`` by a change of manager and still report to them,
    with no series of the two yet: the new manager is asked to book until there is one."""
    came = ManagerHandover.objects.filter(new_manager=viewer, person=OuterRef("pk"))
    return (
        reports_of(manager=viewer)
        .filter(Exists(came))
        .exclude(Exists(_open_series_with_report(viewer)))
    )
