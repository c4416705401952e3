"""The HTTP part of `make bench`: pages through gunicorn, each beside its floor.

Gunicorn serves the large bench database with 2 sync workers, as a small
production node would; ApacheBench (``ab``, Debian's apache2-utils) sends the
requests. ``ab`` is a small C program: on a two-core machine a load generator in
Python would take a good share of the CPU the server is measured on.

Each page is measured beside the bare page ``/_rows`` (``BENCH_ENDPOINTS=1``: the
same middleware, session and sign-in lookups, one 20-row query, a tiny template),
signed in as the same person, in interleaved rounds: floor, page, page, floor,
... so both see the same machine. A page's ratio is the floor's median time over
the page's (1.0: as fast as the bare page); each round gives one ratio and the
median of those is reported. Other workers on the machine slow both alike, so the
ratio holds where the milliseconds do not.

Preparing a database (migrate, seed once, sessions for the viewers, the paths of
the targets) happens in a child process with that database's settings
(``python -m bench.http prepare``); the rest needs no Django.
"""

import argparse
import csv
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.database import connect
from bench.goals import Goal, Line, load_average

BASE_DIR = Path(__file__).resolve().parent.parent
FLOOR_PATH = "/_rows"
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Target:
    """One page measured against the floor. ``names``: the URL name, and the names it
    may have elsewhere (the first that exists is used)."""

    title: str
    names: tuple[str, ...]
    viewer: str  # a bench.cast.Cast attribute, or "anonymous"
    goal: Goal
    args: Callable[[Any], Sequence[Any]] | None = None
    concurrency: int = 1
    database: str = "large"  # or "years": the organisation with BENCH_COMPARE_YEARS of history
    conditional: bool = False  # also ask again with the validators of the first answer


TARGETS = [
    Target(
        "meeting page (held, agenda, notes, actions)",
        ("meetings:meeting",),
        "manager",
        Goal.ratio(0.5),
        args=lambda c: [c.held_meeting.pk],
    ),
    Target("My 1:1s", ("meetings:mine",), "manager", Goal.ratio(0.5)),
    Target(
        "series page",
        ("meetings:series",),
        "manager",
        Goal.ratio(0.4),
        args=lambda c: [c.series.pk],
    ),
    Target("series list (my team)", ("meetings:team",), "manager", Goal.ratio(0.4)),
    Target("HR dashboard", ("reports:dashboard",), "hr", Goal.below_ms(200)),
    Target("HR dashboard, 4 at once", ("reports:dashboard",), "hr", Goal.report(), concurrency=4),
    Target(
        "calendar feed, manager of 10",
        ("meetings:calendar_feed", "notifications:calendar_feed"),
        ANONYMOUS,
        Goal.below_ms(50),
        args=lambda c: [c.feed_token],
        conditional=True,
    ),
]
# The dashboard on an organisation with years of history, against the same
# dashboard on the one-year organisation, in the same rounds.
YEARS_TARGET = Target(
    "HR dashboard, years of history",
    ("reports:dashboard",),
    "hr",
    Goal.at_most_times(1.2),
    database="years",
)


def selected(targets: list[Target], only: list[str]) -> list[Target]:
    if not only:
        return list(targets)
    return [target for target in targets if any(part in target.title for part in only)]


# --- ab ------------------------------------------------------------------------------------


@dataclass
class AbResult:
    p50_ms: float
    requests_per_second: float
    statuses_ok: bool


def ab_command() -> str:
    """The path of ``ab``, installed with apt-get (saying so) when missing and possible."""
    found = shutil.which("ab")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("==> ab (ApacheBench) is missing: apt-get install apache2-utils", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "apache2-utils"], check=False)
        found = shutil.which("ab")
    if not found:
        raise SystemExit(
            "The HTTP part of the benchmark needs ab (ApacheBench): install Debian's "
            "apache2-utils (or your system's package with ab), or set BENCH_PARTS without http."
        )
    return found


