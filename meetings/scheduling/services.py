"""Writes about series and meetings. Each service is one transaction.

The no-double-booking rule lives in the database (see ``Attendance``): services
insert or move attendance rows inside a savepoint and turn a violation into
``MeetingClash``, whose message names the meeting in the way people speak.

A rule that refuses raises the error family of ``oneonones.errors`` (``MeetingClash``
is a ``ServiceError`` too); the views show its message.
"""

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
from django.db.models import Case, QuerySet, When
from django.utils import timezone

from meetings.cadence import (
    NEXT_MEETING_WITHIN_DAYS,
    CadenceError,
    check_cadence,
    next_starts,
    series_starts,
)
from meetings.formatting import clash_message
from meetings.models import (
    DOUBLE_BOOKING_CONSTRAINT,
    SLOT_UNIQUE_CONSTRAINT,
    AgendaTemplate,
    Attendance,
    CancelReason,
    ChangeRequest,
    Kind,
    Meeting,
    MeetingSeries,
    SlotClash,
)
from meetings.record.services import carry_over, next_time_land
from notifications import outbox as reminders
from oneonones import limits
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


def _check_pair(*, organiser: User, participant: User) -> None:
    if organiser.pk == participant.pk:
        raise ServiceError("A 1:1 needs two different people.")
    if not (organiser.is_active and participant.is_active):
        raise ServiceError("Both people must still work here.")


# --- One-off meetings --------------------------------------------------------------


