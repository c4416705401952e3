"""Writes about series and meetings. Each service is one transaction.

The no-double-booking rule lives in the database (see ``Attendance``): services
insert or move attendance rows inside a savepoint and turn a violation into
``MeetingClash``, whose message names the meeting in the way people speak.

One meeting per occurrence, also kept by the database (``Meeting.occurrence``):
a change of a series' time, day, rhythm, zone or dates never books a second
meeting beside one that has content. ``series_reconcile`` first puts the future
meetings onto the new rule (untouched ones replaced, ones with content moved with
everything in them, or left where they were to wait for a new time), then
generation books what is missing. A series of a handful of meetings is booked in
the request that creates or changes it (``INLINE_GENERATION_SLOTS``); the task
and the daily job do the rest and catch up when the broker was down.

A rule that refuses raises the error family of ``oneonones.errors`` (``MeetingClash``
is a ``ServiceError`` too); the views show its message.
"""

import bisect
import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import recurrence
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Case, Q, QuerySet, When
from django.utils import timezone

from meetings.cadence import (
    NEXT_MEETING_WITHIN_DAYS,
    CadenceError,
    cadence_interval,
    check_cadence,
    next_starts,
    series_starts,
)
from meetings.formatting import clash_message
from meetings.models import (
    DOUBLE_BOOKING_CONSTRAINT,
    OCCURRENCE_UNIQUE_CONSTRAINT,
    ONE_ACTIVE_SERIES_CONSTRAINT,
    SLOT_UNIQUE_CONSTRAINT,
    AgendaItem,
    AgendaTemplate,
    Attendance,
    CancelReason,
    ChangeRequest,
    Kind,
    Meeting,
    MeetingSeries,
    SlotClash,
)
from meetings.record.services import carry_over, handovers_bring, next_time_land
from mentoring.selectors import has_active_mentorship
from notifications import outbox as reminders
from oneonones import limits
from oneonones.db import insert_rows, insert_values
from oneonones.errors import ServiceError, refused, within_limits
from oneonones.queue import enqueue_on_commit
from people.models import User

logger = logging.getLogger(__name__)

HORIZON = relativedelta(months=6)
# Fields whose change moves the series' meetings (and so replaces the untouched ones).
TIMING_FIELDS = ("cadence", "start_time", "time_zone", "first_date", "end_date", "duration_minutes")
DETAIL_FIELDS = ("kind", "format", "location")
DEADLOCK_DETECTED = "40P01"

ATTENDANCE_ATTEMPTS = 3
# Fields of the series alone: meetings read them from the series when shown.
SERIES_ONLY_FIELDS = ("default_template",)
# A series whose six months hold at most this many meetings (a weekly one has 27) is
# booked in the request that creates or changes it, so it never waits for the broker;
# a larger one (a custom daily rule) is left to the task, and the daily job catches up.
INLINE_GENERATION_SLOTS = 60
# Series per transaction in ``generate_many``; rows per insert statement.
GENERATION_CHUNK = 200
BULK_BATCH = 2000
# Without a rule to measure, a meeting follows a change to an occurrence at most this far.
DEFAULT_FOLLOW_DISTANCE = dt.timedelta(days=3, hours=12)
# Rows hung on a meeting that do not mean anyone worked on it (the outbox's are the
# notifications app's; named by label, so scheduling need not import it).
BOOKKEEPING = {"meetings.Attendance", "meetings.SlotClash", "notifications.Reminder"}


class MeetingClash(ServiceError):
    """Someone is already busy then. ``message`` is ready to show to ``viewer``."""

    def __init__(self, *, person: User, clashing: Meeting | None, viewer: User | None) -> None:
        self.person = person
        self.clashing = clashing
        super().__init__(clash_message(person=person, clashing=clashing, viewer=viewer))