def parse_ab(stdout: str, percentiles_csv: str) -> tuple[float, float, int]:
    """(median ms, requests per second, non-2xx answers) from ab's output and its -e file."""
    rows = {int(row[0]): float(row[1]) for row in csv.reader(percentiles_csv.splitlines()[1:])}
    rps = re.search(r"Requests per second:\s+([\d.]+)", stdout)
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", stdout)
    failed = re.search(r"Failed requests:\s+(\d+)", stdout)
    if rps is None or 50 not in rows:
        raise RuntimeError(f"Could not read ab's output:\n{stdout}")
    bad = int(non_2xx.group(1)) if non_2xx else 0
    bad += int(failed.group(1)) if failed else 0
    return rows[50], float(rps.group(1)), bad


def ab(
    url: str, *, requests: int, concurrency: int = 1, headers: Sequence[str] = (), expect_2xx=True
) -> AbResult:
    with tempfile.NamedTemporaryFile("r", suffix=".csv") as percentiles:
        command = [ab_command(), "-q", "-l", "-n", str(requests), "-c", str(concurrency)]
        command += ["-e", percentiles.name, "-s", "120"]
        for header in headers:
            command += ["-H", header]
        completed = subprocess.run([*command, url], capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise RuntimeError(f"ab failed on {url}: {completed.stderr.strip()}")
        p50, rps, bad = parse_ab(completed.stdout, Path(percentiles.name).read_text())
    return AbResult(p50, rps, statuses_ok=bad == 0 if expect_2xx else bad == requests)


# --- gunicorn ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting (see above)")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5):  # noqa: S310 -- http://127.0.0.1
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {base} within {seconds:.0f} s")


@contextmanager
def gunicorn(database_url: str, env: dict, workers: int = 2):
    """Gunicorn with ``workers`` sync workers on ``database_url``; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "oneonones.wsgi", "--workers", str(workers)]
    command += ["--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--timeout", "300"]
    command += ["--log-level", "warning"]
    env = {
        **env,
        "DATABASE_URL": database_url,
        "BENCH_ENDPOINTS": "1",
        # WhiteNoise looks for collected static files, which the benchmark does not need.
        "PYTHONWARNINGS": "ignore:No directory at",
    }
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Preparing a database (in a child process with Django) ----------------------------------


def prepare(out: Path, *, people: int, years: int, only: list[str]) -> None:
    """Seed once, sign the viewers in, and write their session cookies and the paths of
    the targets to ``out``."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from bench.cast import Cast
    from bench.seed import ensure_seeded

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", "--no-input", verbosity=0)
    record = ensure_seeded(people=people, years=years, stdout=sys.stdout)
    # The dashboard measured must show the figures it would without the counts the
    # database keeps for it.
    from reports.selectors import months_kept_wrong

    wrong = months_kept_wrong()
    if wrong:
        raise SystemExit(
            f"The trend's counts kept per month differ from the meetings' in {len(wrong)} "
            f"months, e.g. {wrong[0]}: SELECT reports_rebuild_meeting_months() counts them again."
        )
    from reports.selectors import held_meetings_kept_wrong

    wrong = held_meetings_kept_wrong()
    if wrong:
        raise SystemExit(
            f"The held meetings kept for the median gaps differ from the meetings' (e.g. "
            f"{wrong[0]}): SELECT reports_rebuild_held_meetings() writes them again."
        )
    cast = Cast()
    viewers = {target.viewer for target in [*TARGETS, YEARS_TARGET]} - {ANONYMOUS}
    cookies = {}
    for viewer in sorted(viewers):
        client = Client()
        client.force_login(getattr(cast, viewer))
        cookies[viewer] = client.cookies[settings.SESSION_COOKIE_NAME].value
    paths = {}
    for target in selected([*TARGETS, YEARS_TARGET], only):
        for name in target.names:
            try:
                paths[target.title] = reverse(name, args=target.args(cast) if target.args else [])
                break
            except NoReverseMatch:
                continue
    out.write_text(
        json.dumps(
            {
                "cookies": cookies,
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "paths": paths,
                "seed": {"seconds": record.seconds, "people": record.people, "years": years},
            }
        )
    )


def prepare_in_child(database_url: str, env: dict, *, people: int, years: int, only) -> dict:
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        command = [sys.executable, "-m", "bench.http", "prepare", "--out", out.name]
        command += ["--people", str(people), "--years", str(years), "--only", ",".join(only)]
        completed = subprocess.run(
            command, cwd=BASE_DIR, env={**env, "DATABASE_URL": database_url}, check=False
        )
        if completed.returncode != 0:
            raise SystemExit(completed.returncode)
        return json.loads(Path(out.name).read_text())


def forget_sessions(database_url: str, session_keys) -> None:
    """Sign the bench viewers out again (their session rows)."""
    connection = connect(database_url)
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_session WHERE session_key = ANY(%s)", [list(session_keys)]
        )
    connection.close()


