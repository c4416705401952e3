"""Writes about what happens in a 1:1: agenda, notes, actions, wrap-up and feedback.

Every service is one transaction and checks that ``by`` is one of the meeting's
two people (views look meetings up with ``write=True`` first, so this is the
second line of defence). Services that change a meeting's agenda lock the
meeting row, so they queue behind completion: an item is either on the agenda
when the meeting is completed (and carried over if not discussed) or refused.

Carry-over, in short: completing (or cancelling) a meeting of a series copies
each undiscussed item onto the next scheduled meeting of the series, or onto the
series' "next time" list when none is booked yet; the copy points at the
original (``carried_over_from``, unique), so an item is never carried twice. The
next-time list lands on the next meeting as soon as one exists: when an item is
added, when the series generates meetings, when a meeting is completed and when
one of the two opens a meeting page of the series.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from meetings.models import (
    ActionItem,
    AgendaItem,
    AgendaTemplate,
    AgendaTemplateItem,
    Meeting,
    MeetingFeedback,
    MeetingSeries,
    Note,
    PreferredFrequency,
)
from meetings.record.selectors import (
    agenda_of,
    next_meeting_between,
    next_meeting_of_series,
    summary_actions,
)
from notifications import outbox as reminders
from oneonones import limits
from people.models import User

logger = logging.getLogger(__name__)

MAX_TEXT = 500
SUMMARY_CATCH_UP = dt.timedelta(days=2)


class NoteConflict(Exception):
    """Someone saved the note after the version the edit started from."""

    def __init__(self, note: Note):
        self.note = note
        who = note.updated_by or note.author
        super().__init__(f"{who} saved a newer version of this note.")


def _check_one_of_two(meeting, by: User) -> None:
    if by.pk not in (meeting.organiser_id, meeting.participant_id):
        raise ValidationError("Only the two people in this 1:1 can change it.")


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("organiser", "participant", "series")
        .get(pk=meeting.pk)
    )


def _clean_text(text: str, *, what: str = "Write something first.") -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(what)
    if len(text) > MAX_TEXT:
        raise ValidationError(f"Keep it under {MAX_TEXT} characters.")
    return text


def _check_agenda_open(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.COMPLETED:
        raise ValidationError(
            "This 1:1 is completed; add it to the next-time list or the next 1:1."
        )
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This 1:1 was cancelled; add it to the next 1:1 instead.")


def _next_position(items) -> int:
    top = items.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


# --- Agenda ------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, by: User, text: str, objective=None) -> AgendaItem:
    meeting = _locked(meeting)
    _check_one_of_two(meeting, by)
    _check_agenda_open(meeting)
    return AgendaItem.objects.create(
        meeting=meeting,
        series_id=meeting.series_id,
        text=_clean_text(text, what="Write what you want to talk about."),
        author=by,
        objective=objective,
        position=_next_position(meeting.agenda_items.all()),
    )


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by: User, direction: str) -> AgendaItem:
    """Move an item one place up or down among its author's side of the agenda
    (the report's items always come first). Renumbers the whole agenda, so ties
    left by earlier writes are resolved too."""
    if direction not in ("up", "down"):
        raise ValidationError("Move it up or down.")
    meeting = _locked(item.meeting)
    _check_one_of_two(meeting, by)
    _check_agenda_open(meeting)
    items = list(agenda_of(meeting))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    neighbour = index - 1 if direction == "up" else index + 1
    same_side = 0 <= neighbour < len(items) and (
        (items[neighbour].author_id == meeting.participant_id)
        == (items[index].author_id == meeting.participant_id)
    )
    if same_side:
        items[index], items[neighbour] = items[neighbour], items[index]
    for position, other in enumerate(items):
        other.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    return next(other for other in items if other.pk == item.pk)


@transaction.atomic
def agenda_item_set_discussed(*, item: AgendaItem, by: User, discussed: bool) -> AgendaItem:
    meeting = _locked(item.meeting)
    _check_one_of_two(meeting, by)
    _check_agenda_open(meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    item.discussed = discussed
    item.discussed_at = timezone.now() if discussed else None
    item.save(update_fields=["discussed", "discussed_at", "updated_at"])
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: User) -> None:
    """The author takes back an item they added (before the meeting is completed)."""
    if item.meeting_id is not None:
        meeting = _locked(item.meeting)
        _check_agenda_open(meeting)
    if item.author_id != by.pk:
        raise ValidationError("Only the person who added an item can remove it.")
    item.delete()


@transaction.atomic
def next_time_add(*, series: MeetingSeries, by: User, text: str) -> AgendaItem:
    """Put something on the series' "next time" list: it lands on the next meeting of
    the series at once if one is booked, else as soon as one is."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    _check_one_of_two(series, by)
    item = AgendaItem.objects.create(
        meeting=None,
        series=series,
        text=_clean_text(text, what="Write what you want to talk about next time."),
        author=by,
        position=_next_position(AgendaItem.objects.filter(series=series, meeting__isnull=True)),
    )
    next_time_land(series_id=series.pk)
    item.refresh_from_db()
    return item


def next_time_land(*, series_id: int, now: dt.datetime | None = None) -> int:
    """Move the series' next-time items onto its next scheduled meeting, after the
    items already there. Idempotent: one conditional UPDATE. Returns how many moved."""
    pending = AgendaItem.objects.filter(series_id=series_id, meeting__isnull=True)
    if not pending.exists():
        return 0
    with transaction.atomic():
        target = next_meeting_of_series(series_id=series_id, after=now or timezone.now())
        if target is None:
            return 0
        base = _next_position(target.agenda_items.all())
        return pending.update(meeting=target, position=F("position") + base)


def carry_over(*, meeting: Meeting, now: dt.datetime | None = None) -> int:
    """Copy the meeting's undiscussed items onto the next scheduled meeting of its
    series (or its next-time list). Call inside a transaction holding the meeting's
    row lock. Items already carried over are skipped, so this is safe to repeat."""
    if meeting.series_id is None:
        return 0
    items = list(agenda_of(meeting).filter(discussed=False, carried_to__isnull=True))
    if not items:
        return 0
    now = now or timezone.now()
    target = next_meeting_of_series(
        series_id=meeting.series_id, after=meeting.starts_at, exclude_pk=meeting.pk, not_over_at=now
    )
    if target is not None:
        base = _next_position(target.agenda_items.all())
    else:
        base = _next_position(
            AgendaItem.objects.filter(series_id=meeting.series_id, meeting__isnull=True)
        )
    copies = [
        AgendaItem(
            meeting=target,
            series_id=meeting.series_id,
            text=item.text,
            author_id=item.author_id,
            objective_id=item.objective_id,
            carried_over_from=item,
            position=base + number,
        )
        for number, item in enumerate(items)
    ]
    try:
        with transaction.atomic():
            AgendaItem.objects.bulk_create(copies)
    except IntegrityError:
        # Another process carried them over a moment ago (carried_over_from is unique).
        return 0
    return len(copies)


# --- Notes -------------------------------------------------------------------------------


@transaction.atomic
def note_save(*, meeting: Meeting, by: User, visibility: str, body: str, base_version: int) -> Note:
    """Save the shared note or ``by``'s private note.

    ``base_version`` is the version the edit started from (0 when there was no note
    yet). When someone saved in between, nothing is written and ``NoteConflict``
    carries the newer note, so the page can show both texts.
    """
    _check_one_of_two(meeting, by)
    if visibility not in Note.Visibility.values:
        raise ValidationError("Choose whether the note is shared or private.")
    if len(body) > 20_000:
        raise ValidationError("Notes are limited to 20,000 characters.")
    notes = Note.objects.select_for_update(of=("self",)).filter(
        meeting=meeting, visibility=visibility
    )
    if visibility == Note.Visibility.PRIVATE:
        notes = notes.filter(author=by)
    note = notes.select_related("author", "updated_by").first()
    if note is None:
        if base_version != 0:
            raise ValidationError("That note is no longer there; reload the page.")
        try:
            with transaction.atomic():
                return Note.objects.create(
                    meeting=meeting, author=by, visibility=visibility, body=body, updated_by=by
                )
        except IntegrityError:
            # The other person created the shared note at the same moment.
            newer = Note.objects.select_related("author", "updated_by").get(
                meeting=meeting, visibility=visibility
            )
            raise NoteConflict(newer) from None
    if note.version != base_version:
        raise NoteConflict(note)
    if note.body != body:
        note.body = body
        note.version += 1
        note.updated_by = by
        note.save(update_fields=["body", "version", "updated_by", "updated_at"])
    return note


# --- Actions -----------------------------------------------------------------------------


def default_due_date(meeting: Meeting) -> dt.date | None:
    """The date of the next meeting of the series, in the series' own zone."""
    if meeting.series_id is None:
        return None
    following = next_meeting_of_series(
        series_id=meeting.series_id,
        after=meeting.starts_at,
        exclude_pk=meeting.pk,
        not_over_at=timezone.now(),
    )
    if following is None:
        return None
    return timezone.localtime(following.starts_at, meeting.series.zone).date()


@transaction.atomic
def action_add(
    *,
    meeting: Meeting,
    by: User,
    owner: User,
    description: str,
    due_date: dt.date | None = None,
) -> ActionItem:
    meeting = _locked(meeting)
    _check_one_of_two(meeting, by)
    if owner.pk not in (meeting.organiser_id, meeting.participant_id):
        raise ValidationError("An action belongs to one of the two of you.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This 1:1 was cancelled; agree actions at the next one.")
    if due_date is not None:
        limits.check_planning_day(due_date, what="a due date")
    return ActionItem.objects.create(
        series_id=meeting.series_id,
        meeting=meeting,
        owner=owner,
        description=_clean_text(description, what="Say what is to be done."),
        due_date=due_date if due_date is not None else default_due_date(meeting),
        created_by=by,
    )


@transaction.atomic
def action_set_done(*, action: ActionItem, by: User, done: bool) -> ActionItem:
    action = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "series")
        .get(pk=action.pk)
    )
    _check_one_of_two(action.meeting or action.series, by)
    if action.done != done:
        action.done = done
        action.done_at = timezone.now() if done else None
        action.done_by = by if done else None
        action.save(update_fields=["done", "done_at", "done_by"])
    return action


