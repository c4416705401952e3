"""One small organisation for the home page's tests, on a pinned day.

Morgan (in New York) manages Emma, a report met recently; Ravi, last met 60 days ago;
and Nina, a new starter not met yet. Emma has asked to cancel the next 1:1, proposed
an objective, owes two open actions (one overdue) and has not checked in this month;
Morgan has. Every text written in a 1:1 carries ``SECRET`` so that tests can check
who must not see it.
"""

import datetime as dt
from dataclasses import dataclass

from meetings.models import ChangeRequest, Meeting
from meetings.tests.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory
from objectives.models import State
from objectives.tests.factories import ObjectiveFactory
from people.models import User
from people.tests.factories import UserFactory
from wellbeing.tests.factories import CheckInFactory

# A Wednesday, mid-month, in winter time in London and New York.
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
NEXT_MEETING_AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)  # 10:00 in New York


@dataclass
class Scenario:
    manager: User
    employee: User
    ravi: User
    nina: User
    next_meeting: Meeting


def build(*, manager, employee):
    """A ``Scenario``, made with the clock pinned to ``NOW``."""
    manager.time_zone = "America/New_York"
    manager.save(update_fields=["time_zone"])
    ravi = UserFactory(full_name="Ravi Remote", manager=manager, start_date=dt.date(2024, 3, 1))
    nina = UserFactory(
        full_name="Nina Newstart", manager=manager, start_date=TODAY - dt.timedelta(days=10)
    )
    held = MeetingFactory(
        organiser=manager,
        participant=employee,
        starts_at=NOW - dt.timedelta(days=10),
        status=Meeting.Status.COMPLETED,
    )
    MeetingFactory(
        organiser=manager,
        participant=ravi,
        starts_at=NOW - dt.timedelta(days=60),
        status=Meeting.Status.COMPLETED,
    )
    upcoming = MeetingFactory(organiser=manager, participant=employee, starts_at=NEXT_MEETING_AT)
    AgendaItemFactory(meeting=upcoming, author=employee, text="SECRET agenda: my promotion")
    AgendaItemFactory(meeting=upcoming, author=manager, text="SECRET agenda: the reorg")
    AgendaItemFactory(meeting=upcoming, author=manager, text="SECRET agenda: budgets")
    ChangeRequest.objects.create(
        meeting=upcoming,
        requested_by=employee,
        action=ChangeRequest.Action.CANCEL,
        note="SECRET note: doctor",
    )
    ObjectiveFactory(owner=employee, state=State.PROPOSED, title="SECRET objective: learn Rust")
    ActionItemFactory(
        meeting=held,
        owner=employee,
        description="SECRET action: send the draft",
        due_date=TODAY - dt.timedelta(days=2),
    )
    ActionItemFactory(
        meeting=held,
        owner=employee,
        description="SECRET action: book the course",
        due_date=TODAY + dt.timedelta(days=7),
    )
    ActionItemFactory(
        meeting=held,
        owner=employee,
        description="SECRET action: long done",
        done=True,
        done_at=NOW,
    )
    CheckInFactory(employee=manager, created_at=NOW - dt.timedelta(days=3))
    CheckInFactory(employee=employee, created_at=NOW - dt.timedelta(days=30))  # last month
    return Scenario(manager=manager, employee=employee, ravi=ravi, nina=nina, next_meeting=upcoming)
