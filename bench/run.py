"""`make bench` (``python -m bench``): the benchmark of the whole app.

1. Creates the small and the large bench databases when missing (see
   ``bench.database``), then for each starts ``bench.org`` in its own process:
   migrate, seed once, measure every page and operation of ``bench.pages``.
2. Puts the two organisations side by side, prints a table, writes it as JSON to
   ``var/bench/latest.json`` (the run before is kept as ``previous.json`` and
   its medians shown as "vs last"), and exits non-zero when a page's query count
   grows with the data, a page misses its time or memory budget, or fails.

Environment: ``BENCH_PEOPLE`` (10000), ``BENCH_SMALL_PEOPLE`` (200),
``BENCH_RUNS`` timed renders per page (10), ``BENCH_ONLY`` (comma-separated
parts of page titles), ``BENCH_RESEED=1`` (run the idempotent seeding again),
``BENCH_DATABASE_URL``, ``BENCH_SMALL_DATABASE_URL``.
"""

import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from bench.checks import Result, combine, problems
from bench.database import bench_database_urls, create_database_if_missing, database_name
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
    command += ["--timing"] * timing + ["--reseed"] * config["reseed"]
    # DEBUG off and plain HTTP, whatever the developer's .env says: production-like
    # rendering, no redirect to https in front of every page, and no log line for
    # every sign-in of the bench viewers. With DEBUG off the settings refuse the public
    # development key; the bench signs in within one process, so any key will do.
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "HTTPS": "0",
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
    }
    say(f"{size} organisation: {people} people in {database_name(database_url)}")
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


def config_from(environ) -> dict:
    return {
        "people": int(environ.get("BENCH_PEOPLE") or 10000),
        "small_people": int(environ.get("BENCH_SMALL_PEOPLE") or 200),
        "runs": max(1, int(environ.get("BENCH_RUNS") or 10)),
        "only": [part.strip() for part in environ.get("BENCH_ONLY", "").split(",") if part.strip()],
        "reseed": environ.get("BENCH_RESEED", "") not in ("", "0"),
    }


def main() -> int:
    started = time.perf_counter()
    config = config_from(os.environ)
    small_url, large_url = bench_database_urls()
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    orgs = {}
    try:
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
    except SystemExit as stop:
        say("The benchmark could not run (see above).")
        return int(stop.code or 1)
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
    failed = [result for result in results if problems(result)]
    skipped = [result for result in results if result.skipped]
    unlisted = unlisted_routes(set(large["routes"]))

    print()
    print(
        f"Queries on {small['people']} and {large['people']} people; times and memory "
        f"on {large['people']} people, {config['runs']} renders each."
    )
    print(table(results, _previous_medians(config["people"])))
    print()
    for size, org in (("small", small), ("large", large)):
        print(_seed_line(size, org))
    for result in skipped:
        print(f"skipped {result.title}: {result.skipped}")
    if unlisted:
        print(f"Routes not in bench/pages.py (add them, or to NOT_PAGES): {', '.join(unlisted)}")
    for line in failure_details(results):
        print(line)

    seconds = time.perf_counter() - started
    output = {
        "finished_at": dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "config": config,
        "seconds": round(seconds, 1),
        "small": {key: value for key, value in small.items() if key != "measurements"},
        "large": {key: value for key, value in large.items() if key != "measurements"},
        "results": [result.as_dict() for result in results],
        "failures": {result.title: problems(result) for result in failed},
        "unlisted_routes": unlisted,
    }
    output["small"].pop("routes")
    output["large"].pop("routes")
    latest = OUTPUT_DIR / "latest.json"
    if latest.exists():
        latest.replace(OUTPUT_DIR / "previous.json")
    latest.write_text(json.dumps(output, indent=1))
    verdict = f"{len(failed)} failing" if failed else "all within budget"
    say(f"{len(results)} measured, {verdict}, in {seconds:.0f} s; written to {latest}")
    return 1 if failed else 0
