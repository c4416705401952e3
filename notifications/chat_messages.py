"""What each kind of message says in a chat (the chat channel's ``ChatMessage``).

One or two sentences with times in the reader's zone and one link to the page in the
app. Never agenda items, notes, actions' or objectives' text, check-ins, a request's
reason or a meeting's place: a chat channel is read by more people, on more devices,
than a mailbox, and whoever follows the link signs in and sees what they may.
"""

import datetime as dt
from collections.abc import Callable

from meetings.formatting import format_span
from meetings.models import ChangeRequest, KindWords, Meeting
from notifications import outbox
from notifications.chat import ChatMessage
from notifications.models import Reminder
from notifications.wording import absolute, span_from
from people.models import User

R = Reminder.Kind


def _meeting_of(row: Reminder) -> Meeting:
    if row.meeting is None:
        raise ValueError(f"Reminder {row.pk} has no meeting")
    return row.meeting


def _about_meeting(row: Reminder) -> tuple[Meeting, User, KindWords, str]:
    """The meeting, the other person, the words for its kind and its time in the
    reader's zone."""
    meeting = _meeting_of(row)
    when = format_span(meeting.starts_at, meeting.ends_at, row.recipient.zone)
    return meeting, meeting.other_person(row.recipient), meeting.kind_words, when


def _meeting_link(meeting: Meeting) -> str:
    return absolute("meetings:meeting", meeting.pk)


def _open_meeting(text: str, meeting: Meeting, words: KindWords, row: Reminder) -> ChatMessage:
    return ChatMessage(
        text, _meeting_link(meeting), f"Open the {words.one}", row.recipient.time_zone
    )


def _reminder(row: Reminder, now: dt.datetime) -> ChatMessage:
    meeting, other, words, when = _about_meeting(row)
    if row.kind == R.AGENDA_PROMPT:
        text = f"Your {words.one} with {other} is {when}. What would you like to talk about?"
        link_text = "Add to the agenda"
    elif row.kind == R.STARTING_SOON:
        text = f"Soon: your {words.one} with {other}, {when} ({meeting.get_format_display()})."
        link_text = f"Open the {words.one}"
    else:
        text = f"How did your {words.one} with {other} ({when}) go? Record notes and actions."
        link_text = f"Record the {words.one}"
    return ChatMessage(text, _meeting_link(meeting), link_text, row.recipient.time_zone)


def _change_requested(row: Reminder, now: dt.datetime) -> ChatMessage:
    request = ChangeRequest.objects.select_related("requested_by").get(pk=row.payload["request"])
    meeting, _, words, when = _about_meeting(row)
    if request.action == ChangeRequest.Action.MOVE:
        text = f"{request.requested_by} asks to move your {words.one} of {when}"
        if request.proposed_starts_at:
            text += f" to {span_from(meeting, request.proposed_starts_at, row.recipient)}"
        text += "."
    else:
        text = f"{request.requested_by} asks to cancel your {words.one} of {when}."
    return ChatMessage(text, _meeting_link(meeting), "Answer", row.recipient.time_zone)


def _request_answered(row: Reminder, now: dt.datetime) -> ChatMessage:
    request = ChangeRequest.objects.get(pk=row.payload["request"])
    meeting, other, words, when = _about_meeting(row)
    answer = "agreed" if request.status == ChangeRequest.Status.ACCEPTED else "said no"
    what = "move" if request.action == ChangeRequest.Action.MOVE else "cancel"
    text = f"{other} {answer} to your request to {what} your {words.one} ({when})."
    return _open_meeting(text, meeting, words, row)


def _meetings_removed(row: Reminder) -> ChatMessage:
    recipient = row.recipient
    meetings = [outbox.meeting_from_snapshot(event) for event in row.payload["events"]]
    first = meetings[0]
    other_id = first.participant_id if recipient.pk == first.organiser_id else first.organiser_id
    other = User.objects.get(pk=other_id)
    whens = "; ".join(format_span(m.starts_at, m.ends_at, recipient.zone) for m in meetings)
    words = first.kind_words  # a series' meetings are all of its kind
    series = row.payload.get("series")
    url = absolute("meetings:series", series) if series else absolute("meetings:mine")
    return ChatMessage(
        f"Removed: {words.counted(len(meetings))} with {other}: {whens}.",
        url,
        f"See your {words.many}",
        recipient.time_zone,
    )


def _meeting_changed(row: Reminder, now: dt.datetime) -> ChatMessage:
    if row.payload["change"] == outbox.REMOVED:
        return _meetings_removed(row)
    meeting, other, words, when = _about_meeting(row)
    if row.payload["change"] == outbox.CANCELLED:
        text = f"Cancelled: your {words.one} with {other}, {when}."
    else:
        text = f"Moved: your {words.one} with {other} is now {when}"
        if "was" in row.payload:
            was = dt.datetime.fromisoformat(row.payload["was"])
            text += f" (was {span_from(meeting, was, row.recipient)})"
        text += "."
    return _open_meeting(text, meeting, words, row)


def _objective_update(row: Reminder, now: dt.datetime) -> ChatMessage | None:
    """Who did what, never the objective's title or text."""
    by = User.objects.filter(pk=row.payload["by"]).first()
    if by is None:
        return None
    event = row.payload["event"]
    if event == outbox.PROPOSED:
        text = f"{by} proposed an objective to you."
    elif event == outbox.CONFIRMED:
        text = f"{by} confirmed your objective."
    else:
        text = f"{by} did not agree your objective."
    url = absolute("objectives:detail", row.payload["objective"])
    return ChatMessage(text, url, "Open the objective", row.recipient.time_zone)


def _actions_due(row: Reminder, now: dt.datetime) -> ChatMessage | None:
    actions = outbox.actions_due_of(owner_id=row.recipient_id, day=outbox.day_of(row))
    if not actions:
        return None
    count = len(actions)
    text = f"{count} of your actions {'is' if count == 1 else 'are'} due tomorrow."
    return ChatMessage(text, absolute("meetings:my_actions"), "My actions", row.recipient.time_zone)


def _lapsed_nudge(row: Reminder, now: dt.datetime) -> ChatMessage | None:
    count = len(outbox.lapsed_series_of(manager_id=row.recipient_id, now=now))
    if not count:
        return None
    text = f"{count} of your reports {'has' if count == 1 else 'have'} not had a 1:1 for a while."
    return ChatMessage(text, absolute("meetings:team"), "My team", row.recipient.time_zone)


# What each kind says; the kinds not here (invitations, summaries) are email only.
MESSAGES: dict[str, Callable[[Reminder, dt.datetime], ChatMessage | None]] = {
    R.AGENDA_PROMPT: _reminder,
    R.STARTING_SOON: _reminder,
    R.FOLLOW_UP: _reminder,
    R.CHANGE_REQUESTED: _change_requested,
    R.REQUEST_ANSWERED: _request_answered,
    R.MEETING_CHANGED: _meeting_changed,
    R.OBJECTIVE_UPDATE: _objective_update,
    R.ACTIONS_DUE: _actions_due,
    R.LAPSED_NUDGE: _lapsed_nudge,
}


def chat_message(row: Reminder, now: dt.datetime) -> ChatMessage | None:
    """What to post for ``row``; None when there is nothing to say any more."""
    return MESSAGES[row.kind](row, now)
