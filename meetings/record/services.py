"""Writes about what happens in a 1:1: agenda, notes, actions, wrap-up and feedback.

Every service is one transaction and checks that ``by`` is one of the meeting's
two people (views look meetings up with ``get_meeting_to_change_or_404`` first, so
this is the second line of defence). Services that change a meeting's agenda lock the
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
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from meetings.models import (
    KIND_WORDS,
    ActionItem,
    AgendaItem,
    AgendaTemplate,
    AgendaTemplateItem,
    ManagerHandover,
    Meeting,
    MeetingFeedback,
    MeetingSeries,
    Note,
    PreferredFrequency,
)
from meetings.record.selectors import (
    agenda_of,
    handover_offer,
    next_meeting_between,
    next_meeting_of_series,
)
from notifications import outbox as reminders
from oneonones import limits
from oneonones.errors import NotFound, ServiceError, within_limits
from people.models import User

if TYPE_CHECKING:
    from objectives.models import Objective

logger = logging.getLogger(__name__)

MAX_TEXT = 500


class NoteConflict(ServiceError):
    """Someone saved the note after the version the edit started from."""

    def __init__(self, note: Note) -> None:
        self.note = note
        who = note.updated_by or note.author
        super().__init__(f"{who} saved a newer version of this note.")


def _check_one_of_two(meeting: Meeting | MeetingSeries | None, by: User) -> None:
    if meeting is None:  # an action or item of neither: not a 1:1 of anyone's
        raise NotFound()
    if by.pk not in (meeting.organiser_id, meeting.participant_id):
        one = KIND_WORDS[meeting.kind].one
        raise ServiceError(f"Only the two people in this {one} can change it.")


def _locked(meeting: Meeting | None) -> Meeting:
    """The meeting's row, locked: agenda writes queue behind completion and behind a
    change of the series (which may have replaced an untouched meeting meanwhile)."""
    if meeting is None:  # an item on the next-time list: no meeting to change yet
        raise NotFound()
    try:
        return (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("organiser", "participant", "series")
            .get(pk=meeting.pk)
        )
    except Meeting.DoesNotExist:
        raise NotFound(
            f"This {meeting.kind_words.one} is no longer there: its series changed. "
            "Reload the page."
        ) from None


def _clean_text(text: str, *, what: str = "Write something first.") -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ServiceError(what)
    if len(text) > MAX_TEXT:
        raise ServiceError(f"Keep it under {MAX_TEXT} characters.")
    return text


def _check_agenda_open(meeting: Meeting) -> None:
    one = meeting.kind_words.one
    if meeting.status == Meeting.Status.COMPLETED:
        raise ServiceError(
            f"This {one} is completed; add it to the next-time list or the next {one}."
        )
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(f"This {one} was cancelled; add it to the next {one} instead.")


def _next_position(items: QuerySet[AgendaItem]) -> int:
    top = items.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


# --- Agenda ------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, by: User, text: str, objective: "Objective | None" = None
) -> AgendaItem:
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
        raise ServiceError("Move it up or down.")
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
def agenda_item_edit(*, item: AgendaItem, by: User, text: str) -> AgendaItem:
    """The author rewrites an item they added, while its meeting is still to come."""
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    if item.meeting_id is not None:
        meeting = _locked(item.meeting)
        _check_one_of_two(meeting, by)
        _check_agenda_open(meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.author_id != by.pk:
        raise ServiceError("Only the person who added an item can change its text.")
    item.text = _clean_text(text, what="Write what you want to talk about.")
    item.save(update_fields=["text", "updated_at"])
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: User) -> None:
    """The author takes back an item they added (before the meeting is completed)."""
    if item.meeting_id is not None:
        meeting = _locked(item.meeting)
        _check_agenda_open(meeting)
    if item.author_id != by.pk:
        raise ServiceError("Only the person who added an item can remove it.")
    item.delete()


@transaction.atomic
def next_time_add(
    *, series: MeetingSeries, by: User, text: str, written_on: Meeting | None = None
) -> AgendaItem:
    """Put something on the agenda of the series' meeting after ``written_on`` (the
    meeting whose page it was written on; without one, the next meeting from now),
    under that meeting's row lock like every agenda write. With no such meeting booked
    yet it waits on the series' next-time list and lands once one is."""
    series = MeetingSeries.objects.select_for_update(no_key=True).get(pk=series.pk)
    _check_one_of_two(series, by)
    text = _clean_text(text, what="Write what you want to talk about next time.")
    now = timezone.now()
    after = max(written_on.starts_at, now) if written_on is not None else now
    target = next_meeting_of_series(
        series_id=series.pk,
        after=after,
        exclude_pk=written_on.pk if written_on is not None else None,
        not_over_at=now,
    )
    if target is not None:
        target = _locked(target)
        if target.status == Meeting.Status.SCHEDULED:
            return AgendaItem.objects.create(
                meeting=target,
                series=series,
                text=text,
                author=by,
                position=_next_position(target.agenda_items.all()),
            )
    return AgendaItem.objects.create(
        meeting=None,
        series=series,
        text=text,
        author=by,
        lands_after=written_on.starts_at if written_on is not None else None,
        position=_next_position(AgendaItem.objects.filter(series=series, meeting__isnull=True)),
    )


