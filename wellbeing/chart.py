"""A small server-rendered SVG line chart of check-ins over time.

No JavaScript and no style attributes (the CSP forbids both): geometry is
computed here, colours come from CSS classes, and each series also differs in
its marker shape and dash pattern so it reads without colour. The page shows the
same data as a table for screen readers and keyboard users.
"""

import datetime as dt
from dataclasses import dataclass

from wellbeing.models import CheckIn

WIDTH = 640
HEIGHT = 240
LEFT = 44
RIGHT = 16
TOP = 16
BOTTOM = 40
SERIES = (
    ("happiness", "Happiness", "series-happiness"),
    ("workload", "Workload (3 = about right)", "series-workload"),
    ("work_life_balance", "Work-life balance", "series-balance"),
)


def _num(value: float) -> str:
    # SVG coordinates, never localised (a decimal comma would break them).
    return f"{value:.1f}"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    label: str

    @property
    def cx(self) -> str:
        return _num(self.x)

    @property
    def cy(self) -> str:
        return _num(self.y)

    @property
    def square_x(self) -> str:
        return _num(self.x - 4)

    @property
    def square_y(self) -> str:
        return _num(self.y - 4)

    @property
    def diamond(self) -> str:
        return f"M {_num(self.x)} {_num(self.y - 6)} l 6 6 l -6 6 l -6 -6 z"


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    css_class: str
    points: tuple[Point, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.cx},{point.cy}" for point in self.points)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"  # SVG text-anchor, so the end labels stay inside the chart

    @property
    def at(self) -> str:
        return _num(self.position)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    label_x: int
    right: int
    top: int
    bottom: int
    series: tuple[Series, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    count: int
    first: dt.datetime | None
    last: dt.datetime | None


def _y(value: int) -> float:
    return TOP + (5 - value) * (HEIGHT - TOP - BOTTOM) / 4


def build_chart(checkins: list[CheckIn], *, zone: dt.tzinfo) -> Chart:
    """``checkins`` in any order; points are placed by time, oldest on the left."""
    ordered = sorted(checkins, key=lambda checkin: (checkin.created_at, checkin.pk))
    plot_width = WIDTH - LEFT - RIGHT
    first = ordered[0].created_at if ordered else None
    last = ordered[-1].created_at if ordered else None
    span = (last - first).total_seconds() if ordered else 0

    def x(moment: dt.datetime) -> float:
        if span <= 0:
            return LEFT + plot_width / 2
        return LEFT + plot_width * (moment - first).total_seconds() / span

    series = tuple(
        Series(
            key=key,
            name=name,
            css_class=css_class,
            points=tuple(
                Point(
                    x=x(checkin.created_at),
                    y=_y(getattr(checkin, key)),
                    value=getattr(checkin, key),
                    label=f"{checkin.created_at.astimezone(zone):%d %b %Y}: {name} {getattr(checkin, key)}",
                )
                for checkin in ordered
            ),
        )
        for key, name, css_class in SERIES
    )
    x_ticks: tuple[Tick, ...] = ()
    if ordered:
        moments = [first] if span <= 0 else [first + (last - first) * i / 3 for i in range(4)]
        anchors = ["middle"] if len(moments) == 1 else ["start", "middle", "middle", "end"]
        x_ticks = tuple(
            Tick(position=x(moment), label=f"{moment.astimezone(zone):%d %b %y}", anchor=anchor)
            for moment, anchor in zip(moments, anchors, strict=True)
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        label_x=LEFT - 8,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        series=series,
        y_ticks=tuple(Tick(position=_y(value), label=str(value)) for value in range(1, 6)),
        x_ticks=x_ticks,
        count=len(ordered),
        first=first,
        last=last,
    )
