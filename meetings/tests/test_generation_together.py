"""``generate_many`` books many series at once (set-based, a chunk per transaction):
it must leave exactly what ``series_generate`` run series after series leaves, clashes
and reminders included, and its statements must not grow with series that have
nothing new."""

import datetime as dt
import itertools
import re

import pytest
import recurrence
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from meetings.models import AgendaItem, Attendance, Meeting, MeetingSeries, SlotClash
from meetings.scheduling import services
from meetings.tests.concurrency import run_at_once
from meetings.tests.conftest import MONDAY
from meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory, weekly
from notifications.models import Reminder
from people.tests.factories import UserFactory


def monthly_weekday(weekday: int, week: int) -> recurrence.Recurrence:
    rule = recurrence.Rule(recurrence.MONTHLY, byday=recurrence.Weekday(weekday, week))
    return recurrence.Recurrence(rrules=[rule], include_dtstart=False)


def custom(text: str) -> recurrence.Recurrence:
    return recurrence.deserialize(f"RRULE:{text}", include_dtstart=False)


@pytest.fixture
def company(clock, manager, employee, other_manager, hr):
    """Series of every shape, settled (generated before) unless said otherwise, with
    clashes: between two series of one manager, and with meetings already booked."""
    today = MONDAY.date()
    settled = today - dt.timedelta(days=1)
    reports = [UserFactory(manager=manager) for _ in range(4)]
    others = [UserFactory(manager=other_manager) for _ in range(3)]
    made = [
        # Weekly on Tuesdays in London: crosses the spring change of the clocks.
        SeriesFactory(organiser=manager, participant=employee, cadence=weekly()),
        # Same manager, same time: every slot clashes with the series above.
        SeriesFactory(organiser=manager, participant=reports[0], cadence=weekly(interval=2)),
        # Fortnightly in New York, monthly on the first Wednesday in Sydney (whose
        # clocks go back in April), the last Friday in Kolkata.
        SeriesFactory(
            organiser=manager,
            participant=reports[1],
            cadence=weekly(interval=2, weekday=3),
            time_zone="America/New_York",
            start_time=dt.time(16, 0),
        ),
        SeriesFactory(
            organiser=other_manager,
            participant=others[0],
            cadence=monthly_weekday(2, 1),
            time_zone="Australia/Sydney",
            start_time=dt.time(8, 0),
            duration_minutes=60,
        ),
        SeriesFactory(
            organiser=other_manager,
            participant=others[1],
            cadence=monthly_weekday(4, -1),
            time_zone="Asia/Kolkata",
            start_time=dt.time(14, 0),
        ),
        # A custom rule with two days a week, ending in the spring.
        SeriesFactory(
            organiser=other_manager,
            participant=others[2],
            cadence=custom("FREQ=WEEKLY;BYDAY=MO,TH"),
            start_time=dt.time(11, 0),
            end_date=dt.date(2027, 4, 1),
        ),
        # Paused and ended series book nothing.
        SeriesFactory(
            organiser=manager,
            participant=reports[2],
            status=MeetingSeries.Status.PAUSED,
            cadence=weekly(weekday=4),
        ),
        SeriesFactory(
            organiser=manager,
            participant=reports[3],
            status=MeetingSeries.Status.ENDED,
            cadence=weekly(weekday=4),
        ),
        # New (never generated): reconciled and generated on its own, in its place.
        SeriesFactory(
            organiser=hr,
            participant=UserFactory(),
            cadence=weekly(weekday=0),
            start_time=dt.time(13, 0),
        ),
    ]
    MeetingSeries.objects.filter(pk__in=[s.pk for s in made[:-1]]).update(generated_until=settled)
    tuesday = made[0]
    # The employee is busy during the third Tuesday (a meeting booked elsewhere).
    third = services.series_starts(tuesday, after=MONDAY, before=MONDAY + dt.timedelta(days=30))[2]
    MeetingFactory(organiser=hr, participant=employee, starts_at=third + dt.timedelta(minutes=15))
    # A slot left out by the organiser, and a clash whose other meeting has gone.
    fourth, fifth = services.series_starts(
        tuesday, after=MONDAY, before=MONDAY + dt.timedelta(days=40)
    )[3:5]
    SlotClash.objects.create(
        series=tuesday, slot=fourth, ends_at=fourth + dt.timedelta(minutes=30), skipped=True
    )
    SlotClash.objects.create(series=tuesday, slot=fifth, ends_at=fifth + dt.timedelta(minutes=30))
    # A New York meeting already booked, and a next-time item waiting for the next one.
    new_york = made[2]
    first = services.series_starts(new_york, after=MONDAY, before=MONDAY + dt.timedelta(days=30))[0]
    booked = services.series_meeting(new_york, slot=first, starts_at=first)
    booked.save()
    services.save_attendances(meeting=booked, viewer=None)
    AgendaItemFactory(meeting=None, series=made[3], author=made[3].participant)
    return made


