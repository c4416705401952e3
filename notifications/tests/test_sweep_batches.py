"""The sweep reads what a batch needs in a fixed number of queries, whatever its size,
and its quick path keeps every guarantee of ``deliver``: what changed since the batch
was read is judged afresh, a failed send is recorded, nothing is sent twice."""

import datetime as dt
from collections.abc import Callable
from typing import cast

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import CancelReason, Meeting
from meetings.record import services as record_services
from meetings.scheduling import services
from notifications import sending
from notifications.models import Reminder
from oneonones.db import _PREPARED_ON, _statement
from people.models import User
from people.tests.factories import UserFactory

R = Reminder.Kind
S = Reminder.State
# The claim's prepared statement (``oneonones.db.execute_prepared`` names it).
CLAIM_NAME = _statement(sending.CLAIM_AS_SENT).name
CLAIM = f"EXECUTE {CLAIM_NAME}"
PREPARE = f"PREPARE {CLAIM_NAME}"


def start_in(days: int) -> dt.datetime:
    day = timezone.now().date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(14, 0), tzinfo=dt.UTC)


def due_starting_soon(count: int, *, kind: str = R.STARTING_SOON) -> dt.datetime:
    """``count`` 1:1s at the same time, each of a new pair, with an agenda item; only
    their reminders of ``kind`` (starting-soon: two each) are left in the outbox.
    Returns when those are due."""
    starts_at = start_in(days=5)
    for number in range(count):
        manager = cast(User, UserFactory())
        report = cast(User, UserFactory(manager=manager))
        meeting = services.meeting_book(
            organiser=manager,
            participant=report,
            starts_at=starts_at,
            duration_minutes=30,
            format="video",
            location="https://video.example.com/room",
        )
        record_services.agenda_item_add(meeting=meeting, by=report, text=f"Topic {number}")
    Reminder.objects.exclude(kind=kind).delete()
    return Reminder.objects.earliest("due_at").due_at


def preparing(query: str) -> bool:
    """A look at what this connection has prepared (after a failed statement)."""
    return "pg_prepared_statements" in query


def prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def sweep_queries(now: dt.datetime) -> tuple[list[str], sending.SweepResult]:
    """The statements of one sweep, but asking what the connection has prepared (its
    statements are prepared with their first run on a connection, in the same round
    trip, by whichever sweep is the first on it)."""
    with CaptureQueriesContext(connection) as captured:
        result = sending.send_due_reminders(now=now, batch_size=100)
    queries = [query["sql"] for query in captured.captured_queries]
    return [q for q in queries if not preparing(q)], result


def reads(queries: list[str]) -> list[str]:
    """Every statement but the per-row claims and their savepoints (in production the
    transaction of each row)."""
    return [q for q in queries if CLAIM not in q and "SAVEPOINT" not in q]


def test_a_batch_is_read_in_the_same_queries_whatever_its_size(db):
    small_now = due_starting_soon(2)
    small, small_result = sweep_queries(small_now)
    assert small_result.sent == 4
    Reminder.objects.all().delete()
    large_now = due_starting_soon(6)
    large, large_result = sweep_queries(large_now)
    assert large_result.sent == 12
    assert len(mail.outbox) == 16
    # The rows with their people and meetings, the preferences, the agendas; then one
    # empty look for more.
    assert len(reads(small)) == len(reads(large)) == 4
    # Each row: one statement that claims it and marks it sent.
    assert sum(CLAIM in q for q in large) == 12
    assert len(large) - len(small) == 8 * 3  # the claim inside its savepoint, per row
    assert Reminder.objects.filter(state=S.SENT, attempts=1).count() == 12


def test_the_agenda_is_read_once_per_batch_and_shown_in_the_pages_order(db):
    now = due_starting_soon(3)
    sending.send_due_reminders(now=now)
    bodies = [message.body for message in mail.outbox]
    assert len(bodies) == 6
    for number in range(3):
        shown = [body for body in bodies if f"Topic {number}" in body]
        assert len(shown) == 2  # the manager's email and the report's


