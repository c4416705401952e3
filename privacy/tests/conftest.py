"""An organisation where every kind of content about Emma (the employee) and Morgan (her
manager) exists, each piece with a text of its own, so tests can look for it anywhere."""

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from django.utils import timezone

from meetings.models import Meeting, MeetingFeedback, Note
from meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    MeetingFactory,
    NoteFactory,
    SeriesFactory,
)
from notifications.models import Reminder
from objectives.models import ObjectiveChange
from objectives.tests.factories import CommentFactory, KeyResultFactory, ObjectiveFactory
from wellbeing.tests.factories import CheckInFactory, WellbeingNoteFactory


@dataclass
class World:
    series: object
    held: Meeting
    future: Meeting
    objective: object


# Texts only Emma and Morgan (and, for Morgan's private note, Morgan alone) may read.
EMMA_AGENDA = "EMMA-AGENDA-career-move"
MORGAN_AGENDA = "MORGAN-AGENDA-budget"
SHARED_NOTE = "SHARED-NOTE-we-agreed"
EMMA_PRIVATE = "EMMA-PRIVATE-worried"
MORGAN_PRIVATE = "MORGAN-PRIVATE-performance"
ACTION = "ACTION-book-the-course"
FEEDBACK = "FEEDBACK-more-time-please"
CHECKIN_NOTE = "CHECKIN-NOTE-tired"
WELLBEING_NOTE = "WELLBEING-NOTE-lighter-load"
OBJECTIVE_DESCRIPTION = "OBJECTIVE-DESCRIPTION-ship-it"
COMMENT_EMMA = "COMMENT-EMMA-blocked"
COMMENT_MORGAN = "COMMENT-MORGAN-unblock"
HISTORY_NOTE = "HISTORY-NOTE-off-sick"
KEY_RESULT = "KEY-RESULT-latency"
CANCEL_NOTE = "CANCEL-NOTE-dentist"

EMMAS_WORDS = (EMMA_AGENDA, EMMA_PRIVATE, FEEDBACK, CHECKIN_NOTE, COMMENT_EMMA, CANCEL_NOTE)


@pytest.fixture(autouse=True)
def _no_download_waits(settings):
    # Downloads are limited per person and minute in Redis: each test counts under a
    # prefix of its own (ids repeat from one test database to the next).
    settings.CACHES = {
        **settings.CACHES,
        "limits": {**settings.CACHES["limits"], "KEY_PREFIX": f"limits-{uuid.uuid4().hex}"},
    }


@pytest.fixture
def world(employee, manager):
    now = timezone.now()
    series = SeriesFactory(organiser=manager, participant=employee)
    held = MeetingFactory(
        organiser=manager,
        participant=employee,
        series=series,
        slot=now - dt.timedelta(days=7),
        starts_at=now - dt.timedelta(days=7),
        ends_at=now - dt.timedelta(days=7) + dt.timedelta(minutes=30),
        status=Meeting.Status.COMPLETED,
    )
    future = MeetingFactory(
        organiser=manager,
        participant=employee,
        series=series,
        slot=now + dt.timedelta(days=7),
        starts_at=now + dt.timedelta(days=7),
        ends_at=now + dt.timedelta(days=7, minutes=30),
    )
    MeetingFactory(
        organiser=manager,
        participant=employee,
        series=None,
        starts_at=now - dt.timedelta(days=14),
        ends_at=now - dt.timedelta(days=14) + dt.timedelta(minutes=30),
        status=Meeting.Status.CANCELLED,
        cancelled_by=employee,
        cancel_reason="other",
        cancel_note=CANCEL_NOTE,
    )
    AgendaItemFactory(meeting=held, author=employee, text=EMMA_AGENDA)
    AgendaItemFactory(meeting=held, author=manager, text=MORGAN_AGENDA)
    # A shared note Morgan started and last wrote; Emma's private note; Morgan's.
    NoteFactory(meeting=held, author=manager, body=SHARED_NOTE)
    NoteFactory(
        meeting=held, author=employee, visibility=Note.Visibility.PRIVATE, body=EMMA_PRIVATE
    )
    NoteFactory(
        meeting=held, author=manager, visibility=Note.Visibility.PRIVATE, body=MORGAN_PRIVATE
    )
    ActionItemFactory(meeting=held, owner=employee, created_by=manager, description=ACTION)
    MeetingFeedback.objects.create(meeting=held, usefulness=4, help_more=FEEDBACK)
    CheckInFactory(employee=employee, note=CHECKIN_NOTE, shared_with_manager=True)
    WellbeingNoteFactory(
        author=manager, subject=employee, text=WELLBEING_NOTE, shared_with_subject=True
    )
    objective = ObjectiveFactory(owner=employee, description=OBJECTIVE_DESCRIPTION)
    KeyResultFactory(objective=objective, title=KEY_RESULT)
    CommentFactory(objective=objective, author=employee, body=COMMENT_EMMA)
    CommentFactory(objective=objective, author=manager, body=COMMENT_MORGAN)
    ObjectiveChange.objects.create(
        objective=objective,
        field=ObjectiveChange.Field.PROGRESS,
        from_value="10",
        to_value="20",
        by=employee,
        note=HISTORY_NOTE,
    )
    Reminder.objects.create(
        kind=Reminder.Kind.STARTING_SOON,
        recipient=employee,
        meeting=future,
        subject="Your 1:1 starts soon",
        due_at=future.starts_at - dt.timedelta(minutes=10),
    )
    return World(series=series, held=held, future=future, objective=objective)
