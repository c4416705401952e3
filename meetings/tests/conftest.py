import pytest

from meetings.scheduling import services
from meetings.tests.factories import SeriesFactory, weekly


@pytest.fixture
def series(manager, employee, grand_manager):
    """A fortnightly series of ``manager`` with ``employee``, six months generated."""
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly(interval=2))
    services.series_generate(series_id=series.pk)
    return series