def may_book_with(*, user: User, other: User) -> bool:
    """One-offs: with your reports, or with your own manager."""
    return other.is_active and (other.manager_id == user.pk or user.manager_id == other.pk)


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
    if not may_book_with(user=organiser, other=participant):
        raise ServiceError("You can book 1:1s with your reports and with your manager.")
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
    save_attendances(meeting=meeting, viewer=organiser)
    reminders.sync_meetings([meeting])
    return meeting


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
    """Create a series; its meetings are generated after commit (and daily)."""
    _check_pair(organiser=organiser, participant=participant)
    if participant.manager_id != organiser.pk:
        raise ServiceError("You can book a recurring 1:1 with the people who report to you.")
    _check_template(default_template, organiser=organiser)
    _check_series_dates(first_date=first_date, end_date=end_date)
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
    series.save()
    _enqueue_generation(series)
    return series


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
    """Change a series. A new cadence or time replaces the untouched future meetings;
    new details (kind, format, place) are copied onto the future meetings."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    if by.pk != series.organiser_id:
        raise ServiceError("Only the organiser can change this series.")
    unknown = set(changes) - set(TIMING_FIELDS) - set(DETAIL_FIELDS) - set(SERIES_ONLY_FIELDS)
    if unknown:
        raise TypeError(f"Cannot change {sorted(unknown)}")
    if "default_template" in changes:
        _check_template(changes["default_template"], organiser=series.organiser)
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
        _remove_untouched_future(series, by=by)
    if series.status == MeetingSeries.Status.ACTIVE:
        _enqueue_generation(series)
    return series


def _set_series_status(*, series: MeetingSeries, by: User, status: str) -> MeetingSeries:
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    if by.pk != series.organiser_id:
        raise ServiceError("Only the organiser can change this series.")
    if series.status == MeetingSeries.Status.ENDED:
        raise ServiceError("This series has ended; book a new one instead.")
    series.status = status
    series.save(update_fields=["status", "updated_at"])
    return series


@transaction.atomic
def series_pause(*, series: MeetingSeries, by: User) -> MeetingSeries:
    """Stop generating new meetings; the ones already booked stay."""
    return _set_series_status(series=series, by=by, status=MeetingSeries.Status.PAUSED)


@transaction.atomic
def series_resume(*, series: MeetingSeries, by: User) -> MeetingSeries:
    series = _set_series_status(series=series, by=by, status=MeetingSeries.Status.ACTIVE)
    _enqueue_generation(series)
    return series


@transaction.atomic
def series_end(*, series: MeetingSeries, by: User) -> MeetingSeries:
    """End the series: untouched future meetings go; meetings with content stay."""
    series = _set_series_status(series=series, by=by, status=MeetingSeries.Status.ENDED)
    _remove_untouched_future(series, by=by)
    return series


def _horizon_end(series: MeetingSeries, now: dt.datetime) -> dt.datetime:
    today = timezone.localtime(now, series.zone).date()
    last_day = today + HORIZON
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=series.zone)


def series_meeting(series: MeetingSeries, *, slot: dt.datetime, starts_at: dt.datetime) -> Meeting:
    """An unsaved meeting of the series for ``slot``, starting at ``starts_at``."""
    return Meeting(
        series=series,
        organiser_id=series.organiser_id,
        participant_id=series.participant_id,
        kind=series.kind,
        slot=slot,
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
        if _violated_constraint(error) == SLOT_UNIQUE_CONSTRAINT:
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
            MeetingSeries.objects.select_for_update(of=("self",))
            .select_related("organiser", "participant")
            .filter(pk=series_id, status=MeetingSeries.Status.ACTIVE)
            .first()
        )
        if series is None:
            return result
        before = _horizon_end(series, now)
        slots = series_starts(series, after=now, before=before)
        booked = set(
            Meeting.objects.filter(series=series, slot__gte=now).values_list("slot", flat=True)
        )
        skipped = set(
            SlotClash.objects.filter(series=series, slot__gte=now, skipped=True).values_list(
                "slot", flat=True
            )
        )
        created = []
        for slot in slots:
            if slot in booked or slot in skipped:
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
        # The next-time list lands on the next meeting as soon as it exists.
        next_time_land(series_id=series.pk, now=now)
    return result


def active_series_ids() -> list[int]:
    return list(
        MeetingSeries.objects.filter(status=MeetingSeries.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def generate_many(*, series_ids: Iterable[int], now: dt.datetime | None = None) -> GenerationResult:
    """Generate several series, each in its own transaction."""
    total = GenerationResult()
    for series_id in series_ids:
        try:
            total += series_generate(series_id=series_id, now=now)
        except Exception:  # one broken series must not stop the others
            logger.exception("Could not generate meetings for series %s", series_id)
    return total


def generate_all(*, now: dt.datetime | None = None) -> GenerationResult:
    """Every active series, in this process (the management command)."""
    return generate_many(series_ids=active_series_ids(), now=now)


@transaction.atomic
def clash_book_other_time(
    *, clash: SlotClash, by: User, starts_at: dt.datetime, note: str = ""
) -> Meeting:
    """Book a clashing slot at another time; the meeting keeps its slot."""
    series = MeetingSeries.objects.select_for_update().get(pk=clash.series_id)
    if by.pk != series.organiser_id:
        raise ServiceError("Only the organiser can book this meeting.")
    within_limits(limits.check_meeting_start, starts_at)
    meeting = series_meeting(series, slot=clash.slot, starts_at=starts_at)
    meeting.rescheduled_from = clash.slot
    meeting.reschedule_note = note
    meeting.save()
    save_attendances(meeting=meeting, viewer=by)
    clash.delete()
    reminders.sync_meetings([meeting])
    return meeting


@transaction.atomic
def clash_skip(*, clash: SlotClash, by: User) -> SlotClash:
    """Leave out this one meeting of the series; generation will not try it again."""
    if by.pk != clash.series.organiser_id:
        raise ServiceError("Only the organiser can skip this meeting.")
    clash.skipped = True
    clash.save(update_fields=["skipped", "detected_at"])
    return clash


# --- Cancelling and moving -----------------------------------------------------------


def _check_changeable(meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ServiceError("Only a scheduled meeting can be changed.")
    if meeting.ends_at <= timezone.now():
        raise ServiceError("This meeting is over; it can no longer be changed.")


def _withdraw_pending_requests(meeting: Meeting, *, by: User) -> None:
    meeting.change_requests.filter(status=ChangeRequest.Status.PENDING).update(
        status=ChangeRequest.Status.WITHDRAWN, decided_by=by, decided_at=timezone.now()
    )


def _cancel(*, meeting: Meeting, by: User, reason: str, note: str) -> Meeting:
    if reason not in CancelReason.values:
        raise ServiceError("Choose a reason for cancelling.")
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
    if by.pk != meeting.organiser_id:
        raise ServiceError("Only the organiser can cancel; ask them instead.")
    _check_changeable(meeting)
    _withdraw_pending_requests(meeting, by=by)
    return _cancel(meeting=meeting, by=by, reason=reason, note=note)


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
        if reason not in CancelReason.values:
            raise ServiceError("Choose a reason for cancelling.")
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
