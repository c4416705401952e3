"""Generation and the reminder sweep, each beside its floor, on the large bench database.

``DATABASE_URL=… python -m bench.floors --out floors.json`` (``bench.run`` starts it).

Generation: ``generate_all`` books six months for every active series "from empty":
it is run with a ``now`` years ahead, where no meeting exists yet. Its floor writes
the very rows it wrote (meetings, attendance, reminders: copied out after the first
run) with one ``COPY`` per table, plus the series' new horizon in one UPDATE. Both
commit as the real job does; after each, the rows are deleted again and the series
put back, so the bench data stays as it was. The daily top-up is counted in
statements (``connection.execute_wrapper``): a second run the same day (nothing
new), and a run one day later.

The sweep: N starting-soon reminders made due together (a ``now`` in the busiest
hour of the outbox; other due rows are parked as cancelled meanwhile), sent by the
real ``send_due_reminders`` through Django's locmem email backend; its floor claims
and marks the same rows with a bare ``SELECT ... FOR UPDATE SKIP LOCKED`` + UPDATE
per row, each in its own transaction, rendering nothing. Rows are put back to
pending after each run.

Rounds are interleaved (target, floor, floor, target, ...), and each line records
the load average.
"""

import argparse
import datetime as dt
import io
import json
import os
import statistics
import sys
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench.goals import Goal, Line, load_average

# Far enough ahead that no seeded or generated meeting is there yet.
FAR_AHEAD = dt.timedelta(days=3 * 365)


class StatementCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting():
    from django.db import connection

    counter = StatementCounter()
    with connection.execute_wrapper(counter):
        yield counter


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


# --- Generation ------------------------------------------------------------------------------

GENERATED_TABLES = (
    # table, which rows (of the meetings booked at or after %(since)s)
    ("meetings_meeting", "slot >= %(since)s"),
    (
        "meetings_attendance",
        "meeting_id IN (SELECT id FROM meetings_meeting WHERE slot >= %(since)s)",
    ),
    (
        "meetings_reminder",
        "meeting_id IN (SELECT id FROM meetings_meeting WHERE slot >= %(since)s)",
    ),
)


@dataclass
class Generated:
    """What generation wrote, to write it again set-based."""

    copies: dict[str, bytes]
    horizons: list[tuple[int, dt.date | None]]  # (series id, generated_until)

    @property
    def meetings(self) -> int:
        return self.copies["meetings_meeting"].count(b"\n")


def capture(since: dt.datetime, series_ids: list[int]) -> Generated:
    from django.db import connection

    from meetings.models import MeetingSeries

    copies = {}
    with connection.cursor() as cursor:
        for table, where in GENERATED_TABLES:
            query = cursor.mogrify(f"SELECT * FROM {table} WHERE {where}", {"since": since})  # noqa: S608
            buffer = io.BytesIO()
            cursor.copy_expert(f"COPY ({query.decode()}) TO STDOUT", buffer)
            copies[table] = buffer.getvalue()
    horizons = list(
        MeetingSeries.objects.filter(pk__in=series_ids).values_list("pk", "generated_until")
    )
    return Generated(copies, horizons)


def write_again(generated: Generated) -> None:
    """The floor: the same rows, one COPY per table, and the horizons in one UPDATE."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table, _ in GENERATED_TABLES:
            cursor.copy_expert(f"COPY {table} FROM STDIN", io.BytesIO(generated.copies[table]))
        ids = [pk for pk, _ in generated.horizons]
        until = [day for _, day in generated.horizons]
        cursor.execute(
            """
            UPDATE meetings_meetingseries s SET generated_until = h.until
            FROM unnest(%s::integer[], %s::date[]) AS h(id, until) WHERE s.id = h.id
            """,
            [ids, until],
        )


def remove_generated(since: dt.datetime, horizons: list[tuple[int, dt.date | None]]) -> None:
    """Delete what a run booked at or after ``since``, and put the series' horizons back."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table, where in reversed(GENERATED_TABLES):
            cursor.execute(f"DELETE FROM {table} WHERE {where}", {"since": since})  # noqa: S608
        cursor.execute(
            "DELETE FROM meetings_slotclash WHERE slot >= %s", [since]
        )  # clashes of the run, if any
        cursor.execute(
            """
            UPDATE meetings_meetingseries s SET generated_until = h.until
            FROM unnest(%s::integer[], %s::date[]) AS h(id, until) WHERE s.id = h.id
            """,
            [[pk for pk, _ in horizons], [day for _, day in horizons]],
        )


