"""Reads about series and meetings, always from the point of view of the person asking.

Who sees what (DESIGN.md): the two people in a meeting see everything about it;
the participant's manager and their manager, and HR, see when meetings are and
whether they happen (time, status, cadence), never what is in them. Everyone
else gets a 404. Only the two people may change anything.
"""

import datetime as dt

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.utils import timezone

from meetings.models import (
    Attendance,
    CalendarFeed,
    ChangeRequest,
    Meeting,
    MeetingSeries,
    SlotClash,
)
from notifications.calendar import ICAL_UTC, FeedRow
from people.models import User
from people.selectors import reports_of


def _line_of_sight(user: User, *, prefix: str = "") -> Q:
    """Rows where ``user`` is one of the two people, or above the participant."""
    return (
        Q(**{f"{prefix}organiser": user})
        | Q(**{f"{prefix}participant": user})
        | Q(**{f"{prefix}participant__manager": user})
        | Q(**{f"{prefix}participant__manager__manager": user})
    )


def _pending_request_exists():
    return Exists(
        ChangeRequest.objects.filter(meeting=OuterRef("pk"), status=ChangeRequest.Status.PENDING)
    )


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("organiser", "participant", "series")
    if user.is_hr:
        return meetings
    return meetings.filter(_line_of_sight(user))


def meetings_of(user: User) -> QuerySet[Meeting]:
    """The meetings ``user`` is in, as organiser or participant."""
    return (
        Meeting.objects.filter(Q(organiser=user) | Q(participant=user))
        .select_related("organiser", "participant", "series")
        .annotate(has_pending_request=_pending_request_exists())
    )


def is_one_of_the_two(user: User, meeting_or_series) -> bool:
    return user.pk in (meeting_or_series.organiser_id, meeting_or_series.participant_id)


def get_meeting_for_user_or_404(user: User, pk: int, *, write: bool = False) -> Meeting:
    """A meeting ``user`` may see (or, with ``write``, change). Missing and not
    allowed are the same 404."""
    meetings = meetings_visible_to(user)
    if write:
        meetings = meetings.filter(Q(organiser=user) | Q(participant=user))
    try:
        return meetings.get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None


def series_visible_to(user: User) -> QuerySet[MeetingSeries]:
    series = MeetingSeries.objects.select_related("organiser", "participant")
    if user.is_hr:
        return series
    return series.filter(_line_of_sight(user))


def get_series_for_user_or_404(user: User, pk: int, *, write: bool = False) -> MeetingSeries:
    series = series_visible_to(user)
    if write:
        series = series.filter(organiser=user)
    try:
        return series.get(pk=pk)
    except MeetingSeries.DoesNotExist:
        raise Http404("No such series.") from None


def upcoming_meetings_of_series(series: MeetingSeries) -> QuerySet[Meeting]:
    return (
        series.meetings.filter(ends_at__gte=timezone.now())
        .select_related("organiser", "participant")
        .annotate(has_pending_request=_pending_request_exists())
        .order_by("starts_at")
    )


def past_meetings_of_series(series: MeetingSeries) -> QuerySet[Meeting]:
    return series.meetings.filter(ends_at__lt=timezone.now()).order_by("-starts_at")


def open_clashes(*, organiser: User, series: MeetingSeries | None = None) -> QuerySet[SlotClash]:
    """Slots of ``organiser``'s series that need a new time."""
    clashes = SlotClash.objects.filter(
        series__organiser=organiser, skipped=False, slot__gte=timezone.now()
    ).select_related("series__participant", "person", "clashing_meeting")
    if series is not None:
        clashes = clashes.filter(series=series)
    return clashes.order_by("slot")


def get_clash_for_user_or_404(user: User, pk: int) -> SlotClash:
    try:
        return open_clashes(organiser=user).select_related("series__organiser").get(pk=pk)
    except SlotClash.DoesNotExist:
        raise Http404("No such slot.") from None


