import datetime as dt

import pytest
import time_machine

from officehours import services

# A Thursday morning in winter: the office hours below open at 14:00 London time.
THURSDAY = dt.datetime(2027, 1, 7, 8, 0, tzinfo=dt.UTC)


def at(day: int, hour: int, minute: int = 0, *, month: int = 1) -> dt.datetime:
    """A moment of 2027 in UTC (London is UTC in winter)."""
    return dt.datetime(2027, month, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(THURSDAY, tick=False) as traveller:
        yield traveller


def publish(host, **fields):
    values = {
        "weekdays": [3],
        "start_time": dt.time(14, 0),
        "end_time": dt.time(16, 0),
        "slot_minutes": 20,
        "time_zone": "Europe/London",
        "audience": "team",
        "format": "room",
        "location": "Room 3.14",
        "first_date": dt.date(2027, 1, 7),
    }
    values.update(fields)
    return services.office_hours_publish(host=host, **values)


@pytest.fixture
def hours(clock, manager, employee):
    """``manager``'s office hours for their team: Thursdays 14:00–16:00 London, 20 min."""
    return publish(manager)
