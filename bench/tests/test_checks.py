"""The benchmark's verdicts on made-up numbers: no database, nothing timed."""

from typing import Any

import pytest

from bench.checks import Result, combine, grows, percentile, problems, repeated_queries
from bench.database import bench_database_urls, with_name_suffix
from bench.pages import Page, selected
from bench.report import failure_details, table
from bench.run import config_from


def _result(**numbers: Any) -> Result:
    fields: dict[str, Any] = {
        "title": "objectives:team as manager",
        "kind": "page",
        "budget_ms": 1000.0,
    }
    fields |= {"budget_mb": 64.0, "queries_small": 8, "queries_large": 8, "median_ms": 40.0}
    return Result(**(fields | numbers))


def test_percentile_interpolates_between_ranks():
    values = [float(n) for n in range(10, 0, -1)]  # 10 .. 1, unsorted on purpose
    assert percentile(values, 0.5) == 5.5
    assert percentile(values, 0.95) == pytest.approx(9.55)
    assert percentile(values, 1.0) == 10
    assert percentile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError):
        percentile([], 0.5)


@pytest.mark.parametrize(
    ("small", "large", "allowed", "expected"),
    [
        (8, 8, 0, False),
        (8, 7, 0, False),
        (8, 9, 0, True),
        (8, 10, 2, False),
        (8, 11, 2, True),
        (None, 9, 0, False),
        (8, None, 0, False),
    ],
)
def test_growth_is_more_queries_on_the_large_organisation(small, large, allowed, expected):
    assert grows(small, large, allowed) is expected


def test_a_page_within_its_budgets_and_flat_in_queries_passes():
    assert problems(_result()) == []


def test_a_page_whose_queries_grow_fails_with_both_counts():
    (problem,) = problems(_result(queries_large=108))
    assert "8 on the small organisation, 108 on the large one" in problem
    assert problems(_result(queries_large=9, extra_queries=1)) == []


def test_a_page_over_its_time_or_memory_budget_fails():
    assert problems(_result(median_ms=1000.0)) == []
    (slow,) = problems(_result(median_ms=1200.0))
    assert "1200 ms is over its 1000 ms" in slow
    (heavy,) = problems(_result(peak_mb=80.0))
    assert "80.0 MB is over its 64 MB" in heavy
    assert len(problems(_result(median_ms=5000.0, peak_mb=100.0, queries_large=99))) == 3


def test_a_skipped_page_neither_passes_nor_fails():
    assert problems(_result(skipped="no URL named meetings:mine yet", median_ms=9999.0)) == []


def test_combine_takes_queries_from_both_and_time_and_memory_from_the_large():
    page = Page("objectives:team", "manager", budget_ms=200)
    small = {"queries": 8, "sql": []}
    large = {"queries": 8, "sql": [], "times_ms": [30.0, 10.0, 20.0], "peak_mb": 1.5}
    result = combine(page, small, large)
    assert (result.queries_small, result.queries_large) == (8, 8)
    assert (result.median_ms, result.peak_mb, result.budget_ms) == (20.0, 1.5, 200)
    assert result.p95_ms == pytest.approx(29.0)
    assert problems(result) == []


def test_combine_shows_the_repeated_query_when_a_page_grows():
    page = Page("admin:people_user_change", "admin")
    team = 'SELECT "people_team"."name" FROM "people_team" WHERE "people_team"."id" = {}'
    large_sql = ["SELECT 1", *(team.format(pk) for pk in range(100))]
    result = combine(page, {"queries": 2, "sql": []}, {"queries": 101, "sql": large_sql})
    assert result.repeated_sql == [(team.format("?"), 100)]
    assert any("100 x SELECT" in line for line in failure_details([result]))


def test_combine_turns_an_error_or_a_missing_measurement_into_a_failure():
    page = Page("wellbeing:trends", "hr")
    result = combine(page, {"error": "/wellbeing/team-trends/ answered 404, expected 200"}, None)
    assert problems(result) == [
        "small organisation: /wellbeing/team-trends/ answered 404, expected 200",
        "not measured on the large organisation",
    ]


def test_combine_keeps_a_skip():
    page = Page("meetings:mine", "employee", pending="meetings app")
    skipped = {"skipped": "no URL named meetings:mine yet (meetings app)"}
    assert combine(page, skipped, skipped).skipped == skipped["skipped"]


def test_repeated_queries_ignore_literal_values():
    sql = ["SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE id = 22", "SELECT 'a'"]
    assert repeated_queries(sql) == [("SELECT * FROM t WHERE id = ?", 2)]


def test_the_table_has_a_row_and_a_verdict_per_entry():
    rows = [
        _result(title="home as employee"),
        _result(title="admin: the head", queries_large=110),
        _result(title="meetings:mine as employee", skipped="pending"),
    ]
    lines = table(rows, previous={"home as employee": 20.0}).splitlines()
    assert lines[0].split()[:3] == ["page", "queries", "small"]
    assert lines[2].startswith("home as employee") and lines[2].endswith("+100%  ok")
    assert lines[3].endswith("FAIL")
    assert lines[4].endswith("skipped")


def test_selected_entries_match_parts_of_titles():
    pages = [Page("home", "employee"), Page("objectives:team", "manager")]
    assert selected(pages, []) == pages
    assert selected(pages, ["team", "nothing"]) == pages[1:]


def test_configuration_comes_from_the_environment():
    assert config_from({}) == {
        "people": 10000,
        "small_people": 200,
        "runs": 10,
        "only": [],
        "reseed": False,
        "parts": ["pages", "http", "floors"],
        "years": 1,
        "compare_years": 3,
        "rounds": 4,
        "generation_series": 300,
        "sweep_reminders": 500,
    }
    config = config_from({"BENCH_PEOPLE": "500", "BENCH_ONLY": "home, admin", "BENCH_RESEED": "1"})
    assert (config["people"], config["only"], config["reseed"]) == (500, ["home", "admin"], True)
    config = config_from({"BENCH_PARTS": "floors,pages", "BENCH_YEARS": "3"})
    assert (config["parts"], config["years"]) == (["pages", "floors"], 3)
    with pytest.raises(SystemExit, match="no part htp"):
        config_from({"BENCH_PARTS": "htp"})


def test_bench_databases_are_named_after_the_project_database():
    environ = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/oneonones"}
    assert bench_database_urls(environ) == (
        "postgres://postgres@127.0.0.1:5432/oneonones_bench_small",
        "postgres://postgres@127.0.0.1:5432/oneonones_bench",
    )
    environ["BENCH_DATABASE_URL"] = "postgres://db.internal/perf"
    assert bench_database_urls(environ)[1] == "postgres://db.internal/perf"
    assert with_name_suffix("postgres://u:p@/app?host=/run/pg", "_bench") == (
        "postgres://u:p@/app_bench?host=/run/pg"
    )
    with pytest.raises(ValueError):
        with_name_suffix("postgres://127.0.0.1:5432", "_bench")