# --- Measuring -------------------------------------------------------------------------------


@dataclass
class Pair:
    """A target and its floor, round by round."""

    target: Target
    url: str
    floor_url: str
    headers: list[str] = field(default_factory=list)
    floor_headers: list[str] = field(default_factory=list)
    target_p50: list[float] = field(default_factory=list)
    floor_p50: list[float] = field(default_factory=list)
    target_rps: list[float] = field(default_factory=list)
    floor_rps: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def first_answer(url: str, headers: Sequence[str]) -> tuple[int, dict]:
    """Status and headers of one GET, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    # Our own gunicorn on 127.0.0.1.
    request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=300) as response:
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def measure_pair(pair: Pair, *, requests: int, target_first: bool) -> None:
    concurrency = pair.target.concurrency
    # At least two requests per worker at a time, so every worker is busy.
    count = max(requests, concurrency * 2)
    order = ["target", "floor"] if target_first else ["floor", "target"]
    for which in order:
        url, headers = (
            (pair.url, pair.headers) if which == "target" else (pair.floor_url, pair.floor_headers)
        )
        result = ab(url, requests=count, concurrency=concurrency, headers=headers)
        if not result.statuses_ok:
            pair.errors.append(f"{which} {url}: answers other than 2xx")
        getattr(pair, f"{which}_p50").append(result.p50_ms)
        getattr(pair, f"{which}_rps").append(result.requests_per_second)
    pair.loads.append(load_average())


def pair_line(pair: Pair, *, floor_title: str = "/_rows") -> Line:
    ratios = [f / t for f, t in zip(pair.floor_p50, pair.target_p50, strict=True) if t]
    return Line(
        title=pair.target.title,
        part="http",
        goal=pair.target.goal,
        ratio=statistics.median(ratios) if ratios else None,
        median_ms=statistics.median(pair.target_p50) if pair.target_p50 else None,
        floor_ms=statistics.median(pair.floor_p50) if pair.floor_p50 else None,
        floor_title=floor_title,
        per_second=statistics.median(pair.target_rps) if pair.target_rps else None,
        floor_per_second=statistics.median(pair.floor_rps) if pair.floor_rps else None,
        load=max(pair.loads) if pair.loads else load_average(),
        errors=pair.errors,
        rounds=len(pair.target_p50),
    )


def conditional_line(url: str, base_headers: list[str], *, requests: int, rounds: int) -> Line:
    """Asking for an unchanged feed again with the validators of the first answer."""
    title = "calendar feed, unchanged (conditional GET)"
    status, headers = first_answer(url, base_headers)
    validators = []
    if headers.get("ETag"):
        validators.append(f"If-None-Match: {headers['ETag']}")
    if headers.get("Last-Modified"):
        validators.append(f"If-Modified-Since: {headers['Last-Modified']}")
    line = Line(title=title, part="http", goal=Goal.status(304), load=load_average())
    if status != 200:
        line.errors.append(f"the feed answered {status}")
        return line
    if not validators:
        line.note = "no 304 yet: the feed sends neither ETag nor Last-Modified"
        return line
    again, _ = first_answer(url, base_headers + validators)
    line.status = again
    if again != 304:
        line.note = f"no 304 yet: asked again with {', '.join(v.split(':')[0] for v in validators)}"
        return line
    times = []
    for _ in range(rounds):
        result = ab(url, requests=requests, headers=base_headers + validators, expect_2xx=False)
        times.append(result.p50_ms)
    line.median_ms = statistics.median(times)
    return line


def run(
    *,
    large_url: str,
    years_url: str | None,
    people: int,
    years: int,
    compare_years: int,
    rounds: int,
    requests: int,
    only: list[str],
    env: dict,
) -> list[Line]:
    def say(line: str) -> None:
        print(f"   [http] {line}", flush=True)

    targets = selected(TARGETS, only)
    years_wanted = years_url is not None and bool(selected([YEARS_TARGET], only))
    if not targets and not years_wanted:
        return []
    ab_command()
    large = prepare_in_child(large_url, env, people=people, years=years, only=only)
    prepared = {"large": large}
    if years_wanted and years_url is not None:
        say(f"the organisation with {compare_years} years of history")
        prepared["years"] = prepare_in_child(
            years_url, env, people=people, years=compare_years, only=only
        )
        seed = prepared["years"]["seed"]
        say(f"seed_demo --people {people} --years {compare_years} took {seed['seconds']:.1f} s")
    lines: list[Line] = []
    try:
        with (
            gunicorn(large_url, env) as base,
            _maybe_gunicorn(years_url if years_wanted else None, env) as years_base,
        ):
            pairs = []
            for target in targets:
                path = large["paths"].get(target.title)
                if path is None:
                    lines.append(_skipped(target))
                    continue
                pairs.append(_pair(target, base, path, large))
            if years_wanted:
                # The dashboard of the large organisation (BENCH_YEARS of history) is the
                # floor of the one with BENCH_COMPARE_YEARS.
                path = prepared["years"]["paths"][YEARS_TARGET.title]
                pair = _pair(YEARS_TARGET, years_base, path, prepared["years"])
                pair.floor_url = base + large["paths"][YEARS_TARGET.title]
                pair.floor_headers = _cookie_headers(large, "hr")
                pairs.append(pair)
            for pair in pairs:  # warm both workers up: imports, templates, connections
                for url, headers in (
                    (pair.url, pair.headers),
                    (pair.floor_url, pair.floor_headers),
                ):
                    ab(url, requests=4, concurrency=2, headers=headers)
            for number in range(rounds):
                for pair in pairs:
                    try:
                        measure_pair(pair, requests=requests, target_first=number % 2 == 1)
                    except RuntimeError as error:
                        pair.errors.append(str(error))
                say(f"round {number + 1} of {rounds} done (load average {load_average():.1f})")
            for pair in pairs:
                floor_title = "/_rows"
                if pair.target is YEARS_TARGET:
                    floor_title = f"the {years}-year dashboard"
                lines.append(pair_line(pair, floor_title=floor_title))
                if pair.target.conditional:
                    lines.append(
                        conditional_line(pair.url, pair.headers, requests=requests, rounds=rounds)
                    )
    finally:
        for name, database_url in (("large", large_url), ("years", years_url)):
            if name in prepared and database_url is not None:
                forget_sessions(database_url, prepared[name]["cookies"].values())
    return lines


@contextmanager
def _maybe_gunicorn(database_url: str | None, env: dict):
    if database_url is None:
        yield None
    else:
        with gunicorn(database_url, env) as base:
            yield base


def _cookie_headers(prepared: dict, viewer: str) -> list[str]:
    if viewer == ANONYMOUS:
        return []
    return [f"Cookie: {prepared['cookie_name']}={prepared['cookies'][viewer]}"]


def _pair(target: Target, base: str, path: str, prepared: dict) -> Pair:
    headers = _cookie_headers(prepared, target.viewer)
    # The feed is fetched without a session; its floor is the bare page of its owner.
    floor_viewer = "manager" if target.viewer == ANONYMOUS else target.viewer
    return Pair(
        target=target,
        url=base + path,
        floor_url=base + FLOOR_PATH,
        headers=headers,
        floor_headers=_cookie_headers(prepared, floor_viewer),
    )


def _skipped(target: Target) -> Line:
    return Line(
        title=target.title,
        part="http",
        goal=target.goal,
        note=f"skipped: no URL named {' or '.join(target.names)}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http")
    parser.add_argument("command", choices=["prepare"])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--only", default="")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneonones.settings")
    only = [part.strip() for part in options.only.split(",") if part.strip()]
    prepare(options.out, people=options.people, years=options.years, only=only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
