"""Reads of what is said and agreed in a 1:1: agenda, notes, actions, feedback.

All of it is for the two people of the meeting only (DESIGN.md): the manager's
manager and HR see when meetings are, never what is in them, and a private note
is seen by its author alone. Every read here takes the viewer and filters on
that; ``meeting_record_for`` returns nothing at all for anyone else.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
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
)
from meetings.selectors import attach_people
from people.models import User

if TYPE_CHECKING:
    from objectives.models import Objective

# The practice: the report drives at least three quarters of the agenda.
REPORT_SHARE_AIM = 75


def _two_people(user: User, *, prefix: str) -> Q:
    return Q(**{f"{prefix}organiser": user}) | Q(**{f"{prefix}participant": user})


# --- Agenda ------------------------------------------------------------------------------


def report_first(participant_id: int) -> Case:
    """Sort key: the report's items before the organiser's."""
    return Case(
        When(author_id=participant_id, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def agenda_of(meeting: Meeting) -> QuerySet[AgendaItem]:
    """A meeting's agenda in order: the report's items first, then by position."""
    return (
        AgendaItem.objects.filter(meeting_id=meeting.pk)
        .select_related("author", "objective", "carried_over_from__meeting")
        .order_by(report_first(meeting.participant_id), "position", "pk")
    )


def next_time_items(series: MeetingSeries) -> QuerySet[AgendaItem]:
    """The series' next-time list: items waiting for the next meeting to be booked."""
    return (
        AgendaItem.objects.filter(series_id=series.pk, meeting__isnull=True)
        .select_related("author", "carried_over_from__meeting")
        .order_by(report_first(series.participant_id), "position", "pk")
    )


def agenda_items_visible_to(*, viewer: User) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(
        _two_people(viewer, prefix="meeting__") | _two_people(viewer, prefix="series__")
    ).select_related("meeting", "series")


def get_agenda_item_for_user_or_404(*, viewer: User, pk: int, meeting: Meeting) -> AgendaItem:
    try:
        return agenda_items_visible_to(viewer=viewer).get(pk=pk, meeting=meeting)
    except AgendaItem.DoesNotExist:
        raise Http404("No such agenda item.") from None


@dataclass
class AgendaShare:
    """How much of the agenda the report wrote."""

    by_report: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.by_report / self.total) if self.total else 0

    @property
    def meets_aim(self) -> bool:
        return self.percent >= REPORT_SHARE_AIM


def agenda_share(items: list[AgendaItem], *, participant_id: int) -> AgendaShare:
    return AgendaShare(
        by_report=sum(1 for item in items if item.author_id == participant_id), total=len(items)
    )


# --- Meetings of a series ----------------------------------------------------------------


def next_meeting_of_series(
    *,
    series_id: int,
    after: dt.datetime,
    exclude_pk: int | None = None,
    not_over_at: dt.datetime | None = None,
) -> Meeting | None:
    """The first scheduled meeting of the series that starts after ``after`` (and, with
    ``not_over_at``, has not ended by then: a past meeting nobody completed is skipped,
    so nothing is carried onto it and forgotten)."""
    meetings = Meeting.objects.filter(
        series_id=series_id, status=Meeting.Status.SCHEDULED, starts_at__gt=after
    )
    if not_over_at is not None:
        meetings = meetings.filter(ends_at__gt=not_over_at)
    if exclude_pk is not None:
        meetings = meetings.exclude(pk=exclude_pk)
    return meetings.order_by("starts_at", "pk").first()


