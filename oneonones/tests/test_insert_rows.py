"""``insert_rows`` (COPY) writes what ``save`` writes, escapes included."""

import datetime as dt

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.forms.models import model_to_dict

from meetings.models import Attendance, Meeting
from meetings.tests.factories import MeetingFactory
from notifications.models import Reminder
from notifications.outbox import KEY_COLUMNS
from oneonones.db import insert_rows, insert_values
from people.tests.factories import UserFactory

AWKWARD = "tab\there, line\nbreak, back\\slash, \\N, quote ' \" and é"


def test_rows_come_back_as_written(db):
    organiser, participant = UserFactory(), UserFactory()
    starts = dt.datetime(2030, 3, 31, 0, 30, tzinfo=dt.UTC)
    meetings = [
        Meeting(
            organiser=organiser,
            participant=participant,
            starts_at=starts + dt.timedelta(days=day),
            ends_at=starts + dt.timedelta(days=day, minutes=45),
            location=AWKWARD,
        )
        for day in range(3)
    ]
    insert_rows(meetings, with_ids=True)
    stored = Meeting.objects.in_bulk([meeting.pk for meeting in meetings])
    assert len(stored) == 3
    for meeting in meetings:
        again = stored[meeting.pk]
        assert again.location == AWKWARD
        assert (again.starts_at, again.ends_at) == (meeting.starts_at, meeting.ends_at)
        assert again.created_at is not None and again.series_id is None
        assert again.status == Meeting.Status.SCHEDULED and again.sequence == 0

    insert_rows(
        [
            Attendance(meeting_id=meeting.pk, person_id=person.pk, during=during)
            for meeting in meetings
            for person in (organiser, participant)
            for during in [DateTimeTZRange(meeting.starts_at, meeting.ends_at)]
        ]
    )
    ranges = set(Attendance.objects.values_list("during", flat=True))
    assert ranges == {DateTimeTZRange(m.starts_at, m.ends_at) for m in meetings}


def test_the_conflict_clause_keeps_the_row_already_there(db):
    meeting = MeetingFactory()
    due = dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC)
    first = Reminder.objects.create(
        kind=Reminder.Kind.INVITATION,
        recipient=meeting.organiser,
        meeting=meeting,
        subject="first",
        due_at=due,
    )
    rows = [
        Reminder(
            kind=Reminder.Kind.INVITATION,
            recipient=meeting.organiser,
            meeting=meeting,
            subject=subject,
            due_at=due + dt.timedelta(hours=1),
            payload={"note": AWKWARD, "sequence": 2, "none": None},
        )
        for subject in ("first", AWKWARD)
    ]
    insert_rows(
        rows,
        on_conflict=f"ON CONFLICT ({KEY_COLUMNS}) DO UPDATE SET kind = EXCLUDED.kind",
    )
    kept = Reminder.objects.get(pk=first.pk)
    assert model_to_dict(kept) == model_to_dict(first)
    added = Reminder.objects.get(subject=AWKWARD)
    assert added.payload == {"note": AWKWARD, "sequence": 2, "none": None}
    assert added.due_at == due + dt.timedelta(hours=1)
    assert added.state == Reminder.State.PENDING and added.attempts == 0


def test_insert_values_writes_what_insert_rows_writes(db):
    meeting = MeetingFactory()
    due = dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC)
    fields = ("kind", "recipient_id", "meeting_id", "subject", "payload", "due_at", "channel")
    values = [
        (
            Reminder.Kind.INVITATION,
            meeting.organiser_id,
            meeting.pk,
            AWKWARD,
            {"a": AWKWARD},
            due,
            "email",
        ),
        (Reminder.Kind.STARTING_SOON, meeting.participant_id, None, "second", {}, due, "chat"),
    ]
    insert_values(Reminder, fields, values)
    stored = {row.subject: row for row in Reminder.objects.all()}
    for row in values:
        again = stored[row[3]]
        assert tuple(getattr(again, name) for name in fields) == row
        assert again.state == Reminder.State.PENDING and again.attempts == 0
        assert (again.reason, again.last_error, again.sent_at) == ("", "", None)
        assert again.created_at is not None and again.updated_at is not None