def count_top_ups(series_ids: list[int], now: dt.datetime) -> tuple[int, int, int]:
    """Statements of the daily run after generation at ``now``: again the same day
    (nothing new), and a day later; and the new slots of that day."""
    from meetings.scheduling import services

    with counting() as nothing_new:
        services.generate_many(series_ids=series_ids, now=now)
    with counting() as one_day:
        result = services.generate_many(series_ids=series_ids, now=now + dt.timedelta(days=1))
    return nothing_new.count, one_day.count, result.created


def measure_generation(*, series_limit: int, rounds: int, say) -> list[Line]:
    from django.utils import timezone

    from meetings.models import MeetingSeries
    from meetings.scheduling import services

    now = timezone.now() + FAR_AHEAD
    series_ids = services.active_series_ids()[:series_limit]
    original = list(
        MeetingSeries.objects.filter(pk__in=series_ids).values_list("pk", "generated_until")
    )
    remove_generated(now, original)  # what an interrupted run may have left
    target_times, floor_times, loads = [], [], []
    generated = None
    nothing_new = one_day = new_slots = 0
    try:
        for number in range(rounds):
            order = ("target", "floor") if number % 2 == 0 else ("floor", "target")
            for which in order:
                if which == "target":
                    target_times.append(
                        timed(lambda: services.generate_many(series_ids=series_ids, now=now))
                    )
                    if generated is None:
                        generated = capture(now, series_ids)
                        nothing_new, one_day, new_slots = count_top_ups(series_ids, now)
                else:
                    assert generated is not None, "the first round runs the target first"
                    floor_times.append(timed(partial(write_again, generated)))
                remove_generated(now, original)
                seconds = (target_times if which == "target" else floor_times)[-1]
                say(f"generation round {number + 1}, {which}: {seconds:.1f} s")
            loads.append(load_average())
    finally:
        remove_generated(now, original)
    ratios = [f / t for f, t in zip(floor_times, target_times, strict=True)]
    meetings = generated.meetings if generated else 0
    series = len(series_ids)
    lines = [
        Line(
            title=f"six months for {series} series from empty ({meetings} meetings)",
            part="generation",
            goal=Goal.at_most_times(3),
            ratio=statistics.median(ratios),
            median_ms=statistics.median(target_times) * 1000,
            floor_ms=statistics.median(floor_times) * 1000,
            floor_title="COPY of the same rows",
            load=max(loads),
            rounds=rounds,
        ),
        Line(
            title=f"daily top-up, nothing new ({nothing_new} statements)",
            part="generation",
            # Statements in proportion to new slots: with none, a fixed few for all series.
            goal=Goal.value_at_most(0.1),
            value=nothing_new / series,
            unit="statements per series",
            load=load_average(),
        ),
        Line(
            title=f"daily top-up, one day later ({new_slots} new slots)",
            part="generation",
            goal=Goal.report(),
            value=one_day / max(new_slots, 1),
            unit="statements per new slot",
            load=load_average(),
        ),
    ]
    return lines


# --- The reminder sweep --------------------------------------------------------------------


def busiest_moment() -> dt.datetime:
    """A moment when the most starting-soon reminders are due within the hour before it
    (and their meetings have not started yet)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT date_trunc('hour', due_at) FROM meetings_reminder
            WHERE state = 'pending' AND kind = 'starting_soon' AND due_at > now()
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
            """
        )
        row = cursor.fetchone()
    if row is None:
        raise RuntimeError("No pending starting-soon reminders in the bench database.")
    return row[0] + dt.timedelta(minutes=59)


