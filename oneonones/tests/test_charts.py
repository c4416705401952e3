"""The shared line chart: where points land, and the y axis top."""

from types import SimpleNamespace

import pytest

from oneonones.charts import (
    BOTTOM,
    HEIGHT,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    SeriesSpec,
    line_chart,
    nice_ceiling,
)


def test_it_places_points_by_fraction_and_value():
    rows = [
        (0, SimpleNamespace(held=0)),
        (0.5, SimpleNamespace(held=5)),
        (1, SimpleNamespace(held=10)),
    ]
    chart = line_chart(
        rows=rows,
        series=[SeriesSpec("held", "Held", "series-held")],
        point_label=lambda row, spec, value: f"{value} {spec.name.lower()}",
        y_min=0,
        y_max=10,
        y_ticks=[0, 10],
        x_ticks=[(0, "Jan", "start"), (1, "Dec", "end")],
    )
    (series,) = chart.series
    assert [(p.x, p.y) for p in series.points] == [
        (LEFT, HEIGHT - BOTTOM),
        (LEFT + (WIDTH - LEFT - RIGHT) / 2, TOP + (HEIGHT - TOP - BOTTOM) / 2),
        (WIDTH - RIGHT, TOP),
    ]
    assert [p.label for p in series.points] == ["0 held", "5 held", "10 held"]
    assert series.polyline.startswith(f"{LEFT:.1f},{HEIGHT - BOTTOM:.1f} ")
    assert [tick.label for tick in chart.y_ticks] == ["0", "10"]
    assert [(tick.at, tick.anchor) for tick in chart.x_ticks] == [
        (f"{LEFT:.1f}", "start"),
        (f"{WIDTH - RIGHT:.1f}", "end"),
    ]


def test_an_unknown_marker_is_refused():
    with pytest.raises(ValueError, match="Unknown marker"):
        line_chart(
            rows=[],
            series=[SeriesSpec("x", "X", "x", marker="star")],
            point_label=lambda row, spec, value: "",
            y_min=0,
            y_max=1,
            y_ticks=[],
            x_ticks=[],
        )


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (180, 200), (501, 1000)]
)
def test_nice_ceiling(value, top):
    assert nice_ceiling(value) == top
