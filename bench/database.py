"""Which databases the benchmark uses.

The large organisation lives in ``BENCH_DATABASE_URL``, by default the
project's database (``DATABASE_URL``, from the environment or ``.env``) with
``_bench`` added to its name; the small one in ``BENCH_SMALL_DATABASE_URL``, by
default the large one's name with ``_small`` added. Both are created when
missing and are never the database the app or the tests use.
"""

from urllib.parse import urlsplit, urlunsplit

from scripts.run_local import DEFAULT_DATABASE_URL, create_database_if_missing, dotenv_value

__all__ = ["bench_database_urls", "connect", "create_database_if_missing", "with_name_suffix"]


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
    """(small, large) database URLs, from ``environ`` (by default the environment, then
    .env, as the settings read them)."""
    setting = dotenv_value if environ is None else environ.get
    project = setting("DATABASE_URL") or DEFAULT_DATABASE_URL
    large = setting("BENCH_DATABASE_URL") or with_name_suffix(project, "_bench")
    small = setting("BENCH_SMALL_DATABASE_URL") or with_name_suffix(large, "_small")
    return small, large


def connect(database_url: str, *, dbname: str | None = None):
    """A psycopg2 connection to ``database_url``'s database, or to ``dbname`` on the
    same server (e.g. "postgres", to create or drop one)."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(database_url)
    params = {
        "dbname": dbname or config["NAME"],
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
        "host": config.get("HOST") or config.get("OPTIONS", {}).get("host"),
        "port": config.get("PORT"),
    }
    return psycopg2.connect(**{key: value for key, value in params.items() if value})
