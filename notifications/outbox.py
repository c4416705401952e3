"""The reminder outbox: which messages are due, to whom and when.

The services of ``meetings.scheduling.services`` call these functions inside their own
transaction, so a meeting and its reminders change together or not at all:

- ``sync_meetings`` after meetings are booked, generated, moved or changed:
  it writes the rows a scheduled meeting should have (agenda prompts, the
  starting-soon reminder, the follow-up and the calendar invitation), moves the
  waiting ones whose time changed, and cancels the waiting ones nobody wants
  any more. Running it twice changes nothing.
- ``meeting_cancelled`` cancels what is waiting and, for whoever already has
  the event in their calendar, queues a METHOD:CANCEL invitation.
- ``meetings_removed`` does the same for meetings about to be deleted (a series
  edited or ended), before they go, and (given who did it) tells each of the two
  by one email of those no cancellation tells them of.
- the notices at the end (``change_requested``, ``request_answered``,
  ``meeting_changed``, ``objective_changed``, ``mentorship_changed``) tell people at
  once what changed.
- ``meeting_completed`` when a meeting is recorded as held: the follow-up is no
  longer needed, and both people's summaries are queued.

Nothing here sends anything: ``notifications.sending`` does, and it checks again at
send time that a reminder still matches its meeting.

Callers never name a channel: each message is written once per channel by which its
person wants it (``notifications.channels.channels_for``), email, chat or both.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from meetings.cadence import cadence_interval
from meetings.models import ActionItem, ChangeRequest, ManagerHandover, Meeting, MeetingSeries
from notifications.channels import channels_for, wants
from notifications.models import Channel, NotificationPreferences, Reminder
from notifications.selectors import preferences_for, preferences_of
from oneonones.db import column, insert_rows, insert_values
from oneonones.queue import enqueue_on_commit
from people.models import User

R = Reminder.Kind
MEETING_KINDS = (R.AGENDA_PROMPT, R.STARTING_SOON, R.FOLLOW_UP)
# What ``sync_meetings`` keeps in step with a meeting's time; the messages about a
# change (the notices below) are not its to move or cancel.
SYNCED_KINDS = (*MEETING_KINDS, R.INVITATION)
# Local time of day for the messages that are about a day, not a meeting.
MORNING = dt.time(9, 0)
NOON = dt.time(12, 0)


def meeting_subject(meeting: Meeting) -> str:
    """What a meeting's reminders are about: the meeting *at its scheduled start*.

    The start is part of the send-once key, so a reminder sent for one time never
    stands in for the new time after a move: every reminder still ahead is due again,
    while the rows of the old time no version of the meeting wants are cancelled."""
    return f"meeting:{meeting.pk}@{meeting.starts_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def summary_subject(meeting_id: int) -> str:
    """What a held meeting's summary is about: the meeting, once, whatever its start."""
    return f"meeting:{meeting_id}"


def invitation_subject(meeting_id: int, sequence: int) -> str:
    return f"meeting:{meeting_id}:v{sequence}"


# --- When each reminder of a meeting is due --------------------------------------------


def meeting_reminder_due(
    *,
    kind: str,
    meeting: Meeting,
    person_id: int,
    prefs: NotificationPreferences,
    channel: str = Channel.EMAIL,
) -> dt.datetime | None:
    """When ``kind`` about ``meeting`` is due for the person by ``channel``, or None if
    they get none that way. Every channel's is due at the same moment.

    Counted in UTC (elapsed time): a freshly generated meeting's start is in its
    series' zone, where Python's arithmetic would be wall-clock time instead."""
    organiser = person_id == meeting.organiser_id
    starts_at, ends_at = meeting.starts_at.astimezone(dt.UTC), meeting.ends_at.astimezone(dt.UTC)
    if not wants(prefs, kind, channel):
        return None
    if kind == R.AGENDA_PROMPT:
        days = prefs.agenda_days_as_organiser if organiser else prefs.agenda_days_as_participant
        return starts_at - dt.timedelta(days=days)
    if kind == R.STARTING_SOON:
        return starts_at - dt.timedelta(minutes=prefs.starting_soon_minutes)
    if kind == R.FOLLOW_UP:
        if not organiser:
            return None
        return ends_at + dt.timedelta(hours=prefs.follow_up_hours)
    raise ValueError(f"{kind} is not a reminder of a meeting")