def _violated_constraint(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _first_clash(
    *, meeting: Meeting, starts_at: dt.datetime, ends_at: dt.datetime
) -> tuple[User, Meeting | None]:
    """Who of the meeting's two people is busy between the two times, and with what."""
    busy = (
        Attendance.objects.filter(
            person_id__in=[meeting.organiser_id, meeting.participant_id],
            active=True,
            during__overlap=DateTimeTZRange(starts_at, ends_at),
        )
        .exclude(meeting_id=meeting.pk)
        .select_related("person", "meeting")
        # When both people are busy with the same meeting, name the organiser, every time.
        .order_by(
            "meeting__starts_at",
            Case(When(person_id=meeting.organiser_id, then=0), default=1),
        )
        .first()
    )
    if busy is None:
        # The other booking was not committed yet when we looked; name the organiser.
        return meeting.organiser, None
    return busy.person, busy.meeting


def _is_deadlock(error: OperationalError) -> bool:
    return getattr(error.__cause__, "pgcode", None) == DEADLOCK_DETECTED


def save_attendances(*, meeting: Meeting, viewer: User | None) -> None:
    """Create or update the two attendance rows; raise MeetingClash on a double booking.

    Runs in its own savepoint so that a clash leaves the caller's transaction usable.
    Two bookings of the same time racing each other can make PostgreSQL's exclusion
    check deadlock instead of reporting the clash; the loser retries once the winner
    has committed, and then sees the clash like anyone else.
    """
    during = DateTimeTZRange(meeting.starts_at, meeting.ends_at)
    active = meeting.status != Meeting.Status.CANCELLED
    for attempt in range(1, ATTENDANCE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                for person_id in (meeting.organiser_id, meeting.participant_id):
                    Attendance.objects.update_or_create(
                        meeting=meeting,
                        person_id=person_id,
                        defaults={"during": during, "active": active},
                    )
            return
        except OperationalError as error:
            if not _is_deadlock(error) or attempt == ATTENDANCE_ATTEMPTS:
                raise
        except IntegrityError as error:
            if _violated_constraint(error) != DOUBLE_BOOKING_CONSTRAINT:
                raise
            person, clashing = _first_clash(
                meeting=meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at
            )
            raise MeetingClash(person=person, clashing=clashing, viewer=viewer) from None


def _check_bookable_kind(kind: str) -> None:
    if kind == Kind.OFFICE_HOURS:
        raise ServiceError("Office hours are booked by signing up for a slot.", field="kind")


def _check_pair(*, organiser: User, participant: User) -> None:
    if organiser.pk == participant.pk:
        raise ServiceError("A 1:1 needs two different people.")
    if not (organiser.is_active and participant.is_active):
        raise ServiceError("Both people must still work here.")


# The series' row is locked FOR NO KEY UPDATE by the services that change a series: an
# agenda item or action being written at that moment checks its foreign key to the
# series with a KEY SHARE lock, which that leaves free, so the writer (holding its
# meeting's row) and the change (waiting for that meeting's row) cannot deadlock.

# --- One-off meetings --------------------------------------------------------------


def may_book_with(*, user: User, other: User, kind: str = Kind.ONE_TO_ONE) -> bool:
    """Whom ``user`` may book with. Line meetings (1:1s, wellbeing chats): one-offs
    with your reports or your own manager. Mentoring check-ins: only with your mentor,
    while the relationship is active (the mentee owns and books them, seed 004), and
    only as a series (``series_create``); a mentor never books their mentee's line 1:1s
    nor the other way round."""
    if not other.is_active:
        return False
    if kind == Kind.MENTORING:
        return has_active_mentorship(mentee=user, mentor=other)
    return other.manager_id == user.pk or user.manager_id == other.pk


MENTORING_ONE_OFF = (
    "Mentoring check-ins are booked as a series with your mentor, from your mentoring page."
)
MENTORING_ONLY_WITH_MENTOR = (
    "You can book mentoring check-ins with your mentor once they have accepted; you book "
    "them, as the mentee."
)


@transaction.atomic
def meeting_book(
    *,
    organiser: User,
    participant: User,
    starts_at: dt.datetime,
    duration_minutes: int,
    kind: str = Kind.ONE_TO_ONE,
    format: str,
    location: str = "",
) -> Meeting:
    """Book a one-off meeting. Raises MeetingClash if either person is busy."""
    _check_pair(organiser=organiser, participant=participant)
    if kind == Kind.MENTORING:
        raise ServiceError(MENTORING_ONE_OFF, field="kind")
    if not may_book_with(user=organiser, other=participant, kind=kind):
        raise ServiceError("You can book 1:1s with your reports and with your manager.")
    _check_bookable_kind(kind)
    return _book_one_off(
        organiser=organiser,
        participant=participant,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        kind=kind,
        format=format,
        location=location,
        viewer=organiser,
    )


def _book_one_off(
    *,
    organiser: User,
    participant: User,
    starts_at: dt.datetime,
    duration_minutes: int,
    kind: str,
    format: str,
    location: str,
    viewer: User,
) -> Meeting:
    within_limits(limits.check_meeting_start, starts_at)
    meeting = Meeting.objects.create(
        organiser=organiser,
        participant=participant,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=duration_minutes),
        format=format,
        location=location,
    )
    save_attendances(meeting=meeting, viewer=viewer)
    reminders.sync_meetings([meeting])
    return meeting


@transaction.atomic
def office_hours_meeting_book(
    *,
    host: User,
    person: User,
    starts_at: dt.datetime,
    duration_minutes: int,
    format: str,
    location: str = "",
) -> Meeting:
    """A sign-up to ``host``'s office hours, booked by ``person``: a one-off of kind
    office hours with the host as organiser. Whom a host's time is open to is the
    officehours app's rule (it calls this after checking); the no-double-booking rule is
    the same as for any meeting: raises MeetingClash (its message for ``person``) when
    either is busy, also when someone else took the slot a moment before."""
    _check_pair(organiser=host, participant=person)
    return _book_one_off(
        organiser=host,
        participant=person,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        kind=Kind.OFFICE_HOURS,
        format=format,
        location=location,
        viewer=person,
    )


# --- Series ------------------------------------------------------------------------


@dataclass
class GenerationResult:
    created: int = 0
    clashes: int = 0

    def __iadd__(self, other: "GenerationResult") -> "GenerationResult":
        self.created += other.created
        self.clashes += other.clashes
        return self


def _enqueue_generation(series: MeetingSeries) -> None:
    enqueue_on_commit("meetings.tasks.generate_series_meetings", series.pk)


@transaction.atomic
def series_create(
    *,
    organiser: User,
    participant: User,
    cadence: recurrence.Recurrence,
    start_time: dt.time,
    time_zone: str,
    first_date: dt.date,
    end_date: dt.date | None = None,
    duration_minutes: int = 30,
    kind: str = Kind.ONE_TO_ONE,
    format: str,
    location: str = "",
    default_template: AgendaTemplate | None = None,
) -> MeetingSeries:
    """Create a series; its meetings are generated after commit (and daily).

    A line series: the organiser is the participant's manager. A mentoring series
    (``kind=MENTORING``): the organiser is the mentee and the participant their mentor
    in an active relationship; the mentee owns it (books, changes, ends it), the mentor
    asks for changes as a report does."""
    _check_pair(organiser=organiser, participant=participant)
    _check_bookable_kind(kind)
    if kind == Kind.MENTORING:
        if not may_book_with(user=organiser, other=participant, kind=kind):
            raise ServiceError(MENTORING_ONLY_WITH_MENTOR, field="kind")
    elif participant.manager_id != organiser.pk:
        raise ServiceError("You can book a recurring 1:1 with the people who report to you.")
    _check_template(default_template, organiser=organiser)
    _check_series_dates(first_date=first_date, end_date=end_date)
    _check_no_active_series(organiser=organiser, participant=participant)
    series = MeetingSeries(
        organiser=organiser,
        participant=participant,
        kind=kind,
        cadence=cadence,
        start_time=start_time,
        time_zone=time_zone,
        first_date=first_date,
        end_date=end_date,
        duration_minutes=duration_minutes,
        format=format,
        location=location,
        default_template=default_template,
    )
    _check_series_rules(series)
    try:
        series.full_clean()
    except ValidationError as error:
        raise refused(error) from None
    _save_active_series(series)
    _generate_now_or_later(series)
    return series


def _active_series_between(first: User, second: User) -> QuerySet[MeetingSeries]:
    return MeetingSeries.objects.filter(
        Q(organiser=first, participant=second) | Q(organiser=second, participant=first),
        status=MeetingSeries.Status.ACTIVE,
    )


def _second_series_message(existing: MeetingSeries, *, organiser: User) -> str:
    other = existing.participant if existing.organiser_id == organiser.pk else existing.organiser
    return (
        f"You already have an active series with {other} ({existing.cadence_text}). "
        "Change that one, or end it before booking another."
    )


def _check_no_active_series(
    *, organiser: User, participant: User, exclude: MeetingSeries | None = None
) -> None:
    existing = _active_series_between(organiser, participant)
    if exclude is not None:
        existing = existing.exclude(pk=exclude.pk)
    found = existing.first()
    if found is not None:
        raise ServiceError(_second_series_message(found, organiser=organiser))


def _save_active_series(series: MeetingSeries, **kwargs: Any) -> None:
    """Save ``series``; a second active series of the same two people, created at the
    same moment by another request, is refused by the database and said so here."""
    try:
        with transaction.atomic():
            series.save(**kwargs)
    except IntegrityError as error:
        if _violated_constraint(error) != ONE_ACTIVE_SERIES_CONSTRAINT:
            raise
        existing = _active_series_between(series.organiser, series.participant).first()
        if existing is None:
            raise
        raise ServiceError(_second_series_message(existing, organiser=series.organiser)) from None


def _generate_now_or_later(series: MeetingSeries) -> None:
    """Book the series' next six months in this transaction when they are a handful of
    meetings; leave a large rule to the task (enqueued on commit)."""
    if series.status != MeetingSeries.Status.ACTIVE:
        return
    now = timezone.now()
    slots = series_starts(series, after=now, before=_horizon_end(series, now))
    if len(slots) <= INLINE_GENERATION_SLOTS:
        series_generate(series_id=series.pk, now=now)
    else:
        _enqueue_generation(series)


def _check_series_dates(*, first_date: dt.date, end_date: dt.date | None) -> None:
    """A series starts at most two years ahead and ends at most ten years ahead."""
    within_limits(limits.check_first_date, first_date)
    if end_date is not None:
        within_limits(limits.check_planning_day, end_date, what="a last date")


def _check_series_rules(series: MeetingSeries) -> None:
    """The booking form's rules, held here as well, so that no caller can store a
    series that books nothing: a cadence that gives dates, a last date not before the
    first, and at least one meeting in the coming year."""
    try:
        check_cadence(series.cadence)
    except CadenceError as error:
        raise ServiceError(str(error), field="pattern") from None
    if series.end_date is not None and series.end_date < series.first_date:
        raise ServiceError("The last date must be on or after the first.", field="end_date")
    if not next_starts(
        series, after=timezone.now(), count=1, horizon_days=NEXT_MEETING_WITHIN_DAYS
    ):
        raise ServiceError("These settings give no meeting in the next year.", field="pattern")


def _check_template(template: AgendaTemplate | None, *, organiser: User) -> None:
    if template is not None and template.owner_id not in (None, organiser.pk):
        raise ServiceError("Choose one of the built-in templates or one of your own.")


def _touched_meeting_filters() -> list[str]:
    """Relations that mean someone has worked on a meeting (agenda items, notes,
    requests, and whatever later apps hang on a meeting); bookkeeping rows do not count."""
    return [
        rel.name
        for rel in Meeting._meta.related_objects
        if rel.related_model._meta.label not in BOOKKEEPING and rel.related_model is not Meeting
    ]


def untouched_future_meetings(*, series: MeetingSeries) -> QuerySet[Meeting]:
    """Future meetings of the series nobody has moved, cancelled or added anything to."""
    meetings = Meeting.objects.filter(
        series=series,
        starts_at__gt=timezone.now(),
        status=Meeting.Status.SCHEDULED,
        rescheduled_from__isnull=True,
    )
    for name in _touched_meeting_filters():
        meetings = meetings.exclude(**{f"{name}__isnull": False})
    return meetings


def _remove_untouched_future(series: MeetingSeries, *, by: User) -> int:
    doomed = untouched_future_meetings(series=series)
    # Both people hear of it: a CANCEL where the invitation went out, else an email.
    reminders.meetings_removed(doomed, by=by)
    removed: int
    removed, _ = doomed.delete()
    SlotClash.objects.filter(series=series, slot__gt=timezone.now()).delete()
    return removed


@transaction.atomic
def series_update(*, series: MeetingSeries, by: User, **changes: Any) -> MeetingSeries:
    """Change a series. A new cadence or time moves the future meetings onto the new
    rule (``series_reconcile``): one meeting per occurrence, nothing with content lost,
    past meetings unchanged. New details (kind, format, place) are copied onto the
    future meetings."""
    series = MeetingSeries.objects.select_for_update(no_key=True).get(pk=series.pk)
    if by.pk != series.organiser_id:
        raise ServiceError("Only the organiser can change this series.")
    unknown = set(changes) - set(TIMING_FIELDS) - set(DETAIL_FIELDS) - set(SERIES_ONLY_FIELDS)
    if unknown:
        raise TypeError(f"Cannot change {sorted(unknown)}")
    if "default_template" in changes:
        _check_template(changes["default_template"], organiser=series.organiser)
    if "kind" in changes:
        _check_bookable_kind(changes["kind"])
    changes_kind = "kind" in changes and changes["kind"] != series.kind
    if changes_kind and Kind.MENTORING in {changes["kind"], series.kind}:
        # Who may see a meeting follows its kind (meetings.selectors): a line series
        # never turns into a mentoring one, nor the other way round.
        raise ServiceError(
            "A mentoring series stays a mentoring series, and a line 1:1 cannot "
            "become one: book a new series instead.",
            field="kind",
        )
    retimed = any(
        getattr(series, name) != value
        for name, value in changes.items()
        if name in TIMING_FIELDS and name != "cadence"
    )
    if "cadence" in changes:
        retimed |= recurrence.serialize(changes["cadence"]) != recurrence.serialize(series.cadence)
    for name, value in changes.items():
        setattr(series, name, value)
    if "first_date" in changes or "end_date" in changes:
        _check_series_dates(first_date=series.first_date, end_date=series.end_date)
    if retimed:
        _check_series_rules(series)
    try:
        series.full_clean()
    except ValidationError as error:
        raise refused(error) from None
    if retimed:
        series.generated_until = None
    series.save()
    future = Meeting.objects.filter(
        series=series, starts_at__gt=timezone.now(), status=Meeting.Status.SCHEDULED
    )
    details = {name: changes[name] for name in DETAIL_FIELDS if name in changes}
    if details:
        changed = []
        for meeting in future:
            if any(getattr(meeting, name) != value for name, value in details.items()):
                for name, value in details.items():
                    setattr(meeting, name, value)
                meeting.sequence += 1
                meeting.save(update_fields=[*details, "sequence", "updated_at"])
                changed.append(meeting)
        # A new version of each changed meeting: calendars that have it get it again.
        reminders.sync_meetings(changed)
    if retimed:
        # Every future meeting moves onto the new rule now (untouched ones are
        # replaced, ones with content follow), even for a large rule or a paused series.
        series_reconcile(series=series, now=timezone.now(), by=by)
    _generate_now_or_later(series)
    return series


def _set_series_status(*, series: MeetingSeries, by: User, status: str) -> MeetingSeries:
    series = (
        MeetingSeries.objects.select_for_update(of=("self",), no_key=True)
        .select_related("organiser", "participant")
        .get(pk=series.pk)
    )
    if by.pk != series.organiser_id:
        raise ServiceError("Only the organiser can change this series.")
    if series.status == MeetingSeries.Status.ENDED:
        raise ServiceError("This series has ended; book a new one instead.")
    series.status = status
    _save_active_series(series, update_fields=["status", "updated_at"])
    return series


@transaction.atomic
def series_pause(*, series: MeetingSeries, by: User) -> MeetingSeries:
    """Stop generating new meetings; the ones already booked stay."""
    return _set_series_status(series=series, by=by, status=MeetingSeries.Status.PAUSED)


@transaction.atomic
def series_resume(*, series: MeetingSeries, by: User) -> MeetingSeries:
    _check_no_active_series(
        organiser=series.organiser, participant=series.participant, exclude=series
    )
    series = _set_series_status(series=series, by=by, status=MeetingSeries.Status.ACTIVE)
    _generate_now_or_later(series)
    return series


@transaction.atomic
def series_end(*, series: MeetingSeries, by: User) -> MeetingSeries:
    """End the series: untouched future meetings go; meetings with content stay."""
    series = _set_series_status(series=series, by=by, status=MeetingSeries.Status.ENDED)
    _remove_untouched_future(series, by=by)
    return series


MENTORING_ENDED_NOTE = "The mentoring relationship ended."


@transaction.atomic
def mentoring_series_end(*, mentee: User, mentor: User, by: User) -> int:
    """A mentoring relationship ended (``mentoring.services.mentorship_end``, by either
    of the two or by HR): the mentee's mentoring series with the mentor end, their
    untouched future check-ins go and those someone prepared are called off (their
    content stays as the pair's record), both people told as for any series that ends.
    Returns how many future check-ins went or were called off."""
    gone = 0
    open_series = MeetingSeries.objects.select_for_update(no_key=True).filter(
        organiser=mentee, participant=mentor, kind=Kind.MENTORING
    )
    for series in open_series.exclude(status=MeetingSeries.Status.ENDED):
        series.status = MeetingSeries.Status.ENDED
        series.save(update_fields=["status", "updated_at"])
        gone += untouched_future_meetings(series=series).count()
        _remove_untouched_future(series, by=by)
    prepared = Meeting.objects.select_for_update(of=("self",)).filter(
        organiser=mentee,
        participant=mentor,
        kind=Kind.MENTORING,
        status=Meeting.Status.SCHEDULED,
        starts_at__gt=timezone.now(),
    )
    for meeting in prepared:
        _withdraw_pending_requests(meeting, by=by)
        _cancel(meeting=meeting, by=by, reason=CancelReason.OTHER, note=MENTORING_ENDED_NOTE)
        gone += 1
    return gone


def _horizon_end(series: MeetingSeries, now: dt.datetime) -> dt.datetime:
    today = timezone.localtime(now, series.zone).date()
    last_day = today + HORIZON
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=series.zone)