# --- Wrap-up -----------------------------------------------------------------------------


@transaction.atomic
def meeting_complete(*, meeting: Meeting, by: User, now: dt.datetime | None = None) -> Meeting:
    """Mark the meeting held, carry undiscussed items over and send the summary.

    Only the two people, only once it has started. Completing an already
    completed meeting raises ``ValidationError`` and changes nothing.
    """
    now = now or timezone.now()
    meeting = _locked(meeting)
    _check_one_of_two(meeting, by)
    if meeting.status == Meeting.Status.COMPLETED:
        who = meeting.completed_by or "someone"
        raise ValidationError(f"Already completed by {who}; nothing was changed.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This 1:1 was cancelled, so it cannot be completed.")
    if meeting.starts_at > now:
        raise ValidationError("A 1:1 can be completed once it has started.")
    meeting.status = Meeting.Status.COMPLETED
    meeting.completed_at = now
    meeting.completed_by = by
    meeting.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    reminders.meeting_completed(meeting, now=now)
    carry_over(meeting=meeting, now=now)
    if meeting.series_id:
        next_time_land(series_id=meeting.series_id, now=now)
    _enqueue_summary(meeting)
    return meeting


def _enqueue_summary(meeting: Meeting) -> None:
    from meetings.tasks import send_meeting_summary
    from oneonones.queue import enqueue_on_commit

    enqueue_on_commit(send_meeting_summary, meeting.pk)


