"""Telling people, at once, what changed between them.

The services call these inside the transaction that makes the change, so the change
and its message are written together or not at all; ``notifications.sending`` sends the
rows through the same outbox, claims and retries as every reminder, and checks at
send time that each is still true and still wanted (see ``sending.notice_verdict``).

- a report asks to move or cancel: their organiser is told (``change_requested``),
  and the answer goes back to them (``request_answered``);
- a meeting is moved or cancelled: each person whose calendar is not being told by
  an invitation (an updated ``REQUEST`` or a ``CANCEL``, sent at once) gets a plain
  email (``meeting_changed``), however far ahead the meeting is;
- an objective is proposed, confirmed or rejected: the other side is told
  (``objective_changed``, called by ``objectives.services``).

Each kind can be turned off under My profile -> Notifications
(``NotificationPreferences``); the rows are keyed so that each is sent once.
"""

import datetime as dt

from django.utils import timezone

from meetings.models import ChangeRequest, Meeting, Reminder
from notifications import outbox as reminders
from people.models import User

R = Reminder.Kind

# The preference that turns each kind off.
PREFERENCE = {
    R.CHANGE_REQUESTED: "change_requests",
    R.REQUEST_ANSWERED: "change_requests",
    R.MEETING_CHANGED: "meeting_changes",
    R.OBJECTIVE_UPDATE: "objective_updates",
}
MOVED, CANCELLED = "moved", "cancelled"


def wanted_by(prefs, kind: str) -> bool:
    return bool(getattr(prefs, PREFERENCE[kind]))


def enqueue(
    *,
    kind: str,
    recipient_id: int,
    subject: str,
    payload: dict,
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Write one message to the outbox, due at once, unless the person turned its kind
    off. Call inside the transaction of the change. Writing the same (kind, recipient,
    subject) twice keeps one row. True when a row is wanted."""
    if not wanted_by(reminders.preferences_for(recipient_id), kind):
        return False
    row = Reminder(
        kind=kind,
        recipient_id=recipient_id,
        meeting=meeting,
        subject=subject,
        payload=payload,
        due_at=now or timezone.now(),
    )
    reminders.insert_once([row])
    return True


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
            subject=reminders.invitation_subject(meeting.pk, meeting.sequence),
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
    its invitations were brought in step (``reminders.sync_meetings`` or
    ``reminders.meeting_cancelled``), with its sequence already raised."""
    now = now or timezone.now()
    calendars = _told_by_invitation(meeting, now)
    payload = {"change": change, "by": by.pk, "sequence": meeting.sequence}
    if was is not None:
        payload["was"] = was.isoformat()
    for person_id in (meeting.organiser_id, meeting.participant_id):
        if person_id in calendars:
            continue
        enqueue(
            kind=R.MEETING_CHANGED,
            recipient_id=person_id,
            subject=reminders.invitation_subject(meeting.pk, meeting.sequence),
            payload=payload,
            meeting=meeting,
            now=now,
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
