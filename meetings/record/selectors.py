"""Reads of what is said and agreed in a 1:1: agenda, notes, actions, feedback.

All of it is for the two people of the meeting only (DESIGN.md): the manager's
manager and HR see when meetings are, never what is in them, and a private note
is seen by its author alone. Every read here takes the viewer and filters on
that; ``meeting_record_for`` returns nothing at all for anyone else.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from meetings.models import (
    ActionItem,
    AgendaItem,
    AgendaTemplate,
    AgendaTemplateItem,
    ChangeRequest,
    ManagerHandover,
    Meeting,
    MeetingFeedback,
    MeetingSeries,
    Note,
)
from meetings.selectors import attach_people
from oneonones.db import Read, instances_from_json, read_together, table
from people.models import User

if TYPE_CHECKING:
    from objectives.models import Objective

# The change requests a meeting page lists (the latest).
REQUESTS_SHOWN = 5

# The practice: the report drives at least three quarters of the agenda.
REPORT_SHARE_AIM = 75


def _two_people(user: User, *, prefix: str) -> Q:
    return Q(**{f"{prefix}organiser": user}) | Q(**{f"{prefix}participant": user})


# --- Agenda ------------------------------------------------------------------------------


def report_first(lead_id: int) -> Case:
    """Sort key: the items of whoever leads the agenda (the report; in a mentoring
    check-in the mentee, ``Meeting.agenda_lead_id``) before the other person's."""
    return Case(
        When(author_id=lead_id, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def agenda_of(meeting: Meeting) -> QuerySet[AgendaItem]:
    """A meeting's agenda in order: the report's items first, then by position."""
    return (
        AgendaItem.objects.filter(meeting_id=meeting.pk)
        .select_related("author", "objective", "carried_over_from__meeting")
        .order_by(report_first(meeting.agenda_lead_id), "position", "pk")
    )


def next_time_items(series: MeetingSeries) -> QuerySet[AgendaItem]:
    """The series' next-time list: items waiting for the next meeting to be booked."""
    return (
        AgendaItem.objects.filter(series_id=series.pk, meeting__isnull=True)
        .select_related("author", "carried_over_from__meeting")
        .order_by(report_first(series.agenda_lead_id), "position", "pk")
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
    # The latest change requests about the meeting, newest first.
    requests: list[ChangeRequest] = field(default_factory=list)


def _sort_agenda(items: list[AgendaItem], *, participant_id: int) -> list[AgendaItem]:
    """The order of ``agenda_of``: the items of whoever leads the agenda
    (``participant_id``: ``agenda_lead_id``) first, then by position."""
    return sorted(
        items, key=lambda item: (item.author_id != participant_id, item.position, item.pk)
    )


# What ``meeting_record_read`` reads: one JSON object of lists, each an array of rows as
# JSON (every column, so a new column needs nothing here), with the few columns of
# related rows the page shows. The same conditions as ``agenda_of`` with
# ``next_time_items``, ``notes_visible_to`` for one of the two, ``actions_on``, the
# meeting's latest change requests and the prompts of an open agenda's template; the
# orders are applied in Python. Only our models' table names are put into it (S608).
RECORD_SQL = f"""
SELECT jsonb_build_object(
  'items', to_jsonb(ARRAY(
    SELECT to_jsonb(item) || jsonb_build_object(
      'carried_from_starts_at', carried_meeting.starts_at, 'objective_title', objective.title)
    FROM {table(AgendaItem)} item
    LEFT JOIN {table(AgendaItem)} carried ON carried.id = item.carried_over_from_id
    LEFT JOIN {table(Meeting)} carried_meeting ON carried_meeting.id = carried.meeting_id
    LEFT JOIN {table(AgendaItem.objective.field.related_model)} objective ON objective.id = item.objective_id
    WHERE item.meeting_id = %(record_meeting)s
       OR (item.series_id = %(record_series)s AND item.meeting_id IS NULL)
  )),
  'notes', to_jsonb(ARRAY(
    SELECT to_jsonb(note) FROM {table(Note)} note
    WHERE note.meeting_id = %(record_meeting)s
      AND (note.visibility = %(record_shared)s OR note.author_id = %(record_viewer)s)
  )),
  'actions', to_jsonb(ARRAY(
    SELECT to_jsonb(action) || jsonb_build_object('agreed_at', agreed.starts_at)
    FROM {table(ActionItem)} action
    LEFT JOIN {table(Meeting)} agreed ON agreed.id = action.meeting_id
    WHERE action.meeting_id = %(record_meeting)s
       OR (action.series_id = %(record_series)s AND agreed.starts_at < %(record_starts_at)s
           AND (NOT action.done OR action.done_at >= %(record_starts_at)s))
  )),
  'feedback', to_jsonb(ARRAY(
    SELECT to_jsonb(feedback) FROM {table(MeetingFeedback)} feedback
    WHERE feedback.meeting_id = %(record_meeting)s
  )),
  'requests', to_jsonb(ARRAY(
    SELECT to_jsonb(request) FROM {table(ChangeRequest)} request
    WHERE request.meeting_id = %(record_meeting)s
    ORDER BY request.created_at DESC, request.id DESC
    LIMIT %(record_requests)s
  )),
  'prompts', to_jsonb(ARRAY(
    SELECT to_jsonb(prompt) FROM {table(AgendaTemplateItem)} prompt
    WHERE prompt.template_id = %(record_template)s
    ORDER BY prompt.position, prompt.id
  ))
)
"""  # noqa: S608


def meeting_record_read(*, meeting: Meeting, viewer: User) -> Read[MeetingRecord] | None:
    """Everything written in and for ``meeting``, as ``viewer`` may see it, as a read to
    put together with others (``oneonones.db.read_together``); None for anyone but its
    two people.

    One statement reads it all (agenda with the next-time list, notes, actions,
    feedback, the latest change requests, the prompts of an open agenda), each list an
    array of JSON rows: on a busy server every round trip to the database waits for a
    turn on the CPU, and the page's time went up with the number of statements more
    than with anything else. The people are the meeting's own two (one more query only
    for anyone else who wrote something)."""
    if viewer.pk not in (meeting.organiser_id, meeting.participant_id):
        return None
    series = meeting.series if meeting.series_id else None
    with_prompts = series is not None and meeting.status == Meeting.Status.SCHEDULED
    params = {
        "record_meeting": meeting.pk,
        "record_series": meeting.series_id,
        "record_starts_at": meeting.starts_at,
        "record_viewer": viewer.pk,
        "record_shared": Note.Visibility.SHARED,
        "record_requests": REQUESTS_SHOWN,
        "record_template": series.default_template_id if with_prompts and series else None,
    }
    return Read(RECORD_SQL, params, lambda read: _record(read, meeting=meeting, series=series))


def meeting_record_for(*, meeting: Meeting, viewer: User) -> MeetingRecord | None:
    """``meeting_record_read``, read on its own."""
    read = meeting_record_read(meeting=meeting, viewer=viewer)
    return None if read is None else read_together({"record": read})["record"]


def _record(
    read: dict[str, Any], *, meeting: Meeting, series: MeetingSeries | None
) -> MeetingRecord:
    people = {meeting.organiser_id: meeting.organiser, meeting.participant_id: meeting.participant}
    items = instances_from_json(
        AgendaItem,
        read["items"],
        datetimes=("carried_from_starts_at",),
        texts=("objective_title",),
    )
    notes = instances_from_json(Note, read["notes"])
    actions = instances_from_json(ActionItem, read["actions"], datetimes=("agreed_at",))
    requests = sorted(
        instances_from_json(ChangeRequest, read["requests"]),
        key=lambda request: request.created_at,
        reverse=True,
    )
    attach_people(items, ("author",), people)
    attach_people(notes, ("author", "updated_by"), people)
    attach_people(actions, ("owner",), people)
    attach_people(requests, ("requested_by", "decided_by"), people)
    agenda = _sort_agenda(
        [item for item in items if item.meeting_id == meeting.pk],
        participant_id=meeting.agenda_lead_id,
    )
    next_time = []
    if series is not None:
        next_time = _sort_agenda(
            [item for item in items if item.meeting_id is None],
            participant_id=series.agenda_lead_id,
        )
    by_visibility = {note.visibility: note for note in notes}
    feedback = instances_from_json(MeetingFeedback, read["feedback"])
    return MeetingRecord(
        agenda=agenda,
        share=agenda_share(agenda, participant_id=meeting.agenda_lead_id),
        next_time=next_time,
        # The order of ``actions_on``: open first, then by due date (none last).
        actions=sorted(
            actions,
            key=lambda a: (a.done, a.due_date is None, a.due_date or dt.date.min, a.pk),
        ),
        shared_note=by_visibility.get(Note.Visibility.SHARED),
        private_note=by_visibility.get(Note.Visibility.PRIVATE),
        feedback=feedback[0] if feedback else None,
        prompts=instances_from_json(AgendaTemplateItem, read["prompts"]),
        requests=requests,
    )


# --- Feedback ----------------------------------------------------------------------------


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


# --- A change of manager -----------------------------------------------------------------


@dataclass(frozen=True)
class HandoverOffer:
    """What the report may bring from the old pair to the new manager."""

    items: list[AgendaItem]
    actions: list[ActionItem]


def _of_old_pair(handover: ManagerHandover) -> Q:
    """Rows of a meeting (either way round) or series between the report and the old
    manager."""
    person, old = handover.person_id, handover.old_manager_id
    return (
        Q(meeting__organiser_id=old, meeting__participant_id=person)
        | Q(meeting__organiser_id=person, meeting__participant_id=old)
        | Q(meeting__isnull=True, series__organiser_id=old, series__participant_id=person)
    )


def handover_offer(*, handover: ManagerHandover) -> HandoverOffer:
    """The report's own agenda items that were never discussed nor carried on, and the
    pair's open actions, from the old pair's 1:1s, minus what an earlier change of
    manager already brought. The old manager's own undiscussed points are theirs, not
    the report's to pass on. Nothing for a report who had no manager before."""
    if handover.old_manager_id is None:
        return HandoverOffer(items=[], actions=[])
    through_items = ManagerHandover.chosen_items.through.objects
    through_actions = ManagerHandover.chosen_actions.through.objects
    items = (
        AgendaItem.objects.filter(
            _of_old_pair(handover),
            author_id=handover.person_id,
            discussed=False,
            carried_to__isnull=True,
        )
        .exclude(pk__in=through_items.values("agendaitem_id"))
        .select_related("meeting")
        .order_by(F("meeting__starts_at").asc(nulls_last=True), "position", "pk")
    )
    actions = (
        ActionItem.objects.filter(
            _of_old_pair(handover)
            | Q(
                series__organiser_id=handover.old_manager_id,
                series__participant_id=handover.person_id,
            ),
            done=False,
        )
        .exclude(pk__in=through_actions.values("actionitem_id"))
        .select_related("owner", "meeting")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
        .distinct()
    )
    return HandoverOffer(items=list(items), actions=list(actions))


def handovers_to_choose(*, viewer: User) -> QuerySet[ManagerHandover]:
    """``viewer``'s own changes of manager that wait for them to choose what to bring.
    Only ever the viewer's: nobody else, old or new manager included, sees the choice."""
    return (
        ManagerHandover.objects.filter(person=viewer, chosen_at__isnull=True)
        .select_related("old_manager", "new_manager")
        .order_by("-changed_at", "-pk")
    )


def get_handover_to_choose_or_404(*, viewer: User, pk: int) -> ManagerHandover:
    try:
        return handovers_to_choose(viewer=viewer).get(pk=pk)
    except ManagerHandover.DoesNotExist:
        raise Http404("Nothing to choose.") from None