def invitation_due(*, meeting: Meeting, now: dt.datetime, update: bool) -> dt.datetime:
    """A one-off, or a change to an event people already have, is sent at once. A
    series' meetings are invited a fortnight or so ahead (REMINDER_INVITATION_LEAD_DAYS),
    so booking six months of them does not send twenty-six emails in one go."""
    if update or meeting.series_id is None:
        return now
    lead = dt.timedelta(days=settings.REMINDER_INVITATION_LEAD_DAYS)
    return max(now, meeting.starts_at.astimezone(dt.UTC) - lead)


def meeting_snapshot(meeting: Meeting) -> dict[str, Any]:
    """The event as a calendar has it, for a cancellation sent after the row may be gone."""
    return {
        "id": meeting.pk,
        "organiser_id": meeting.organiser_id,
        "participant_id": meeting.participant_id,
        "kind": meeting.kind,
        "format": meeting.format,
        "location": meeting.location,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "sequence": meeting.sequence,
        "created_at": meeting.created_at.isoformat(),
    }


def meeting_from_snapshot(snapshot: dict[str, Any]) -> Meeting:
    """An unsaved, cancelled meeting as it was when the snapshot was taken."""
    return Meeting(
        pk=snapshot["id"],
        organiser_id=snapshot["organiser_id"],
        participant_id=snapshot["participant_id"],
        kind=snapshot["kind"],
        format=snapshot["format"],
        location=snapshot["location"],
        starts_at=dt.datetime.fromisoformat(snapshot["starts_at"]),
        ends_at=dt.datetime.fromisoformat(snapshot["ends_at"]),
        sequence=snapshot["sequence"],
        status=Meeting.Status.CANCELLED,
        created_at=dt.datetime.fromisoformat(snapshot["created_at"]),
        updated_at=timezone.now(),
    )


# --- Keeping the rows of meetings in step ------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    kind: str
    recipient_id: int
    subject: str
    due_at: dt.datetime | None  # None: the person does not want it
    payload: dict[str, Any]
    channel: str = Channel.EMAIL

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.kind, self.recipient_id, self.subject, self.channel)


CHANNELS = tuple(Channel.values)


def _wanted_rows(
    meeting: Meeting,
    prefs: dict[int, NotificationPreferences],
    invited: set[tuple[int, int]],
    now: dt.datetime,
) -> list[Wanted]:
    wanted = []
    subject = meeting_subject(meeting)
    for person_id in (meeting.organiser_id, meeting.participant_id):
        for kind in MEETING_KINDS:
            for channel in CHANNELS:
                due = meeting_reminder_due(
                    kind=kind,
                    meeting=meeting,
                    person_id=person_id,
                    prefs=prefs[person_id],
                    channel=channel,
                )
                wanted.append(Wanted(kind, person_id, subject, due, {}, channel))
        # Invitations are email only: a calendar file means nothing in a chat.
        due = None
        if prefs[person_id].invitations:
            update = (meeting.pk, person_id) in invited
            due = invitation_due(meeting=meeting, now=now, update=update)
        # "update": the person has an earlier version in their calendar.
        payload = {
            "method": "REQUEST",
            "sequence": meeting.sequence,
            "update": (meeting.pk, person_id) in invited,
        }
        wanted.append(
            Wanted(
                R.INVITATION,
                person_id,
                invitation_subject(meeting.pk, meeting.sequence),
                due,
                payload,
            )
        )
    return wanted


