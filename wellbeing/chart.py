"""The check-ins-over-time chart: a line chart (``oneonones.charts``) on the 1 to 5 scale.

Points are placed by time, oldest on the left; the page shows the same data as
a table for screen readers and keyboard users.
"""

import datetime as dt
from dataclasses import dataclass

from oneonones.charts import LineChart, SeriesSpec, line_chart
from wellbeing.models import CheckIn

SERIES = (
    SeriesSpec("happiness", "Happiness", "series-happiness", "circle"),
    SeriesSpec("workload", "Workload (3 = about right)", "series-workload", "square"),
    SeriesSpec("work_life_balance", "Work-life balance", "series-balance", "diamond"),
)


@dataclass(frozen=True)
class Chart:
    plot: LineChart
    count: int
    first: dt.datetime | None
    last: dt.datetime | None


def build_chart(checkins: list[CheckIn], *, zone: dt.tzinfo) -> Chart:
    """``checkins`` in any order; points are placed by time, oldest on the left."""
    ordered = sorted(checkins, key=lambda checkin: (checkin.created_at, checkin.pk))
    first = ordered[0].created_at if ordered else None
    last = ordered[-1].created_at if ordered else None
    rows: list[tuple[float, CheckIn]] = []
    x_ticks: list[tuple[float, str, str]] = []
    if first is not None and last is not None:
        span = (last - first).total_seconds()

        def fraction(moment: dt.datetime) -> float:
            return 0.5 if span <= 0 else (moment - first).total_seconds() / span

        rows = [(fraction(checkin.created_at), checkin) for checkin in ordered]
        moments = [first] if span <= 0 else [first + (last - first) * i / 3 for i in range(4)]
        anchors = ["middle"] if len(moments) == 1 else ["start", "middle", "middle", "end"]
        x_ticks = [
            (fraction(moment), f"{moment.astimezone(zone):%d %b %y}", anchor)
            for moment, anchor in zip(moments, anchors, strict=True)
        ]

    def point_label(checkin: CheckIn, spec: SeriesSpec, value: float) -> str:
        return f"{checkin.created_at.astimezone(zone):%d %b %Y}: {spec.name} {value}"

    plot = line_chart(
        rows=rows,
        series=SERIES,
        point_label=point_label,
        y_min=1,
        y_max=5,
        y_ticks=[1, 2, 3, 4, 5],
        x_ticks=x_ticks,
    )
    return Chart(plot=plot, count=len(ordered), first=first, last=last)
