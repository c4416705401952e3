"""Changing a series' time, day, rhythm or zone: one meeting per occurrence, nothing
with content lost, past meetings untouched (issue 14, point 1).

The clock is pinned to Monday 4 January 2027, 08:00 UTC; the series meets on Tuesdays
at 09:30 Europe/London from 5 January.
"""

import datetime as dt
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem, AgendaItem, ChangeRequest, Meeting, Note, SlotClash
from meetings.record import services as record_services
from meetings.scheduling import services
from meetings.tests.concurrency import run_at_once
from meetings.tests.conftest import MONDAY
from meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory, weekly
from meetings.tests.test_views import booking_data
from oneonones.errors import NotFound
from people.tests.factories import UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = MONDAY


@pytest.fixture
def weekly_series(tuesday_series):
    return tuesday_series


def upcoming(series) -> list[Meeting]:
    return list(series.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at"))


def edit_data(series, **changes) -> dict:
    data = booking_data(series.participant, pattern="weekly", default_template="")
    del data["participant"]
    data.update(first_date=series.first_date.isoformat(), location=series.location)
    data.update(changes)
    return data


def change_through_the_page(client, series, **changes):
    client.force_login(series.organiser)
    response = client.post(
        reverse("meetings:series_edit", args=[series.pk]), edit_data(series, **changes)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    series.refresh_from_db()
    return response


def assert_one_meeting_per_occurrence(series, zone=LONDON):
    """Every day of the series has at most one meeting that is not cancelled."""
    days = Counter(
        timezone.localtime(m.slot, zone).date()
        for m in series.meetings.exclude(status=Meeting.Status.CANCELLED)
    )
    assert [day for day, count in days.items() if count > 1] == []
    # ...and each stands for the day of its slot (or for none, while it waits).
    for meeting in series.meetings.exclude(occurrence=None):
        assert meeting.occurrence == timezone.localtime(meeting.slot, zone).date()


def local(meeting) -> dt.datetime:
    return timezone.localtime(meeting.starts_at, LONDON)


def test_a_new_time_moves_prepared_meetings_with_all_their_content(
    client, weekly_series, manager, employee
):
    first, second, third, fourth = upcoming(weekly_series)[:4]
    item = record_services.agenda_item_add(meeting=first, by=employee, text="Promotion")
    record_services.note_save(
        meeting=second, by=manager, visibility="shared", body="Prep", base_version=0
    )
    services.change_request_create(
        meeting=third, by=employee, action="cancel", reason="nothing_to_discuss"
    )
    action = record_services.action_add(
        meeting=fourth, by=manager, owner=employee, description="Draft the plan"
    )
    count = weekly_series.meetings.count()

    change_through_the_page(client, weekly_series, start_time="10:30")

    assert weekly_series.meetings.count() == count
    assert_one_meeting_per_occurrence(weekly_series)
    for before in (first, second, third, fourth):
        after = Meeting.objects.get(pk=before.pk)
        assert local(after).date() == local(before).date()
        assert local(after).time() == dt.time(10, 30)
        assert after.sequence == before.sequence + 1  # calendars take the new version
    assert AgendaItem.objects.get(pk=item.pk).meeting_id == first.pk
    assert Note.objects.get(meeting=second).body == "Prep"
    assert ChangeRequest.objects.get(meeting=third).status == ChangeRequest.Status.PENDING
    assert ActionItem.objects.get(pk=action.pk).meeting_id == fourth.pk
    times = {local(m).time() for m in upcoming(weekly_series)}
    assert times == {dt.time(10, 30)}
    assert not SlotClash.objects.exists()
    # Both people are booked at the new time only.
    page = client.get(reverse("meetings:meeting", args=[first.pk])).content.decode()
    assert "Promotion" in page and "10:30" in page


def test_weekly_to_fortnightly_keeps_the_prepared_off_weeks_waiting_for_a_new_time(
    client, weekly_series, manager, employee
):
    meetings = upcoming(weekly_series)[:5]
    for meeting in meetings[:4]:
        record_services.agenda_item_add(meeting=meeting, by=employee, text=f"On {meeting.pk}")
    on_1, off_1, on_2, off_2, untouched_off = (
        meetings[0],
        meetings[1],
        meetings[2],
        meetings[3],
        upcoming(weekly_series)[5],
    )

    change_through_the_page(client, weekly_series, pattern="fortnightly")

    assert_one_meeting_per_occurrence(weekly_series)
    # On the new rhythm: unchanged.
    for meeting in (on_1, on_2):
        assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at
    # Off it, prepared: still booked where they were, with their items, waiting.
    waiting = {clash.meeting_id: clash for clash in SlotClash.objects.filter(series=weekly_series)}
    assert set(waiting) == {off_1.pk, off_2.pk}
    assert all(clash.person is None for clash in waiting.values())
    for meeting in (off_1, off_2):
        kept = Meeting.objects.get(pk=meeting.pk)
        assert kept.starts_at == meeting.starts_at and kept.status == "scheduled"
        assert kept.agenda_items.get().text == f"On {meeting.pk}"
    # Off it, untouched: gone.
    assert not Meeting.objects.filter(pk=untouched_off.pk).exists()
    days = [local(m).date() for m in upcoming(weekly_series) if m.pk not in waiting]
    assert all((day - dt.date(2027, 1, 5)).days % 14 == 0 for day in days)

    team = client.get(reverse("meetings:team")).content.decode()
    assert team.count('data-testid="waiting-meeting"') == 2
    assert "no meeting near it" in team

    # The organiser gives the first a new time, and leaves the second out.
    clash = waiting[off_1.pk]
    response = client.post(
        reverse("meetings:clash_rebook", args=[clash.pk]), {"starts_at": "2027-01-13T10:00"}
    )
    assert response.status_code == 302
    moved = Meeting.objects.get(pk=off_1.pk)
    assert local(moved) == dt.datetime(2027, 1, 13, 10, 0, tzinfo=LONDON)
    assert moved.agenda_items.count() == 1
    response = client.post(reverse("meetings:clash_skip", args=[waiting[off_2.pk].pk]))
    assert response.status_code == 302
    left_out = Meeting.objects.get(pk=off_2.pk)
    assert left_out.status == Meeting.Status.CANCELLED
    carried = AgendaItem.objects.get(carried_over_from__meeting=left_out)
    assert carried.text == f"On {off_2.pk}"
    assert local(carried.meeting).date() == dt.date(2027, 2, 2)  # the next meeting
    assert "waiting-meeting" not in client.get(reverse("meetings:team")).content.decode()


def test_a_new_day_moves_prepared_meetings_to_the_nearest_new_day(client, weekly_series, employee):
    first = upcoming(weekly_series)[1]  # Tue 12 January
    record_services.agenda_item_add(meeting=first, by=employee, text="Travel plans")

    change_through_the_page(client, weekly_series, weekday="3")  # Thursdays

    after = Meeting.objects.get(pk=first.pk)
    assert local(after) == dt.datetime(2027, 1, 14, 9, 30, tzinfo=LONDON)
    assert after.agenda_items.get().text == "Travel plans"
    assert {local(m).weekday() for m in upcoming(weekly_series)} == {3}
    assert_one_meeting_per_occurrence(weekly_series)


def test_a_new_time_zone_keeps_the_day_and_moves_the_hour(client, weekly_series, employee):
    first = upcoming(weekly_series)[0]
    record_services.agenda_item_add(meeting=first, by=employee, text="Relocation")

    change_through_the_page(client, weekly_series, time_zone="America/New_York")

    after = Meeting.objects.get(pk=first.pk)
    assert timezone.localtime(after.starts_at, NEW_YORK) == dt.datetime(
        2027, 1, 5, 9, 30, tzinfo=NEW_YORK
    )
    assert after.agenda_items.count() == 1
    assert {timezone.localtime(m.starts_at, NEW_YORK).time() for m in upcoming(weekly_series)} == {
        dt.time(9, 30)
    }
    assert_one_meeting_per_occurrence(weekly_series, zone=NEW_YORK)


def test_where_the_new_time_clashes_the_meeting_waits_with_its_content(
    client, weekly_series, manager, employee
):
    prepared = upcoming(weekly_series)[1]  # Tue 12 January, 09:30
    record_services.note_save(
        meeting=prepared, by=employee, visibility="private", body="Mine", base_version=0
    )
    elsewhere = MeetingFactory(
        organiser=UserFactory(full_name="Pat Peer"),
        participant=employee,
        starts_at=dt.datetime(2027, 1, 12, 10, 30, tzinfo=LONDON),
    )

    change_through_the_page(client, weekly_series, start_time="10:30")

    kept = Meeting.objects.get(pk=prepared.pk)
    assert kept.starts_at == prepared.starts_at  # still booked where it was
    assert kept.notes.get().body == "Mine"
    clash = SlotClash.objects.get(series=weekly_series)
    assert (clash.meeting_id, clash.person, clash.clashing_meeting) == (
        prepared.pk,
        employee,
        elsewhere,
    )
    assert timezone.localtime(clash.slot, LONDON) == dt.datetime(2027, 1, 12, 10, 30, tzinfo=LONDON)
    # The day has that one meeting, not a second at the new time.
    assert_one_meeting_per_occurrence(weekly_series)
    assert weekly_series.meetings.filter(occurrence=dt.date(2027, 1, 12)).get().pk == prepared.pk
    assert services.series_generate(series_id=weekly_series.pk).created == 0

    series_page = client.get(reverse("meetings:series", args=[weekly_series.pk])).content.decode()
    assert "Emma Employee already has a meeting" in series_page
    client.post(
        reverse("meetings:clash_rebook", args=[clash.pk]), {"starts_at": "2027-01-12T14:00"}
    )
    moved = Meeting.objects.get(pk=prepared.pk)
    assert local(moved).time() == dt.time(14, 0)
    assert moved.notes.get().body == "Mine"
    assert not SlotClash.objects.exists()


def test_past_meetings_never_change_and_a_held_day_gets_no_second_meeting(
    client, clock, manager, employee
):
    clock.move_to(dt.datetime(2027, 1, 5, 12, 0, tzinfo=dt.UTC))  # Tuesday, after 09:30
    series = SeriesFactory(
        organiser=manager, participant=employee, cadence=weekly(), first_date=dt.date(2026, 12, 1)
    )
    slot = dt.datetime(2027, 1, 5, 9, 30, tzinfo=LONDON)
    held = services.series_meeting(series, slot=slot, starts_at=slot)
    held.status = Meeting.Status.COMPLETED
    held.save()
    services.save_attendances(meeting=held, viewer=None)
    AgendaItemFactory(meeting=held, text="Held and done")
    services.series_generate(series_id=series.pk)
    before = Meeting.objects.values().get(pk=held.pk)

    change_through_the_page(client, series, start_time="15:00", first_date="2026-12-01")

    assert Meeting.objects.values().get(pk=held.pk) == before
    today = [m for m in series.meetings.all() if local(m).date() == dt.date(2027, 1, 5)]
    assert [m.pk for m in today] == [held.pk]
    assert_one_meeting_per_occurrence(series)


def test_the_same_change_twice_changes_nothing_the_second_time(client, weekly_series, employee):
    for meeting in upcoming(weekly_series)[:2]:
        record_services.agenda_item_add(meeting=meeting, by=employee, text="Something")

    def snapshot():
        return sorted(
            weekly_series.meetings.values_list("pk", "slot", "starts_at", "occurrence", "sequence")
        )

    change_through_the_page(client, weekly_series, pattern="fortnightly", start_time="11:00")
    first = snapshot()
    change_through_the_page(client, weekly_series, pattern="fortnightly", start_time="11:00")
    assert snapshot() == first
    assert services.series_generate(series_id=weekly_series.pk).created == 0
    assert services.series_generate(series_id=weekly_series.pk).clashes == 0
    assert snapshot() == first
    assert_one_meeting_per_occurrence(weekly_series)


def test_the_database_refuses_a_second_meeting_for_an_occurrence(weekly_series):
    meeting = upcoming(weekly_series)[0]
    other = services.series_meeting(
        weekly_series,
        slot=meeting.slot + dt.timedelta(hours=5),
        starts_at=meeting.slot + dt.timedelta(hours=5),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
    # A cancelled meeting does not hold its day.
    services.meeting_cancel(meeting=meeting, by=weekly_series.organiser, reason="away")
    other.save()


def generated_weekly_series(manager, employee):
    series = SeriesFactory(
        organiser=manager, participant=employee, cadence=weekly(), first_date=NOW.date()
    )
    services.series_generate(series_id=series.pk)
    return series


@pytest.mark.django_db(transaction=True)
def test_a_change_and_an_agenda_item_at_once_lose_nothing_and_double_nothing(manager, employee):
    with time_machine.travel(NOW, tick=False):
        series = generated_weekly_series(manager, employee)
        target = upcoming(series)[0]

        def change():
            return services.series_update(series=series, by=manager, start_time=dt.time(10, 30))

        def add():
            return record_services.agenda_item_add(meeting=target, by=employee, text="Raced")

        calls = iter([change, add])
        _results, errors = run_at_once(lambda: next(calls)(), times=2)
        # The item either landed on the meeting (which then moved with it) or was refused
        # because the untouched meeting had just been replaced: never orphaned or doubled.
        assert all(isinstance(error, NotFound) for error in errors), errors
        assert_one_meeting_per_occurrence(series)
        for item in AgendaItem.objects.filter(text="Raced"):
            assert local(item.meeting).time() == dt.time(10, 30)
        assert {local(m).time() for m in upcoming(series)} == {dt.time(10, 30)}


@pytest.mark.django_db(transaction=True)
def test_two_changes_at_once_leave_one_meeting_per_occurrence(manager, employee):
    with time_machine.travel(NOW, tick=False):
        series = generated_weekly_series(manager, employee)
        record_services.agenda_item_add(meeting=upcoming(series)[0], by=employee, text="Kept")
        times = iter([dt.time(10, 30), dt.time(11, 0)])
        _results, errors = run_at_once(
            lambda: services.series_update(series=series, by=manager, start_time=next(times)),
            times=2,
        )
        assert errors == []
        series.refresh_from_db()
        assert_one_meeting_per_occurrence(series)
        assert {local(m).time() for m in upcoming(series)} == {series.start_time}
        assert AgendaItem.objects.get(text="Kept").meeting.starts_at > timezone.now()
