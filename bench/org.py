"""One organisation's half of `make bench`, in its own process.

``DATABASE_URL=… python -m bench.org --people N --out result.json [--timing]``
migrates that database, seeds it once (see ``bench.seed``), measures every
declared page and operation (see ``bench.measure``) and writes the numbers as
JSON. ``bench.run`` starts it once for the small and once for the large
organisation, so each has its own settings, connection and memory.
"""

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.org")
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--timing", action="store_true", help="time and trace memory too")
    parser.add_argument("--only", default="", help="comma-separated parts of titles")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--years", type=int, default=1, help="years of history to seed")
    options = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneonones.settings")
    # WhiteNoise looks for collected static files, which the benchmark does not need.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.measure import measure_all, route_names
    from bench.pages import OPERATIONS, PAGES, selected
    from bench.seed import SeedMismatch, ensure_seeded
    from people.models import User

    # The test client's host name; DEBUG stays off, as in production.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    name = connection.settings_dict["NAME"]

    def say(line: str) -> None:
        print(f"   [{name}] {line}", flush=True)

    started = time.perf_counter()
    call_command("migrate", "--no-input", verbosity=0)
    say(f"migrated in {time.perf_counter() - started:.1f} s")
    try:
        record = ensure_seeded(
            people=options.people, years=options.years, stdout=sys.stdout, force=options.reseed
        )
    except SeedMismatch as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    if record.seeded_now:
        say(f"seeded in {record.demo_seconds + record.seconds:.1f} s")
    else:
        say(f"already seeded with {record.people} people")

    only = [part.strip() for part in options.only.split(",") if part.strip()]
    measurements = measure_all(
        selected(PAGES, only),
        selected(OPERATIONS, only),
        runs=options.runs,
        timing=options.timing,
        progress=say,
    )
    output = {
        "database": name,
        "people": options.people,
        "users": User.objects.count(),
        "seed": {
            "seeded_now": record.seeded_now,
            "seconds": round(record.seconds, 2),
            "demo_seconds": round(record.demo_seconds, 2),
            "hooks": record.hooks,
        },
        "routes": sorted(route_names()),
        "measurements": measurements,
    }
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(output, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
