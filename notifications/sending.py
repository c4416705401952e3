"""Sending the reminder outbox: the sweep that beat runs every minute.

Each due row is claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` in its own
transaction, checked again against its meeting, rendered, sent through Django's
mail framework and marked sent before that transaction commits. So two sweeps
at once never send one row twice (the second skips what the first holds, then
finds it sent), a failed send leaves the row waiting with its error for the next
sweep, and a sweep that dies loses nothing: what it had not committed is still
waiting. The one unavoidable gap is a process killed after the mail server took
a message and before the commit: that one message may go out again.

A reminder whose moment passed more than ``REMINDER_STALE_AFTER_MINUTES`` ago
is dropped (recorded, not sent late). Calendar invitations are worth sending up
to the start of the meeting, so for them that start is the limit; a held meeting's
summary is worth sending for two days (``SUMMARY_STALE_AFTER``).

Every channel goes through the same claim: a chat row (``Reminder.channel``) is
posted to the person's webhook (``notifications.chat``) where an email row is handed
to the mail server. Chat messages to one person also keep their order: one is not
posted while an earlier one to them, by ``(due_at, id)``, still waits to be sent
(``held_back``), so a failing webhook delays what follows until the failed message
is sent, dropped or given up on. A webhook the service says is gone (404, 410) is
marked broken: nothing more is posted to it and its person is told by email.
"""

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.mime.text import MIMEText
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection as database
from django.db import transaction
from django.db.models import Q
from django.db.models.query import get_related_populators
from django.template.loader import render_to_string
from django.utils import timezone

from meetings.formatting import address_of, format_span
from meetings.models import AgendaItem, ChangeRequest, ManagerHandover, Meeting, Note
from meetings.record.selectors import (
    agenda_of,
    next_meeting_of_series,
    notes_visible_to,
    summary_actions,
)
from notifications import chat, chat_messages, services
from notifications import outbox as reminders
from notifications.calendar import invitation_bytes
from notifications.channels import wants
from notifications.email_templates import EmailTemplates
from notifications.mime import ReminderMessage
from notifications.models import Channel, NotificationPreferences, Reminder
from notifications.selectors import preferences_for, preferences_of
from notifications.wording import absolute, span_from
from oneonones.db import execute_prepared
from people.models import User

logger = logging.getLogger(__name__)

R = Reminder.Kind
# How long one sweep keeps going before it leaves the rest to the next minute's.
SWEEP_SECONDS = 50
# A summary that could not go out for this long (the mail server was down) is dropped.
SUMMARY_STALE_AFTER = dt.timedelta(days=2)


def _meeting_of(row: Reminder) -> Meeting:
    """The meeting of a row about one; ``verdict`` has made sure it is still there."""
    if row.meeting is None:
        raise ValueError(f"Reminder {row.pk} has no meeting")
    return row.meeting


# --- Is it still worth sending? ------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    state: str  # Reminder.State, or MOVED
    reason: str = ""


MOVED = "moved"


def _meeting_verdict(
    row: Reminder, prefs: NotificationPreferences, now: dt.datetime
) -> Verdict | None:
    meeting = row.meeting
    if meeting is None:
        return Verdict(Reminder.State.CANCELLED, "The meeting was removed.")
    if meeting.status == Meeting.Status.CANCELLED:
        return Verdict(Reminder.State.CANCELLED, "The meeting was cancelled.")
    if row.kind == R.FOLLOW_UP and meeting.status == Meeting.Status.COMPLETED:
        return Verdict(Reminder.State.CANCELLED, "The meeting was already recorded as held.")
    if row.subject != reminders.meeting_subject(meeting):
        return Verdict(Reminder.State.CANCELLED, "The meeting moved; its new time has its own.")
    expected = reminders.meeting_reminder_due(
        kind=row.kind, meeting=meeting, person_id=row.recipient_id, prefs=prefs, channel=row.channel
    )
    if expected is None:
        return Verdict(Reminder.State.CANCELLED, "Turned off in the person's settings.")
    if expected != row.due_at:
        # Its moment changed (the person's settings) without the row following (it
        # always should): send at the right time instead of now.
        row.due_at = expected
        return Verdict(MOVED)
    if row.kind != R.FOLLOW_UP and now >= meeting.starts_at:
        return Verdict(Reminder.State.DROPPED, "The meeting had already started.")
    return None


def _invitation_verdict(
    row: Reminder, prefs: NotificationPreferences, now: dt.datetime
) -> Verdict | None:
    if row.payload.get("method") == "CANCEL":
        starts_at = dt.datetime.fromisoformat(row.payload["event"]["starts_at"])
        if now >= starts_at:
            return Verdict(Reminder.State.DROPPED, "The meeting's time had passed.")
        return None
    meeting = row.meeting
    if meeting is None or meeting.status != Meeting.Status.SCHEDULED:
        return Verdict(Reminder.State.CANCELLED, "The meeting is no longer scheduled.")
    if meeting.sequence != row.payload.get("sequence"):
        return Verdict(Reminder.State.CANCELLED, "A newer version of the meeting replaced it.")
    if not prefs.invitations:
        return Verdict(Reminder.State.CANCELLED, "Turned off in the person's settings.")
    if now >= meeting.starts_at:
        return Verdict(Reminder.State.DROPPED, "The meeting had already started.")
    return None


