"""The goals of issue "fast at the size of a real company", and their verdicts.

Each measured line (an HTTP page, generation, the top-up, the sweep) is a ``Line``:
the target's numbers, its floor's numbers measured in the same run, and a ``Goal``.
The primary number is the ratio (floor time / target time: 1.0 is as fast as the
floor), which a busy machine changes far less than the milliseconds. Plain
numbers only: no database, no Django.
"""

import os
from dataclasses import asdict, dataclass, field


def load_average() -> float:
    """The one-minute load average (the machine is shared: every line records it)."""
    return os.getloadavg()[0]


@dataclass(frozen=True)
class Goal:
    kind: str
    limit: float | None = None

    @classmethod
    def ratio(cls, at_least: float) -> "Goal":
        """At least this fraction of the floor's speed."""
        return cls("ratio_at_least", at_least)

    @classmethod
    def at_most_times(cls, times: float) -> "Goal":
        """At most this many times the floor's time."""
        return cls("times_at_most", times)

    @classmethod
    def below_ms(cls, ms: float) -> "Goal":
        return cls("ms_below", ms)

    @classmethod
    def per_second(cls, at_least: float) -> "Goal":
        return cls("per_second_at_least", at_least)

    @classmethod
    def value_at_most(cls, limit: float) -> "Goal":
        return cls("value_at_most", limit)

    @classmethod
    def status(cls, status: int) -> "Goal":
        return cls("status", status)

    @classmethod
    def report(cls) -> "Goal":
        """Measured and shown, with no verdict."""
        return cls("report")

    def text(self) -> str:
        if self.kind == "report":
            return "(shown)"
        template = {
            "ratio_at_least": "ratio >= {:g}",
            "times_at_most": "<= {:g}x floor",
            "ms_below": "< {:g} ms",
            "per_second_at_least": ">= {:g}/s",
            "value_at_most": "<= {:g}",
            "status": "answers {:g}",
        }[self.kind]
        return template.format(self.limit)


@dataclass
class Line:
    title: str
    part: str  # "http", "generation", "sweep"
    goal: Goal
    ratio: float | None = None  # floor time / target time
    median_ms: float | None = None
    floor_ms: float | None = None
    floor_title: str = ""
    per_second: float | None = None
    floor_per_second: float | None = None
    value: float | None = None  # e.g. statements per series
    unit: str = ""
    status: int | None = None
    load: float | None = None
    rounds: int = 0
    note: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def times(self) -> float | None:
        """Target time over floor time (the inverse of the ratio)."""
        return 1 / self.ratio if self.ratio else None

    def as_dict(self) -> dict:
        return asdict(self) | {"goal_text": self.goal.text(), "verdict": verdict(self)}

    @classmethod
    def from_dict(cls, data: dict) -> "Line":
        fields = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        return cls(**(fields | {"goal": Goal(**data["goal"])}))


def met(line: Line) -> bool | None:
    """Whether ``line`` meets its goal; None when there is nothing to judge."""
    goal, limit = line.goal, line.goal.limit
    if goal.kind == "report":
        return None
    if goal.kind == "status":
        return line.status == limit
    measured = {
        "ratio_at_least": line.ratio,
        "times_at_most": line.times,
        "ms_below": line.median_ms,
        "per_second_at_least": line.per_second,
        "value_at_most": line.value,
    }[goal.kind]
    if measured is None or limit is None:
        return None
    if goal.kind in ("ratio_at_least", "per_second_at_least"):
        return measured >= limit
    if goal.kind == "ms_below":
        return measured < limit
    return measured <= limit


def verdict(line: Line) -> str:
    if line.errors:
        return "ERROR"
    if line.note.startswith("skipped"):
        return "skipped"
    found = met(line)
    if found is None:
        return "MISS" if line.goal.kind == "status" else "-"
    return "ok" if found else "MISS"


def failing(lines: list[Line]) -> list[Line]:
    return [line for line in lines if verdict(line) in ("MISS", "ERROR")]


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f} ms"


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}/s"


def measured_text(line: Line) -> str:
    parts = [_ms(line.median_ms), _rate(line.per_second)]
    if line.value is not None:
        parts.append(f"{line.value:.2f} {line.unit}".strip())
    if line.status is not None:
        parts.append(f"answered {line.status}")
    return ", ".join(part for part in parts if part)


def floor_text(line: Line) -> str:
    parts = [_ms(line.floor_ms), _rate(line.floor_per_second)]
    shown = ", ".join(part for part in parts if part)
    return f"{shown} ({line.floor_title})" if shown and line.floor_title else shown


COLUMNS = ("what", "measured", "floor, same run", "ratio", "goal", "verdict", "load")


def table(lines: list[Line]) -> str:
    rows = [list(COLUMNS)]
    for line in lines:
        ratio = "" if line.ratio is None else f"{line.ratio:.2f}"
        if line.goal.kind == "times_at_most" and line.times is not None:
            ratio = f"{line.ratio:.2f} ({line.times:.1f}x)"
        rows.append(
            [
                line.title,
                measured_text(line),
                floor_text(line),
                ratio,
                line.goal.text(),
                verdict(line),
                "" if line.load is None else f"{line.load:.1f}",
            ]
        )
    widths = [max(len(row[index]) for row in rows) for index in range(len(COLUMNS))]
    text = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text)


def notes(lines: list[Line]) -> list[str]:
    found = []
    for line in lines:
        if line.note and not line.note.startswith("skipped"):
            found.append(f"{line.title}: {line.note}")
        found += [f"ERROR {line.title}: {error}" for error in line.errors]
    return found
