"""What the home page shows: what the person looking should do next.

The home page is a top layer, like ``reports``: it reads the feature apps (meetings,
objectives, wellbeing, people) and nothing imports it. Everything here is about the
viewer's own work (their meetings, their actions, what waits for their answer, their
reports' cadence) and never the content of other people's meetings: HR gets only
the way into the cadence reports, which the template links to.

Every list is cut to a few rows in the database and the counts are one aggregate,
so the page makes the same queries however long the history.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Count, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from meetings.models import NOT_LINE_KINDS, ActionItem, ChangeRequest, ManagerHandover, Meeting
from meetings.record.selectors import AgendaShare, handovers_to_choose, my_actions
from meetings.selectors import RECENT_DAYS, meetings_of, new_reports_to_book, pending_requests_for
from objectives.models import Objective
from objectives.selectors import proposals_awaiting
from people.models import User
from people.selectors import NEW_STARTER_DAYS, reports_of
from wellbeing.models import CheckIn
from wellbeing.selectors import own_checkins

NEXT_MEETINGS_SHOWN = 3
ROWS_SHOWN = 5

Row = TypeVar("Row")


@dataclass(frozen=True)
class Shown(Generic[Row]):
    """The first rows of a list, and whether there are more than those."""

    rows: list[Row]
    more: bool


def _first(rows: list[Row], *, limit: int) -> Shown[Row]:
    """``rows`` was read with one row more than is shown: that row says there are more."""
    return Shown(rows=rows[:limit], more=len(rows) > limit)


# --- Next 1:1s ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NextMeeting:
    """One of the viewer's next 1:1s, and how prepared its agenda is."""

    meeting: Meeting
    with_person: User
    viewer_is_participant: bool
    # Whether the viewer leads the agenda: the report, or the mentee in a mentoring
    # check-in (``Meeting.agenda_lead_id``).
    viewer_leads: bool
    share: AgendaShare


def next_meetings_of(*, viewer: User) -> Shown[NextMeeting]:
    """``viewer``'s next scheduled meetings (one going on now included), soonest first.
    The agenda's size and the report's share come from the counts the database keeps
    on each meeting (meetings/README.md), so no agenda item is read."""
    now = timezone.now()
    # One side at a time, each walking its own (person, starts_at) index from
    # yesterday: with "organiser or participant" PostgreSQL walks every meeting of the
    # company by time instead, filtering out those of other people (seconds at 10,000
    # people for someone with few meetings). Nothing lasts a day, so nothing going on
    # now started before yesterday. The two sides are one statement (UNION ALL of the
    # two cut lists), so one round trip.
    upcoming = meetings_of(viewer=viewer).filter(
        status=Meeting.Status.SCHEDULED, ends_at__gte=now, starts_at__gte=now - dt.timedelta(days=1)
    )
    as_organiser = upcoming.filter(organiser=viewer).order_by("starts_at", "pk")
    as_participant = upcoming.filter(participant=viewer).order_by("starts_at", "pk")
    meetings = sorted(
        as_organiser[: NEXT_MEETINGS_SHOWN + 1].union(
            as_participant[: NEXT_MEETINGS_SHOWN + 1], all=True
        ),
        key=lambda meeting: (meeting.starts_at, meeting.pk),
    )
    rows = [
        NextMeeting(
            meeting=meeting,
            with_person=meeting.organiser
            if meeting.participant_id == viewer.pk
            else meeting.participant,
            viewer_is_participant=meeting.participant_id == viewer.pk,
            viewer_leads=meeting.agenda_lead_id == viewer.pk,
            share=AgendaShare(
                by_report=meeting.agenda_by_organiser
                if meeting.agenda_lead_id == meeting.organiser_id
                else meeting.agenda_by_participant,
                total=meeting.agenda_count,
            ),
        )
        for meeting in meetings
    ]
    return _first(rows, limit=NEXT_MEETINGS_SHOWN)


# --- Waiting for the viewer's answer -----------------------------------------------------


def requests_to_answer(*, viewer: User) -> Shown[ChangeRequest]:
    """Requests to move or cancel a meeting ``viewer`` organises, soonest meeting first."""
    return _first(list(pending_requests_for(organiser=viewer)[: ROWS_SHOWN + 1]), limit=ROWS_SHOWN)


def proposals_to_answer(*, viewer: User) -> Shown[Objective]:
    """Objectives ``viewer``'s reports proposed, oldest first."""
    return _first(list(proposals_awaiting(viewer=viewer)[: ROWS_SHOWN + 1]), limit=ROWS_SHOWN)


# --- Actions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    action: ActionItem
    overdue: bool


@dataclass(frozen=True)
class Actions:
    """``viewer``'s open actions: the first few, soonest due first, and how many there
    are and are overdue (due before today in the viewer's zone)."""

    shown: Shown[ActionRow]
    open_count: int
    overdue_count: int


