"""Verdicts of the lines measured against their floors, and reading ab's output:
made-up numbers, nothing timed."""

import pytest

from bench.goals import Goal, Line, failing, table, verdict
from bench.http import TARGETS, parse_ab

AB_OUTPUT = """
Concurrency Level:      1
Time taken for tests:   1.234 seconds
Complete requests:      10
Failed requests:        0
Non-2xx responses:      3
Requests per second:    8.10 [#/sec] (mean)
"""
PERCENTILES = "Percentage served,Time in ms\n0,10.100\n50,120.500\n99,300.000\n100,310.000\n"


def _line(goal, **numbers) -> Line:
    return Line(title="meeting page", part="http", goal=goal, **numbers)


@pytest.mark.parametrize(
    ("goal", "numbers", "expected"),
    [
        (Goal.ratio(0.5), {"ratio": 0.5}, "ok"),
        (Goal.ratio(0.5), {"ratio": 0.1}, "MISS"),
        (Goal.below_ms(200), {"median_ms": 199.9}, "ok"),
        (Goal.below_ms(200), {"median_ms": 649.0}, "MISS"),
        (Goal.at_most_times(3), {"ratio": 0.5}, "ok"),  # twice the floor's time
        (Goal.at_most_times(3), {"ratio": 1 / 28}, "MISS"),
        (Goal.at_most_times(1.2), {"ratio": 1 / 1.2}, "ok"),
        (Goal.per_second(500), {"per_second": 51.0}, "MISS"),
        (Goal.value_at_most(0.1), {"value": 5.0}, "MISS"),
        (Goal.value_at_most(0.1), {"value": 0.001}, "ok"),
        (Goal.status(304), {"status": 304}, "ok"),
        (Goal.status(304), {"note": "no 304 yet: no validators"}, "MISS"),
        (Goal.report(), {"per_second": 2.6}, "-"),
        (Goal.ratio(0.5), {"note": "skipped: no URL named x"}, "skipped"),
        (Goal.ratio(0.5), {"ratio": 0.9, "errors": ["ab failed"]}, "ERROR"),
    ],
)
def test_each_goal_has_its_verdict(goal, numbers, expected):
    assert verdict(_line(goal, **numbers)) == expected


def test_missed_goals_and_errors_fail_the_run_but_shown_lines_do_not():
    lines = [
        _line(Goal.ratio(0.5), ratio=0.1),
        _line(Goal.report(), per_second=2.6),
        _line(Goal.ratio(0.4), ratio=0.45),
        _line(Goal.ratio(0.4), errors=["gunicorn stopped"]),
    ]
    assert failing(lines) == [lines[0], lines[3]]


def test_the_table_shows_ratio_goal_verdict_and_load():
    lines = [
        _line(Goal.ratio(0.5), ratio=0.1, median_ms=100.0, floor_ms=10.0, load=9.2),
        Line(
            "six months from empty",
            "generation",
            Goal.at_most_times(3),
            ratio=1 / 28,
            floor_title="COPY",
            floor_ms=1000.0,
        ),
    ]
    text = table(lines).splitlines()
    assert text[0].split()[:2] == ["what", "measured"]
    assert "100.0 ms" in text[2] and "0.10" in text[2] and text[2].split()[-2:] == ["MISS", "9.2"]
    assert "(28.0x)" in text[3] and "1000.0 ms (COPY)" in text[3]


def test_a_line_survives_its_json_form():
    line = _line(Goal.at_most_times(1.2), ratio=0.5, load=3.0, errors=["x"])
    again = Line.from_dict(line.as_dict())
    assert again == line
    assert line.as_dict()["verdict"] == "ERROR"


def test_ab_output_gives_the_median_the_rate_and_the_other_answers():
    assert parse_ab(AB_OUTPUT, PERCENTILES) == (120.5, 8.1, 3)
    with pytest.raises(RuntimeError):
        parse_ab("no numbers here", "Percentage served,Time in ms\n")


def test_the_targets_are_the_issues_table():
    titles = [target.title for target in TARGETS]
    assert len(set(titles)) == len(titles)
    assert {target.viewer for target in TARGETS} <= {"manager", "hr", "anonymous"}
    assert [target.concurrency for target in TARGETS if target.concurrency > 1] == [4]