@contextmanager
def due_reminders(count: int):
    """``count`` reminders due at the moment yielded, nothing else due; all put back after."""
    from django.db import connection, transaction

    moment = busiest_moment()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT id FROM meetings_reminder
            WHERE state = 'pending' AND kind = 'starting_soon'
              AND due_at > %s - interval '59 minutes' AND due_at <= %s
            ORDER BY id LIMIT %s
            """,
            [moment, moment, count],
        )
        chosen = [row[0] for row in cursor.fetchall()]
        with transaction.atomic():
            cursor.execute(
                """
                UPDATE meetings_reminder SET state = 'cancelled', reason = 'parked by the bench'
                WHERE state = 'pending' AND due_at <= %s AND NOT id = ANY(%s)
                RETURNING id
                """,
                [moment, chosen],
            )
            parked = [row[0] for row in cursor.fetchall()]
    try:
        yield moment, chosen
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE meetings_reminder SET state = 'pending', reason = '' WHERE id = ANY(%s)",
                [parked],
            )
            put_back(chosen)


def put_back(ids: list[int]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE meetings_reminder SET state = 'pending', reason = '', sent_at = NULL,
                attempts = 0, last_error = ''
            WHERE id = ANY(%s)
            """,
            [ids],
        )


def bare_claim_loop(moment: dt.datetime, batch_size: int) -> int:
    """Claim and mark every due row, one transaction each, rendering nothing."""
    from django.db import connection, transaction

    claimed, after = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                """
                SELECT id FROM meetings_reminder
                WHERE state = 'pending' AND due_at <= %s AND id > %s ORDER BY id LIMIT %s
                """,
                [moment, after, batch_size],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return claimed
            for pk in ids:
                with transaction.atomic():
                    cursor.execute(
                        """
                        SELECT id FROM meetings_reminder
                        WHERE id = %s AND state = 'pending' AND due_at <= %s
                        FOR UPDATE SKIP LOCKED
                        """,
                        [pk, moment],
                    )
                    if cursor.fetchone() is None:
                        continue
                    cursor.execute(
                        """
                        UPDATE meetings_reminder
                        SET state = 'sent', sent_at = now(), attempts = attempts + 1
                        WHERE id = %s
                        """,
                        [pk],
                    )
                    claimed += 1
            after = ids[-1]


def measure_sweep(*, count: int, rounds: int, say) -> list[Line]:
    from django.conf import settings
    from django.core import mail
    from django.test.utils import override_settings

    from notifications.sending import send_due_reminders

    target_times, floor_times, loads, errors = [], [], [], []
    locmem = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    with locmem, due_reminders(count) as (moment, chosen):
        for number in range(rounds):
            order = ("target", "floor") if number % 2 == 0 else ("floor", "target")
            for which in order:
                mail.outbox = []
                if which == "target":
                    started = time.perf_counter()
                    result = send_due_reminders(now=moment, seconds=3600)
                    target_times.append(time.perf_counter() - started)
                    if result.sent != len(chosen) or len(mail.outbox) != len(chosen):
                        errors.append(
                            f"the sweep sent {result.sent} ({len(mail.outbox)} emails) "
                            f"of {len(chosen)}: {result}"
                        )
                else:
                    started = time.perf_counter()
                    claimed = bare_claim_loop(moment, settings.REMINDER_BATCH_SIZE)
                    floor_times.append(time.perf_counter() - started)
                    if claimed != len(chosen):
                        errors.append(f"the claim loop claimed {claimed} of {len(chosen)}")
                put_back(chosen)
            loads.append(load_average())
            say(
                f"sweep round {number + 1}: {target_times[-1]:.1f} s, floor {floor_times[-1]:.1f} s"
            )
    mail.outbox = []
    ratios = [f / t for f, t in zip(floor_times, target_times, strict=True)]
    return [
        Line(
            title=f"reminder sweep, {len(chosen)} due",
            part="sweep",
            goal=Goal.per_second(500),
            ratio=statistics.median(ratios),
            per_second=len(chosen) / statistics.median(target_times),
            floor_per_second=len(chosen) / statistics.median(floor_times),
            floor_title="bare claim loop",
            load=max(loads),
            rounds=rounds,
            errors=errors,
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floors")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--parts", default="generation,sweep")
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--reminders", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneonones.settings")
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()

    def say(line: str) -> None:
        print(f"   [floors] {line}", flush=True)

    parts = options.parts.split(",")
    lines: list[Line] = []
    if "generation" in parts:
        lines += measure_generation(series_limit=options.series, rounds=options.rounds, say=say)
    if "sweep" in parts:
        lines += measure_sweep(count=options.reminders, rounds=options.rounds, say=say)
    options.out.write_text(json.dumps([line.as_dict() for line in lines], indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
