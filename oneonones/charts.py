"""Small server-rendered SVG line charts, shared by the apps that draw one.

No JavaScript and no style attributes (the CSP forbids both): geometry is
computed here, colours come from CSS classes (static/css/app.css and the app's
own stylesheet), and each series also differs in its marker shape and dash
pattern so it reads without colour. Every page that shows a chart shows the
same data as a table too, for screen readers and keyboard users.

``line_chart`` places points given as a fraction of the width (0 is the left
edge of the plot, 1 the right) and a value on the y scale; the template
``includes/line_chart_plot.html`` draws the grid and the series inside an
``<svg>`` the page owns (with its own title and description).
"""

from dataclasses import dataclass

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
class SeriesData:
    """What a caller gives for one series: ``values`` are (x fraction, value, label)."""

    key: str
    name: str
    css_class: str
    values: tuple[tuple[float, float, str], ...]
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


def line_chart(
    *,
    series: list[SeriesData],
    y_min: float,
    y_max: float,
    y_ticks: list[float],
    x_ticks: list[tuple[float, str, str]],
    y_label=str,
) -> LineChart:
    """A chart of ``series`` on a y scale from ``y_min`` (bottom) to ``y_max`` (top).

    ``x_ticks`` are (x fraction, label, text-anchor); ``y_label`` turns a y tick
    value into its label.
    """
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    span = (y_max - y_min) or 1

    def x(fraction: float) -> float:
        return LEFT + plot_width * fraction

    def y(value: float) -> float:
        return TOP + (y_max - value) * plot_height / span

    for data in series:
        if data.marker not in MARKERS:
            raise ValueError(f"Unknown marker {data.marker!r}; use one of {MARKERS}.")
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
                key=data.key,
                name=data.name,
                css_class=data.css_class,
                marker=data.marker,
                points=tuple(
                    Point(x=x(fraction), y=y(value), value=value, label=label)
                    for fraction, value, label in data.values
                ),
            )
            for data in series
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