def occurrence_of(series: MeetingSeries, slot: dt.datetime) -> dt.date:
    """The occurrence ``slot`` stands for: its day in the series' own zone."""
    return timezone.localtime(slot, series.zone).date()


def series_meeting(series: MeetingSeries, *, slot: dt.datetime, starts_at: dt.datetime) -> Meeting:
    """An unsaved meeting of the series for ``slot``, starting at ``starts_at``."""
    return Meeting(
        series=series,
        organiser_id=series.organiser_id,
        participant_id=series.participant_id,
        kind=series.kind,
        slot=slot,
        occurrence=occurrence_of(series, slot),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=series.duration_minutes),
        format=series.format,
        location=series.location,
    )


def _book_slot(*, series: MeetingSeries, slot: dt.datetime) -> Meeting | MeetingClash | None:
    """Create the meeting of one slot in a savepoint. None if it already exists."""
    meeting = series_meeting(series, slot=slot, starts_at=slot)
    try:
        with transaction.atomic():
            meeting.save()
            save_attendances(meeting=meeting, viewer=series.organiser)
    except MeetingClash as clash:
        return clash
    except IntegrityError as error:
        if _violated_constraint(error) in (SLOT_UNIQUE_CONSTRAINT, OCCURRENCE_UNIQUE_CONSTRAINT):
            return None
        raise
    return meeting