def next_time_land(*, series_id: int, now: dt.datetime | None = None) -> int:
    """Move the series' next-time items onto its next scheduled meeting (for an item
    written on a meeting: the one after it), after the items already there, under
    that meeting's row lock. Idempotent: one conditional UPDATE per landing meeting.
    Returns how many moved."""
    pending = AgendaItem.objects.filter(series_id=series_id, meeting__isnull=True)
    if not pending.exists():
        return 0
    now = now or timezone.now()
    moved = 0
    with transaction.atomic():
        for lands_after in set(pending.values_list("lands_after", flat=True)):
            after = max(lands_after, now) if lands_after is not None else now
            target = next_meeting_of_series(series_id=series_id, after=after)
            if target is None:
                continue
            locked = (
                Meeting.objects.select_for_update(of=("self",))
                .filter(pk=target.pk, status=Meeting.Status.SCHEDULED)
                .first()
            )
            if locked is None:
                continue
            base = _next_position(locked.agenda_items.all())
            moved += pending.filter(lands_after=lands_after).update(
                meeting=locked, lands_after=None, position=F("position") + base
            )
    return moved


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
        raise ServiceError("Choose whether the note is shared or private.")
    if len(body) > 20_000:
        raise ServiceError("Notes are limited to 20,000 characters.")
    notes = Note.objects.select_for_update(of=("self",)).filter(
        meeting=meeting, visibility=visibility
    )
    if visibility == Note.Visibility.PRIVATE:
        notes = notes.filter(author=by)
    note = notes.select_related("author", "updated_by").first()
    if note is None:
        if base_version != 0:
            raise ServiceError("That note is no longer there; reload the page.")
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
    if following is None or meeting.series is None:
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
        raise ServiceError("An action belongs to one of the two of you.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(
            f"This {meeting.kind_words.one} was cancelled; agree actions at the next one."
        )
    if due_date is not None:
        within_limits(limits.check_planning_day, due_date, what="a due date")
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


def _locked_action_for_change(action: ActionItem, *, by: User) -> ActionItem:
    """The action's row, locked, when ``by`` may change it: its owner, or the organiser
    of the meeting (or series) where it was agreed."""
    action = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "series")
        .get(pk=action.pk)
    )
    where = action.meeting or action.series
    if where is None or by.pk not in (where.organiser_id, where.participant_id):
        raise NotFound()
    if by.pk not in (action.owner_id, where.organiser_id):
        raise ServiceError("Only the action's owner or the organiser can change it.")
    return action


