import datetime as dt
import itertools
import zoneinfo

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from meetings.cadence import next_starts
from meetings.models import Attendance, ChangeRequest, Meeting, MeetingSeries, SlotClash
from meetings.scheduling import services
from meetings.tasks import generate_meetings, generate_series_meetings
from meetings.tests.concurrency import run_at_once
from meetings.tests.factories import MeetingFactory, SeriesFactory, weekly
from oneonones.celery import app

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def series(manager, employee):
    return SeriesFactory(
        organiser=manager,
        participant=employee,
        cadence=weekly(interval=2),
        first_date=timezone.localdate() + dt.timedelta(days=1),
    )


def test_it_books_six_months_of_a_fortnightly_series(series):
    result = services.series_generate(series_id=series.pk)
    meetings = list(series.meetings.order_by("starts_at"))
    assert 12 <= len(meetings) == result.created <= 14
    assert all(m.starts_at.astimezone(LONDON).time() == dt.time(9, 30) for m in meetings)
    assert all(m.starts_at.astimezone(LONDON).weekday() == 1 for m in meetings)
    gaps = {
        b.starts_at.astimezone(LONDON).date() - a.starts_at.astimezone(LONDON).date()
        for a, b in itertools.pairwise(meetings)
    }
    assert gaps == {dt.timedelta(days=14)}
    assert meetings[-1].starts_at <= timezone.now() + dt.timedelta(days=185)
    assert all(m.slot == m.starts_at for m in meetings)
    assert Attendance.objects.filter(meeting__series=series, active=True).count() == 2 * len(
        meetings
    )
    series.refresh_from_db()
    assert series.generated_until >= timezone.localdate() + dt.timedelta(days=180)


def test_running_twice_creates_nothing_more(series):
    first = services.series_generate(series_id=series.pk)
    second = services.series_generate(series_id=series.pk)
    assert first.created > 0
    assert second.created == 0
    assert series.meetings.count() == first.created


def test_a_later_run_only_adds_the_new_slots(series):
    services.series_generate(series_id=series.pk)
    before = dict(series.meetings.values_list("pk", "updated_at"))
    last = series.meetings.order_by("starts_at").last().starts_at.astimezone(LONDON).date()
    later = timezone.now() + dt.timedelta(days=15)
    result = services.series_generate(series_id=series.pk, now=later)

    # The horizon is six calendar months from the day of the run. Months differ in
    # length, so fifteen days later it has moved on by 13 to 18 days: one or two more
    # fortnightly slots, depending on the date. Counted here from the series' rhythm.
    series.refresh_from_db()
    horizon = timezone.localtime(later, LONDON).date() + relativedelta(months=6)
    assert series.generated_until == horizon
    expected = [
        last + dt.timedelta(days=14 * step)
        for step in range(1, 3)
        if last + dt.timedelta(days=14 * step) <= horizon
    ]
    new = series.meetings.exclude(pk__in=before).order_by("starts_at")
    assert [m.starts_at.astimezone(LONDON).date() for m in new] == expected
    assert result.created == len(expected) >= 1
    after = dict(series.meetings.filter(pk__in=before).values_list("pk", "updated_at"))
    assert after == before


def test_it_generates_nothing_for_paused_or_ended_series(series, manager):
    services.series_pause(series=series, by=manager)
    assert services.series_generate(series_id=series.pk).created == 0
    services.series_resume(series=series, by=manager)
    assert services.series_generate(series_id=series.pk).created > 0


def test_a_missing_series_is_a_no_op(db):
    assert services.series_generate(series_id=987654).created == 0


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_create_each_meeting_once(manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly())
    results, errors = run_at_once(lambda: services.series_generate(series_id=series.pk), times=2)
    assert errors == []
    created = sorted(result.created for result in results)
    assert created[0] == 0 and created[1] > 20
    slots = list(Meeting.objects.filter(series=series).values_list("slot", flat=True))
    assert len(slots) == len(set(slots)) == created[1]


@pytest.fixture
def blocker(series, employee, hr):
    """Emma is busy with someone else during the series' third slot."""
    third = next_starts(series, after=timezone.now(), count=3)[2]
    return MeetingFactory(
        organiser=hr, participant=employee, starts_at=third + dt.timedelta(minutes=15)
    )


def test_a_clashing_slot_is_recorded_not_dropped(series, blocker, hr):
    result = services.series_generate(series_id=series.pk)
    assert result.clashes == 1
    clash = SlotClash.objects.get(series=series)
    assert clash.slot == blocker.starts_at - dt.timedelta(minutes=15)
    assert clash.clashing_meeting == blocker
    assert clash.person == series.participant
    assert not series.meetings.filter(slot=clash.slot).exists()
    assert series.meetings.count() == result.created

    # Once the other meeting is cancelled, the next run books the slot.
    services.meeting_cancel(meeting=blocker, by=hr, reason="other")
    result = services.series_generate(series_id=series.pk)
    assert result.created == 1
    assert not SlotClash.objects.exists()


