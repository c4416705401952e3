"""What happens to someone's 1:1s when they are anonymised as a leaver.

Called by ``privacy.services.person_anonymise`` inside its transaction. The rule is the
one HR's reports need: every meeting that was held or cancelled stays as a row, with its
times, status and the counts kept on it (agenda items per person, the usefulness
rating: see ``Meeting.agenda_count``), so cadence figures still add up; only the words
go. What was still to come is called off, and nothing more is sent to them.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from meetings.models import (
    ActionItem,
    AgendaItem,
    AgendaTemplate,
    Attendance,
    CancelReason,
    ChangeRequest,
    Meeting,
    MeetingFeedback,
    MeetingSeries,
    Note,
    SlotClash,
)
from meetings.scheduling.services import untouched_future_meetings
from notifications import outbox as reminders
from people.models import User

# What an agenda item or action they wrote says from now on. The item stays, so the
# meeting's counts (kept by database triggers on insert and delete) do not change.
REMOVED_TEXT = "(removed: written by a former colleague)"


def end_series_where(condition: Q) -> int:
    """End the series matching ``condition``; their untouched future meetings go, as
    when a series ends (calendars that have them get a cancellation). Also used by a
    change of manager (``meetings.handover``). Returns how many meetings went."""
    series_list = list(
        MeetingSeries.objects.select_for_update()
        .filter(condition)
        .exclude(status=MeetingSeries.Status.ENDED)
    )
    removed = 0
    for series in series_list:
        series.status = MeetingSeries.Status.ENDED
        series.save(update_fields=["status", "updated_at"])
        doomed = untouched_future_meetings(series=series)
        reminders.meetings_removed(doomed)
        # ``delete`` counts the rows that went with them too (attendances, reminders).
        removed += doomed.delete()[1].get(Meeting._meta.label, 0)
        SlotClash.objects.filter(series=series).delete()
    return removed


def cancel_future_where(condition: Q, *, by: User | None) -> int:
    """Call off the future meetings matching ``condition`` that are left (one-offs, and
    meetings someone had already added to): cancelled, not deleted, by nobody of the
    two; their pending requests are withdrawn (decided by ``by``)."""
    now = timezone.now()
    meetings = list(
        Meeting.objects.select_for_update(of=("self",))
        .filter(condition)
        .filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now)
    )
    for meeting in meetings:
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_by = None
        meeting.cancelled_at = now
        meeting.cancel_reason = CancelReason.OTHER
        meeting.cancel_note = ""
        meeting.sequence += 1
        meeting.save()
        meeting.change_requests.filter(status=ChangeRequest.Status.PENDING).update(
            status=ChangeRequest.Status.WITHDRAWN, decided_by=by, decided_at=now
        )
        reminders.meeting_cancelled(meeting, now=now)
    Attendance.objects.filter(meeting__in=meetings).update(active=False)
    return len(meetings)


def _remove_words(*, person: User) -> None:
    AgendaItem.objects.filter(author=person).update(text=REMOVED_TEXT)
    Note.objects.filter(author=person, visibility=Note.Visibility.PRIVATE).delete()
    # A shared note is one text both people edit. It is theirs to remove when they
    # started it and were the last to write in it; otherwise it is the other person's
    # record of the meeting too, and stays.
    Note.objects.filter(author=person, visibility=Note.Visibility.SHARED).filter(
        Q(updated_by=person) | Q(updated_by__isnull=True)
    ).update(body="")
    # The rating stays (HR's average usefulness), the words go.
    MeetingFeedback.objects.filter(meeting__participant=person).update(
        help_more="", preferred_frequency=""
    )
    Meeting.objects.filter(cancelled_by=person).exclude(cancel_note="").update(cancel_note="")
    # Only the organiser moves a meeting, so the note of a move is theirs.
    Meeting.objects.filter(organiser=person).exclude(reschedule_note="").update(reschedule_note="")
    ChangeRequest.objects.filter(requested_by=person).exclude(note="").update(note="")
    ActionItem.objects.filter(created_by=person).update(description=REMOVED_TEXT)
    AgendaTemplate.objects.filter(owner=person).delete()


@transaction.atomic
def meetings_close_for_leaver(*, person: User, by: User) -> dict[str, int]:
    """End ``person``'s series, call off their future meetings, remove what they wrote
    (their outbox is closed by ``notifications.services.outbox_close_for_leaver``, after this). Held and cancelled meetings stay.
    Returns how many future meetings were removed and cancelled."""
    either = Q(organiser=person) | Q(participant=person)
    removed = end_series_where(either)
    cancelled = cancel_future_where(either, by=by)
    _remove_words(person=person)
    return {"removed": removed, "cancelled": cancelled}