def sync_meetings(meetings: Iterable[Meeting], *, now: dt.datetime | None = None) -> None:
    """Bring the outbox rows of ``meetings`` in line with their time and status.

    Call inside the transaction that changed the meetings. A few queries whatever
    the number of meetings: one for preferences, one for the existing rows, one
    insert, one update per changed field set.
    """
    now = now or timezone.now()
    meetings = [m for m in meetings if m.status == Meeting.Status.SCHEDULED]
    if not meetings:
        return
    by_id = {m.pk: m for m in meetings}
    people = {m.organiser_id for m in meetings} | {m.participant_id for m in meetings}
    prefs = preferences_of(people)
    existing = {
        row_key(row): row
        for row in Reminder.objects.filter(
            meeting_id__in=by_id, kind__in=SYNCED_KINDS
        ).select_for_update()
    }
    invited = {
        (row.meeting_id, row.recipient_id)
        for row in existing.values()
        if row.kind == R.INVITATION and row.state == Reminder.State.SENT and row.meeting_id
    }
    to_create, to_update, wanted_keys = [], [], set()
    for meeting in meetings:
        for want in _wanted_rows(meeting, prefs, invited, now):
            key = want.key
            wanted_keys.add(key)
            row = existing.get(key)
            if row is None:
                if want.due_at is not None and want.due_at >= now:
                    to_create.append((meeting, want))
            elif row.state == Reminder.State.PENDING:
                if want.kind == R.INVITATION and want.due_at is not None:
                    # One version of a meeting, one invitation: "now" never postpones it.
                    want = replace(want, due_at=min(want.due_at, row.due_at))
                if want.due_at is None:
                    _cancel(row, "Turned off in the person's notification settings.", now)
                    to_update.append(row)
                elif row.due_at != want.due_at:
                    row.due_at = want.due_at  # the meeting moved: the reminder moves with it
                    row.updated_at = now
                    to_update.append(row)
            elif row.state == Reminder.State.CANCELLED and want.due_at and want.due_at >= now:
                # Turned back on (or the meeting came back): wanted again.
                row.state, row.reason, row.due_at, row.updated_at = (
                    Reminder.State.PENDING,
                    "",
                    want.due_at,
                    now,
                )
                to_update.append(row)
    for key, row in existing.items():
        # Anything still waiting that no version of the meeting wants, e.g. the
        # invitation for the time before it moved.
        if key not in wanted_keys and row.state == Reminder.State.PENDING:
            _cancel(row, "Replaced by a newer version of the meeting.", now)
            to_update.append(row)
    # The lock on the meetings being changed keeps two writers apart; the conflict
    # clause only covers a row another transaction wrote in between, which is the same row.
    _insert_wanted_once(to_create)
    if to_update:
        Reminder.objects.bulk_update(to_update, ["state", "reason", "due_at", "updated_at"])


REMINDER_KEY = ("kind", "recipient", "subject", "channel")


def row_key(row: Reminder) -> tuple[str, int, str, str]:
    """What makes a row unique: one message about one subject to one person by one channel."""
    return (row.kind, row.recipient_id, row.subject, row.channel)


# From this many rows on, reminders are loaded with COPY (``oneonones.db.insert_rows``).
COPY_FROM_ROWS = 500
KEY_COLUMNS = ", ".join(column(Reminder, name) for name in REMINDER_KEY)


def insert_once(rows: list[Reminder]) -> None:
    """Insert reminders, keeping the row already there for a (kind, recipient, subject,
    channel).

    The conflict clause names that one unique key, so a clash with any other
    constraint still raises, unlike a blanket ``ignore_conflicts``; the no-op DO UPDATE
    of ``kind`` keeps what ``bulk_create(update_conflicts=...)`` did before.
    """
    first_of_key: dict[tuple[str, int, str, str], Reminder] = {}
    for row in rows:
        first_of_key.setdefault(row_key(row), row)
    unique = list(first_of_key.values())
    if len(unique) >= COPY_FROM_ROWS:  # generation's thousands: a bulk load
        insert_rows(
            unique, on_conflict=f"ON CONFLICT ({KEY_COLUMNS}) DO UPDATE SET kind = EXCLUDED.kind"
        )
    elif unique:
        Reminder.objects.bulk_create(
            unique, update_conflicts=True, unique_fields=REMINDER_KEY, update_fields=["kind"]
        )


WANTED_COLUMNS = ("kind", "recipient_id", "meeting_id", "subject", "payload", "due_at", "channel")