def key_of(meeting_id, keys):
    return keys.get(meeting_id, meeting_id)


def without_id(text: str, meeting_id: int | None) -> str:
    """A reminder's subject or payload without its meeting's id (which differs)."""
    return re.sub(rf"\b{meeting_id}\b", "<id>", text) if meeting_id else text


def snapshot() -> dict:
    """Everything generation writes, named by series and slot rather than by id."""
    meetings = Meeting.objects.all()
    keys = {m.pk: (m.series_id, m.slot, m.starts_at) for m in meetings}
    return {
        "meetings": sorted(
            (
                m.series_id or 0,
                m.slot or m.starts_at,
                m.occurrence or dt.date.min,
                m.starts_at,
                m.ends_at,
                m.status,
                m.kind,
                m.format,
                m.location,
                m.organiser_id,
                m.participant_id,
                m.sequence,
            )
            for m in meetings
        ),
        "attendances": sorted(
            (str(keys[a.meeting_id]), a.person_id, str(a.during), a.active)
            for a in Attendance.objects.all()
        ),
        "reminders": sorted(
            (
                str(key_of(r.meeting_id, keys)),
                r.kind,
                r.recipient_id,
                without_id(r.subject, r.meeting_id),
                r.due_at,
                r.state,
                without_id(repr(r.payload), r.meeting_id),
            )
            for r in Reminder.objects.all()
        ),
        "clashes": sorted(
            (
                c.series_id,
                c.slot,
                c.ends_at,
                c.person_id or 0,
                str(key_of(c.clashing_meeting_id, keys)),
                str(key_of(c.meeting_id, keys)),
                c.skipped,
            )
            for c in SlotClash.objects.all()
        ),
        "horizons": sorted(MeetingSeries.objects.values_list("pk", "generated_until")),
        "agenda": sorted(
            (str(key_of(item.meeting_id, keys)), item.text, item.position)
            for item in AgendaItem.objects.all()
        ),
    }


def one_by_one(series_ids, now):
    total = services.GenerationResult()
    for series_id in series_ids:
        total += services.series_generate(series_id=series_id, now=now)
    return total


def run_and_undo(action) -> tuple[services.GenerationResult, dict]:
    """What ``action`` returns and leaves, then the database as it was."""
    with transaction.atomic():
        result = action()
        state = snapshot()
        transaction.set_rollback(True)
    return result, state


def test_together_books_what_one_by_one_books(company, clock):
    ids = [series.pk for series in company]
    for now in (MONDAY, MONDAY + dt.timedelta(days=1, hours=3)):
        before = snapshot()
        old, old_state = run_and_undo(lambda now=now: one_by_one(ids, now))
        assert snapshot() == before
        new, new_state = run_and_undo(
            lambda now=now: services.generate_many(series_ids=ids, now=now)
        )
        assert new_state == old_state
        assert (new.created, new.clashes) == (old.created, old.clashes)
        if now == MONDAY:  # from (nearly) empty
            assert new.created > 100 and new.clashes > 10
        else:  # the daily top-up: the new day's slots, and the clashes tried again
            assert new.created >= 1 and new.clashes >= 1
        # Then the same again a day later, from what the first run left.
        one_by_one(ids, now)