@transaction.atomic
def action_update(
    *, action: ActionItem, by: User, description: str, owner: User, due_date: dt.date | None
) -> ActionItem:
    """Rewrite an action: what, who (one of the two) and when."""
    action = _locked_action_for_change(action, by=by)
    where = action.meeting or action.series
    assert where is not None  # checked by _locked_action_for_change
    if owner.pk not in (where.organiser_id, where.participant_id):
        raise ServiceError("An action belongs to one of the two of you.", field="owner")
    if due_date is not None:
        within_limits(limits.check_planning_day, due_date, what="a due date", field="due_date")
    action.description = _clean_text(description, what="Say what is to be done.")
    action.owner = owner
    action.due_date = due_date
    action.save(update_fields=["description", "owner", "due_date"])
    return action


@transaction.atomic
def action_delete(*, action: ActionItem, by: User) -> None:
    """Take back an action agreed by mistake."""
    _locked_action_for_change(action, by=by).delete()


# --- Wrap-up -----------------------------------------------------------------------------


@transaction.atomic
def meeting_complete(*, meeting: Meeting, by: User, now: dt.datetime | None = None) -> Meeting:
    """Mark the meeting held, carry undiscussed items over and send the summary.

    Only the two people, only once it has started. Completing an already
    completed meeting raises ``ServiceError`` and changes nothing.
    """
    now = now or timezone.now()
    meeting = _locked(meeting)
    _check_one_of_two(meeting, by)
    if meeting.status == Meeting.Status.COMPLETED:
        who = meeting.completed_by or "someone"
        raise ServiceError(f"Already completed by {who}; nothing was changed.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(
            f"This {meeting.kind_words.one} was cancelled, so it cannot be completed."
        )
    if meeting.starts_at > now:
        raise ServiceError(f"This {meeting.kind_words.one} can be completed once it has started.")
    meeting.status = Meeting.Status.COMPLETED
    meeting.completed_at = now
    meeting.completed_by = by
    meeting.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    reminders.meeting_completed(meeting, now=now)  # the summary is queued there
    carry_over(meeting=meeting, now=now)
    if meeting.series_id:
        next_time_land(series_id=meeting.series_id, now=now)
    return meeting


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
    """The feedback of the person the 1:1 is for (the report; the mentee of a mentoring
    check-in: ``Meeting.agenda_lead_id``) on a held 1:1: one per meeting, editable."""
    meeting = _locked(meeting)
    if by.pk != meeting.agenda_lead_id:
        raise ServiceError(
            f"Only the person the {meeting.kind_words.one} is for gives feedback on it."
        )
    if meeting.status != Meeting.Status.COMPLETED:
        raise ServiceError(f"Feedback opens once the {meeting.kind_words.one} has been completed.")
    if usefulness not in range(1, 6):
        raise ServiceError("Choose how useful it was, from 1 to 5.")
    if preferred_frequency and preferred_frequency not in PreferredFrequency.values:
        raise ServiceError("Choose how often you would like to meet.")
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
        raise ServiceError("Add at least one prompt.")
    if len(prompts) > 50:
        raise ServiceError("Keep a template to 50 prompts or fewer.")
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
        raise ServiceError("Give the template a name.")
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
        raise ServiceError("Only the person who made a template can change it.")
    name = (name or "").strip()
    if not name:
        raise ServiceError("Give the template a name.")
    template.name = name[:120]
    template.description = (description or "").strip()[:300]
    template.save(update_fields=["name", "description", "updated_at"])
    _save_prompts(template, prompts)
    return template


@transaction.atomic
def template_delete(*, template: AgendaTemplate, by: User) -> None:
    """Series that used it keep going without prompts (the field is SET_NULL)."""
    if template.owner_id != by.pk:
        raise ServiceError("Only the person who made a template can delete it.")
    template.delete()


# --- Objectives at the 1:1 ---------------------------------------------------------------


@dataclass
class DiscussResult:
    item: AgendaItem
    created: bool