@dataclass
class SummaryRecipient:
    person: User
    other: User


def _summary_messages(meeting: Meeting, connection) -> list[EmailMultiAlternatives]:
    items = list(agenda_of(meeting))
    discussed = [item for item in items if item.discussed]
    carried = [item for item in items if not item.discussed]
    actions = summary_actions(meeting)
    following = None
    if meeting.series_id:
        following = next_meeting_of_series(
            series_id=meeting.series_id,
            after=meeting.starts_at,
            exclude_pk=meeting.pk,
            not_over_at=timezone.now(),
        )
    url = settings.SITE_URL + reverse("meetings:meeting", args=[meeting.pk])
    shared_note = summary_shared_note(meeting)
    messages = []
    for recipient in (
        SummaryRecipient(meeting.organiser, meeting.participant),
        SummaryRecipient(meeting.participant, meeting.organiser),
    ):
        if not recipient.person.is_active or not recipient.person.email:
            continue
        zone = recipient.person.zone
        context = {
            "recipient": recipient.person,
            "other": recipient.other,
            "meeting": meeting,
            "held_on": timezone.localtime(meeting.starts_at, zone),
            "discussed": discussed,
            "carried": carried,
            "actions": actions,
            "next_starts": timezone.localtime(following.starts_at, zone) if following else None,
            "next_ends": timezone.localtime(following.ends_at, zone) if following else None,
            "zone_name": recipient.person.time_zone,
            "url": url,
            "shared_note": shared_note,
        }
        with timezone.override(zone):
            subject = (
                f"Summary of your 1:1 with {recipient.other} on "
                f"{context['held_on']:%a} {context['held_on'].day} {context['held_on']:%b}"
            )
            text = render_to_string("meetings/email/summary.txt", context)
            html = render_to_string("meetings/email/summary.html", context)
        message = EmailMultiAlternatives(
            subject=subject, body=text, to=[recipient.person.email], connection=connection
        )
        message.attach_alternative(html, "text/html")
        messages.append(message)
    return messages