def next_meeting_between(*, first: User, second_id: int) -> Meeting | None:
    """The next scheduled 1:1 of the two people, either way round."""
    return (
        Meeting.objects.filter(
            Q(organiser=first, participant_id=second_id)
            | Q(organiser_id=second_id, participant=first),
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at", "pk")
        .first()
    )


# --- Actions -----------------------------------------------------------------------------


def actions_visible_to(*, viewer: User) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(
        _two_people(viewer, prefix="meeting__") | _two_people(viewer, prefix="series__")
    )


def get_action_for_user_or_404(*, viewer: User, pk: int) -> ActionItem:
    try:
        return actions_visible_to(viewer=viewer).select_related("meeting", "series").get(pk=pk)
    except ActionItem.DoesNotExist:
        raise Http404("No such action.") from None


def _shown_actions(meeting: Meeting) -> Q:
    shown = Q(meeting_id=meeting.pk)
    if meeting.series_id:
        shown |= Q(series_id=meeting.series_id, meeting__starts_at__lt=meeting.starts_at) & (
            Q(done=False) | Q(done_at__gte=meeting.starts_at)
        )
    return shown


def actions_on(meeting: Meeting) -> QuerySet[ActionItem]:
    """What a meeting page lists: actions agreed at it, and actions from earlier
    meetings of the series that were still open when it began (with their state now)."""
    return (
        ActionItem.objects.filter(_shown_actions(meeting))
        .select_related("owner", "meeting", "done_by")
        .order_by("done", F("due_date").asc(nulls_last=True), "pk")
    )


def summary_actions(meeting: Meeting) -> list[ActionItem]:
    """For the wrap-up email: agreed at this meeting, or still open from earlier."""
    return [
        action
        for action in actions_on(meeting)
        if not action.done or action.meeting_id == meeting.pk
    ]


def my_actions(*, viewer: User) -> QuerySet[ActionItem]:
    """``viewer``'s actions across all meetings: open first (soonest due first), then
    done (most recently done first)."""
    return (
        ActionItem.objects.filter(owner=viewer)
        .select_related("meeting__organiser", "meeting__participant", "series")
        .order_by(
            "done",
            F("due_date").asc(nulls_last=True),
            F("done_at").desc(nulls_last=True),
            "pk",
        )
    )


def my_action_or_none(*, viewer: User, pk: int) -> ActionItem | None:
    """One of ``viewer``'s own actions as "My actions" lists it; None if not theirs."""
    return my_actions(viewer=viewer).filter(pk=pk).first()


def open_actions_count(*, viewer: User) -> int:
    return ActionItem.objects.filter(owner=viewer, done=False).count()


# --- Notes -------------------------------------------------------------------------------


def notes_visible_to(*, viewer: User) -> QuerySet[Note]:
    """Shared notes of the viewer's own meetings, and their own private notes."""
    return Note.objects.filter(_two_people(viewer, prefix="meeting__")).filter(
        Q(visibility=Note.Visibility.SHARED) | Q(author=viewer)
    )


# --- The whole record of a meeting --------------------------------------------------------


@dataclass
class MeetingRecord:
    agenda: list[AgendaItem]
    share: AgendaShare
    next_time: list[AgendaItem]
    actions: list[ActionItem]
    shared_note: Note | None
    private_note: Note | None
    feedback: MeetingFeedback | None
    prompts: list[AgendaTemplateItem] = field(default_factory=list)


def _sort_agenda(items: list[AgendaItem], *, participant_id: int) -> list[AgendaItem]:
    """The order of ``agenda_of``: the report's items first, then by position."""
    return sorted(
        items, key=lambda item: (item.author_id != participant_id, item.position, item.pk)
    )


def meeting_record_for(*, meeting: Meeting, viewer: User) -> MeetingRecord | None:
    """Everything written in and for ``meeting``, as ``viewer`` may see it; None for
    anyone but its two people. A fixed number of queries however much is written:
    four, plus one when someone other than the two wrote something (the people are
    the meeting's own, not joined to every row), plus the prompts of an open agenda."""
    if viewer.pk not in (meeting.organiser_id, meeting.participant_id):
        return None
    people = {meeting.organiser_id: meeting.organiser, meeting.participant_id: meeting.participant}
    series_id = meeting.series_id
    # The agenda and the series' next-time list in one read; the dates and titles the
    # page shows of related rows as columns, not joined model rows.
    shown = Q(meeting_id=meeting.pk)
    if series_id:
        shown |= Q(series_id=series_id, meeting__isnull=True)
    items = list(
        AgendaItem.objects.filter(shown).annotate(
            carried_from_starts_at=F("carried_over_from__meeting__starts_at"),
            objective_title=F("objective__title"),
        )
    )
    notes = list(
        Note.objects.filter(meeting_id=meeting.pk).filter(
            Q(visibility=Note.Visibility.SHARED) | Q(author=viewer)
        )
    )
    actions = list(
        ActionItem.objects.filter(_shown_actions(meeting)).annotate(
            agreed_at=F("meeting__starts_at")
        )
    )
    attach_people(items, ("author",), people)
    attach_people(notes, ("author", "updated_by"), people)
    attach_people(actions, ("owner",), people)
    agenda = _sort_agenda(
        [item for item in items if item.meeting_id == meeting.pk],
        participant_id=meeting.participant_id,
    )
    next_time = []
    series = None
    if series_id:
        series = meeting.series
        next_time = _sort_agenda(
            [item for item in items if item.meeting_id is None],
            participant_id=series.participant_id,
        )
    by_visibility = {note.visibility: note for note in notes}
    prompts = []
    if (
        series is not None
        and series.default_template_id
        and meeting.status == Meeting.Status.SCHEDULED
    ):
        prompts = list(
            AgendaTemplateItem.objects.filter(template_id=series.default_template_id).order_by(
                "position", "pk"
            )
        )
    return MeetingRecord(
        agenda=agenda,
        share=agenda_share(agenda, participant_id=meeting.participant_id),
        next_time=next_time,
        # The order of ``actions_on``: open first, then by due date (none last).
        actions=sorted(
            actions,
            key=lambda a: (a.done, a.due_date is None, a.due_date or dt.date.min, a.pk),
        ),
        shared_note=by_visibility.get(Note.Visibility.SHARED),
        private_note=by_visibility.get(Note.Visibility.PRIVATE),
        feedback=MeetingFeedback.objects.filter(meeting_id=meeting.pk).first(),
        prompts=prompts,
    )


# --- Feedback ----------------------------------------------------------------------------


def feedback_of_series(*, series: MeetingSeries, viewer: User) -> QuerySet[MeetingFeedback]:
    """The report's feedback on the series' meetings, newest first: for the two only."""
    if viewer.pk not in (series.organiser_id, series.participant_id):
        return MeetingFeedback.objects.none()
    return (
        MeetingFeedback.objects.filter(meeting__series=series)
        .select_related("meeting")
        .order_by("-meeting__starts_at")
    )


# --- Templates ---------------------------------------------------------------------------


def templates_visible_to(*, viewer: User) -> QuerySet[AgendaTemplate]:
    """The built-in templates and ``viewer``'s own; nobody else's."""
    return AgendaTemplate.objects.filter(Q(owner__isnull=True) | Q(owner=viewer)).order_by(
        F("owner_id").asc(nulls_first=True), "name", "pk"
    )


def get_template_to_change_or_404(*, viewer: User, pk: int) -> AgendaTemplate:
    """One of ``viewer``'s own templates: built-in ones and others' are a 404."""
    try:
        return AgendaTemplate.objects.get(pk=pk, owner=viewer)
    except AgendaTemplate.DoesNotExist:
        raise Http404("No such template.") from None


# --- Objectives ----------------------------------------------------------------------------


def meetings_discussing(*, objective: "Objective", viewer: User) -> QuerySet[Meeting]:
    """Meetings of ``viewer``'s where ``objective`` was on the agenda and was
    discussed (the item ticked, or the meeting held). Empty for anyone who was not
    in them: the line above and HR never see agenda content."""
    items = AgendaItem.objects.filter(objective=objective).filter(
        Q(discussed=True) | Q(meeting__status=Meeting.Status.COMPLETED)
    )
    return (
        Meeting.objects.filter(_two_people(viewer, prefix=""))
        .filter(pk__in=items.values("meeting_id"))
        .select_related("organiser", "participant")
        .order_by("-starts_at")
    )
