"""Which databases the benchmark uses.

The large organisation lives in ``BENCH_DATABASE_URL``, by default the
project's database (``DATABASE_URL``, from the environment or ``.env``) with
``_bench`` added to its name; the small one in ``BENCH_SMALL_DATABASE_URL``, by
default the large one's name with ``_small`` added. Both are created when
missing and are never the database the app or the tests use.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from scripts.run_local import DEFAULT_DATABASE_URL, create_database_if_missing, dotenv_value

__all__ = ["bench_database_urls", "create_database_if_missing", "with_name_suffix"]


def with_name_suffix(database_url: str, suffix: str) -> str:
    """``database_url`` with ``suffix`` added to the database name."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name:
        raise ValueError(f"No database name in {database_url!r}")
    return urlunsplit(parts._replace(path=f"/{name}{suffix}"))


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def bench_database_urls(environ: dict | None = None) -> tuple[str, str]:
    """(small, large) database URLs."""
    environ = os.environ if environ is None else environ
    project = environ.get("DATABASE_URL") or dotenv_value("DATABASE_URL") or DEFAULT_DATABASE_URL
    large = environ.get("BENCH_DATABASE_URL") or with_name_suffix(project, "_bench")
    small = environ.get("BENCH_SMALL_DATABASE_URL") or with_name_suffix(large, "_small")
    return small, large