def notice_verdict(row: Reminder) -> Verdict | None:
    """A message about a change: still true?"""
    if row.kind in (R.OBJECTIVE_UPDATE, R.MENTORING_UPDATE, R.MANAGER_CHANGED):
        return None
    if row.kind == R.MEETING_CHANGED and row.payload["change"] == reminders.REMOVED:
        return None  # the meetings are gone; the email is written from their snapshots
    if row.meeting is None:
        return Verdict(Reminder.State.CANCELLED, "The meeting was removed.")
    if row.kind == R.MEETING_CHANGED and row.meeting.sequence != row.payload["sequence"]:
        return Verdict(Reminder.State.CANCELLED, "A newer change replaced it; that one is told.")
    if row.kind == R.CHANGE_REQUESTED and not ChangeRequest.objects.filter(
        pk=row.payload["request"], status=ChangeRequest.Status.PENDING
    ):
        return Verdict(Reminder.State.CANCELLED, "The request was answered or withdrawn first.")
    return None


def _summary_verdict(row: Reminder, now: dt.datetime) -> Verdict | None:
    meeting = row.meeting
    if meeting is None:
        return Verdict(Reminder.State.CANCELLED, "The meeting was removed.")
    if meeting.status != Meeting.Status.COMPLETED:
        return Verdict(Reminder.State.CANCELLED, "The meeting is no longer recorded as held.")
    if now - row.due_at > SUMMARY_STALE_AFTER:
        return Verdict(Reminder.State.DROPPED, "Its moment had passed two days before.")
    return None


