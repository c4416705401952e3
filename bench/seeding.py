"""How long seeding the bench organisation takes, step by step, in a fresh database.

``python -m bench.seeding --people 10000 [--years 3] [--keep]`` creates a throwaway
database (the bench database's name with ``_seedtime`` added, dropped afterwards
unless ``--keep``), migrates it and seeds it as ``make bench`` does, timing each step:
the demo organisation, the bench people, every app's ``seed_bench`` hook, and the
closing ``VACUUM ANALYZE``.

The machine may be busy with other work, so besides the wall-clock time each step
shows the CPU time it cost this process (Python) and the PostgreSQL backend serving
its connection (SQL, read from /proc when the server runs on this machine), the time
spent waiting for statements, and how many statements it sent. CPU time is what a
quiet machine would need; wall time is what this one took.
"""

import argparse
import os
import resource
import sys
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.database import (
    bench_database_urls,
    connect,
    create_database_if_missing,
    database_name,
    with_name_suffix,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SHOW_SLOWEST = "--slowest" in sys.argv


def _sum_or_none(values: list[float | None]) -> float | None:
    """The sum, or None when any value is unknown."""
    known = [value for value in values if value is not None]
    return sum(known) if len(known) == len(values) else None


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` so far (None when not visible)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Step:
    name: str
    wall: float = 0.0
    python_cpu: float = 0.0
    server_cpu: float | None = None
    sql_wait: float = 0.0
    statements: int = 0

    def line(self) -> str:
        server = "-" if self.server_cpu is None else f"{self.server_cpu:7.1f}"
        return (
            f"{self.name:<28} {self.wall:8.1f} {self.python_cpu:10.1f} {server:>10} "
            f"{self.sql_wait:8.1f} {self.statements:10d}"
        )


HEADER = f"{'step':<28} {'wall s':>8} {'python cpu':>10} {'server cpu':>10} {'sql wait':>8} {'statements':>10}"


class StatementTimer:
    """A ``connection.execute_wrapper`` adding up statements and the time spent in them."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.slowest: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds = time.perf_counter() - started
            self.seconds += seconds
            self.count += len(params) if many and params is not None else 1
            self.slowest = sorted([*self.slowest, (seconds, " ".join(sql.split())[:110])])[-5:]


@contextmanager
def timed(name: str, steps: list[Step]):
    from django.db import connection

    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    timer = StatementTimer()
    server_before = process_cpu_seconds(backend)
    wall_before, cpu_before = time.perf_counter(), own_cpu_seconds()
    with connection.execute_wrapper(timer):
        yield
    server_after = process_cpu_seconds(backend)
    step = Step(
        name=name,
        wall=time.perf_counter() - wall_before,
        python_cpu=own_cpu_seconds() - cpu_before,
        server_cpu=None
        if server_before is None or server_after is None
        else server_after - server_before,
        sql_wait=timer.seconds,
        statements=timer.count,
    )
    steps.append(step)
    print(step.line(), flush=True)
    if SHOW_SLOWEST:
        for seconds, sql in reversed(timer.slowest):
            print(f"    {seconds:7.1f} s  {sql}")


def seed_step_by_step(*, people: int, years: int, steps: list[Step]) -> None:
    """What ``bench.seed.ensure_seeded`` does, one timed step per hook."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from people.demo import seed_bench_people
    from people.management.commands.seed_demo import bench_hooks

    quiet = io.StringIO()
    with timed("demo organisation", steps):
        call_command("seed_demo", stdout=quiet)
    with timed("people", steps):
        user_ids = seed_bench_people(people)
    for label, hook in bench_hooks():
        with timed(f"{label}.seed_bench", steps):
            hook(user_ids=user_ids, years=years, stdout=quiet)
    with timed("VACUUM ANALYZE", steps), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def drop_database(database_url: str) -> None:
    from psycopg2 import sql

    connection = connect(database_url, dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        name = database_name(database_url)
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seeding")
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--slowest", action="store_true", help="show each step's slowest SQL")
    parser.add_argument("--database-url", help="default: the bench database + _seedtime")
    options = parser.parse_args(argv)

    database_url = options.database_url or with_name_suffix(bench_database_urls()[1], "_seedtime")
    drop_database(database_url)
    create_database_if_missing(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneonones.settings")
    os.environ.setdefault("DEBUG", "1")
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    load = os.getloadavg()
    print(f"Seeding {options.people} people, {options.years} year(s), into {database_url}")
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    steps: list[Step] = []
    try:
        call_command("migrate", "--no-input", verbosity=0)
        print(HEADER)
        seed_step_by_step(people=options.people, years=options.years, steps=steps)
        total = Step(
            name="total",
            wall=sum(step.wall for step in steps),
            python_cpu=sum(step.python_cpu for step in steps),
            server_cpu=_sum_or_none([step.server_cpu for step in steps]),
            sql_wait=sum(step.sql_wait for step in steps),
            statements=sum(step.statements for step in steps),
        )
        print(total.line())
        load = os.getloadavg()
        print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end")
    finally:
        connection.close()
        if not options.keep:
            drop_database(database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
