"""`make bench` (``python -m bench``): the benchmark of the whole app.

Three parts (``BENCH_PARTS``, all by default):

- ``pages``: creates the small and the large bench databases when missing (see
  ``bench.database``), then for each starts ``bench.org`` in its own process:
  migrate, seed once, measure every page and operation of ``bench.pages`` through
  Django's test client. Fails when a page's query count grows with the data, or a
  page misses its time or memory budget, or fails.
- ``http``: the pages of the issue's table through gunicorn and ``ab``, each as a
  ratio to the bare page ``/_rows`` measured in the same interleaved rounds
  (``bench.http``); the HR dashboard also on an organisation with
  ``BENCH_COMPARE_YEARS`` of history, as a ratio to the one-year one.
- ``floors``: generation against a set-based insert of the same rows, the daily
  top-up's statements, the reminder sweep against a bare claim loop (``bench.floors``).

The ``http`` and ``floors`` lines fail when they miss their goal. Everything is
printed as tables and written as JSON to ``var/bench/latest.json`` (the run
before is kept as ``previous.json`` and its page medians shown as "vs last"), and
the exit status is non-zero when anything failed.

Environment: see README ("Benchmarks") and ``config_from``.
"""

import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from bench import http
from bench.checks import Result, combine, problems
from bench.database import (
    bench_database_urls,
    create_database_if_missing,
    database_name,
    with_name_suffix,
)
from bench.goals import Line, failing, load_average, notes
from bench.goals import table as goals_table
from bench.pages import OPERATIONS, PAGES, selected, unlisted_routes
from bench.report import failure_details, table

BASE_DIR = Path(__file__).resolve().parent.parent
OUTPUT_DIR = BASE_DIR / "var" / "bench"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run_org(*, size: str, database_url: str, people: int, timing: bool, config: dict) -> dict:
    """Run ``bench.org`` against one database; its JSON output, or SystemExit."""
    create_database_if_missing(database_url)
    out = OUTPUT_DIR / f"{size}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.org", "--people", str(people), "--out", str(out)]
    command += ["--runs", str(config["runs"]), "--only", ",".join(config["only"])]
    command += ["--years", str(config["years"])]
    command += ["--timing"] * timing + ["--reseed"] * config["reseed"]
    say(f"{size} organisation: {people} people in {database_name(database_url)}")
    env = {**config["env"], "DATABASE_URL": database_url}
    completed = subprocess.run(command, cwd=BASE_DIR, env=env, check=False)
    if completed.returncode != 0:
        raise SystemExit(completed.returncode)
    return json.loads(out.read_text())


def _previous_medians(people: int) -> dict[str, float]:
    """Medians of the last run, when it measured an organisation of the same size."""
    latest = OUTPUT_DIR / "latest.json"
    if not latest.exists():
        return {}
    try:
        data = json.loads(latest.read_text())
        if data["config"]["people"] != people:
            return {}
        return {row["title"]: row["median_ms"] for row in data["results"] if row["median_ms"]}
    except (ValueError, KeyError, TypeError):
        return {}


def _git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _seed_line(size: str, org: dict) -> str:
    seed = org["seed"]
    when = "this run" if seed["seeded_now"] else "an earlier run"
    return (
        f"{size}: seed_demo --people {org['people']} took {seed['seconds']:.1f} s "
        f"(and the demo organisation {seed['demo_seconds']:.1f} s) in {when}; "
        f"{org['users']} people in {org['database']}"
    )


PARTS = ("pages", "http", "floors")


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def config_from(environ) -> dict:
    parts = _list(environ.get("BENCH_PARTS")) or list(PARTS)
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(
            f"BENCH_PARTS: no part {', '.join(sorted(unknown))} (parts: pages,http,floors)"
        )
    return {
        "people": int(environ.get("BENCH_PEOPLE") or 10000),
        "small_people": int(environ.get("BENCH_SMALL_PEOPLE") or 200),
        "runs": max(1, int(environ.get("BENCH_RUNS") or 10)),
        "only": _list(environ.get("BENCH_ONLY")),
        "reseed": environ.get("BENCH_RESEED", "") not in ("", "0"),
        "parts": [part for part in PARTS if part in parts],
        "years": max(1, int(environ.get("BENCH_YEARS") or 1)),
        "compare_years": int(environ.get("BENCH_COMPARE_YEARS") or 3),
        "rounds": max(1, int(environ.get("BENCH_ROUNDS") or 4)),
        "generation_series": int(environ.get("BENCH_GENERATION_SERIES") or 300),
        "sweep_reminders": int(environ.get("BENCH_SWEEP_REMINDERS") or 500),
    }


def child_environment(environ) -> dict:
    """DEBUG off and plain HTTP, whatever the developer's .env says: production-like
    rendering, no redirect to https in front of every page, and no log line for every
    sign-in of the bench viewers. With DEBUG off the settings refuse the public
    development key; the bench signs its viewers in itself, so any key will do, as long
    as every process of one run (and gunicorn) has the same."""
    return {
        **environ,
        "DEBUG": "0",
        "SECRET_KEY": environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "HTTPS": "0",
        "LOG_LEVEL": environ.get("BENCH_LOG_LEVEL", "WARNING"),
    }