@transaction.atomic
def agenda_discuss_objective(
    *, objective: "Objective", by: User, meeting: Meeting | None = None
) -> "DiscussResult":
    """Put ``objective`` on the agenda of ``meeting`` (or of the next scheduled 1:1
    between its owner and their manager). No duplicate if it is already there."""
    owner = objective.owner
    if meeting is None:
        if not owner.manager_id:
            raise ServiceError(f"{owner} has no manager to discuss it with.")
        meeting = next_meeting_between(first=owner, second_id=owner.manager_id)
        if meeting is None:
            raise ServiceError(
                f"No 1:1 between {owner} and their manager is booked yet; book one first."
            )
    meeting = _locked(meeting)
    _check_one_of_two(meeting, by)
    if owner.pk not in (meeting.organiser_id, meeting.participant_id):
        raise ServiceError("This objective belongs to someone else.")
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


# --- A change of manager: what the report brings -----------------------------------------


@transaction.atomic
def handover_choose(
    *, handover: ManagerHandover, by: User, item_ids: list[int], action_ids: list[int]
) -> ManagerHandover:
    """The report chooses which of the offered items and actions to bring to their new
    manager (none is a choice too). Kept on the handover and copied onto the new pair's
    next 1:1 at once when one is booked, else as soon as one is (``handovers_bring``)."""
    locked = (
        ManagerHandover.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(pk=handover.pk, person=by)
        .first()
    )
    if locked is None:
        raise NotFound("Nothing to choose.")
    handover = locked
    if handover.chosen_at is not None:
        raise ServiceError("You already chose what to bring to your new manager.")
    offer = handover_offer(handover=handover)
    offered_items = {item.pk for item in offer.items}
    offered_actions = {action.pk for action in offer.actions}
    if not (set(item_ids) <= offered_items and set(action_ids) <= offered_actions):
        raise ServiceError("Choose among the items and actions listed; nothing was brought.")
    handover.chosen_items.set(item_ids)
    handover.chosen_actions.set(action_ids)
    handover.chosen_at = timezone.now()
    if not item_ids and not action_ids:
        handover.brought_at = handover.chosen_at
    handover.save(update_fields=["chosen_at", "brought_at"])
    series = MeetingSeries.objects.filter(
        organiser_id=handover.new_manager_id,
        participant_id=handover.person_id,
        status=MeetingSeries.Status.ACTIVE,
    ).first()
    if series is not None:
        handovers_bring(series=series)
    return handover


def handovers_bring(*, series: MeetingSeries, now: dt.datetime | None = None) -> int:
    """Copy what the report chose onto the series' next scheduled 1:1, when the series
    is the report's with their new manager: agenda items as the report's, open actions
    with the same owner when it is the report, else the new manager. Each handover is
    claimed by a conditional UPDATE, so running this twice brings nothing twice; with
    no meeting booked yet it waits. Returns how many handovers were brought."""
    now = now or timezone.now()
    waiting = ManagerHandover.objects.filter(
        person_id=series.participant_id,
        new_manager_id=series.organiser_id,
        chosen_at__isnull=False,
        brought_at__isnull=True,
    ).values_list("pk", flat=True)
    if not waiting:
        return 0
    brought = 0
    with transaction.atomic():
        for handover_id in list(waiting):
            target = next_meeting_of_series(series_id=series.pk, after=now, not_over_at=now)
            if target is None:
                return brought
            target = _locked(target)
            if not ManagerHandover.objects.filter(pk=handover_id, brought_at__isnull=True).update(
                brought_at=now
            ):
                continue
            handover = ManagerHandover.objects.get(pk=handover_id)
            position = _next_position(target.agenda_items.all())
            AgendaItem.objects.bulk_create(
                AgendaItem(
                    meeting=target,
                    series=series,
                    text=item.text,
                    author_id=series.participant_id,
                    position=position + offset,
                )
                for offset, item in enumerate(handover.chosen_items.order_by("pk"))
            )
            ActionItem.objects.bulk_create(
                ActionItem(
                    series=series,
                    meeting=target,
                    owner_id=series.participant_id
                    if action.owner_id == series.participant_id
                    else series.organiser_id,
                    description=action.description,
                    due_date=action.due_date,
                    created_by_id=series.participant_id,
                )
                for action in handover.chosen_actions.order_by("pk")
            )
            brought += 1
    return brought
