"""Work measured by `make bench` that is not a page (see ``bench.pages.OPERATIONS``)."""

import datetime as dt

from django.utils import timezone

from meetings.scheduling import services


def extend_horizon_by_a_day(cast) -> None:
    """What tomorrow's daily run does for one series: book the one new day."""
    tomorrow = timezone.now() + dt.timedelta(days=1)
    services.series_generate(series_id=cast.series.pk, now=tomorrow)