def test_the_clashes_are_the_ones_one_by_one_records(company, clock, employee):
    ids = [series.pk for series in company]
    services.generate_many(series_ids=ids, now=MONDAY)
    tuesday, fortnightly = company[0], company[1]
    # The second series of the manager clashes with the first at each of its slots,
    # but the one the first could not have (the employee was busy then).
    clashes = SlotClash.objects.filter(series=fortnightly)
    assert clashes.count() >= 12
    busy = SlotClash.objects.get(series=tuesday, skipped=False)
    assert list(fortnightly.meetings.values_list("slot", flat=True)) == [busy.slot]
    assert {c.person_id for c in clashes} == {fortnightly.organiser_id}
    assert {c.clashing_meeting.series_id for c in clashes} == {tuesday.pk}
    # The slot where the employee is busy elsewhere is a clash naming that meeting.
    assert busy.person == employee and busy.clashing_meeting.series_id is None
    # The skipped slot stays skipped and unbooked; the freed one is booked.
    skipped = SlotClash.objects.get(series=tuesday, skipped=True)
    assert not tuesday.meetings.filter(slot=skipped.slot).exists()
    assert SlotClash.objects.filter(series=tuesday).count() == 2
    # Nobody is booked twice at once.
    for person_id in set(Attendance.objects.values_list("person_id", flat=True)):
        rows = sorted(
            Attendance.objects.filter(person_id=person_id, active=True).values_list(
                "during", flat=True
            ),
            key=lambda during: during.lower,
        )
        assert all(a.upper <= b.lower for a, b in itertools.pairwise(rows))


def test_each_new_meeting_gets_its_reminders(company, clock):
    ids = [series.pk for series in company]
    result = services.generate_many(series_ids=ids, now=MONDAY)
    new = Meeting.objects.filter(series__isnull=False, created_at__gte=MONDAY)
    assert new.count() == result.created + 1  # and the New York meeting booked before
    without = new.exclude(pk__in=Reminder.objects.values("meeting_id"))
    assert not without.exclude(pk__in=Meeting.objects.filter(series=company[2])[:1]).exists()


def count_statements(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_a_top_up_with_nothing_new_takes_a_few_statements_whatever_the_series(db, clock):
    def settled_series(count):
        made = [SeriesFactory(cadence=weekly(weekday=n % 5)) for n in range(count)]
        ids = [series.pk for series in made]
        services.generate_many(series_ids=ids, now=MONDAY)
        return ids

    few, many = settled_series(2), settled_series(12)
    assert MeetingSeries.objects.filter(generated_until__isnull=True).count() == 0
    again_few = count_statements(lambda: services.generate_many(series_ids=few, now=MONDAY))
    again_many = count_statements(lambda: services.generate_many(series_ids=many, now=MONDAY))
    # Which series changed, the series locked, their meetings, clashes and next-time
    # items; and the savepoint that stands for the transaction inside the test's.
    assert again_few == again_many <= 7
    # A day later: new slots for some, still a fixed number of statements.
    later = MONDAY + dt.timedelta(days=1)
    result = services.generate_many(series_ids=few + many, now=later)
    day_after = count_statements(
        lambda: services.generate_many(series_ids=few + many, now=later + dt.timedelta(days=1))
    )
    assert result.created >= 1
    assert day_after <= 15


def test_a_series_changed_in_between_is_reconciled_on_its_own(company, clock, manager):
    ids = [series.pk for series in company]
    services.generate_many(series_ids=ids, now=MONDAY)
    tuesday = company[0]
    services.series_update(series=tuesday, by=manager, start_time=dt.time(15, 0))
    services.generate_many(series_ids=ids, now=MONDAY)
    times = {
        m.starts_at.astimezone(tuesday.zone).time()
        for m in tuesday.meetings.filter(status=Meeting.Status.SCHEDULED)
    }
    assert times == {dt.time(15, 0)}


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_book_nobody_twice(clock, manager, employee, other_manager):
    """Two chunks of a manager's series, the same hour each week, generated at once:
    whichever commits second finds its slots taken (the exclusion constraint says so
    if its reads came first, and it goes one by one) and records clashes instead."""
    made = [
        SeriesFactory(organiser=manager, participant=employee, cadence=weekly()),
        SeriesFactory(
            organiser=manager, participant=UserFactory(manager=manager), cadence=weekly()
        ),
    ]
    MeetingSeries.objects.update(generated_until=MONDAY.date())
    chunks = iter([[made[0].pk], [made[1].pk]])
    results, errors = run_at_once(
        lambda: services.generate_many(series_ids=next(chunks), now=MONDAY), times=2
    )
    assert errors == []
    slots = services.series_starts(made[0], after=MONDAY, before=MONDAY + dt.timedelta(days=190))
    booked = sorted(Meeting.objects.values_list("slot", flat=True))
    assert booked == sorted(set(booked)) and set(booked) <= set(slots)
    assert len(booked) + SlotClash.objects.count() == 2 * len(booked)
    assert sorted(r.created for r in results)[0] == 0
    assert sum(r.clashes for r in results) == len(booked) > 20
    assert {c.person_id for c in SlotClash.objects.all()} == {manager.pk}
