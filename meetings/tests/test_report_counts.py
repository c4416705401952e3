"""The record counts on each meeting (agenda items by author, the usefulness rating),
kept by the database triggers of migration 0005 for the HR reports."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.utils import timezone

from meetings.models import AgendaItem, Meeting, MeetingFeedback
from meetings.record import services as record_services
from meetings.scheduling import services
from meetings.tests.concurrency import run_at_once
from meetings.tests.factories import AgendaItemFactory, SeriesFactory, weekly

counts_migration = importlib.import_module("meetings.migrations.0005_report_counts")


def counts(meeting: Meeting) -> tuple[int, int, int, int | None]:
    meeting.refresh_from_db()
    return (
        meeting.agenda_count,
        meeting.agenda_by_organiser,
        meeting.agenda_by_participant,
        meeting.usefulness,
    )


def started(series, *, days_ago: int = 0) -> Meeting:
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(
        days=days_ago, minutes=10
    )
    meeting = services.series_meeting(series, slot=start, starts_at=start)
    meeting.save()
    services.save_attendances(meeting=meeting, viewer=None)
    return meeting


@pytest.fixture
def series(manager, employee):
    return SeriesFactory(organiser=manager, participant=employee, cadence=weekly(interval=2))


@pytest.fixture
def meeting(series):
    return started(series)


def test_it_counts_each_item_and_who_wrote_it(meeting, manager, employee, outsider):
    record_services.agenda_item_add(meeting=meeting, by=employee, text="Promotion")
    record_services.agenda_item_add(meeting=meeting, by=employee, text="Holiday")
    record_services.agenda_item_add(meeting=meeting, by=manager, text="Budget")
    # Someone else's item (an import, say) counts in the total, for neither person.
    AgendaItemFactory(meeting=meeting, author=outsider)
    assert counts(meeting) == (4, 1, 2, None)


def test_a_bulk_insert_counts_per_meeting(series, manager, employee):
    first, second = started(series, days_ago=14), started(series)
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=first, series=series, author=employee, text="A"),
            AgendaItem(meeting=first, series=series, author=manager, text="B"),
            AgendaItem(meeting=second, series=series, author=employee, text="C"),
            AgendaItem(series=series, author=employee, text="Next time"),  # on no meeting
        ]
    )
    assert counts(first) == (2, 1, 1, None)
    assert counts(second) == (1, 0, 1, None)


def test_removing_items_counts_down(meeting, manager, employee):
    item = record_services.agenda_item_add(meeting=meeting, by=employee, text="Promotion")
    record_services.agenda_item_add(meeting=meeting, by=manager, text="Budget")
    record_services.agenda_item_remove(item=item, by=employee)
    assert counts(meeting) == (1, 1, 0, None)
    AgendaItem.objects.filter(meeting=meeting).delete()
    assert counts(meeting) == (0, 0, 0, None)


def test_items_moving_between_meetings_and_the_next_time_list(series, manager, employee):
    first, second = started(series, days_ago=14), started(series)
    item = AgendaItemFactory(meeting=first, author=employee)
    waiting = AgendaItem.objects.create(series=series, author=manager, text="Next time")
    AgendaItem.objects.filter(pk=item.pk).update(meeting=second)
    assert (counts(first), counts(second)) == ((0, 0, 0, None), (1, 0, 1, None))
    # The next-time list landing on a meeting (one UPDATE of many rows).
    AgendaItem.objects.filter(pk=waiting.pk).update(meeting=second)
    assert counts(second) == (2, 1, 1, None)
    AgendaItem.objects.filter(pk=waiting.pk).update(author=employee)
    assert counts(second) == (2, 0, 2, None)
    # Marking an item discussed changes no count.
    waiting.refresh_from_db()
    record_services.agenda_item_set_discussed(item=waiting, by=manager, discussed=True)
    assert counts(second) == (2, 0, 2, None)


def test_carried_over_items_count_on_the_next_meeting(series, manager, employee):
    services.series_generate(series_id=series.pk)
    meeting = started(series, days_ago=1)
    record_services.agenda_item_add(meeting=meeting, by=employee, text="Left over")
    record_services.meeting_complete(meeting=meeting, by=manager)
    following = series.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at")[0]
    assert counts(meeting)[:3] == (1, 0, 1)
    assert counts(following)[:3] == (1, 0, 1)


def test_saving_a_meeting_loaded_earlier_keeps_the_counts(meeting, employee):
    stale = Meeting.objects.get(pk=meeting.pk)
    record_services.agenda_item_add(meeting=meeting, by=employee, text="Promotion")
    stale.location = "Room 4"
    stale.save()
    assert counts(meeting) == (1, 0, 1, None)
    assert meeting.location == "Room 4"


def test_the_rating_follows_the_feedback(meeting, manager, employee):
    record_services.meeting_complete(meeting=meeting, by=manager)
    record_services.feedback_save(meeting=meeting, by=employee, usefulness=4)
    assert counts(meeting)[3] == 4
    record_services.feedback_save(meeting=meeting, by=employee, usefulness=2)
    assert counts(meeting)[3] == 2
    MeetingFeedback.objects.filter(meeting=meeting).delete()
    assert counts(meeting)[3] is None


@pytest.mark.django_db(transaction=True)
def test_items_added_at_once_by_both_people_all_count(manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly(interval=2))
    meeting = started(series)
    authors = iter([employee, manager] * 3)
    results, errors = run_at_once(
        lambda: record_services.agenda_item_add(meeting=meeting, by=next(authors), text="Topic"),
        times=6,
    )
    assert (len(results), errors) == (6, [])
    assert counts(meeting) == (6, 3, 3, None)


def test_the_migration_counts_what_was_there_before(series, manager, employee):
    first, second = started(series, days_ago=14), started(series)
    record_services.meeting_complete(meeting=first, by=manager)
    AgendaItemFactory(meeting=first, author=employee)
    AgendaItemFactory(meeting=first, author=manager)
    AgendaItemFactory(meeting=second, author=manager)
    record_services.feedback_save(meeting=first, by=employee, usefulness=5)
    Meeting.objects.update(agenda_count=0, agenda_by_organiser=0, agenda_by_participant=0)
    Meeting.objects.update(usefulness=None)
    with connection.cursor() as cursor:
        cursor.execute(counts_migration.COUNT_EXISTING)
    assert counts(first) == (2, 1, 1, 5)
    assert counts(second) == (1, 1, 0, None)