def verdict(
    row: Reminder, now: dt.datetime, prefs: NotificationPreferences | None = None
) -> Verdict | None:
    """None when the row should be sent now; otherwise what to record instead.
    ``prefs``: the recipient's preferences when the caller has them already."""
    if not row.recipient.is_active:
        return Verdict(Reminder.State.CANCELLED, "The person no longer works here.")
    if row.channel == Channel.EMAIL and not row.recipient.email:
        return Verdict(Reminder.State.CANCELLED, "The person has no email address.")
    if row.kind == R.SUMMARY:  # asked for by no setting: every held 1:1 has one
        return _summary_verdict(row, now)
    prefs = prefs if prefs is not None else preferences_for(row.recipient_id)
    if row.channel == Channel.CHAT and not prefs.chat_ready:
        return Verdict(Reminder.State.CANCELLED, "No working chat webhook.")
    if row.kind == R.INVITATION:  # email only; a cancellation goes whatever the switch
        return _invitation_verdict(row, prefs, now)
    if not wants(prefs, row.kind, row.channel):
        return Verdict(Reminder.State.CANCELLED, "Turned off in the person's settings.")
    if row.kind in reminders.MEETING_KINDS:
        found = _meeting_verdict(row, prefs, now)
        if found is not None:
            return found
    if row.kind in reminders.NOTICE_KINDS:
        found = notice_verdict(row)
        if found is not None:
            return found
    late = now - row.due_at
    if late > dt.timedelta(minutes=settings.REMINDER_STALE_AFTER_MINUTES):
        minutes = int(late.total_seconds() // 60)
        return Verdict(Reminder.State.DROPPED, f"Its moment had passed {minutes} minutes before.")
    return None


# --- What the emails say ---------------------------------------------------------------


@dataclass
class Email:
    subject: str
    template: str  # meetings/email/<template>.txt and .html
    context: dict[str, Any] = field(default_factory=dict)
    calendar: tuple[str, bytes] | None = None  # (METHOD, iCalendar bytes)


Link = Callable[..., str]  # ``absolute``, or a sweep's ``Links``


class Links:
    """``absolute``, each address reversed once: a sweep's emails share most of theirs
    (the settings page in every footer), and a page of one id (a meeting's, in both its
    people's emails) is reversed once for every id (``formatting.address_of``)."""

    def __init__(self) -> None:
        self._known: dict[tuple[object, ...], str] = {}
        self._of_id: dict[str, Callable[[int], str]] = {}

    def __call__(self, url_name: str, *args: object) -> str:
        if len(args) == 1 and type(args[0]) is int:
            address = self._of_id.get(url_name)
            if address is None:
                address = self._of_id[url_name] = address_of(url_name)
            site: str = settings.SITE_URL
            return site + address(args[0])
        key = (url_name, *args)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = absolute(url_name, *args)
        return found


@dataclass
class Shared:
    """What the emails of one sweep share: their links, each reversed once, and their
    templates, each flattened and compiled once (``email_templates``)."""

    link: Links = field(default_factory=Links)
    templates: EmailTemplates = field(default_factory=EmailTemplates)


def _meeting_context(meeting: Meeting, recipient: User, link: Link = absolute) -> dict[str, Any]:
    other = meeting.other_person(recipient)
    place = meeting.get_format_display()
    if meeting.location:
        place = f"{place}: {meeting.location}"
    return {
        "meeting": meeting,
        "other": other,
        "is_organiser": recipient.pk == meeting.organiser_id,
        "words": meeting.kind_words,
        "when": format_span(meeting.starts_at, meeting.ends_at, recipient.zone),
        "place": place,
        "meeting_url": link("meetings:meeting", meeting.pk),
    }


def agenda_items_of(meeting: Meeting) -> list[AgendaItem]:
    """The agenda so far, as the meeting page shows it (the report's items first).
    Only ever sent to the meeting's two people, who both see it on the page. (The
    sweep reads the agendas of a whole batch at once: ``_Batch``.)"""
    if meeting._state.adding:  # a removed meeting, rebuilt for its cancellation
        return []
    read: list[AgendaItem] | None = getattr(meeting, BATCH_AGENDA, None)
    if read is not None:
        return read
    return list(agenda_of(meeting))


# Where ``_Batch`` leaves a meeting's agenda, read with the others of its batch.
BATCH_AGENDA = "_batch_agenda"


def _agenda_prompt(row: Reminder, link: Link = absolute) -> Email:
    meeting = _meeting_of(row)
    context = _meeting_context(meeting, row.recipient, link)
    context["agenda_items"] = agenda_items_of(meeting)  # the two emails that show it
    return Email(
        f"What would you like to talk about with {context['other']}? "
        f"{meeting.kind_words.title} {context['when']}",
        "agenda_prompt",
        context,
    )


def _starting_soon(row: Reminder, link: Link = absolute) -> Email:
    meeting = _meeting_of(row)
    context = _meeting_context(meeting, row.recipient, link)
    context["agenda_items"] = agenda_items_of(meeting)
    return Email(
        f"Soon: your {meeting.kind_words.one} with {context['other']}, {context['when']}",
        "starting_soon",
        context,
    )


def _follow_up(row: Reminder, link: Link = absolute) -> Email:
    meeting = _meeting_of(row)
    context = _meeting_context(meeting, row.recipient, link)
    return Email(
        f"How did your {meeting.kind_words.one} with {context['other']} go? "
        "Record notes and actions",
        "follow_up",
        context,
    )


def _invitation(row: Reminder) -> Email:
    method = row.payload["method"]
    if method == "CANCEL":
        meeting = reminders.meeting_from_snapshot(row.payload["event"])
    else:
        meeting = _meeting_of(row)
    context = _meeting_context(meeting, row.recipient)
    context["method"] = method
    context["update"] = row.payload.get("update", False)
    title = meeting.kind_words.title
    if method == "CANCEL":
        subject = f"Cancelled: {title} with {context['other']}, "
    elif row.payload.get("update"):
        subject = f"Updated invitation: {title} with {context['other']}, "
    else:
        subject = f"Invitation: {title} with {context['other']}, "
    ics = invitation_bytes(meeting, for_user=row.recipient, method=method)
    return Email(subject + context["when"], "invitation", context, calendar=(method, ics))


def _lapsed_nudge(row: Reminder, now: dt.datetime) -> Email | None:
    lapsed = reminders.lapsed_series_of(manager_id=row.recipient_id, now=now)
    if not lapsed:
        return None
    count = len(lapsed)
    return Email(
        f"{count} of your reports {'has' if count == 1 else 'have'} not had a 1:1 for a while",
        "lapsed_nudge",
        {"lapsed": lapsed, "team_url": absolute("meetings:team")},
    )


def _actions_due(row: Reminder) -> Email | None:
    actions = reminders.actions_due_of(owner_id=row.recipient_id, day=reminders.day_of(row))
    if not actions:
        return None
    count = len(actions)
    for action in actions:
        action.meeting_url = absolute("meetings:meeting", action.meeting_id)  # type: ignore[attr-defined]
    return Email(
        f"{count} of your actions {'is' if count == 1 else 'are'} due tomorrow",
        "actions_due",
        {"actions": actions, "actions_url": absolute("meetings:my_actions")},
    )


def _change_requested(row: Reminder) -> Email:
    request = ChangeRequest.objects.select_related("requested_by").get(pk=row.payload["request"])
    meeting = _meeting_of(row)
    context = _meeting_context(meeting, row.recipient)
    context["request"] = request
    if request.proposed_starts_at:
        context["proposed"] = span_from(meeting, request.proposed_starts_at, row.recipient)
    what = "move" if request.action == ChangeRequest.Action.MOVE else "cancel"
    return Email(
        f"{request.requested_by} asks to {what} your {meeting.kind_words.one}, {context['when']}",
        "change_requested",
        context,
    )


def _request_answered(row: Reminder) -> Email:
    request = ChangeRequest.objects.select_related("decided_by").get(pk=row.payload["request"])
    meeting = _meeting_of(row)
    context = _meeting_context(meeting, row.recipient)
    context["request"] = request
    context["accepted"] = request.status == ChangeRequest.Status.ACCEPTED
    what = "move" if request.action == ChangeRequest.Action.MOVE else "cancel"
    answer = "agreed" if context["accepted"] else "said no"
    return Email(
        f"{context['other']} {answer} to your request to {what} your {meeting.kind_words.one}",
        "request_answered",
        context,
    )


def _meetings_removed(row: Reminder) -> Email:
    """Meetings of a series removed together, each at its time in the reader's zone."""
    meetings = [reminders.meeting_from_snapshot(event) for event in row.payload["events"]]
    recipient = row.recipient
    first = meetings[0]
    other_id = first.participant_id if recipient.pk == first.organiser_id else first.organiser_id
    other = User.objects.get(pk=other_id)
    by_me = row.payload["by"] == recipient.pk
    context: dict[str, Any] = {
        "other": other,
        "words": first.kind_words,  # a series' meetings are all of its kind
        "by_me": by_me,
        "by": recipient if by_me else other,  # only the organiser changes a series
        "whens": [format_span(m.starts_at, m.ends_at, recipient.zone) for m in meetings],
        "series_url": absolute("meetings:series", row.payload["series"])
        if row.payload.get("series")
        else absolute("meetings:mine"),
    }
    what = first.kind_words.counted(len(meetings))
    return Email(f"Removed: {what} with {other}", "meetings_removed", context)


def _meeting_changed(row: Reminder) -> Email:
    if row.payload["change"] == reminders.REMOVED:
        return _meetings_removed(row)
    meeting = _meeting_of(row)
    context = _meeting_context(meeting, row.recipient)
    changed_by = row.payload["by"]
    context["by_me"] = changed_by == row.recipient_id
    context["by"] = context["other"] if not context["by_me"] else row.recipient
    context["cancelled"] = row.payload["change"] == reminders.CANCELLED
    if "was" in row.payload:
        was = dt.datetime.fromisoformat(row.payload["was"])
        context["was"] = span_from(meeting, was, row.recipient)
    kind = meeting.kind_words.one
    if context["cancelled"]:
        subject = f"Cancelled: your {kind} with {context['other']}, {context['when']}"
    else:
        subject = f"Moved: your {kind} with {context['other']} is now {context['when']}"
    return Email(subject, "meeting_changed", context)


def _objective_update(row: Reminder) -> Email | None:
    from objectives.models import Objective

    objective = (
        Objective.objects.select_related("owner", "decided_by")
        .filter(pk=row.payload["objective"])
        .first()
    )
    if objective is None:
        return None
    event = row.payload["event"]
    context = {
        "objective": objective,
        "event": event,
        "objective_url": absolute("objectives:detail", objective.pk),
    }
    if event == reminders.PROPOSED:
        subject = f"{objective.owner} proposed an objective: {objective.title}"
    elif event == reminders.CONFIRMED:
        subject = f"{objective.decided_by} confirmed your objective: {objective.title}"
    else:
        subject = f"{objective.decided_by} did not agree your objective: {objective.title}"
    return Email(subject, "objective_update", context)


def _mentoring_update(row: Reminder) -> Email | None:
    from mentoring.models import Mentorship

    mentorship = (
        Mentorship.objects.select_related("mentor", "mentee")
        .filter(pk=row.payload["mentorship"])
        .first()
    )
    by = User.objects.filter(pk=row.payload["by"]).first()
    if mentorship is None or by is None:
        return None
    event = row.payload["event"]
    recipient_is_mentee = row.recipient_id == mentorship.mentee_id
    other = mentorship.mentor if recipient_is_mentee else mentorship.mentee
    context = {
        "event": event,
        "by": by,
        "other": other,
        "recipient_is_mentee": recipient_is_mentee,
        "url": absolute("mentoring:mine"),
    }
    subjects = {
        reminders.MENTORING_PROPOSED: (
            f"{by} offers to mentor you" if recipient_is_mentee else f"{by} asks you to mentor them"
        ),
        reminders.MENTORING_ACCEPTED: f"{by} accepted: mentoring starts",
        reminders.MENTORING_DECLINED: f"{by} declined your mentoring proposal",
        reminders.MENTORING_SET_UP: (
            f"HR set up mentoring: {other} is your {'mentor' if recipient_is_mentee else 'mentee'}"
        ),
        reminders.MENTORING_ENDED: f"Mentoring with {other} has ended",
        reminders.MENTORING_LEFT: (
            f"Your {'mentor' if recipient_is_mentee else 'mentee'} has left: mentoring has ended"
        ),
    }
    return Email(subjects[event], "mentoring_update", context)


def _manager_changed(row: Reminder) -> Email | None:
    """What a change of manager means for the reader: the report, the old manager or
    the new one. Names and counts only; nothing of the old pair's 1:1s."""
    handover = (
        ManagerHandover.objects.select_related("person", "old_manager", "new_manager")
        .filter(pk=row.payload["handover"])
        .first()
    )
    if handover is None:
        return None
    role = row.payload["role"]
    person = handover.person
    context = {
        "role": role,
        "person": person,
        "old_manager": handover.old_manager,
        "new_manager": handover.new_manager,
        "called_off": handover.meetings_called_off,
        "to_choose": handover.chosen_at is None,
        "choose_url": absolute("meetings:bring_to_new_manager"),
        "book_url": absolute("meetings:series_new") + f"?participant={person.pk}",
        "mine_url": absolute("meetings:mine"),
    }
    if role == reminders.REPORT:
        subject = (
            f"Your manager is now {handover.new_manager}"
            if handover.new_manager
            else "You no longer have a manager set"
        )
    elif role == reminders.OLD_MANAGER:
        subject = f"{person} no longer reports to you"
    else:
        subject = f"{person} now reports to you: book a first 1:1"
    return Email(subject, "manager_changed", context)


NOTICES: dict[str, Callable[[Reminder], Email | None]] = {
    R.CHANGE_REQUESTED: _change_requested,
    R.REQUEST_ANSWERED: _request_answered,
    R.MEETING_CHANGED: _meeting_changed,
    R.OBJECTIVE_UPDATE: _objective_update,
    R.MENTORING_UPDATE: _mentoring_update,
    R.MANAGER_CHANGED: _manager_changed,
}


def _summary(row: Reminder, now: dt.datetime) -> Email:
    """What was discussed, carried over and agreed, and the next meeting of the series,
    in the recipient's zone. Private notes are never part of it."""
    meeting = _meeting_of(row)
    recipient = row.recipient
    items = agenda_items_of(meeting)
    following = None
    if meeting.series_id:
        following = next_meeting_of_series(
            series_id=meeting.series_id,
            after=meeting.starts_at,
            exclude_pk=meeting.pk,
            not_over_at=now,
        )
    zone = recipient.zone
    held_on = timezone.localtime(meeting.starts_at, zone)
    other = meeting.other_person(recipient)
    context = {
        "other": other,
        "meeting": meeting,
        "words": meeting.kind_words,
        "held_on": held_on,
        "discussed": [item for item in items if item.discussed],
        "carried": [item for item in items if not item.discussed],
        "actions": summary_actions(meeting),
        "next_starts": timezone.localtime(following.starts_at, zone) if following else None,
        "next_ends": timezone.localtime(following.ends_at, zone) if following else None,
        "url": absolute("meetings:meeting", meeting.pk),
        "shared_note": summary_shared_note(meeting, viewer=recipient),
    }
    subject = (
        f"Summary of your {meeting.kind_words.one} with {other} "
        f"on {held_on:%a} {held_on.day} {held_on:%b}"
    )
    return Email(subject, "summary", context)


def summary_shared_note(meeting: Meeting, *, viewer: User) -> str:
    """The shared note's text for the wrap-up email, only when both people chose to
    have it there (``summary_shared_notes``, off by default): it then leaves the app
    for both mailboxes. Never a private note."""
    prefs = preferences_of([meeting.organiser_id, meeting.participant_id])
    if not all(p.summary_shared_notes for p in prefs.values()):
        return ""
    note = (
        notes_visible_to(viewer=viewer)
        .filter(meeting=meeting, visibility=Note.Visibility.SHARED)
        .first()
    )
    return note.body.strip() if note else ""


def _chat_broken(row: Reminder) -> Email:
    context = {key: row.payload[key] for key in ("service", "address", "reason")}
    return Email(f"Your {row.payload['service']} webhook stopped working", "chat_broken", context)


def build_email(row: Reminder, now: dt.datetime, link: Link = absolute) -> Email | None:
    """What to send for ``row``; None when there is nothing to say any more. ``link``:
    the sweep's ``Links`` for the emails it sends most."""
    if row.kind == R.AGENDA_PROMPT:
        return _agenda_prompt(row, link)
    if row.kind == R.STARTING_SOON:
        return _starting_soon(row, link)
    if row.kind == R.FOLLOW_UP:
        return _follow_up(row, link)
    if row.kind == R.INVITATION:
        return _invitation(row)
    if row.kind == R.LAPSED_NUDGE:
        return _lapsed_nudge(row, now)
    if row.kind == R.ACTIONS_DUE:
        return _actions_due(row)
    if row.kind in NOTICES:
        return NOTICES[row.kind](row)
    if row.kind == R.SUMMARY:
        return _summary(row, now)
    if row.kind == R.CHAT_BROKEN:
        return _chat_broken(row)
    raise ValueError(f"No email for {row.kind}")


def render_message(
    row: Reminder, email: Email, connection: BaseEmailBackend, shared: Shared | None = None
) -> ReminderMessage:
    """Plain text and HTML from the same context, times in the recipient's own zone.
    ``shared``: the sweep's links and templates (else Django's, looked up each time)."""
    link: Link = shared.link if shared else absolute
    recipient = row.recipient
    context = {
        **email.context,
        "recipient": recipient,
        "zone_name": recipient.time_zone,
        "settings_url": link("meetings:notifications"),
        "site_url": settings.SITE_URL,
    }
    with timezone.override(recipient.zone):
        render = shared.templates.render if shared else render_to_string
        text = render(f"meetings/email/{email.template}.txt", context)
        html = render(f"meetings/email/{email.template}.html", context)
    message = ReminderMessage(
        subject=email.subject,
        body=text,
        to=[formataddr((recipient.full_name, recipient.email))],
        headers={"Auto-Submitted": "auto-generated", "X-Oneonones-Reminder": str(row.pk)},
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    if email.calendar:
        method, ics = email.calendar
        part = MIMEText(ics.decode(), "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header("Content-Disposition", "attachment", filename="invite.ics")
        message.attach(part)
    return message


# --- The sweep ---------------------------------------------------------------------------


@dataclass
class SweepResult:
    sent: int = 0
    cancelled: int = 0
    dropped: int = 0
    failed: int = 0
    moved: int = 0
    skipped: int = 0  # another sweep held it, or it was done already
    held: int = 0  # a chat message waiting for an earlier one to the same person

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _record(row: Reminder, state: str, reason: str) -> str:
    row.state, row.reason = state, reason
    row.save(update_fields=["state", "reason", "attempts", "last_error", "updated_at"])
    return state


def deliver(
    reminder_id: int,
    *,
    connection: BaseEmailBackend,
    now: dt.datetime | None = None,
    shared: Shared | None = None,
) -> str:
    """Claim one due row, send it and mark it sent, all in one transaction.
    Returns what happened (a ``SweepResult`` field name)."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "meeting__organiser", "meeting__participant")
            .filter(pk=reminder_id, state=Reminder.State.PENDING, due_at__lte=now)
            .first()
        )
        if row is None:
            return "skipped"
        found = verdict(row, now)
        if found is not None and found.state == MOVED:
            row.save(update_fields=["due_at", "updated_at"])
            return "moved"
        if found is not None:
            return _record(row, found.state, found.reason)
        if row.channel == Channel.CHAT:
            return _post_chat(row, now)
        try:
            with transaction.atomic():  # a failed query in rendering must not spoil the claim
                email = build_email(row, now)
                message = render_message(row, email, connection, shared) if email else None
            if message is None:
                return _record(row, Reminder.State.CANCELLED, "Nothing to tell any more.")
            message.send()
        except Exception as error:
            _close_quietly(connection)  # the next message opens a fresh connection
            return _failed(row, error)
        return _sent(row)


def _sent(row: Reminder) -> str:
    row.state = Reminder.State.SENT
    row.sent_at = timezone.now()
    row.attempts += 1
    row.last_error = ""
    row.save(update_fields=["state", "sent_at", "attempts", "last_error", "updated_at"])
    if row.kind == R.SUMMARY:
        # What the meeting page says: "The summary was emailed to you both".
        Meeting.objects.filter(pk=_meeting_of(row).pk, summary_sent_at__isnull=True).update(
            summary_sent_at=row.sent_at
        )
    return "sent"


def held_back(row: Reminder) -> bool:
    """Whether an earlier chat message to the same person, by ``(due_at, id)``, is still
    waiting: then ``row`` waits too, so a webhook that fails and recovers gets its
    messages in order. The earlier one holds this one until it is sent, cancelled,
    dropped when stale or given up on (``REMINDER_MAX_ATTEMPTS``)."""
    earlier = Q(due_at__lt=row.due_at) | Q(due_at=row.due_at, pk__lt=row.pk)
    return (
        Reminder.objects.filter(
            earlier,
            recipient_id=row.recipient_id,
            channel=Channel.CHAT,
            state=Reminder.State.PENDING,
        )
        .exclude(pk=row.pk)
        .exists()
    )


def _post_chat(row: Reminder, now: dt.datetime) -> str:
    """Post a claimed chat row to its person's webhook (inside the claim's transaction)."""
    if held_back(row):
        return "held"
    prefs = preferences_for(row.recipient_id)
    try:
        with transaction.atomic():  # a failed query in rendering must not spoil the claim
            message = chat_messages.chat_message(row, now)
        if message is None:
            return _record(row, Reminder.State.CANCELLED, "Nothing to tell any more.")
        chat.post(url=prefs.chat_webhook_url, service=prefs.chat_service, message=message)
    except chat.WebhookGone as error:
        services.chat_webhook_broken(
            user_id=row.recipient_id, url=prefs.chat_webhook_url, reason=str(error), now=now
        )
        row.attempts += 1
        row.last_error = str(error)
        return _record(row, Reminder.State.FAILED, "The chat webhook is gone.")
    except Exception as error:
        return _failed(row, error)
    return _sent(row)


def _failed(row: Reminder, error: Exception) -> str:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    fields = ["attempts", "last_error", "updated_at"]
    if row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        row.state = Reminder.State.FAILED
        row.reason = f"Sending failed {row.attempts} times."
        fields += ["state", "reason"]
    logger.warning("Reminder %s not sent (attempt %s): %s", row.pk, row.attempts, row.last_error)
    row.save(update_fields=fields)
    return "failed"


def _close_quietly(connection: BaseEmailBackend) -> None:
    try:
        connection.close()
    except Exception:  # already broken: nothing more to do
        logger.debug("Closing the mail connection failed", exc_info=True)


# --- The sweep's quick path ----------------------------------------------------------------

# A meeting's own reminders by email: what the sweep sends most. For these it reads
# what a whole batch needs at once (``_Batch``) and claims each row in one statement.
QUICK_KINDS = frozenset(reminders.MEETING_KINDS)
# The emails that show the agenda so far (``_agenda.txt``): only theirs is read.
AGENDA_KINDS = frozenset((R.AGENDA_PROMPT, R.STARTING_SOON))


class _Batch:
    """What a batch of due rows needs, read in a few set-based queries whatever its
    size: the rows with their people and meetings (one query, by the sweep), every
    recipient's preferences (one), and the agendas of the meetings whose emails show
    one (one, only when the batch has such emails). ``shared``: the sweep's, for all its
    batches."""

    def __init__(self, rows: list[Reminder], shared: Shared | None = None) -> None:
        self.shared = shared or Shared()
        self.prefs = preferences_of({row.recipient_id for row in rows})
        showing = [row for row in rows if _quick(row) and row.kind in AGENDA_KINDS and row.meeting]
        agendas: dict[int, list[AgendaItem]] = {}
        if showing:
            items = AgendaItem.objects.filter(
                meeting_id__in={row.meeting_id for row in showing}
            ).select_related("author")
            for item in items:
                agendas.setdefault(item.meeting_id, []).append(item)  # type: ignore[arg-type]
        for row in showing:
            meeting = _meeting_of(row)
            lead = meeting.agenda_lead_id
            # The meeting page's order (``agenda_of``): the report's items first.
            ordered = sorted(
                agendas.get(meeting.pk, []),
                key=lambda item: (item.author_id != lead, item.position, item.pk),
            )
            setattr(meeting, BATCH_AGENDA, ordered)


def _quick(row: Reminder) -> bool:
    return row.channel == Channel.EMAIL and row.kind in QUICK_KINDS


# Planned once per database connection (``oneonones.db.execute_prepared``) rather than
# with every row: the sweep runs it once per email, and planning its join cost the server
# about as much as running it. A prepared statement lasts as long as its connection (a
# rollback keeps it), so this needs the sweep's own session, not one a transaction-mode
# pooler would hand out per transaction.
CLAIM_AS_SENT = """
UPDATE meetings_reminder SET state = %(sent)s, sent_at = %(at)s,
    attempts = attempts + 1, last_error = '', updated_at = %(at)s
WHERE id = (
    SELECT r.id FROM meetings_reminder r
    JOIN meetings_meeting m ON m.id = r.meeting_id
    WHERE r.id = %(id)s AND r.state = %(pending)s AND r.due_at = %(due_at)s
      AND r.subject = %(subject)s AND r.updated_at = %(updated_at)s
      AND m.status = %(status)s AND m.starts_at = %(starts_at)s AND m.ends_at = %(ends_at)s
      AND m.updated_at = %(meeting_updated_at)s
    FOR UPDATE OF r SKIP LOCKED
)
RETURNING id
"""


def _claim_as_sent(row: Reminder, at: dt.datetime) -> bool:
    """Claim ``row`` and mark it sent, in one statement, inside the caller's transaction
    (so the mark only stays if the send that follows succeeds and the transaction
    commits). True only if neither the row nor its meeting changed since the batch
    read them and no other sweep holds it; otherwise nothing is changed."""
    meeting = _meeting_of(row)
    with database.cursor() as cursor:
        execute_prepared(
            cursor,
            CLAIM_AS_SENT,
            {
                "sent": Reminder.State.SENT.value,
                "at": at,
                "id": row.pk,
                "pending": Reminder.State.PENDING.value,
                "due_at": row.due_at,
                "subject": row.subject,
                "updated_at": row.updated_at,
                "status": meeting.status,
                "starts_at": meeting.starts_at,
                "ends_at": meeting.ends_at,
                "meeting_updated_at": meeting.updated_at,
            },
        )
        return cursor.fetchone() is not None


def _deliver_quick(
    row: Reminder, *, batch: _Batch, connection: BaseEmailBackend, now: dt.datetime
) -> str:
    """``deliver`` for a row read with its batch: judged and rendered from what the batch
    read, then, in one transaction, claimed and marked sent (one statement), handed to
    the mail server and committed. The guarantees are ``deliver``'s: a send that fails
    rolls the mark back and is recorded as failed; a process killed after the mail
    server took the message and before the commit leaves that one row waiting. Anything
    else (a verdict other than "send", a row or meeting changed since the batch read
    it, a rendering error) goes through ``deliver``, which reads the row afresh."""
    found = verdict(row, now, prefs=batch.prefs[row.recipient_id])
    if found is not None:
        return deliver(row.pk, connection=connection, now=now, shared=batch.shared)
    try:
        email = build_email(row, now, batch.shared.link)
        message = render_message(row, email, connection, batch.shared) if email else None
    except Exception:
        logger.debug("Reminder %s: rendering from its batch failed", row.pk, exc_info=True)
        message = None
    if message is None:
        return deliver(row.pk, connection=connection, now=now, shared=batch.shared)
    claimed = False
    try:
        with transaction.atomic():
            claimed = _claim_as_sent(row, timezone.now())
            if claimed:
                message.send()
    except Exception as error:
        _close_quietly(connection)  # the next message opens a fresh connection
        return _record_failure(row.pk, error, now)
    if not claimed:
        return deliver(row.pk, connection=connection, now=now, shared=batch.shared)
    return "sent"


def _record_failure(reminder_id: int, error: Exception, now: dt.datetime) -> str:
    """Record a failed send of a quick-path row (its claim was rolled back with it)."""
    with transaction.atomic():
        row = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=reminder_id, state=Reminder.State.PENDING, due_at__lte=now)
            .first()
        )
        if row is None:
            return "skipped"
        return _failed(row, error)


class _DueRows:
    """The sweep's read of its next batch: due rows after an id, with their people and
    meetings. Django compiles a query anew each time it runs, for this one (four joins)
    about 3.5 ms, as long as reading its 50 rows; this compiles it once per sweep and
    runs the same SQL with each batch's values, turning rows into instances as the ORM
    does (its converters and ``select_related`` populators, from the compiler)."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self._compiled: _Compiled | None = None
        self._orm_only = False

    def _queryset(self, moment: dt.datetime, after: int) -> Any:
        return (
            Reminder.objects.filter(state=Reminder.State.PENDING, due_at__lte=moment, pk__gt=after)
            .select_related("recipient", "meeting__organiser", "meeting__participant")
            .order_by("pk")[: self.batch_size]
        )

    def read(self, moment: dt.datetime, after: int) -> list[Reminder]:
        values = (moment, after, Reminder.State.PENDING.value)  # as the ORM writes them
        if self._orm_only:
            return list(self._queryset(moment, after))
        if self._compiled is None:
            queryset = self._queryset(moment, after)
            compiled = _Compiled(queryset.query.get_compiler(using=queryset.db))
            if compiled.params != values:  # not the statement expected: the ORM each time
                self._orm_only = True
                return list(queryset)
            self._compiled = compiled
        return self._compiled.rows(values)


class _Compiled:
    """A compiled read of reminders (``_DueRows``): its SQL, and how its rows become
    instances, as ``ModelIterable`` makes them."""

    def __init__(self, compiler: Any) -> None:
        self.compiler = compiler
        self.sql, params = compiler.as_sql()  # fills in select and klass_info
        self.params = tuple(params)
        select, klass_info = compiler.select, compiler.klass_info
        self.converters = compiler.get_converters([column[0] for column in select])
        self.start, self.end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.names = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, compiler.using)  # type: ignore[call-arg]

    def rows(self, values: tuple[Any, ...]) -> list[Reminder]:
        with database.cursor() as cursor:
            # Planned once per connection: with four joins, planning it took the server
            # longer than running it, on every batch.
            execute_prepared(cursor, self.sql, values)
            fetched = cursor.fetchall()
        if self.converters:
            fetched = list(self.compiler.apply_converters(fetched, self.converters))
        using, start, end, names = self.compiler.using, self.start, self.end, self.names
        rows = []
        for values_of_row in fetched:
            row = Reminder.from_db(using, names, values_of_row[start:end])
            for populator in self.populators:
                populator.populate(values_of_row, row)
            rows.append(row)
        return rows


def send_due_reminders(
    *, now: dt.datetime | None = None, batch_size: int | None = None, seconds: float = SWEEP_SECONDS
) -> SweepResult:
    """Send every due reminder, a batch of rows at a time, each claimed on its own.

    Each batch is read at once (``_Batch``); a meeting's reminders by email then take
    the quick path (``_deliver_quick``), every other row ``deliver``. Safe to run in
    several processes at once. Rows that failed stay waiting and are tried again by
    the next sweep (not this one: the id cursor only moves forward).
    """
    batch_size = batch_size or settings.REMINDER_BATCH_SIZE
    result = SweepResult()
    started = time.monotonic()
    after = 0
    mail_connection = mail.get_connection()
    shared = Shared()
    due_rows = _DueRows(batch_size)
    try:
        while time.monotonic() - started < seconds:
            moment = now or timezone.now()
            rows = due_rows.read(moment, after)
            if not rows:
                break
            batch = _Batch(rows, shared)
            for row in rows:
                if _quick(row):
                    outcome = _deliver_quick(
                        row, batch=batch, connection=mail_connection, now=moment
                    )
                else:
                    outcome = deliver(row.pk, connection=mail_connection, now=moment, shared=shared)
                result.add(outcome)
            after = rows[-1].pk
    finally:
        _close_quietly(mail_connection)
    return result


def send_summaries_of(*, meeting_id: int, now: dt.datetime | None = None) -> int:
    """Send the waiting summaries of a meeting that was just completed (each claimed on
    its own, like in the sweep, so a sweep at the same moment sends none twice).
    Returns how many went out."""
    now = now or timezone.now()
    ids = list(
        Reminder.objects.filter(
            meeting_id=meeting_id, kind=R.SUMMARY, state=Reminder.State.PENDING, due_at__lte=now
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    connection = mail.get_connection()
    try:
        return sum(deliver(pk, connection=connection, now=now) == "sent" for pk in ids)
    finally:
        _close_quietly(connection)