def series_generate(*, series_id: int, now: dt.datetime | None = None) -> GenerationResult:
    """Create the missing meetings of one active series up to six months ahead.

    Idempotent and safe to run in two processes at once: the series row is locked
    for the run, slots already booked are skipped, and (series, slot) is unique.
    A slot where someone is busy is recorded as a SlotClash, never dropped silently.
    """
    now = now or timezone.now()
    result = GenerationResult()
    with transaction.atomic():
        series = (
            MeetingSeries.objects.select_for_update(of=("self",), no_key=True)
            .select_related("organiser", "participant")
            .filter(pk=series_id, status=MeetingSeries.Status.ACTIVE)
            .first()
        )
        if series is None:
            return result
        before = _horizon_end(series, now)
        slots = series_starts(series, after=now, before=before)
        if series.generated_until is None:
            # New, or its rule changed (``series_update`` reconciles at once too; this
            # catches a change made elsewhere). The daily run of a settled series
            # skips it: its slots do not move with time.
            series_reconcile(series=series, now=now, slots=slots, before=before)
        booked = set(
            Meeting.objects.filter(series=series, slot__gte=now).values_list("slot", flat=True)
        )
        # A day that already has its meeting (held this morning, say, before the time
        # changed to this afternoon) gets no second one.
        held_days = _occupied_days(series, [slot for slot in slots if slot not in booked])
        skipped = set(
            SlotClash.objects.filter(series=series, slot__gte=now, skipped=True).values_list(
                "slot", flat=True
            )
        )
        created = []
        for slot in slots:
            if slot in booked or slot in skipped or occurrence_of(series, slot) in held_days:
                continue
            outcome = _book_slot(series=series, slot=slot)
            if isinstance(outcome, MeetingClash):
                SlotClash.objects.update_or_create(
                    series=series,
                    slot=slot,
                    defaults={
                        "ends_at": slot + dt.timedelta(minutes=series.duration_minutes),
                        "person": outcome.person,
                        "clashing_meeting": outcome.clashing,
                    },
                )
                result.clashes += 1
            elif outcome is not None:
                result.created += 1
                created.append(outcome)
                SlotClash.objects.filter(series=series, slot=slot).delete()
        reminders.sync_meetings(created, now=now)
        generated_until = (before - dt.timedelta(days=1)).date()
        if series.generated_until != generated_until:  # a second run the same day writes nothing
            series.generated_until = generated_until
            series.save(update_fields=["generated_until"])
        # The next-time list lands on the next meeting as soon as it exists, and so does
        # what a report chose to bring from their previous manager.
        next_time_land(series_id=series.pk, now=now)
        handovers_bring(series=series, now=now)
    return result


def _occupied_days(series: MeetingSeries, slots: list[dt.datetime]) -> set[dt.date]:
    """The days among ``slots``' occurrences that already have a meeting not cancelled."""
    if not slots:
        return set()
    days = {occurrence_of(series, slot) for slot in slots}
    occupied = (
        Meeting.objects.filter(series=series, occurrence__in=days)
        .exclude(status=Meeting.Status.CANCELLED)
        .values_list("occurrence", flat=True)
    )
    return {day for day in occupied if day is not None}