def summary_shared_note(meeting: Meeting) -> str:
    """The shared note's text for the wrap-up email, only when both people chose to
    have it there (``summary_shared_notes``, off by default): it then leaves the app
    for both mailboxes. Never a private note."""
    prefs = reminders.preferences_of([meeting.organiser_id, meeting.participant_id])
    if not all(p.summary_shared_notes for p in prefs.values()):
        return ""
    note = Note.objects.filter(meeting=meeting, visibility=Note.Visibility.SHARED).first()
    return note.body.strip() if note else ""


def meeting_send_summary(*, meeting_id: int) -> bool:
    """Email both people the summary of a completed meeting, once.

    The meeting is claimed by a conditional UPDATE of ``summary_sent_at`` in the
    same transaction that sends: a second worker (or the sweep) waits on the row
    and then finds it claimed; a failed send rolls the claim back, so the sweep
    tries again. True when this call sent it.
    """
    with transaction.atomic():
        claimed = Meeting.objects.filter(
            pk=meeting_id, status=Meeting.Status.COMPLETED, summary_sent_at__isnull=True
        ).update(summary_sent_at=timezone.now())
        if not claimed:
            return False
        meeting = Meeting.objects.select_related("organiser", "participant", "series").get(
            pk=meeting_id
        )
        connection = get_connection()
        connection.send_messages(_summary_messages(meeting, connection))
    return True


def send_pending_summaries(*, now: dt.datetime | None = None) -> int:
    """The sweep: every meeting completed in the last two days whose summary has not
    gone out (the broker was down, or a send failed). Returns how many it sent."""
    now = now or timezone.now()
    ids = list(
        Meeting.objects.filter(
            status=Meeting.Status.COMPLETED,
            summary_sent_at__isnull=True,
            completed_at__gte=now - SUMMARY_CATCH_UP,
        )
        .order_by("completed_at")
        .values_list("pk", flat=True)
    )
    sent = 0
    for meeting_id in ids:
        try:
            sent += meeting_send_summary(meeting_id=meeting_id)
        except Exception:  # one failing send must not stop the others; next sweep retries
            logger.exception("Could not send the summary of meeting %s", meeting_id)
    return sent


# --- Feedback ----------------------------------------------------------------------------


@transaction.atomic
def feedback_save(
    *,
    meeting: Meeting,
    by: User,
    usefulness: int,
    help_more: str = "",
    preferred_frequency: str = "",
) -> MeetingFeedback:
    """The report's feedback on a held 1:1: one per meeting, which they may edit."""
    meeting = _locked(meeting)
    if by.pk != meeting.participant_id:
        raise ValidationError("Only the person the 1:1 is for gives feedback on it.")
    if meeting.status != Meeting.Status.COMPLETED:
        raise ValidationError("Feedback opens once the 1:1 has been completed.")
    if usefulness not in range(1, 6):
        raise ValidationError("Choose how useful it was, from 1 to 5.")
    if preferred_frequency and preferred_frequency not in PreferredFrequency.values:
        raise ValidationError("Choose how often you would like to meet.")
    feedback, _ = MeetingFeedback.objects.update_or_create(
        meeting=meeting,
        defaults={
            "usefulness": usefulness,
            "help_more": (help_more or "").strip()[:2000],
            "preferred_frequency": preferred_frequency,
        },
    )
    return feedback