def test_emails_that_show_no_agenda_do_not_read_one(db):
    now = due_starting_soon(2, kind=R.FOLLOW_UP)  # asked of the organiser only
    assert Reminder.objects.count() == 2
    queries, result = sweep_queries(now)
    assert result.sent == 2
    assert not any("meetings_agendaitem" in q for q in queries)
    assert "Topic" not in mail.outbox[0].body


def quick_after(change: Callable[[Meeting], object]) -> list[str]:
    """Read the one meeting's due rows as a batch, ``change`` the meeting, then send the
    rows by the quick path; returns what happened to each."""
    now = due_starting_soon(1)
    rows = list(
        Reminder.objects.select_related(
            "recipient", "meeting__organiser", "meeting__participant"
        ).order_by("pk")
    )
    batch = sending._Batch(rows)
    change(Meeting.objects.get(reminders=rows[0]))
    return [
        sending._deliver_quick(row, batch=batch, connection=mail.get_connection(), now=now)
        for row in rows
    ]


def test_a_meeting_cancelled_after_its_batch_was_read_is_not_told_as_coming(db):
    def cancel(meeting: Meeting) -> None:
        services.meeting_cancel(meeting=meeting, by=meeting.organiser, reason=CancelReason.AWAY)

    outcomes = quick_after(cancel)
    # Its rows were cancelled with the meeting: the quick claim finds them changed and
    # the row is read afresh, as ``deliver`` always did.
    assert outcomes == ["skipped", "skipped"]
    assert not [m for m in mail.outbox if "Soon:" in m.subject]
    assert not Reminder.objects.filter(kind=R.STARTING_SOON, state=S.SENT).exists()


def test_a_meeting_moved_behind_the_outboxs_back_after_the_read_is_judged_afresh(db):
    def move(meeting: Meeting) -> None:
        later = meeting.starts_at + dt.timedelta(days=1)
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=later, ends_at=later + dt.timedelta(minutes=30), updated_at=timezone.now()
        )

    outcomes = quick_after(move)
    assert outcomes == [S.CANCELLED, S.CANCELLED]
    assert mail.outbox == []
    reasons = set(Reminder.objects.values_list("reason", flat=True))
    assert reasons == {"The meeting moved; its new time has its own."}


@pytest.mark.parametrize("backend", ["BrokenBackend"])
def test_a_failed_quick_send_leaves_the_row_waiting_with_its_error(db, settings, backend):
    settings.EMAIL_BACKEND = f"notifications.tests.mail_backends.{backend}"
    now = due_starting_soon(2)
    result = sending.send_due_reminders(now=now)
    assert (result.sent, result.failed) == (0, 4)
    for row in Reminder.objects.all():
        assert (row.state, row.attempts, row.sent_at) == (S.PENDING, 1, None)
        assert "SMTPServerDisconnected" in row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    again = sending.send_due_reminders(now=now)
    assert again.sent == 4
    assert sending.send_due_reminders(now=now).sent == 0
    assert Reminder.objects.filter(state=S.SENT, attempts=2, last_error="").count() == 4