def test_a_skipped_clash_is_not_tried_again(series, blocker):
    services.series_generate(series_id=series.pk)
    clash = SlotClash.objects.get(series=series)
    services.clash_skip(clash=clash, by=series.organiser)
    assert services.series_generate(series_id=series.pk).clashes == 0
    assert SlotClash.objects.get(series=series).skipped


def test_a_clash_can_be_booked_at_another_time(series, blocker):
    services.series_generate(series_id=series.pk)
    clash = SlotClash.objects.get(series=series)
    meeting = services.clash_book_other_time(
        clash=clash, by=series.organiser, starts_at=clash.slot + dt.timedelta(hours=2)
    )
    assert meeting.slot == clash.slot
    assert meeting.rescheduled_from == clash.slot
    assert not SlotClash.objects.exists()
    assert services.series_generate(series_id=series.pk).created == 0


def test_editing_the_time_replaces_only_untouched_future_meetings(series, manager, employee):
    services.series_generate(series_id=series.pk)
    meetings = list(series.meetings.order_by("starts_at"))
    moved, asked_about, cancelled = meetings[0], meetings[1], meetings[2]
    services.meeting_move(
        meeting=moved, by=manager, starts_at=moved.starts_at + dt.timedelta(hours=3)
    )
    services.change_request_create(
        meeting=asked_about, by=employee, action="cancel", reason="nothing_to_discuss"
    )
    services.meeting_cancel(meeting=cancelled, by=manager, reason="away")

    services.series_update(series=series, by=manager, start_time=dt.time(14, 0))
    kept = set(series.meetings.values_list("pk", flat=True))
    assert {moved.pk, asked_about.pk, cancelled.pk} <= kept
    assert len(kept) == 3

    services.series_generate(series_id=series.pk)
    fresh = series.meetings.exclude(pk__in=[moved.pk, asked_about.pk, cancelled.pk])
    assert fresh.exists()
    assert all(m.starts_at.astimezone(LONDON).time() == dt.time(14, 0) for m in fresh)
    # The untouched request meeting still holds 09:30, so the 14:00 slot of that day is new
    # and both people are free then: no clash.
    assert not SlotClash.objects.filter(series=series).exists()


def test_editing_the_place_updates_future_meetings_in_place(series, manager):
    services.series_generate(series_id=series.pk)
    ids = set(series.meetings.values_list("pk", flat=True))
    services.series_update(series=series, by=manager, location="Room 4", format="room")
    assert set(series.meetings.values_list("pk", flat=True)) == ids
    assert set(series.meetings.values_list("location", "sequence")) == {("Room 4", 1)}


def test_ending_removes_untouched_future_meetings_and_keeps_the_rest(series, manager):
    services.series_generate(series_id=series.pk)
    moved = series.meetings.order_by("starts_at").first()
    services.meeting_move(
        meeting=moved, by=manager, starts_at=moved.starts_at + dt.timedelta(hours=1)
    )
    services.series_end(series=series, by=manager)
    assert list(series.meetings.values_list("pk", flat=True)) == [moved.pk]
    series.refresh_from_db()
    assert series.status == MeetingSeries.Status.ENDED


def test_the_series_task_is_thin_and_generates(series):
    outcome = generate_series_meetings.apply(args=[series.pk]).get()
    assert outcome["created"] == series.meetings.count() > 0


@pytest.fixture
def eager_celery():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_the_daily_task_tops_up_every_active_series(series, eager_celery, other_manager):
    paused = SeriesFactory(organiser=other_manager, participant=other_manager.reports.first())
    services.series_pause(series=paused, by=other_manager)
    assert generate_meetings.apply().get() == 1
    assert series.meetings.exists()
    assert not paused.meetings.exists()


def test_the_daily_run_is_scheduled_in_beat():
    entries = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "meetings.tasks.generate_meetings" in entries


def test_the_management_command_generates(series, capsys):
    call_command("generate_meetings")
    assert series.meetings.exists()
    assert "Created" in capsys.readouterr().out
    call_command("generate_meetings", series=series.pk)
    assert "Created 0 meeting(s)" in capsys.readouterr().out


def test_a_request_is_kept_as_touched(series, employee):
    services.series_generate(series_id=series.pk)
    meeting = series.meetings.first()
    services.change_request_create(
        meeting=meeting, by=employee, action="cancel", reason="nothing_to_discuss"
    )
    assert not services.untouched_future_meetings(series=series).filter(pk=meeting.pk).exists()
    assert ChangeRequest.objects.count() == 1