def pending_requests_for(*, organiser: User) -> QuerySet[ChangeRequest]:
    """Requests from the other person that ``organiser`` has to answer."""
    return (
        ChangeRequest.objects.filter(
            meeting__organiser=organiser,
            status=ChangeRequest.Status.PENDING,
            meeting__ends_at__gte=timezone.now(),
        )
        .select_related("meeting__participant", "requested_by")
        .order_by("meeting__starts_at")
    )


def get_request_for_organiser_or_404(user: User, meeting: Meeting, pk: int) -> ChangeRequest:
    try:
        return ChangeRequest.objects.select_related("meeting").get(
            pk=pk, meeting=meeting, meeting__organiser=user
        )
    except ChangeRequest.DoesNotExist:
        raise Http404("No such request.") from None


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
    open_series = MeetingSeries.objects.filter(organiser=manager).exclude(
        status=MeetingSeries.Status.ENDED
    )
    return (
        reports_of(user=manager)
        .annotate(
            last_held_at=Subquery(last_held.values("starts_at")[:1]),
            next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
            next_meeting_id=Subquery(upcoming.values("pk")[:1]),
        )
        .prefetch_related(Prefetch("attended_series", queryset=open_series, to_attr="open_series"))
        .order_by("full_name")
    )


def bookable_people(*, user: User) -> QuerySet[User]:
    """Whom ``user`` may book a one-off with: their reports and their own manager."""
    people = User.objects.filter(is_active=True).exclude(pk=user.pk)
    return people.filter(Q(manager=user) | Q(pk=user.manager_id or 0)).order_by("full_name")


def feed_of_token(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )


def feed_rows(*, viewer: User) -> list[FeedRow]:
    """What ``viewer``'s calendar feed lists: their own meetings from a year back on,
    each with the other person's name (one query, no model instances)."""
    since = timezone.now() - dt.timedelta(days=365)
    other = Case(When(organiser=viewer, then=F("participant")), default=F("organiser"))
    # As ``User.__str__`` gives it: the full name, or else the email. Looked up for each
    # meeting's other person alone (joining both people hashed the whole people table).
    other_name = Subquery(
        User.objects.filter(pk=OuterRef("other_id"))
        .order_by()
        .annotate(shown=Coalesce(NullIf("full_name", Value("")), "email", output_field=CharField()))
        .values("shown")
    )
    written = {
        name: _ical_utc(name) for name in ("starts_at", "ends_at", "created_at", "updated_at")
    }
    rows = (
        Meeting.objects.filter(Q(organiser=viewer) | Q(participant=viewer), starts_at__gte=since)
        .annotate(other_id=other)
        .order_by("starts_at", "pk")
        .values_list(*(written.get(name, name) for name in FeedRow._fields[:-1]), other_name)
    )
    return [FeedRow._make(row) for row in rows]


def _ical_utc(field: str) -> Func:
    """The time in ``field`` written by the database as iCalendar writes a UTC time:
    turning thousands of times into Python objects and back into text took longer
    than the rest of the feed."""
    in_utc = Func(F(field), Value("UTC"), template="(%(expressions)s)", arg_joiner=" AT TIME ZONE ")
    return Func(in_utc, Value(ICAL_UTC), function="to_char", output_field=CharField())


def clashes_at(
    *, people: list[User], starts: list[dt.datetime], minutes: int, ignore_series=None
) -> dict[dt.datetime, Attendance]:
    """For a preview: which of ``starts`` would clash, and with whose meeting (one query)."""
    if not starts:
        return {}
    length = dt.timedelta(minutes=minutes)
    busy = Attendance.objects.filter(
        person__in=people,
        active=True,
        during__overlap=DateTimeTZRange(min(starts), max(starts) + length),
    ).select_related("person", "meeting")
    if ignore_series is not None:
        busy = busy.exclude(meeting__series=ignore_series)
    busy = list(busy)
    found = {}
    for start in starts:
        for attendance in busy:
            if attendance.during.lower < start + length and start < attendance.during.upper:
                found[start] = attendance
                break
    return found
