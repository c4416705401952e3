"""The verdicts of `make bench`, on plain numbers (no database, no Django).

A measurement of one page (or operation) on one organisation is a dict::

    {"queries": 14, "sql": [...], "times_ms": [...], "peak_mb": 2.1,
     "error": "", "skipped": ""}

``combine`` puts the small and the large organisation's measurements side by
side in a ``Result``; ``problems`` says what is wrong with it.
"""

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` (0..1) percentile, interpolating between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def grows(small: int | None, large: int | None, allowed: int = 0) -> bool:
    """True when the large organisation needs more queries than the small one
    (beyond ``allowed``): the page does work per row of data."""
    if small is None or large is None:
        return False
    return large > small + allowed


def over(value: float | None, budget: float) -> bool:
    return value is not None and value > budget


@dataclass
class Result:
    title: str
    kind: str  # "page" or "operation"
    budget_ms: float
    budget_mb: float
    extra_queries: int = 0
    queries_small: int | None = None
    queries_large: int | None = None
    median_ms: float | None = None
    p95_ms: float | None = None
    peak_mb: float | None = None
    skipped: str = ""
    errors: list[str] = field(default_factory=list)
    repeated_sql: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def problems(result: Result) -> list[str]:
    """Why ``result`` fails the benchmark; empty when it passes or was skipped."""
    if result.skipped:
        return []
    found = list(result.errors)
    if grows(result.queries_small, result.queries_large, result.extra_queries):
        found.append(
            f"queries grow with the data: {result.queries_small} on the small "
            f"organisation, {result.queries_large} on the large one"
        )
    if over(result.median_ms, result.budget_ms):
        found.append(f"median {result.median_ms:.0f} ms is over its {result.budget_ms:.0f} ms")
    if over(result.peak_mb, result.budget_mb):
        found.append(f"peak memory {result.peak_mb:.1f} MB is over its {result.budget_mb:.0f} MB")
    return found


SQL_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def sql_shape(sql: str) -> str:
    """``sql`` with its literal values replaced, so repeats of one query look alike."""
    return SQL_LITERALS.sub("?", sql)


def repeated_queries(sql: list[str], *, at_least: int = 2) -> list[tuple[str, int]]:
    """Query shapes run ``at_least`` times or more, most repeated first: where an
    N+1 shows."""
    counts = Counter(sql_shape(statement) for statement in sql)
    return [(shape, count) for shape, count in counts.most_common() if count >= at_least]


def combine(entry, small: dict | None, large: dict | None, *, kind: str = "page") -> Result:
    """One ``Result`` from a page (or operation) entry and its two measurements."""
    result = Result(
        title=entry.title,
        kind=kind,
        budget_ms=entry.budget_ms,
        budget_mb=entry.budget_mb,
        extra_queries=entry.extra_queries,
    )
    for measured in (small, large):
        if measured and measured.get("skipped"):
            result.skipped = measured["skipped"]
            return result
    for size, measured in (("small", small), ("large", large)):
        if measured is None:
            result.errors.append(f"not measured on the {size} organisation")
        elif measured.get("error"):
            result.errors.append(f"{size} organisation: {measured['error']}")
    if small and not small.get("error"):
        result.queries_small = small.get("queries")
    if large and not large.get("error"):
        result.queries_large = large.get("queries")
        times = large.get("times_ms") or []
        if times:
            result.median_ms = percentile(times, 0.5)
            result.p95_ms = percentile(times, 0.95)
        result.peak_mb = large.get("peak_mb")
        if grows(result.queries_small, result.queries_large, result.extra_queries):
            result.repeated_sql = repeated_queries(large.get("sql") or [])[:5]
    return result
