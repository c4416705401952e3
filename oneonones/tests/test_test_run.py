"""The test run itself: the same result on any day and whatever the checkout holds."""

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

from oneonones.tests import clock

LEAP_DAY_NOON = dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC)


def test_pages_link_static_files_by_their_own_names_whatever_var_holds(settings, db):
    # After `collectstatic` in the checkout, var/staticfiles holds a manifest of hashed
    # names; the run must not pick it up (nor write anything under the checkout).
    base = Path(settings.BASE_DIR).resolve()
    assert not Path(settings.STATIC_ROOT).resolve().is_relative_to(base)
    assert not Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).resolve().is_relative_to(base)
    assert staticfiles_storage.url("css/objectives.css") == "/static/css/objectives.css"
    page = Client().get("/accounts/login/").content.decode()
    assert 'href="/static/vendor/' in page


def test_django_guards_against_sync_calls_from_async_code_outside_browser_tests():
    # The browser fixture turns the guard off while Playwright runs, and back on after.
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ


@pytest.mark.parametrize(
    ("value", "moment"),
    [
        ("2028-02-29", LEAP_DAY_NOON),
        ("2026-12-31T23:30+00:00", dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)),
        ("2027-03-27T23:30:00+01:00", dt.datetime(2027, 3, 27, 22, 30, tzinfo=dt.UTC)),
        ("", None),
    ],
)
def test_pin_today_names_a_day_or_a_moment(value, moment):
    assert clock.pinned_start(value) == moment


@pytest.mark.parametrize("value", ["2028-02-30", "tomorrow", "2028-02-29T10:00"])
def test_a_pin_today_that_is_not_a_day_or_a_moment_with_an_offset_is_refused(value):
    with pytest.raises(ValueError, match="PIN_TODAY"):
        clock.pinned_start(value)


def test_a_test_may_pin_its_own_clock_inside_a_pinned_run():
    outer = dt.datetime.now(dt.UTC)
    with time_machine.travel(LEAP_DAY_NOON, tick=False):
        assert dt.datetime.now(dt.UTC) == LEAP_DAY_NOON
    assert dt.datetime.now(dt.UTC) - outer < dt.timedelta(hours=1)


def test_a_child_python_shares_the_pinned_clock(monkeypatch, tmp_path):
    script = tmp_path / "today.py"
    script.write_text(
        "import datetime, sys\nprint(datetime.datetime.now(datetime.UTC).date(), sys.argv[1:])\n"
    )
    monkeypatch.setenv(clock.VARIABLE, "2028-02-29")
    with time_machine.travel(LEAP_DAY_NOON, tick=True):
        command = clock.python_command(str(script), "--flag")
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.strip() == "2028-02-29 ['--flag']", result.stderr


def test_a_child_module_shares_the_pinned_clock(monkeypatch, tmp_path):
    """``python -m module`` too (the test OpenID provider runs so), with its arguments."""
    package = tmp_path / "pinned_child"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(
        "import datetime, sys\nprint(datetime.datetime.now(datetime.UTC).date(), sys.argv[1:])\n"
    )
    monkeypatch.setenv(clock.VARIABLE, "2028-02-29")
    with time_machine.travel(LEAP_DAY_NOON, tick=True):
        command = clock.python_command("-m", "pinned_child", "--flag")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.getcwd()])}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=60, check=False, env=env
    )
    assert result.stdout.strip() == "2028-02-29 ['--flag']", result.stderr


def test_without_pin_today_a_child_python_is_plain_python(monkeypatch):
    monkeypatch.delenv(clock.VARIABLE, raising=False)
    assert clock.python_command("manage.py", "check")[1:] == ["manage.py", "check"]


def test_every_app_with_tests_is_in_the_run(settings):
    # An app's tests left out of pytest.ini's testpaths would never run in `make test`.
    import configparser

    base = Path(settings.BASE_DIR)
    parser = configparser.ConfigParser()
    parser.read(base / "pytest.ini")
    testpaths = set(parser["pytest"]["testpaths"].split())
    with_tests = {
        path.parent.parent.name
        for path in base.glob("*/tests/__init__.py")
        if not path.parent.parent.name.startswith(".")
    }
    assert with_tests <= testpaths, sorted(with_tests - testpaths)


def test_the_dated_run_covers_scheduling_reminders_wellbeing_and_reports(settings):
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    dated = next(line for line in makefile.splitlines() if line.startswith("DATED_TESTS ?="))
    for app in ("meetings", "notifications", "wellbeing", "reports"):
        assert f" {app} " in f"{dated} "
