"""Reads about series and meetings, always from the point of view of the person asking.

Who sees what (DESIGN.md): the two people in a meeting see everything about it;
the participant's manager and their manager, and HR, see when meetings are and
whether they happen (time, status, cadence), never what is in them. Everyone
else gets a 404. Only the two people may change anything.
"""

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import (
    CharField,
    Exists,
    F,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.utils import timezone

from meetings.formatting import list_times
from meetings.models import (
    Attendance,
    ChangeRequest,
    Kind,
    ManagerHandover,
    Meeting,
    MeetingSeries,
    SlotClash,
)
from oneonones.db import instances_from_json, table
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


def my_meetings(*, viewer: User, past: bool) -> QuerySet[Meeting]:
    """My 1:1s: those to come, soonest first, or (``past``) those over, latest first,
    each with ``organiser_name`` and ``participant_name`` (how a person reads in a
    list: their name, or their email without one)."""
    now = timezone.now()
    mine = Meeting.objects.filter(Q(organiser=viewer) | Q(participant=viewer)).annotate(
        has_pending_request=_pending_request_exists(),
        organiser_name=_name_of("organiser_id"),
        participant_name=_name_of("participant_id"),
    )
    if past:
        return mine.filter(ends_at__lt=now).order_by("-starts_at")
    return mine.filter(ends_at__gte=now).order_by("starts_at")


def _name_of(person_id: str) -> Subquery:
    """``str(person)`` in SQL, looked up by key for each row of the page only: a join
    made PostgreSQL hash the whole people table before it could sort and take the
    page of twenty."""
    return Subquery(
        User.objects.filter(pk=OuterRef(person_id)).values(
            name=Coalesce(NullIf("full_name", Value("")), "email", output_field=CharField())
        )[:1]
    )


def my_meetings_page(
    *, viewer: User, past: bool, number: str | int | None, per_page: int
) -> Page[Meeting]:
    """One page of ``my_meetings``, each with its times as the list shows them
    (``formatting.list_times``), written once here rather than by three date filters
    per row."""
    page = Paginator(my_meetings(viewer=viewer, past=past), per_page).get_page(number)
    meetings = list(page.object_list)
    for meeting in meetings:
        times = list_times(meeting.starts_at, meeting.ends_at)
        for name, text in zip(("starts_iso", "starts_text", "ends_text"), times, strict=True):
            setattr(meeting, name, text)
    page.object_list = meetings
    return page


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
    with connection.cursor() as cursor:
        cursor.execute(
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


# What a meeting's row in a list shows (``_meeting_row.html``), and no more: the two
# people's names, not every column of theirs and of the meeting. (``series``: a series'
# ``meetings`` manager sets it on each row it reads, a query per row when deferred.)
MEETING_ROW_FIELDS = (
    "series_id",
    "kind",
    "starts_at",
    "ends_at",
    "status",
    "rescheduled_from",
    "organiser_id",
    "participant_id",
    "organiser__full_name",
    "organiser__email",
    "participant__full_name",
    "participant__email",
)


def _meeting_rows(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related("organiser", "participant").only(*MEETING_ROW_FIELDS)


def upcoming_meetings_of_series(series: MeetingSeries) -> QuerySet[Meeting]:
    return (
        _meeting_rows(series.meetings.filter(ends_at__gte=timezone.now()))
        .annotate(has_pending_request=_pending_request_exists())
        .order_by("starts_at")
    )


def past_meetings_of_series(series: MeetingSeries) -> QuerySet[Meeting]:
    return _meeting_rows(series.meetings.filter(ends_at__lt=timezone.now())).order_by("-starts_at")


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


# What ``MeetingSeries.cadence_text`` reads.
SERIES_CADENCE_FIELDS = ("cadence", "start_time", "time_zone", "duration_minutes", "end_date")


def team_overview(*, manager: User) -> QuerySet[User]:
    """``manager``'s reports with their last held and next 1:1 and open series."""
    now = timezone.now()
    together = Meeting.objects.filter(participant=OuterRef("pk"), organiser=manager)
    last_held = (
        together.filter(starts_at__lt=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
    )
    upcoming = together.filter(starts_at__gte=now, status=Meeting.Status.SCHEDULED).order_by(
        "starts_at"
    )
    # Only what the rows show: a series' cadence text and status, a report's name.
    open_series = (
        MeetingSeries.objects.filter(organiser=manager)
        .exclude(status=MeetingSeries.Status.ENDED)
        .only(*SERIES_CADENCE_FIELDS, "participant_id", "status")
    )
    return (
        reports_of(manager=manager)
        .select_related(None)
        .only("full_name", "job_title")
        .annotate(
            last_held_at=Subquery(last_held.values("starts_at")[:1]),
            next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
            next_meeting_id=Subquery(upcoming.values("pk")[:1]),
        )
        .prefetch_related(Prefetch("attended_series", queryset=open_series, to_attr="open_series"))
        .order_by("full_name")
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
