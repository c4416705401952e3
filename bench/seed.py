"""Seed a bench database once: the demo organisation plus ``seed_demo --people N``.

What was seeded is recorded in the bench database itself (table ``bench_seed``,
created here, outside the migrations: it exists only in bench databases). A
later run skips seeding when the record says the same organisation is there. It
seeds again (every hook is idempotent, so only what is missing is added) when an
app with a ``seed_bench``/``seed_demo`` hook appeared since, or when asked to
with ``BENCH_RESEED=1``; it refuses when the database holds an organisation of
another size, since the two would mix.
"""

import time
from dataclasses import dataclass

from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils.module_loading import module_has_submodule

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS bench_seed (
    id integer PRIMARY KEY,
    people integer NOT NULL,
    hooks text NOT NULL,
    seconds double precision NOT NULL,
    demo_seconds double precision NOT NULL,
    seeded_at timestamp with time zone NOT NULL DEFAULT now()
);
ALTER TABLE bench_seed ADD COLUMN IF NOT EXISTS years integer NOT NULL DEFAULT 1
"""


class SeedMismatch(RuntimeError):
    pass


@dataclass
class SeedRecord:
    people: int
    hooks: str
    seconds: float  # seed_demo --people N
    demo_seconds: float  # seed_demo
    years: int = 1  # of history
    seeded_now: bool = False


def seed_hooks() -> str:
    """The apps whose demo module seeds data, e.g. "objectives,people,wellbeing"."""
    return ",".join(
        sorted(
            config.label
            for config in apps.get_app_configs()
            if module_has_submodule(config.module, "demo")
        )
    )


def read_record() -> SeedRecord | None:
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        cursor.execute(
            "SELECT people, hooks, seconds, demo_seconds, years FROM bench_seed WHERE id = 1"
        )
        row = cursor.fetchone()
    return SeedRecord(*row) if row else None


def write_record(record: SeedRecord) -> None:
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        cursor.execute(
            """
            INSERT INTO bench_seed (id, people, hooks, seconds, demo_seconds, years, seeded_at)
            VALUES (1, %s, %s, %s, %s, %s, now())
            ON CONFLICT (id) DO UPDATE SET people = EXCLUDED.people, hooks = EXCLUDED.hooks,
                seconds = EXCLUDED.seconds, demo_seconds = EXCLUDED.demo_seconds,
                years = EXCLUDED.years, seeded_at = EXCLUDED.seeded_at
            """,
            [record.people, record.hooks, record.seconds, record.demo_seconds, record.years],
        )


def _years(count: int) -> str:
    return f"{count} year" if count == 1 else f"{count} years"


def ensure_seeded(*, people: int, stdout, years: int = 1, force: bool = False) -> SeedRecord:
    """Seed the current database with the demo and a bench organisation of
    ``people`` with ``years`` of history, unless the record says it already is.
    Returns the record, with ``seeded_now`` when this call did the seeding (and so
    timed it)."""
    record = read_record()
    hooks = seed_hooks()
    if record and (record.people, record.years) != (people, years):
        name = connection.settings_dict["NAME"]
        raise SeedMismatch(
            f"Database {name} holds a bench organisation of {record.people} people and "
            f"{_years(record.years)} of history, not {people} people and {_years(years)}. "
            f"Drop it (dropdb {name}) or point BENCH_DATABASE_URL elsewhere."
        )
    if record and record.hooks == hooks and not force:
        return record
    started = time.perf_counter()
    call_command("seed_demo", stdout=stdout)
    demo_seconds = time.perf_counter() - started
    started = time.perf_counter()
    call_command("seed_demo", people=people, years=years, stdout=stdout)
    # Fresh statistics and visibility maps, as autovacuum keeps them on a live database
    # (it may be off, or not have caught up with the bulk inserts yet): plans, and
    # index-only scans, as in production.
    # VACUUM cannot run in a transaction: inside one (the tests), statistics only.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    record = SeedRecord(
        people=people,
        hooks=hooks,
        seconds=time.perf_counter() - started,
        demo_seconds=demo_seconds,
        years=years,
        seeded_now=True,
    )
    write_record(record)
    return record
