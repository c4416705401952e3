"""The printed table of `make bench`."""

from bench.checks import Result, problems

COLUMNS = (
    ("page", "<"),
    ("queries small", ">"),
    ("queries large", ">"),
    ("median ms", ">"),
    ("p95 ms", ">"),
    ("peak MB", ">"),
    ("vs last", ">"),
    ("result", "<"),
)


def _number(value, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _change(now: float | None, before: float | None) -> str:
    if now is None or not before:
        return ""
    return f"{(now - before) / before:+.0%}"


def row_cells(result: Result, previous_median: float | None = None) -> list[str]:
    verdict = "skipped" if result.skipped else "FAIL" if problems(result) else "ok"
    return [
        result.title,
        _number(result.queries_small),
        _number(result.queries_large),
        _number(result.median_ms, 1),
        _number(result.p95_ms, 1),
        _number(result.peak_mb, 1),
        _change(result.median_ms, previous_median),
        verdict,
    ]


def table(results: list[Result], previous: dict[str, float] | None = None) -> str:
    """A plain-text table; ``previous`` maps titles to the last run's median ms."""
    previous = previous or {}
    rows = [[name for name, _ in COLUMNS]]
    rows += [row_cells(result, previous.get(result.title)) for result in results]
    widths = [max(len(row[index]) for row in rows) for index in range(len(COLUMNS))]

    def line(cells):
        return "  ".join(
            f"{cell:{align}{width}}"
            for cell, (_, align), width in zip(cells, COLUMNS, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def failure_details(results: list[Result]) -> list[str]:
    lines = []
    for result in results:
        found = problems(result)
        if not found:
            continue
        lines.append(f"FAIL {result.title}")
        lines += [f"     {problem}" for problem in found]
        for shape, count in result.repeated_sql:
            lines.append(f"     {count} x {shape[:160]}")
    return lines