def test_the_claim_is_prepared_once_per_database_connection(db):
    now = due_starting_soon(2)
    connection.ensure_connection()
    # As on a new connection: the claim not prepared, and known not to be.
    if CLAIM_NAME in prepared():
        with connection.cursor() as cursor:
            cursor.execute(f"DEALLOCATE {CLAIM_NAME}")
    _PREPARED_ON[connection.connection] = prepared()
    with CaptureQueriesContext(connection) as captured:
        assert sending.send_due_reminders(now=now, batch_size=1).sent == 4
    queries = [query["sql"] for query in captured.captured_queries]
    # Prepared with its first run, in the same round trip; only run after that.
    assert sum(PREPARE in q for q in queries) == 1
    assert sum(CLAIM in q for q in queries) == 4

    Reminder.objects.update(state=S.PENDING, sent_at=None)
    with CaptureQueriesContext(connection) as captured:
        assert sending.send_due_reminders(now=now).sent == 4
    assert not any(preparing(q["sql"]) for q in captured.captured_queries)

    # Prepared, but not remembered (as after a failed statement): asked, and not prepared
    # twice, which would fail every claim.
    _PREPARED_ON[connection.connection] = None
    Reminder.objects.update(state=S.PENDING, sent_at=None)
    with CaptureQueriesContext(connection) as captured:
        assert sending.send_due_reminders(now=now).sent == 4
    assert not any(PREPARE in q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize(("kind", "count"), [(R.STARTING_SOON, 4), (R.FOLLOW_UP, 2)])
def test_the_sweeps_emails_are_the_ones_each_row_alone_gets(db, kind, count):
    """Rendered from the batch with the sweep's links and flattened templates, or read
    and rendered alone by ``deliver`` with Django's: the same emails."""
    now = due_starting_soon(2, kind=kind)
    record_services.agenda_item_add(
        meeting=Meeting.objects.first(), by=Meeting.objects.first().participant, text="<b>A & B</b>"
    )
    assert sending.send_due_reminders(now=now).sent == count
    swept = sorted(mail.outbox, key=lambda message: message.extra_headers["X-Oneonones-Reminder"])
    mail.outbox.clear()
    Reminder.objects.update(state=S.PENDING, sent_at=None)
    for row in Reminder.objects.order_by("pk"):
        assert sending.deliver(row.pk, connection=mail.get_connection(), now=now) == "sent"
    alone = sorted(mail.outbox, key=lambda message: message.extra_headers["X-Oneonones-Reminder"])
    assert len(swept) == len(alone) == count
    for ours, theirs in zip(swept, alone, strict=True):
        assert (ours.subject, ours.to, ours.body) == (theirs.subject, theirs.to, theirs.body)
        assert ours.alternatives == theirs.alternatives
    if kind == R.STARTING_SOON:  # the email that shows the agenda
        assert any("&lt;b&gt;A &amp; B&lt;/b&gt;" in m.alternatives[0][0] for m in swept)


def test_the_batch_read_compiled_once_gives_what_the_orm_gives(db):
    """``_DueRows`` runs the ORM's own statement with each batch's values; its rows, their
    people and meetings are the instances the queryset makes, batch after batch."""
    now = due_starting_soon(3)
    due = sending._DueRows(batch_size=2)
    after, compared = 0, 0
    while rows := due.read(now, after):
        expected = list(due._queryset(now, after))
        assert [row.pk for row in rows] == [row.pk for row in expected]
        for row, orm in zip(rows, expected, strict=True):
            for ours, theirs in [
                (row, orm),
                (row.recipient, orm.recipient),
                (row.meeting, orm.meeting),
                (row.meeting.organiser, orm.meeting.organiser),
                (row.meeting.participant, orm.meeting.participant),
            ]:
                assert type(ours) is type(theirs)
                assert ours.__dict__.keys() == theirs.__dict__.keys()
                fields = ours._meta.concrete_fields
                assert [f.value_from_object(ours) for f in fields] == [
                    f.value_from_object(theirs) for f in fields
                ]
                assert ours._state.db == theirs._state.db and not ours._state.adding
                assert ours._state.fields_cache.keys() == theirs._state.fields_cache.keys()
            compared += 1
        after = rows[-1].pk
    assert compared == 6
    assert due._compiled is not None and not due._orm_only  # the statement was reused


def test_the_batch_read_is_planned_once_per_connection(db):
    """Planning the batch read's four joins took the server longer than running them: it
    is prepared with its first run on a connection and only executed after that."""
    now = due_starting_soon(3)
    due = sending._DueRows(batch_size=2)
    with CaptureQueriesContext(connection) as captured:
        after, batches = 0, 0
        while rows := due.read(now, after):
            after, batches = rows[-1].pk, batches + 1
    reads = [query["sql"].lstrip() for query in captured.captured_queries]
    assert batches == 3 and len(reads) == 4  # the last read finds nothing
    assert all("EXECUTE read_" in sql for sql in reads)
    assert sum(sql.startswith("PREPARE read_") for sql in reads) <= 1
    assert not any(sql.startswith("PREPARE") for sql in reads[1:])
