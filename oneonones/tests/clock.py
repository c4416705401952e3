"""A test run on another day: ``PIN_TODAY=2028-02-29 make test`` runs the tests as if
that were today.

``PIN_TODAY`` takes a date (the run starts at noon UTC that day) or an ISO date and time
with an offset (``2026-12-31T23:30+00:00``). The clock is moved there for the whole run
and keeps ticking from there (``time-machine``), so code that waits for time to pass
still works, and a test that pins its own clock inside the run still does.

What it cannot move: PostgreSQL's ``now()``, the browser's own clock, and any process
the tests start. The first is kept out of the code (the app passes its own time to
every query); the second only decides when cookies expire (see the ``page`` fixture);
for the third, start child Pythons with :func:`python_command`.

``python -m oneonones.tests.clock MOMENT script.py ARGS…`` runs ``script.py`` (or
``-m module ARGS…``, a module) with the clock pinned at MOMENT, ticking: that is how a
child joins a pinned run (the test OpenID provider does).
"""

import datetime as dt
import os
import runpy
import sys

import time_machine

VARIABLE = "PIN_TODAY"
# A date alone starts the run at noon UTC: the same calendar day in every zone the
# tests use, from America/Los_Angeles to Asia/Tokyo.
NOON = dt.time(12, 0, tzinfo=dt.UTC)


def pinned_start(value: str | None = None) -> dt.datetime | None:
    """The moment ``PIN_TODAY`` names, or None when the clock is not pinned."""
    value = (os.environ.get(VARIABLE, "") if value is None else value).strip()
    if not value:
        return None
    try:
        if "T" not in value and " " not in value:
            return dt.datetime.combine(dt.date.fromisoformat(value), NOON)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{VARIABLE}={value!r} is neither a date (2028-02-29) nor a date and time "
            "with an offset (2026-12-31T23:30+00:00)."
        ) from None
    if moment.tzinfo is None:
        raise ValueError(f"{VARIABLE}={value!r} needs an offset, e.g. +00:00.")
    return moment


def pin(moment: dt.datetime) -> time_machine.travel:
    """Move this process's clock to ``moment``, ticking on from there."""
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    return traveller


def python_command(*args: str) -> list[str]:
    """The command that runs ``python ARGS…`` in a child process on the same clock as
    this test run: the real one, or the pinned one from the moment it is now."""
    if pinned_start() is None:
        return [sys.executable, *args]
    now = dt.datetime.now(dt.UTC).isoformat()
    return [sys.executable, "-m", "oneonones.tests.clock", now, *args]


def _run_pinned(argv: list[str]) -> None:
    moment, script, *rest = argv
    pin(dt.datetime.fromisoformat(moment))
    if script == "-m":  # ``-m module ARGS…``, as ``python -m`` runs it
        module, *rest = rest
        sys.argv = [module, *rest]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return
    sys.argv = [script, *rest]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    _run_pinned(sys.argv[1:])
