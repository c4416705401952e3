"""Slots are worked out in the host's zone, in wall-clock time, and shown in the
viewer's: a host in London, a person in New York, across both clock changes of March
2027 (New York on 14 March, London on 28 March)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from officehours import selectors, services, slots
from officehours.tests.conftest import publish
from people.tests.factories import UserFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# Thursday 4 March 2027, before either clock change.
EARLY_MARCH = dt.datetime(2027, 3, 4, 8, 0, tzinfo=dt.UTC)


def utc(month: int, day: int, hour: int) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, 0, tzinfo=dt.UTC)


@pytest.fixture
def march():
    with time_machine.travel(EARLY_MARCH, tick=False) as traveller:
        yield traveller


@pytest.fixture
def host(db):
    return UserFactory(full_name="Lena London", time_zone="Europe/London")


@pytest.fixture
def person(host):
    return UserFactory(full_name="Nate York", time_zone="America/New_York", manager=host)


def test_the_slots_keep_the_hosts_local_time_across_both_clock_changes(march, host, person):
    hours = publish(host, first_date=dt.date(2027, 3, 4))
    firsts = [
        slot.starts_at
        for slot in slots.slots_between(hours, after=EARLY_MARCH, before=utc(4, 2, 0))
        if slot.starts_at.astimezone(hours.zone).time() == dt.time(14, 0)
    ]
    # 14:00 in London: UTC until 28 March, then BST (13:00 UTC).
    assert firsts == [utc(3, 4, 14), utc(3, 11, 14), utc(3, 18, 14), utc(3, 25, 14), utc(4, 1, 13)]
    in_new_york = [moment.astimezone(NEW_YORK).time() for moment in firsts]
    # 9:00 in New York, 10:00 in the two weeks the clocks of the two cities disagree.
    assert in_new_york == [dt.time(9), dt.time(9), dt.time(10), dt.time(10), dt.time(9)]


def test_the_person_sees_and_books_the_slots_in_their_own_zone(march, client, host, person):
    hours = publish(host, first_date=dt.date(2027, 3, 4), end_time=dt.time(14, 20))
    (open_time,) = selectors.free_slots(viewer=person, hours=[hours])
    assert [slot.starts_at for slot in open_time.free] == [
        utc(3, 4, 14), utc(3, 11, 14), utc(3, 18, 14), utc(3, 25, 14)
    ]  # fmt: skip
    client.force_login(person)
    page = client.get(reverse("officehours:index")).content.decode()
    assert "09:00–09:20, Thursday 11 March" in page
    assert "10:00–10:20, Thursday 18 March" in page
    made = services.sign_up(hours=hours, person=person, starts_at=utc(3, 18, 14))
    assert made.meeting.starts_at.astimezone(NEW_YORK).time() == dt.time(10)
    assert made.meeting.starts_at.astimezone(hours.zone).time() == dt.time(14)


def test_the_hour_the_clocks_skip_gives_no_slot(march, host):
    hours = publish(
        host,
        weekdays=[6],
        start_time=dt.time(0, 30),
        end_time=dt.time(3, 0),
        slot_minutes=30,
        audience="anyone",
    )
    day = [
        (slot.starts_at.astimezone(hours.zone).strftime("%H:%M"), slot.ends_at - slot.starts_at)
        for slot in slots.day_slots(hours, dt.date(2027, 3, 28))
    ]
    # 01:00–02:00 does not exist in London that night; every slot is 30 minutes long.
    assert day == [("02:00", dt.timedelta(minutes=30)), ("02:30", dt.timedelta(minutes=30))]
    assert slots.is_a_slot(hours, dt.datetime(2027, 3, 28, 0, 30, tzinfo=dt.UTC)) is None