def series_reconcile(
    *,
    series: MeetingSeries,
    now: dt.datetime,
    slots: list[dt.datetime] | None = None,
    before: dt.datetime | None = None,
    by: User | None = None,
) -> None:
    """Put the series' future meetings onto its rule as it is now. Call inside a
    transaction holding the series' row lock (``series_update``, ``series_generate``).

    A future scheduled meeting whose slot the rule no longer gives is *stale*:

    - nobody has touched it: it goes (generation books the new slot instead);
    - it has content (agenda, notes, a request, or it was moved by hand): it follows
      to the nearest free occurrence of the new rule within half a cadence, keeping
      everything; a meeting moved by hand keeps its time and takes the new occurrence.
      Where its new time clashes, it stays where it was and waits for a new time
      (``SlotClash.meeting``); where the new rule has no occurrence for it (weekly
      became fortnightly), it waits too. Nothing is deleted.

    A cancelled future meeting keeps its time and takes the nearest occurrence, so the
    day it stood for stays cancelled rather than booked afresh. Past meetings and ones
    already waiting are left alone, so running it twice changes nothing the second time.
    """
    before = before or _horizon_end(series, now)
    slots = slots if slots is not None else series_starts(series, after=now, before=before)
    new_slots = set(slots)
    stale = list(
        Meeting.objects.select_for_update(of=("self",))
        .filter(
            series=series,
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.CANCELLED],
            slot__gte=now,
            slot__lt=before,
            starts_at__gt=now,
            waiting_for_new_time__isnull=True,
        )
        .exclude(slot__in=new_slots)
        .order_by("slot")
    )
    # Clashes of slots the rule no longer gives are moot (ones holding a meeting stay).
    SlotClash.objects.filter(series=series, slot__gte=now, meeting__isnull=True).exclude(
        slot__in=new_slots
    ).delete()
    if not stale:
        return
    untouched = set(
        untouched_future_meetings(series=series)
        .filter(pk__in=[meeting.pk for meeting in stale])
        .values_list("pk", flat=True)
    )
    doomed = Meeting.objects.filter(pk__in=untouched)
    # Changed by someone (``by``): both people hear of the meetings that go.
    reminders.meetings_removed(doomed, by=by)
    doomed.delete()
    touched = [meeting for meeting in stale if meeting.pk not in untouched]
    if touched:
        _follow_new_rule(series=series, touched=touched, slots=slots)


def _follow_new_rule(
    *, series: MeetingSeries, touched: list[Meeting], slots: list[dt.datetime]
) -> None:
    """Move each meeting with content onto the nearest free occurrence (see
    ``series_reconcile``); the nearest pairs are settled first."""
    # Free them from their old occurrences first: one of them may be taking another's day.
    Meeting.objects.filter(pk__in=[meeting.pk for meeting in touched]).update(occurrence=None)
    taken = set(
        Meeting.objects.filter(series=series, slot__in=slots).values_list("slot", flat=True)
    )
    taken |= set(
        SlotClash.objects.filter(series=series, slot__in=slots).values_list("slot", flat=True)
    )
    held_days = _occupied_days(series, slots)
    free = [
        slot for slot in slots if slot not in taken and occurrence_of(series, slot) not in held_days
    ]
    reach = (cadence_interval(series.cadence) or 2 * DEFAULT_FOLLOW_DISTANCE) / 2
    # Every meeting of a series has its slot (a database constraint).
    stood_for = {meeting.pk: meeting.slot or meeting.starts_at for meeting in touched}
    pairs = sorted(
        (abs(slot - stood_for[meeting.pk]), slot, stood_for[meeting.pk], meeting)
        for meeting in touched
        for slot in free
        if abs(slot - stood_for[meeting.pk]) <= reach
    )
    placed: dict[int, dt.datetime] = {}
    used: set[dt.datetime] = set()
    for _, slot, _, meeting in pairs:
        if meeting.pk not in placed and slot not in used:
            placed[meeting.pk] = slot
            used.add(slot)
    moved = []
    for meeting in touched:
        place = placed.get(meeting.pk)
        if meeting.is_cancelled:
            if place is not None:  # the day it stood for stays cancelled
                meeting.slot, meeting.occurrence = place, occurrence_of(series, place)
                meeting.save(update_fields=["slot", "occurrence", "updated_at"])
        elif place is None:
            slot = stood_for[meeting.pk]
            _wait_for_new_time(series=series, meeting=meeting, slot=slot, clash=None)
        elif _follow_to(series=series, meeting=meeting, slot=place):
            moved.append(meeting)
    reminders.sync_meetings(moved)


def _follow_to(*, series: MeetingSeries, meeting: Meeting, slot: dt.datetime) -> bool:
    """Move ``meeting`` onto the occurrence ``slot`` with everything in it. False when
    its new time clashes: then it stays where it was, waiting for a new time."""
    was = (meeting.starts_at, meeting.ends_at, meeting.sequence)
    meeting.slot = slot
    meeting.occurrence = occurrence_of(series, slot)
    follows_series = meeting.rescheduled_from is None  # one moved by hand keeps its time
    if follows_series:
        meeting.starts_at = slot
        meeting.ends_at = slot + dt.timedelta(minutes=series.duration_minutes)
        meeting.sequence += 1
    try:
        with transaction.atomic():
            meeting.save(
                update_fields=[
                    "slot",
                    "occurrence",
                    "starts_at",
                    "ends_at",
                    "sequence",
                    "updated_at",
                ]
            )
            save_attendances(meeting=meeting, viewer=series.organiser)
    except MeetingClash as clash:
        meeting.starts_at, meeting.ends_at, meeting.sequence = was
        meeting.save(update_fields=["slot", "occurrence", "updated_at"])
        _wait_for_new_time(series=series, meeting=meeting, slot=slot, clash=clash)
        return False
    return follows_series


def _wait_for_new_time(
    *, series: MeetingSeries, meeting: Meeting, slot: dt.datetime, clash: MeetingClash | None
) -> None:
    SlotClash.objects.update_or_create(
        series=series,
        slot=slot,
        defaults={
            "ends_at": slot + dt.timedelta(minutes=series.duration_minutes),
            "person": clash.person if clash else None,
            "clashing_meeting": clash.clashing if clash else None,
            "meeting": meeting,
            "skipped": False,
        },
    )