def _insert_wanted_once(wanted: list[tuple[Meeting, Wanted]]) -> None:
    """``insert_once`` for the new rows ``sync_meetings`` wants: generation's thousands
    go to ``COPY`` as tuples, with no ``Reminder`` instance per row."""
    if len(wanted) < COPY_FROM_ROWS:
        insert_once(
            [
                Reminder(
                    kind=want.kind,
                    recipient_id=want.recipient_id,
                    meeting=meeting,
                    subject=want.subject,
                    payload=want.payload,
                    due_at=want.due_at,
                    channel=want.channel,
                )
                for meeting, want in wanted
                if want.due_at is not None  # always, by sync_meetings
            ]
        )
        return
    first_of_key: dict[tuple[str, int, str, str], tuple[Any, ...]] = {}
    for meeting, want in wanted:
        first_of_key.setdefault(
            want.key,
            (
                want.kind,
                want.recipient_id,
                meeting.pk,
                want.subject,
                want.payload,
                want.due_at,
                want.channel,
            ),
        )
    insert_values(
        Reminder,
        WANTED_COLUMNS,
        first_of_key.values(),
        on_conflict=f"ON CONFLICT ({KEY_COLUMNS}) DO UPDATE SET kind = EXCLUDED.kind",
    )


def _cancel(row: Reminder, reason: str, now: dt.datetime) -> None:
    row.state = Reminder.State.CANCELLED
    row.reason = reason
    row.updated_at = now


def _invited_people(meeting_ids: Iterable[int]) -> QuerySet[Reminder, tuple[int, int]]:
    """(meeting, person) pairs who were sent an invitation: they need a cancellation."""
    return (
        Reminder.objects.filter(
            meeting_id__in=meeting_ids,
            kind=R.INVITATION,
            state=Reminder.State.SENT,
            payload__method="REQUEST",
        )
        .values_list("meeting_id", "recipient_id")
        .distinct()
    )


def _queue_cancellations(meetings: list[Meeting], now: dt.datetime) -> None:
    """A METHOD:CANCEL for everyone who was sent the event, even if they have since
    turned invitations off: their calendar still has it."""
    by_id = {m.pk: m for m in meetings}
    rows = []
    for meeting_id, person_id in _invited_people(by_id):
        meeting = by_id[meeting_id]
        rows.append(
            Reminder(
                kind=R.INVITATION,
                recipient_id=person_id,
                meeting=meeting,
                subject=invitation_subject(meeting.pk, meeting.sequence),
                payload={"method": "CANCEL", "event": meeting_snapshot(meeting)},
                due_at=now,
            )
        )
    insert_once(rows)


def meeting_cancelled(meeting: Meeting, *, now: dt.datetime | None = None) -> None:
    """The meeting was cancelled (its sequence already raised): nothing more about it
    goes out except the cancellation to calendars that have it."""
    now = now or timezone.now()
    Reminder.objects.filter(meeting=meeting, state=Reminder.State.PENDING).update(
        state=Reminder.State.CANCELLED, reason="The meeting was cancelled.", updated_at=now
    )
    _queue_cancellations([meeting], now)


def meetings_removed(
    meetings: QuerySet[Meeting], *, by: User | None = None, now: dt.datetime | None = None
) -> None:
    """Call just before deleting ``meetings``: their waiting rows go with them, and
    people who were sent an invitation get a cancellation. Sent rows stay as a
    record, their meeting emptied by the delete. With ``by`` (a series edited or
    ended by someone), each of the two is also told by email of the removed meetings
    no cancellation tells them of (``meetings_removed_told``)."""
    now = now or timezone.now()
    doomed = list(meetings.select_for_update(of=("self",)))
    if not doomed:
        return
    Reminder.objects.filter(meeting__in=doomed, state=Reminder.State.PENDING).delete()
    for meeting in doomed:
        meeting.sequence += 1  # a cancellation is a newer version of the event
    _queue_cancellations(doomed, now)
    if by is not None:
        meetings_removed_told(doomed, by=by, now=now)