def open_actions_of(*, viewer: User) -> Actions:
    """One query: the first rows, each carrying the counts of all open actions (window
    counts are taken before the LIMIT; no row, no open action)."""
    today = timezone.localdate()
    actions = list(
        my_actions(viewer=viewer)
        .filter(done=False)
        .annotate(
            open_count=Window(Count("pk")),
            overdue_count=Window(Count("pk", filter=Q(due_date__lt=today))),
        )[: ROWS_SHOWN + 1]
    )
    rows = [
        ActionRow(action=action, overdue=action.due_date is not None and action.due_date < today)
        for action in actions
    ]
    return Actions(
        shown=_first(rows, limit=ROWS_SHOWN),
        open_count=actions[0].open_count if actions else 0,
        overdue_count=actions[0].overdue_count if actions else 0,
    )


# --- Wellbeing ---------------------------------------------------------------------------


def checkin_this_month(*, viewer: User) -> CheckIn | None:
    """``viewer``'s latest check-in of the current calendar month in their zone."""
    today = timezone.localdate()
    month_start = dt.datetime.combine(
        today.replace(day=1), dt.time(), tzinfo=timezone.get_current_timezone()
    )
    return own_checkins(viewer=viewer).filter(created_at__gte=month_start).first()


# --- A manager's reports -----------------------------------------------------------------


@dataclass(frozen=True)
class ReportToMeet:
    person: User
    last_held: dt.datetime | None
    next_meeting_id: int | None
    next_starts_at: dt.datetime | None


@dataclass(frozen=True)
class TeamToMeet:
    """A manager's reports who need a 1:1: new starters not met yet (start date in the
    last ``NEW_STARTER_DAYS`` days or still to come, no held 1:1), and the others with no
    held 1:1 in the last ``RECENT_DAYS`` days."""

    size: int
    new_starters: Shown[ReportToMeet]
    not_met_recently: Shown[ReportToMeet]


def team_to_meet(*, viewer: User) -> TeamToMeet:
    """One query: every current report with their last held and next booked 1:1 with
    ``viewer`` (either of them may have booked it), as HR's reports count them."""
    now = timezone.now()
    # The pair as the index meeting_pair_idx has it (lower id, higher id, status,
    # starts_at), as the HR reports read it: the newest held and the next booked are
    # then the first row of an index range, however many 1:1s the manager ever had.
    # Office hours are no line 1:1 (and the index leaves them out).
    together = (
        Meeting.objects.alias(
            low=Least("organiser", "participant"), high=Greatest("organiser", "participant")
        )
        .filter(
            low=Least(OuterRef("pk"), Value(viewer.pk)),
            high=Greatest(OuterRef("pk"), Value(viewer.pk)),
        )
        .exclude(kind__in=NOT_LINE_KINDS)
    )
    held = together.filter(status=Meeting.Status.COMPLETED).order_by("-starts_at")
    booked = together.filter(status=Meeting.Status.SCHEDULED, ends_at__gte=now).order_by(
        "starts_at", "pk"
    )
    reports = reports_of(manager=viewer).annotate(
        last_held=Subquery(held.values("starts_at")[:1]),
        next_meeting_id=Subquery(booked.values("pk")[:1]),
        next_starts_at=Subquery(booked.values("starts_at")[:1]),
    )
    new_since = timezone.localdate() - dt.timedelta(days=NEW_STARTER_DAYS)
    recent_since = now - dt.timedelta(days=RECENT_DAYS)
    new_starters: list[ReportToMeet] = []
    not_met: list[ReportToMeet] = []
    size = 0
    for report in reports:
        size += 1
        row = ReportToMeet(
            person=report,
            last_held=report.last_held,
            next_meeting_id=report.next_meeting_id,
            next_starts_at=report.next_starts_at,
        )
        if report.last_held is None and report.start_date and report.start_date > new_since:
            new_starters.append(row)
        elif report.last_held is None or report.last_held < recent_since:
            not_met.append(row)
    # Those not met for longest first; never met before all.
    not_met.sort(key=lambda row: row.last_held or dt.datetime.min.replace(tzinfo=dt.UTC))
    return TeamToMeet(
        size=size,
        new_starters=_first(new_starters, limit=ROWS_SHOWN),
        not_met_recently=_first(not_met, limit=ROWS_SHOWN),
    )


# --- After a change of manager -------------------------------------------------------------


def new_reports_without_series(*, viewer: User) -> Shown[User]:
    """People who came to ``viewer`` by a change of manager, not booked yet."""
    return _first(list(new_reports_to_book(viewer=viewer)[: ROWS_SHOWN + 1]), limit=ROWS_SHOWN)


def manager_change_to_choose(*, viewer: User) -> ManagerHandover | None:
    """The viewer's latest change of manager that waits for them to choose what to bring."""
    return handovers_to_choose(viewer=viewer).first()