def active_series_ids() -> list[int]:
    return list(
        MeetingSeries.objects.filter(status=MeetingSeries.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _generate_one(series_id: int, now: dt.datetime | None) -> GenerationResult:
    try:
        return series_generate(series_id=series_id, now=now)
    except Exception:  # one broken series must not stop the others
        logger.exception("Could not generate meetings for series %s", series_id)
        return GenerationResult()


def generate_many(*, series_ids: Iterable[int], now: dt.datetime | None = None) -> GenerationResult:
    """Generate several series: what ``series_generate`` does for each, in order, but
    set-based, ``GENERATION_CHUNK`` series per transaction (``_generate_set``). A
    series whose rule changed (no ``generated_until`` yet) is reconciled and generated
    on its own, in its place in the order."""
    now = now or timezone.now()
    ids = list(series_ids)
    total = GenerationResult()
    for start in range(0, len(ids), GENERATION_CHUNK):
        chunk = ids[start : start + GENERATION_CHUNK]
        changed = set(
            MeetingSeries.objects.filter(
                pk__in=chunk, status=MeetingSeries.Status.ACTIVE, generated_until__isnull=True
            ).values_list("pk", flat=True)
        )
        settled: list[int] = []
        for series_id in chunk:
            if series_id not in changed:
                settled.append(series_id)
                continue
            total += _generate_set(settled, now)
            settled = []
            total += _generate_one(series_id, now)
        total += _generate_set(settled, now)
    return total


def _generate_set(series_ids: list[int], now: dt.datetime) -> GenerationResult:
    """``series_generate`` for settled series, in one transaction, with a few statements
    whatever their number. Should anything fail (a booking made meanwhile that the
    check could not see, a deadlock, a broken series), nothing of it stays and each
    series goes through ``series_generate`` alone, as before."""
    if not series_ids:
        return GenerationResult()
    try:
        with transaction.atomic():
            booking = SetBooking(series_ids=series_ids, now=now)
            booking.run()
    except Exception:
        logger.warning(
            "Generating %s series together failed; generating them one by one",
            len(series_ids),
            exc_info=True,
        )
        total = GenerationResult()
        for series_id in series_ids:
            total += _generate_one(series_id, now)
        return total
    for series_id in booking.changed_meanwhile:
        booking.result += _generate_one(series_id, now)
    return booking.result


@dataclass
class _Busy:
    """One person busy in one meeting: an attendance row, or a meeting of this run."""

    starts: dt.datetime
    ends: dt.datetime
    meeting_starts: dt.datetime
    meeting_id: int | None = None
    meeting: Meeting | None = None  # booked in this run: its id comes with the insert


class _Calendar:
    """The active attendances of some people, to find a clash as the database would
    (``Attendance``'s exclusion constraint) and name it as ``_first_clash`` does. A
    person's active attendances never overlap, so sorted by start their ends are
    sorted too."""

    def __init__(self) -> None:
        self.starts: dict[int, list[dt.datetime]] = {}
        self.busy: dict[int, list[_Busy]] = {}

    def add(self, person_id: int, busy: _Busy) -> None:
        starts = self.starts.setdefault(person_id, [])
        index = bisect.bisect_right(starts, busy.starts)
        starts.insert(index, busy.starts)
        self.busy.setdefault(person_id, []).insert(index, busy)

    def overlapping(self, person_id: int, starts: dt.datetime, ends: dt.datetime) -> list[_Busy]:
        found = []
        index = bisect.bisect_left(self.starts.get(person_id, []), ends) - 1
        entries = self.busy.get(person_id, [])
        while index >= 0 and entries[index].ends > starts:
            found.append(entries[index])
            index -= 1
        return found

    def first_clash(
        self, *, organiser_id: int, participant_id: int, starts: dt.datetime, ends: dt.datetime
    ) -> tuple[int, _Busy] | None:
        """Who of the two is busy then, and with what: the earliest meeting, the
        organiser first when both are busy with meetings starting together."""
        found = [
            (busy.meeting_starts, rank, person_id, busy)
            for rank, person_id in enumerate((organiser_id, participant_id))
            for busy in self.overlapping(person_id, starts, ends)
        ]
        if not found:
            return None
        _, _, person_id, busy = min(found, key=lambda entry: entry[:2])
        return person_id, busy


class SetBooking:
    """Book the missing slots of many settled series at once (``_generate_set``).

    It decides slot by slot in the order ``series_generate`` would, series after
    series, reading first in a few queries what the database holds: the series (row
    locked, as there), their meetings from now on, their clashes, the active
    attendances of their people over the slots' span. A slot booked, skipped or
    whose day is held is passed; one where someone is busy (then or in an earlier
    slot of this run) is a clash; the others are booked with one insert of meetings
    and one of attendances, whose exclusion constraint still has the last word.
    """

    def __init__(self, *, series_ids: list[int], now: dt.datetime) -> None:
        self.series_ids = series_ids
        self.now = now
        self.result = GenerationResult()
        self.changed_meanwhile: list[int] = []
        self.meetings: list[Meeting] = []
        self.clashes: list[tuple[MeetingSeries, dt.datetime, int, _Busy]] = []
        self.freed: list[int] = []  # clashes of slots booked now
        self.horizons: dict[int, dt.datetime] = {}
        self.existing_clashes: dict[tuple[int, dt.datetime], int] = {}

    def run(self) -> None:
        locked = {
            series.pk: series
            for series in MeetingSeries.objects.select_for_update(no_key=True)
            .filter(pk__in=self.series_ids, status=MeetingSeries.Status.ACTIVE)
            .order_by("pk")
        }
        # Changed since generate_many looked: reconciled on its own after this.
        self.changed_meanwhile = [pk for pk, s in locked.items() if s.generated_until is None]
        series_list = [
            locked[pk]
            for pk in self.series_ids
            if pk in locked and locked[pk].generated_until is not None
        ]
        if not series_list:
            return
        wanted = self._wanted_slots(series_list)
        if wanted:
            self._decide(wanted)
            self._write()
        self._set_horizons(series_list)
        self._land_next_time_items(series_list)

    def _wanted_slots(
        self, series_list: list[MeetingSeries]
    ) -> list[tuple[MeetingSeries, list[dt.datetime]]]:
        """Per series, in order, the slots ``series_generate`` would try to book."""
        self.horizons = {series.pk: _horizon_end(series, self.now) for series in series_list}
        ids = list(self.horizons)
        booked: dict[int, set[dt.datetime]] = {}
        held: dict[int, set[dt.date]] = {}
        # Meetings from now on, and those of days from yesterday on (held this morning,
        # say): an occurrence's day is at most a day before its slot's date in UTC.
        since = (self.now - dt.timedelta(days=1)).date()
        rows = Meeting.objects.filter(series_id__in=ids).filter(
            Q(slot__gte=self.now) | Q(occurrence__gte=since)
        )
        for series_id, slot, occurrence, status in rows.values_list(
            "series_id", "slot", "occurrence", "status"
        ):
            if slot is not None and slot >= self.now:
                booked.setdefault(series_id, set()).add(slot)
            if occurrence is not None and status != Meeting.Status.CANCELLED:
                held.setdefault(series_id, set()).add(occurrence)
        skipped: dict[int, set[dt.datetime]] = {}
        clashes = SlotClash.objects.filter(series_id__in=ids, slot__gte=self.now)
        for pk, series_id, slot, is_skipped in clashes.values_list(
            "pk", "series_id", "slot", "skipped"
        ):
            self.existing_clashes[(series_id, slot)] = pk
            if is_skipped:
                skipped.setdefault(series_id, set()).add(slot)
        wanted = []
        # Series of the same rule from the same first day and time have the same slots:
        # the rule is expanded once for all of them.
        expanded: dict[tuple[Any, ...], list[dt.datetime]] = {}
        for series in series_list:
            rule = (
                recurrence.serialize(series.cadence),
                series.start_time,
                series.time_zone,
                series.first_date,
                series.end_date,
                self.horizons[series.pk],
            )
            if rule not in expanded:
                expanded[rule] = series_starts(
                    series, after=self.now, before=self.horizons[series.pk]
                )
            slots = expanded[rule]
            passed = booked.get(series.pk, set()) | skipped.get(series.pk, set())
            days = held.get(series.pk, set())
            missing = [
                slot
                for slot in slots
                if slot not in passed and occurrence_of(series, slot) not in days
            ]
            if missing:
                wanted.append((series, missing))
        return wanted

    def _calendar(self, wanted: list[tuple[MeetingSeries, list[dt.datetime]]]) -> _Calendar:
        people = {s.organiser_id for s, _ in wanted} | {s.participant_id for s, _ in wanted}
        first = min(slots[0] for _, slots in wanted)
        last = max(
            slots[-1] + dt.timedelta(minutes=series.duration_minutes) for series, slots in wanted
        )
        calendar = _Calendar()
        busy = Attendance.objects.filter(
            person_id__in=people, active=True, during__overlap=DateTimeTZRange(first, last)
        ).values_list("person_id", "meeting_id", "during", "meeting__starts_at")
        for person_id, meeting_id, during, meeting_starts in busy:
            if during.isempty:
                continue
            calendar.add(
                person_id,
                _Busy(during.lower, during.upper, meeting_starts, meeting_id=meeting_id),
            )
        return calendar

    def _decide(self, wanted: list[tuple[MeetingSeries, list[dt.datetime]]]) -> None:
        calendar = self._calendar(wanted)
        for series, slots in wanted:
            days: set[dt.date] = set()  # a rule giving two slots a day books the first
            for slot in slots:
                day = occurrence_of(series, slot)
                if day in days:
                    continue
                ends = slot + dt.timedelta(minutes=series.duration_minutes)
                clash = calendar.first_clash(
                    organiser_id=series.organiser_id,
                    participant_id=series.participant_id,
                    starts=slot,
                    ends=ends,
                )
                if clash is not None:
                    self.clashes.append((series, slot, *clash))
                    continue
                meeting = series_meeting(series, slot=slot, starts_at=slot)
                self.meetings.append(meeting)
                days.add(day)
                for person_id in (series.organiser_id, series.participant_id):
                    calendar.add(person_id, _Busy(slot, ends, slot, meeting=meeting))
                if (series.pk, slot) in self.existing_clashes:
                    self.freed.append(self.existing_clashes[(series.pk, slot)])

    def _write(self) -> None:
        insert_rows(self.meetings, with_ids=True)
        insert_values(
            Attendance,
            ("meeting_id", "person_id", "during", "active"),
            [
                (meeting.pk, person_id, during, True)
                for meeting in self.meetings
                for during in [DateTimeTZRange(meeting.starts_at, meeting.ends_at)]
                for person_id in (meeting.organiser_id, meeting.participant_id)
            ],
        )
        if self.freed:
            SlotClash.objects.filter(pk__in=self.freed).delete()
        new_clashes = []
        for series, slot, person_id, busy in self.clashes:
            clashing_id = busy.meeting.pk if busy.meeting is not None else busy.meeting_id
            fields = {
                "ends_at": slot + dt.timedelta(minutes=series.duration_minutes),
                "person_id": person_id,
                "clashing_meeting_id": clashing_id,
            }
            if (series.pk, slot) in self.existing_clashes:  # found busy again
                SlotClash.objects.update_or_create(series=series, slot=slot, defaults=fields)
            else:
                new_clashes.append(SlotClash(series=series, slot=slot, **fields))
        SlotClash.objects.bulk_create(new_clashes, batch_size=BULK_BATCH)
        reminders.sync_meetings(self.meetings, now=self.now)
        self.result.created += len(self.meetings)
        self.result.clashes += len(self.clashes)

    def _set_horizons(self, series_list: list[MeetingSeries]) -> None:
        moved = []
        for series in series_list:
            generated_until = (self.horizons[series.pk] - dt.timedelta(days=1)).date()
            if series.generated_until != generated_until:  # the same day: nothing to write
                series.generated_until = generated_until
                moved.append(series)
        MeetingSeries.objects.bulk_update(moved, ["generated_until"], batch_size=BULK_BATCH)

    def _land_next_time_items(self, series_list: list[MeetingSeries]) -> None:
        """The next-time lists land on the next meeting as soon as it exists."""
        waiting = (
            AgendaItem.objects.filter(
                series_id__in=[series.pk for series in series_list], meeting__isnull=True
            )
            .values_list("series_id", flat=True)
            .distinct()
        )
        for series_id in sorted(waiting):
            next_time_land(series_id=series_id, now=self.now)


def generate_all(*, now: dt.datetime | None = None) -> GenerationResult:
    """Every active series, in this process (the management command)."""
    return generate_many(series_ids=active_series_ids(), now=now)


@transaction.atomic
def clash_book_other_time(
    *, clash: SlotClash, by: User, starts_at: dt.datetime, note: str = ""
) -> Meeting:
    """Book a clashing slot at another time; the meeting keeps its slot."""
    series = MeetingSeries.objects.select_for_update(no_key=True).get(pk=clash.series_id)
    if by.pk != series.organiser_id:
        raise ServiceError("Only the organiser can book this meeting.")
    within_limits(limits.check_meeting_start, starts_at)
    if clash.meeting is not None:
        # A meeting with content waiting for a new time: it moves, with everything in it.
        moved = _move(meeting=_locked(clash.meeting), by=by, starts_at=starts_at, note=note)
        _withdraw_pending_requests(moved, by=by)
        clash.delete()
        return moved
    meeting = series_meeting(series, slot=clash.slot, starts_at=starts_at)
    meeting.rescheduled_from = clash.slot
    meeting.reschedule_note = note
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as error:
        if _violated_constraint(error) not in (
            SLOT_UNIQUE_CONSTRAINT,
            OCCURRENCE_UNIQUE_CONSTRAINT,
        ):
            raise
        raise ServiceError("That day of the series already has its meeting.") from None
    save_attendances(meeting=meeting, viewer=by)
    clash.delete()
    reminders.sync_meetings([meeting])
    return meeting


@transaction.atomic
def clash_skip(*, clash: SlotClash, by: User) -> SlotClash:
    """Leave out this one meeting of the series; generation will not try it again.
    A meeting with content waiting for a new time is cancelled: its agenda moves on to
    the next meeting, its notes stay on it as the record."""
    if by.pk != clash.series.organiser_id:
        raise ServiceError("Only the organiser can skip this meeting.")
    if clash.meeting is not None:
        meeting = _locked(clash.meeting)
        if meeting.status == Meeting.Status.SCHEDULED:
            _withdraw_pending_requests(meeting, by=by)
            _cancel(meeting=meeting, by=by, reason=CancelReason.CLASH, note=LEFT_OUT_NOTE)
    clash.skipped = True
    clash.save(update_fields=["skipped", "detected_at"])
    return clash


# --- Cancelling and moving -----------------------------------------------------------

LEFT_OUT_NOTE = "Left out when the series changed."


def _check_changeable(meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ServiceError("Only a scheduled meeting can be changed.")
    if meeting.ends_at <= timezone.now():
        raise ServiceError("This meeting is over; it can no longer be changed.")


def _withdraw_pending_requests(meeting: Meeting, *, by: User) -> None:
    meeting.change_requests.filter(status=ChangeRequest.Status.PENDING).update(
        status=ChangeRequest.Status.WITHDRAWN, decided_by=by, decided_at=timezone.now()
    )


def _check_cancel_reason(reason: str, note: str) -> None:
    if reason not in CancelReason.values:
        raise ServiceError("Choose a reason for cancelling.")
    if reason == CancelReason.OTHER and not note.strip():
        raise ServiceError("Say briefly why, so the other person knows.")


def _cancel(*, meeting: Meeting, by: User, reason: str, note: str) -> Meeting:
    _check_cancel_reason(reason, note)
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_by = by
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason
    meeting.cancel_note = note
    meeting.sequence += 1
    meeting.save()
    Attendance.objects.filter(meeting=meeting).update(active=False)
    reminders.meeting_cancelled(meeting)
    reminders.meeting_changed(meeting, change=reminders.CANCELLED, by=by)
    # What was on its agenda moves on to the next meeting, as when it is completed.
    carry_over(meeting=meeting)
    return meeting


def _move(*, meeting: Meeting, by: User, starts_at: dt.datetime, note: str) -> Meeting:
    within_limits(limits.check_meeting_start, starts_at)
    if starts_at == meeting.starts_at:
        raise ServiceError("That is when the meeting already is.")
    duration = meeting.ends_at - meeting.starts_at
    meeting.rescheduled_from = meeting.starts_at
    meeting.reschedule_note = note
    meeting.starts_at = starts_at
    meeting.ends_at = starts_at + duration
    meeting.sequence += 1
    meeting.save()
    save_attendances(meeting=meeting, viewer=by)
    # Reminders still ahead are due again for the new time; calendars that have the
    # meeting get the new version, and whoever has none is told by email.
    reminders.sync_meetings([meeting])
    reminders.meeting_changed(meeting, change=reminders.MOVED, by=by, was=meeting.rescheduled_from)
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User, reason: str, note: str = "") -> Meeting:
    """The organiser cancels a meeting."""
    meeting = _locked(meeting)
    if by.pk not in _may_cancel(meeting):
        raise ServiceError("Only the organiser can cancel; ask them instead.")
    _check_changeable(meeting)
    _withdraw_pending_requests(meeting, by=by)
    return _cancel(meeting=meeting, by=by, reason=reason, note=note)


def _may_cancel(meeting: Meeting) -> tuple[int, ...]:
    """Who cancels without asking: the organiser; for a sign-up to office hours, either
    of the two (the person signed up on a needs basis and may free the slot again)."""
    if meeting.kind == Kind.OFFICE_HOURS:
        return (meeting.organiser_id, meeting.participant_id)
    return (meeting.organiser_id,)


@transaction.atomic
def meeting_move(*, meeting: Meeting, by: User, starts_at: dt.datetime, note: str = "") -> Meeting:
    """The organiser moves a meeting. Raises MeetingClash if either person is busy."""
    meeting = _locked(meeting)
    if by.pk != meeting.organiser_id:
        raise ServiceError("Only the organiser can move this meeting; ask them instead.")
    _check_changeable(meeting)
    moved = _move(meeting=meeting, by=by, starts_at=starts_at, note=note)
    _withdraw_pending_requests(moved, by=by)
    return moved


@transaction.atomic
def change_request_create(
    *,
    meeting: Meeting,
    by: User,
    action: str,
    reason: str = "",
    note: str = "",
    proposed_starts_at: dt.datetime | None = None,
) -> ChangeRequest:
    """The participant asks the organiser to cancel or move a meeting."""
    meeting = _locked(meeting)
    if by.pk != meeting.participant_id:
        raise ServiceError("Only the other person in the meeting can ask for a change.")
    _check_changeable(meeting)
    if meeting.change_requests.filter(status=ChangeRequest.Status.PENDING).exists():
        raise ServiceError(f"There is already a request waiting for {meeting.organiser}'s answer.")
    if action == ChangeRequest.Action.CANCEL:
        _check_cancel_reason(reason, note)
        proposed_starts_at = None
    elif action == ChangeRequest.Action.MOVE:
        if proposed_starts_at is None:
            raise ServiceError("Propose a time in the future.")
        within_limits(limits.check_meeting_start, proposed_starts_at)
        reason = ""
    else:
        raise ServiceError("Ask to cancel or to move the meeting.")
    request = ChangeRequest.objects.create(
        meeting=meeting,
        requested_by=by,
        action=action,
        reason=reason,
        note=note,
        proposed_starts_at=proposed_starts_at,
    )
    reminders.change_requested(request)
    return request


@transaction.atomic
def change_request_accept(*, request: ChangeRequest, by: User) -> Meeting:
    """The organiser agrees: the meeting is cancelled or moved as asked.
    Raises MeetingClash if the proposed time is taken."""
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    meeting = _locked(request.meeting)
    if by.pk != meeting.organiser_id:
        raise ServiceError("Only the organiser can answer this request.")
    if request.status != ChangeRequest.Status.PENDING:
        raise ServiceError("This request has already been answered.")
    _check_changeable(meeting)
    if request.action == ChangeRequest.Action.CANCEL:
        # Cancelled on the participant's behalf: they asked, and their reason stands.
        _cancel(meeting=meeting, by=request.requested_by, reason=request.reason, note=request.note)
    elif request.proposed_starts_at is None:  # a move always proposes a time
        raise ServiceError("This request proposes no time.")
    else:
        _move(meeting=meeting, by=by, starts_at=request.proposed_starts_at, note=request.note)
    request.status = ChangeRequest.Status.ACCEPTED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    reminders.request_answered(request)
    return meeting


@transaction.atomic
def change_request_decline(*, request: ChangeRequest, by: User) -> ChangeRequest:
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if by.pk != request.meeting.organiser_id:
        raise ServiceError("Only the organiser can answer this request.")
    if request.status != ChangeRequest.Status.PENDING:
        raise ServiceError("This request has already been answered.")
    request.status = ChangeRequest.Status.DECLINED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    reminders.request_answered(request)
    return request


@dataclass(frozen=True)
class ChangeOutcome:
    """What cancelling or moving came to: done (the organiser) or asked (the participant)."""

    meeting: Meeting
    asked: bool
    message: str


def meeting_cancel_or_ask(
    *, meeting: Meeting, by: User, reason: str, note: str = ""
) -> ChangeOutcome:
    """The organiser cancels; the participant asks the organiser to (but cancels a
    sign-up to office hours)."""
    if by.pk in _may_cancel(meeting):
        meeting_cancel(meeting=meeting, by=by, reason=reason, note=note)
        return ChangeOutcome(
            meeting, asked=False, message="Cancelled. It is marked cancelled in both calendars."
        )
    change_request_create(
        meeting=meeting, by=by, action=ChangeRequest.Action.CANCEL, reason=reason, note=note
    )
    return ChangeOutcome(
        meeting,
        asked=True,
        message=f"Asked {meeting.organiser} to cancel. You will see their answer on the meeting's page.",
    )


def meeting_move_or_ask(
    *, meeting: Meeting, by: User, starts_at: dt.datetime, note: str = ""
) -> ChangeOutcome:
    """The organiser moves; the participant asks the organiser to. Raises MeetingClash
    when the organiser moves it onto someone's other meeting."""
    if by.pk == meeting.organiser_id:
        meeting_move(meeting=meeting, by=by, starts_at=starts_at, note=note)
        return ChangeOutcome(
            meeting, asked=False, message="Moved. Both calendars show the new time."
        )
    change_request_create(
        meeting=meeting,
        by=by,
        action=ChangeRequest.Action.MOVE,
        proposed_starts_at=starts_at,
        note=note,
    )
    return ChangeOutcome(
        meeting,
        asked=True,
        message=f"Asked {meeting.organiser} to move it. You will see their answer on the meeting's page.",
    )