def meeting_completed(meeting: Meeting, *, now: dt.datetime | None = None) -> None:
    """The meeting was recorded as held: nobody needs asking to record it, and each of
    the two gets its summary, due at once. A task sends it as soon as this transaction
    commits; the sweep sends it if that task never runs."""
    now = now or timezone.now()
    Reminder.objects.filter(meeting=meeting, kind=R.FOLLOW_UP, state=Reminder.State.PENDING).update(
        state=Reminder.State.CANCELLED,
        reason="The meeting was recorded as held.",
        updated_at=now,
    )
    insert_once(
        [
            Reminder(
                kind=R.SUMMARY,
                recipient_id=person_id,
                meeting=meeting,
                subject=summary_subject(meeting.pk),
                due_at=now,
            )
            for person_id in (meeting.organiser_id, meeting.participant_id)
        ]
    )
    enqueue_on_commit("notifications.tasks.send_meeting_summary", meeting.pk)


def sync_person(*, user: User, now: dt.datetime | None = None) -> None:
    """After someone changed their preferences: their upcoming meetings' rows."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        Q(organiser=user) | Q(participant=user),
        status=Meeting.Status.SCHEDULED,
        ends_at__gt=now - dt.timedelta(days=1),
    )
    sync_meetings(list(meetings), now=now)
    prefs = preferences_for(user.pk)
    unwanted = Q(pk__in=[])
    for kind in (R.LAPSED_NUDGE, R.ACTIONS_DUE):
        for channel in Channel.values:
            if not wants(prefs, kind, channel):
                unwanted |= Q(kind=kind, channel=channel)
    Reminder.objects.filter(unwanted, recipient=user, state=Reminder.State.PENDING).update(
        state=Reminder.State.CANCELLED,
        reason="Turned off in the person's notification settings.",
        updated_at=now,
    )


# --- The weekly nudge about lapsed 1:1s --------------------------------------------------


def lapsed_series_of(*, manager_id: int, now: dt.datetime) -> list[MeetingSeries]:
    """The manager's running series with a report whose last held 1:1 (or the start
    of the series, when none was held yet) is more than 1.5 cadences ago."""
    last_held = (
        Meeting.objects.filter(
            organiser_id=OuterRef("organiser_id"),
            participant_id=OuterRef("participant_id"),
            starts_at__lt=now,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    series = (
        MeetingSeries.objects.filter(
            organiser_id=manager_id,
            participant__manager_id=manager_id,
            participant__is_active=True,
        )
        .exclude(status=MeetingSeries.Status.ENDED)
        .annotate(last_held_at=Subquery(last_held))
        .select_related("participant")
        .order_by("participant__full_name", "pk")
    )
    lapsed: list[MeetingSeries] = []
    seen: set[int] = set()
    for one in series:
        interval = cadence_interval(one.cadence)
        if interval is None or one.participant_id in seen:
            continue
        since = one.last_held_at or dt.datetime.combine(
            one.first_date, one.start_time, tzinfo=one.zone
        )
        if now - since > interval * 1.5:
            one.lapsed_since = one.last_held_at  # type: ignore[attr-defined]  # for the email
            lapsed.append(one)
            seen.add(one.participant_id)
    return lapsed


def week_subject(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"week:{year}-W{week:02d}"


def queue_lapsed_nudges(*, now: dt.datetime | None = None) -> int:
    """Run hourly: for each manager in the morning (09:00 to noon) of their chosen
    weekday, in their own zone, write this week's nudge row, due at once (once: the
    subject is the ISO week). The sweep checks again at send time that some report
    is still lapsed. A week whose morning the job missed entirely has no nudge."""
    now = now or timezone.now()
    has_reports = User.objects.filter(manager_id=OuterRef("pk"), is_active=True)
    running = MeetingSeries.objects.filter(organiser_id=OuterRef("pk")).exclude(
        status=MeetingSeries.Status.ENDED
    )
    managers = list(
        User.objects.filter(is_active=True)
        .filter(Exists(has_reports), Exists(running))
        .only("pk", "time_zone")
    )
    prefs = preferences_of(m.pk for m in managers)
    rows: list[Reminder] = []
    for manager in managers:
        mine = prefs[manager.pk]
        local = timezone.localtime(now, manager.zone)
        if local.weekday() != mine.lapsed_nudge_weekday:
            continue
        if not MORNING <= local.time() < NOON:
            continue
        rows.extend(
            Reminder(
                kind=R.LAPSED_NUDGE,
                recipient_id=manager.pk,
                subject=week_subject(local.date()),
                due_at=now,
                channel=channel,
            )
            for channel in channels_for(mine, R.LAPSED_NUDGE)
        )
    rows = _not_written_yet(R.LAPSED_NUDGE, rows)
    lapsed = {
        manager_id: bool(lapsed_series_of(manager_id=manager_id, now=now))
        for manager_id in {row.recipient_id for row in rows}
    }
    rows = [row for row in rows if lapsed[row.recipient_id]]
    insert_once(rows)
    return len(rows)


# --- Action items due tomorrow -------------------------------------------------------------


def actions_subject(day: dt.date) -> str:
    return f"actions:{day.isoformat()}"


def day_of(row: Reminder) -> dt.date:
    """The due date an actions-due reminder is about."""
    return dt.date.fromisoformat(row.subject.removeprefix("actions:"))


def actions_due_of(*, owner_id: int, day: dt.date) -> list[ActionItem]:
    """The owner's open actions due on ``day``, on meetings that were not cancelled."""
    return list(
        ActionItem.objects.filter(owner_id=owner_id, done=False, due_date=day)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting__organiser", "meeting__participant")
        .order_by("pk")
    )


