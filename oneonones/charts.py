"""Small server-rendered SVG line charts, shared by the apps that draw one.

No JavaScript and no style attributes (the CSP forbids both): geometry is
computed here, colours come from CSS classes (static/css/app.css and the app's
own stylesheet), and each series also differs in its marker shape and dash
pattern so it reads without colour. Every page that shows a chart shows the
same data as a table too, for screen readers and keyboard users.

``line_chart`` is the one builder: the caller gives its rows, each with its place
across the plot as a fraction of the width (0 is the left edge, 1 the right), and
the series to draw (``SeriesSpec``: which attribute of a row, under what name,
class and marker); the builder reads each value, places it on the y scale and
labels it. The template ``includes/line_chart_plot.html`` draws the grid and the
series inside an ``<svg>`` the page owns (with its own title and description).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

WIDTH = 640
HEIGHT = 240
LEFT = 44
RIGHT = 16
TOP = 16
BOTTOM = 40
MARKERS = ("circle", "square", "diamond")


def _num(value: float) -> str:
    # SVG coordinates, never localised (a decimal comma would break them).
    return f"{value:.1f}"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
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
    marker: str  # one of MARKERS
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
class SeriesSpec:
    """One line of a chart: the attribute ``key`` of every row, drawn as ``name`` with
    the CSS class ``css_class`` and the marker ``marker`` (one of ``MARKERS``)."""

    key: str
    name: str
    css_class: str
    marker: str = "circle"


@dataclass(frozen=True)
class LineChart:
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


Row = TypeVar("Row")


def line_chart(
    *,
    rows: Sequence[tuple[float, Row]],
    series: Sequence[SeriesSpec],
    point_label: Callable[[Row, SeriesSpec, float], str],
    y_min: float,
    y_max: float,
    y_ticks: Sequence[float],
    x_ticks: Sequence[tuple[float, str, str]],
    y_label: Callable[[float], str] = str,
) -> LineChart:
    """A chart of ``series`` over ``rows`` on a y scale from ``y_min`` (bottom) to
    ``y_max`` (top).

    ``rows`` are (x fraction, row); each series reads its ``key`` from every row, and
    ``point_label(row, spec, value)`` says what a point is (its tooltip). ``x_ticks``
    are (x fraction, label, text-anchor); ``y_label`` turns a y tick value into its label.
    """
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    span = (y_max - y_min) or 1

    def x(fraction: float) -> float:
        return LEFT + plot_width * fraction

    def y(value: float) -> float:
        return TOP + (y_max - value) * plot_height / span

    def point(fraction: float, row: Row, spec: SeriesSpec) -> Point:
        value = getattr(row, spec.key)
        return Point(x=x(fraction), y=y(value), value=value, label=point_label(row, spec, value))

    for spec in series:
        if spec.marker not in MARKERS:
            raise ValueError(f"Unknown marker {spec.marker!r}; use one of {MARKERS}.")
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        label_x=LEFT - 8,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        series=tuple(
            Series(
                key=spec.key,
                name=spec.name,
                css_class=spec.css_class,
                marker=spec.marker,
                points=tuple(point(fraction, row, spec) for fraction, row in rows),
            )
            for spec in series
        ),
        y_ticks=tuple(Tick(position=y(value), label=y_label(value)) for value in y_ticks),
        x_ticks=tuple(
            Tick(position=x(fraction), label=label, anchor=anchor)
            for fraction, label, anchor in x_ticks
        ),
    )


def nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least ``value`` (a y axis top)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10
