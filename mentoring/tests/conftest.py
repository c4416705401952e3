"""The roles around a mentoring pair: the mentee (``employee``, who reports to
``manager``, who reports to ``grand_manager``) and their mentor, who reports to
``mentor_manager``; HR, an outsider, the admin. The clock is pinned to a Monday."""

import datetime as dt

import pytest
import recurrence
import time_machine

from meetings.models import AgendaTemplate, Format, Kind
from meetings.scheduling import services as scheduling
from mentoring.tests.factories import MentorshipFactory
from people.tests.factories import UserFactory

MONDAY = dt.datetime(2027, 1, 4, 8, 0, tzinfo=dt.UTC)


def fortnightly(weekday: int = 3) -> recurrence.Recurrence:
    rule = recurrence.Rule(recurrence.WEEKLY, interval=2, byday=recurrence.Weekday(weekday))
    return recurrence.Recurrence(rrules=[rule], include_dtstart=False)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mentor_manager(db):
    return UserFactory(full_name="Mona Mentorsboss", email="mona@example.org")


@pytest.fixture
def mentor(db, mentor_manager):
    return UserFactory(full_name="Max Mentor", email="max@example.org", manager=mentor_manager)


@pytest.fixture
def mentorship(employee, mentor, grand_manager):
    """``mentor`` mentors ``employee`` (the mentee), active."""
    return MentorshipFactory(mentor=mentor, mentee=employee)


def book_check_ins(*, mentee, mentor, first_date: dt.date | None = None):
    """The mentee books fortnightly Thursday check-ins with the mentoring template."""
    return scheduling.series_create(
        organiser=mentee,
        participant=mentor,
        kind=Kind.MENTORING,
        cadence=fortnightly(),
        start_time=dt.time(11, 0),
        time_zone="Europe/London",
        first_date=first_date or (MONDAY.date() + dt.timedelta(days=1)),
        format=Format.VIDEO,
        default_template=AgendaTemplate.objects.get(builtin_key="mentoring_check_in"),
    )


@pytest.fixture
def check_ins(clock, mentorship, employee, mentor):
    return book_check_ins(mentee=employee, mentor=mentor)