# --- Templates ---------------------------------------------------------------------------


def parse_prompts(text: str) -> list[tuple[str, str]]:
    """Prompts typed one per line; a line starting with "#" begins a section."""
    section, prompts = "", []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            section = line.lstrip("#").strip()[:120]
            continue
        prompts.append((section, line[:300]))
    return prompts


def prompts_text(template: AgendaTemplate) -> str:
    """The inverse of ``parse_prompts``, for editing."""
    lines, section = [], ""
    for item in template.items.all():
        if item.section != section:
            section = item.section
            lines.append(f"# {section}")
        lines.append(item.text)
    return "\n".join(lines)


def _save_prompts(template: AgendaTemplate, prompts: list[tuple[str, str]]) -> None:
    if not prompts:
        raise ValidationError("Add at least one prompt.")
    if len(prompts) > 50:
        raise ValidationError("Keep a template to 50 prompts or fewer.")
    template.items.all().delete()
    AgendaTemplateItem.objects.bulk_create(
        AgendaTemplateItem(template=template, section=section, text=text, position=number)
        for number, (section, text) in enumerate(prompts)
    )


@transaction.atomic
def template_create(
    *, owner: User, name: str, description: str = "", prompts: list[tuple[str, str]]
) -> AgendaTemplate:
    name = (name or "").strip()
    if not name:
        raise ValidationError("Give the template a name.")
    template = AgendaTemplate.objects.create(
        owner=owner, name=name[:120], description=(description or "").strip()[:300]
    )
    _save_prompts(template, prompts)
    return template


@transaction.atomic
def template_update(
    *,
    template: AgendaTemplate,
    by: User,
    name: str,
    description: str = "",
    prompts: list[tuple[str, str]],
) -> AgendaTemplate:
    template = AgendaTemplate.objects.select_for_update().get(pk=template.pk)
    if template.owner_id != by.pk:
        raise ValidationError("Only the person who made a template can change it.")
    name = (name or "").strip()
    if not name:
        raise ValidationError("Give the template a name.")
    template.name = name[:120]
    template.description = (description or "").strip()[:300]
    template.save(update_fields=["name", "description", "updated_at"])
    _save_prompts(template, prompts)
    return template


@transaction.atomic
def template_delete(*, template: AgendaTemplate, by: User) -> None:
    """Series that used it keep going without prompts (the field is SET_NULL)."""
    if template.owner_id != by.pk:
        raise ValidationError("Only the person who made a template can delete it.")
    template.delete()


# --- Objectives at the 1:1 ---------------------------------------------------------------


@dataclass
class DiscussResult:
    item: AgendaItem
    created: bool


@transaction.atomic
def agenda_discuss_objective(*, objective, by: User, meeting: Meeting | None = None):
    """Put ``objective`` on the agenda of ``meeting`` (or of the next scheduled 1:1
    between its owner and their manager). No duplicate if it is already there."""
    owner = objective.owner
    if meeting is None:
        if not owner.manager_id:
            raise ValidationError(f"{owner} has no manager to discuss it with.")
        meeting = next_meeting_between(first=owner, second_id=owner.manager_id)
        if meeting is None:
            raise ValidationError(
                f"No 1:1 between {owner} and their manager is booked yet; book one first."
            )
    meeting = _locked(meeting)
    _check_one_of_two(meeting, by)
    if owner.pk not in (meeting.organiser_id, meeting.participant_id):
        raise ValidationError("This objective belongs to someone else.")
    _check_agenda_open(meeting)
    existing = meeting.agenda_items.filter(objective=objective).first()
    if existing is not None:
        return DiscussResult(item=existing, created=False)
    item = AgendaItem.objects.create(
        meeting=meeting,
        series_id=meeting.series_id,
        text=f"Objective: {objective.title}"[:MAX_TEXT],
        author=by,
        objective=objective,
        position=_next_position(meeting.agenda_items.all()),
    )
    return DiscussResult(item=item, created=True)