def queue_action_reminders(*, now: dt.datetime | None = None) -> int:
    """Run hourly: in the morning (09:00 to noon) of each owner's own day, one row
    listing their open actions due tomorrow (once: the subject is the due date). The
    sweep looks again at send time and says nothing if they were all done."""
    now = now or timezone.now()
    utc_today = now.astimezone(dt.UTC).date()
    # Somewhere in the world "tomorrow" is one of these three dates.
    days = [utc_today + dt.timedelta(days=n) for n in range(3)]
    open_actions = (
        ActionItem.objects.filter(done=False, due_date__in=days, owner__is_active=True)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .values_list("owner_id", "owner__time_zone", "due_date")
        .distinct()
    )
    wanted = {}
    for owner_id, zone_name, due_date in open_actions:
        local = timezone.localtime(now, zoneinfo.ZoneInfo(zone_name))
        if MORNING <= local.time() < NOON and due_date == local.date() + dt.timedelta(days=1):
            wanted[owner_id] = due_date
    prefs = preferences_of(wanted)
    rows = [
        Reminder(
            kind=R.ACTIONS_DUE,
            recipient_id=owner_id,
            subject=actions_subject(day),
            due_at=now,
            channel=channel,
        )
        for owner_id, day in wanted.items()
        for channel in channels_for(prefs[owner_id], R.ACTIONS_DUE)
    ]
    rows = _not_written_yet(R.ACTIONS_DUE, rows)
    insert_once(rows)
    return len(rows)


def _not_written_yet(kind: str, rows: list[Reminder]) -> list[Reminder]:
    """``rows`` (all of ``kind``) less those already in the outbox, in whatever state."""
    already = set(
        Reminder.objects.filter(
            kind=kind,
            recipient_id__in={row.recipient_id for row in rows},
            subject__in={row.subject for row in rows},
        ).values_list("kind", "recipient_id", "subject", "channel")
    )
    return [row for row in rows if row_key(row) not in already]