def run_pages(config: dict, small_url: str, large_url: str) -> dict:
    """The pages part: both organisations measured, put side by side and printed."""
    orgs = {}
    for size, database_url, people in (
        ("small", small_url, config["small_people"]),
        ("large", large_url, config["people"]),
    ):
        orgs[size] = run_org(
            size=size,
            database_url=database_url,
            people=people,
            timing=size == "large",
            config=config,
        )
    small, large = orgs["small"], orgs["large"]
    results: list[Result] = [
        combine(
            entry,
            small["measurements"].get(entry.title),
            large["measurements"].get(entry.title),
            kind=kind,
        )
        for kind, entries in (("page", PAGES), ("operation", OPERATIONS))
        for entry in selected(entries, config["only"])
    ]
    unlisted = unlisted_routes(set(large["routes"]))
    print()
    print(
        f"Queries on {small['people']} and {large['people']} people; times and memory "
        f"on {large['people']} people, {config['runs']} renders each (load average "
        f"{load_average():.1f} on {os.cpu_count()} cores)."
    )
    print(table(results, _previous_medians(config["people"])))
    print()
    for size, org in (("small", small), ("large", large)):
        print(_seed_line(size, org))
    for result in results:
        if result.skipped:
            print(f"skipped {result.title}: {result.skipped}")
    if unlisted:
        print(f"Routes not in bench/pages.py (add them, or to NOT_PAGES): {', '.join(unlisted)}")
    for line in failure_details(results):
        print(line)
    return {
        "small": _without(small, "measurements", "routes"),
        "large": _without(large, "measurements", "routes"),
        "results": results,
        "unlisted_routes": unlisted,
    }


def _without(data: dict, *keys: str) -> dict:
    return {key: value for key, value in data.items() if key not in keys}


def run_floors(config: dict, large_url: str) -> list[Line]:
    out = OUTPUT_DIR / "floors.json"
    out.unlink(missing_ok=True)
    parts = ["generation", "sweep"]
    if config["only"]:
        parts = [part for part in parts if any(only in part for only in config["only"])]
    if not parts:
        return []
    say(f"generation and the sweep against their floors, in {database_name(large_url)}")
    command = [sys.executable, "-m", "bench.floors", "--out", str(out), "--parts", ",".join(parts)]
    command += ["--series", str(config["generation_series"])]
    command += ["--reminders", str(config["sweep_reminders"]), "--rounds", str(config["rounds"])]
    env = {**config["env"], "DATABASE_URL": large_url}
    completed = subprocess.run(command, cwd=BASE_DIR, env=env, check=False)
    if completed.returncode != 0:
        raise SystemExit(completed.returncode)
    return [Line.from_dict(data) for data in json.loads(out.read_text())]


def run_http(config: dict, large_url: str) -> list[Line]:
    compare = config["compare_years"]
    years_url = with_name_suffix(large_url, f"_{compare}y") if compare > 0 else None
    say(
        f"pages through gunicorn (2 workers) and ab against /_rows, {config['rounds']} rounds "
        f"of {config['runs']} requests, in {database_name(large_url)}"
        + (f" and {database_name(years_url)}" if years_url else "")
    )
    for database_url in (large_url, years_url):
        if database_url:
            create_database_if_missing(database_url)
    return http.run(
        large_url=large_url,
        years_url=years_url,
        people=config["people"],
        years=config["years"],
        compare_years=compare,
        rounds=config["rounds"],
        requests=config["runs"],
        only=config["only"],
        env=config["env"],
    )


def main() -> int:
    started = time.perf_counter()
    try:
        config = config_from(os.environ)
    except SystemExit as error:
        print(error, file=sys.stderr)
        return 2
    config["env"] = child_environment(os.environ)
    small_url, large_url = bench_database_urls()
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    pages, lines = None, []
    load_before = load_average()
    try:
        if "pages" in config["parts"]:
            pages = run_pages(config, small_url, large_url)
        if "http" in config["parts"]:
            lines += run_http(config, large_url)
        if "floors" in config["parts"]:
            lines += run_floors(config, large_url)
    except SystemExit as stop:
        say("The benchmark could not run (see above).")
        return int(stop.code or 1)
    if lines:
        print()
        print(
            f"Against their floors, in the same run ({config['rounds']} interleaved rounds; "
            f"load average {load_before:.1f} at the start, {load_average():.1f} now, "
            f"on {os.cpu_count()} cores). Ratio: the floor's time over the target's."
        )
        print(goals_table(lines))
        for note in notes(lines):
            print(note)

    failed_pages = [result for result in (pages or {}).get("results", []) if problems(result)]
    missed = failing(lines)
    seconds = time.perf_counter() - started
    output = {
        "finished_at": dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "config": {key: value for key, value in config.items() if key != "env"},
        "seconds": round(seconds, 1),
        "load_average": {"start": load_before, "end": load_average()},
        "goals": [line.as_dict() for line in lines],
    }
    if pages:
        output |= {
            "small": pages["small"],
            "large": pages["large"],
            "results": [result.as_dict() for result in pages["results"]],
            "failures": {result.title: problems(result) for result in failed_pages},
            "unlisted_routes": pages["unlisted_routes"],
        }
    latest = OUTPUT_DIR / "latest.json"
    if latest.exists():
        latest.replace(OUTPUT_DIR / "previous.json")
    latest.write_text(json.dumps(output, indent=1, default=str))
    measured = len(pages["results"]) if pages else 0
    verdict = (
        f"{len(failed_pages)} pages failing, {len(missed)} goals missed"
        if failed_pages or missed
        else "all within budget and goals"
    )
    say(
        f"{measured} pages and {len(lines)} goal lines measured, {verdict}, in {seconds:.0f} s; "
        f"written to {latest}"
    )
    return 1 if failed_pages or missed else 0
