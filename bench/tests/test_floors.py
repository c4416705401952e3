"""Generation and the sweep measured against their floors on a tiny seeded
organisation: every line has its numbers, and the data is as it was afterwards.
Nothing here asserts a time."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from bench.floors import measure_generation, measure_sweep
from bench.goals import verdict

TABLES = ("meetings_meeting", "meetings_attendance", "meetings_reminder", "meetings_slotclash")


def snapshot() -> dict:
    """What the floors write to, row by row in what matters."""
    found = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT count(*), max(id) FROM {table}")  # noqa: S608
            found[table] = cursor.fetchone()
        cursor.execute("SELECT id, state, reason, sent_at, attempts FROM meetings_reminder")
        found["reminders"] = sorted(cursor.fetchall())
        cursor.execute("SELECT id, generated_until FROM meetings_meetingseries")
        found["horizons"] = sorted(cursor.fetchall())
    return found


@pytest.fixture
def bench_org(db):
    call_command("seed_demo", people=40, stdout=io.StringIO())


def test_generation_is_measured_against_the_same_rows_and_removed_again(bench_org):
    before = snapshot()
    lines = measure_generation(series_limit=6, rounds=2, say=lambda line: None)
    assert snapshot() == before
    generation, nothing_new, one_day = lines
    assert "six months for 6 series" in generation.title
    assert generation.ratio > 0 and generation.rounds == 2
    assert nothing_new.value > 0  # statements per series, even with nothing new
    assert one_day.value > 0
    assert [verdict(line) for line in lines] != ["ERROR"] * 3


def test_the_sweep_sends_every_due_reminder_and_the_floor_claims_them(bench_org):
    before = snapshot()
    (line,) = measure_sweep(count=2, rounds=2, say=lambda line: None)
    assert line.errors == []
    assert line.title == "reminder sweep, 2 due"
    assert line.per_second > 0 and line.floor_per_second > 0
    assert snapshot() == before