# --- Telling people, at once, what changed between them ---------------------------------
#
# Telling people, at once, what changed between them.
#
# The services call these inside the transaction that makes the change, so the change
# and its message are written together or not at all; ``notifications.sending`` sends the
# rows through the same outbox, claims and retries as every reminder, and checks at
# send time that each is still true and still wanted (see ``sending.notice_verdict``).
#
# - a report asks to move or cancel: their organiser is told (``change_requested``),
#   and the answer goes back to them (``request_answered``);
# - a meeting is moved or cancelled: each person whose calendar is not being told by
#   an invitation (an updated ``REQUEST`` or a ``CANCEL``, sent at once) gets a plain
#   email (``meeting_changed``), however far ahead the meeting is; a chat, which has
#   no calendar, is told whenever the person wants chat messages of changes;
# - an objective is proposed, confirmed or rejected: the other side is told
#   (``objective_changed``, called by ``objectives.services``);
# - a mentoring relationship is proposed, accepted, declined, set up by HR or ended:
#   the people it concerns are told (``mentorship_changed``, called by
#   ``mentoring.services``);
# - a report's manager changes: the report, the old manager and the new one are each
#   told what it means for them (``manager_changed``, called by ``meetings.handover``).
#
# Each kind can be turned off under My profile -> Notifications
# (``NotificationPreferences``); the rows are keyed so that each is sent once.

# The notices; the switch that turns each off is in ``notifications.channels.SWITCH``.
NOTICE_KINDS = (
    R.CHANGE_REQUESTED,
    R.REQUEST_ANSWERED,
    R.MEETING_CHANGED,
    R.OBJECTIVE_UPDATE,
    R.MENTORING_UPDATE,
    R.MANAGER_CHANGED,
)
MOVED, CANCELLED, REMOVED = "moved", "cancelled", "removed"


def enqueue(
    *,
    kind: str,
    recipient_id: int,
    subject: str,
    payload: dict[str, Any],
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
    not_by: Iterable[str] = (),
) -> bool:
    """Write one message to the outbox, due at once, by each channel the person wants
    it by (less ``not_by``). Call inside the transaction of the change. Writing the
    same (kind, recipient, subject) twice keeps one row per channel. True when a row
    is wanted."""
    skipped = set(not_by)
    chosen = [
        channel
        for channel in channels_for(preferences_for(recipient_id), kind)
        if channel not in skipped
    ]
    insert_once(
        [
            Reminder(
                kind=kind,
                recipient_id=recipient_id,
                meeting=meeting,
                subject=subject,
                payload=payload,
                due_at=now or timezone.now(),
                channel=channel,
            )
            for channel in chosen
        ]
    )
    return bool(chosen)


def request_subject(request: ChangeRequest) -> str:
    return f"request:{request.pk}"


def change_requested(request: ChangeRequest, *, now: dt.datetime | None = None) -> None:
    """The report asked: the organiser hears of it now, not when they next look."""
    enqueue(
        kind=R.CHANGE_REQUESTED,
        recipient_id=request.meeting.organiser_id,
        subject=request_subject(request),
        payload={"request": request.pk},
        meeting=request.meeting,
        now=now,
    )


def request_answered(request: ChangeRequest, *, now: dt.datetime | None = None) -> None:
    """The organiser accepted or declined: the person who asked is told."""
    enqueue(
        kind=R.REQUEST_ANSWERED,
        recipient_id=request.requested_by_id,
        subject=request_subject(request),
        payload={"request": request.pk, "answer": request.status},
        meeting=request.meeting,
        now=now,
    )


def _told_by_invitation(meeting: Meeting, now: dt.datetime) -> set[int]:
    """Who gets an invitation for this version of the meeting at once (an update or a
    cancellation): for them that is the message."""
    return set(
        Reminder.objects.filter(
            meeting=meeting,
            kind=R.INVITATION,
            subject=invitation_subject(meeting.pk, meeting.sequence),
            state=Reminder.State.PENDING,
            due_at__lte=now,
        ).values_list("recipient_id", flat=True)
    )


