import datetime as dt

import pytest
import time_machine

from meetings.scheduling import services
from meetings.tests.factories import SeriesFactory, weekly

# The moment the scheduling tests of issue 14 run at: a Monday morning in winter.
MONDAY = dt.datetime(2027, 1, 4, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def series(manager, employee, grand_manager):
    """A fortnightly series of ``manager`` with ``employee``, six months generated."""
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly(interval=2))
    services.series_generate(series_id=series.pk)
    return series


@pytest.fixture
def clock():
    """The clock pinned to ``MONDAY`` (not ticking); move it with ``clock.move_to``."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def tuesday_series(clock, manager, employee):
    """Weekly on Tuesdays at 09:30 Europe/London from 5 January 2027, on a video link,
    six months generated."""
    series = SeriesFactory(
        organiser=manager,
        participant=employee,
        cadence=weekly(),
        first_date=dt.date(2027, 1, 5),
        location="https://video.example.org/emma",
    )
    services.series_generate(series_id=series.pk)
    return series