def meeting_changed(
    meeting: Meeting,
    *,
    change: str,
    by: User,
    was: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Tell both people the meeting moved (from ``was``) or was cancelled. Call after
    its invitations were brought in step (``sync_meetings`` or
    ``meeting_cancelled``), with its sequence already raised."""
    now = now or timezone.now()
    calendars = _told_by_invitation(meeting, now)
    payload = {"change": change, "by": by.pk, "sequence": meeting.sequence}
    if was is not None:
        payload["was"] = was.isoformat()
    for person_id in (meeting.organiser_id, meeting.participant_id):
        enqueue(
            kind=R.MEETING_CHANGED,
            recipient_id=person_id,
            subject=invitation_subject(meeting.pk, meeting.sequence),
            payload=payload,
            meeting=meeting,
            now=now,
            # Their calendar's email tells them; a chat has no calendar and is told.
            not_by=[Channel.EMAIL] if person_id in calendars else [],
        )


PROPOSED, CONFIRMED, REJECTED = "proposed", "confirmed", "rejected"


def objective_changed(
    *, objective_id: int, change_id: int, event: str, recipient_id: int | None, by: User
) -> None:
    """An objective was proposed (tell the owner's manager), confirmed or rejected
    (tell the owner). ``change_id`` is the history entry: one message per change."""
    if recipient_id is None or recipient_id == by.pk:
        return
    enqueue(
        kind=R.OBJECTIVE_UPDATE,
        recipient_id=recipient_id,
        subject=f"objective:{objective_id}:{change_id}",
        payload={"objective": objective_id, "event": event, "by": by.pk},
    )


# What happened to a mentoring relationship (``Mentorship.Status`` and HR's set-up).
MENTORING_PROPOSED, MENTORING_ACCEPTED, MENTORING_DECLINED = "proposed", "accepted", "declined"
MENTORING_SET_UP, MENTORING_ENDED = "set_up", "ended"
# The other person left (was anonymised): said without naming them.
MENTORING_LEFT = "left"


def mentorship_changed(
    *, mentorship_id: int, event: str, recipient_ids: Iterable[int], by: User
) -> None:
    """Tell ``recipient_ids`` (never the person who acted) what happened to a mentoring
    relationship: one message per relationship, event and person."""
    for recipient_id in recipient_ids:
        if recipient_id == by.pk:
            continue
        enqueue(
            kind=R.MENTORING_UPDATE,
            recipient_id=recipient_id,
            subject=f"mentorship:{mentorship_id}:{event}",
            payload={"mentorship": mentorship_id, "event": event, "by": by.pk},
        )


def meetings_removed_told(meetings: list[Meeting], *, by: User, now: dt.datetime) -> None:
    """Meetings of one pair removed together (a series edited or ended): each of the
    two gets one plain email listing those of them no ``CANCEL`` tells them of (their
    invitation had not gone out yet), as a single cancellation would. The meetings are
    about to be deleted, so the email reads them from their snapshots. Keyed by the
    first removed meeting, which is removed once: one email per removal."""
    if not meetings:
        return
    cancelled = set(_invited_people(m.pk for m in meetings))
    first = min(meetings, key=lambda m: m.pk)
    for person_id in (first.organiser_id, first.participant_id):
        untold = sorted(
            (m for m in meetings if (m.pk, person_id) not in cancelled),
            key=lambda m: m.starts_at,
        )
        if not untold:
            continue
        # A chat is told of the same meetings as the email (the others' cancellations
        # are calendar files, email only).
        enqueue(
            kind=R.MEETING_CHANGED,
            recipient_id=person_id,
            subject=f"removed:{first.pk}",
            payload={
                "change": REMOVED,
                "by": by.pk,
                "series": first.series_id,
                "events": [meeting_snapshot(m) for m in untold],
            },
            now=now,
        )


REPORT, OLD_MANAGER, NEW_MANAGER = "report", "old_manager", "new_manager"


def manager_changed(*, handover: ManagerHandover, now: dt.datetime | None = None) -> None:
    """A report's manager changed: the report hears that their series with the old
    manager ended (and is asked to choose what to bring, when there is something), the
    old manager that it ended, the new manager that they are to book. One message each
    per change (the subject is the handover)."""
    for role, person_id in (
        (REPORT, handover.person_id),
        (OLD_MANAGER, handover.old_manager_id),
        (NEW_MANAGER, handover.new_manager_id),
    ):
        if person_id is None:
            continue
        enqueue(
            kind=R.MANAGER_CHANGED,
            recipient_id=person_id,
            subject=f"handover:{handover.pk}",
            payload={"handover": handover.pk, "role": role},
            now=now,
        )
