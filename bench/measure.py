"""Render the declared pages (and run the declared operations) in the current
database and measure them: SQL queries, wall-clock time, peak memory.

Needs Django set up (``bench.org`` does it for the database it is given). Every
measured request goes through Django's test client, signed in with
``force_login``, so the whole stack runs: middleware, session, context
processors, templates. Nothing here judges the numbers (see ``bench.checks``).
"""

import gc
import time
import traceback
import tracemalloc
from collections.abc import Callable

from django.db import connection, transaction
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from django.utils.module_loading import import_string

from bench.cast import Cast, MissingData
from bench.pages import Operation, Page

ANONYMOUS = "anonymous"


def route_exists(name: str) -> bool:
    """Whether the URL conf has a route called ``name`` (``namespace:name``), whatever
    its arguments."""
    resolver = get_resolver()
    *namespaces, view_name = name.split(":")
    for namespace in namespaces:
        if namespace not in resolver.namespace_dict:
            return False
        resolver = resolver.namespace_dict[namespace][1]
    return view_name in resolver.reverse_dict


def route_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named route, as ``namespace:name``."""
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            child = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            names |= route_names(entry.url_patterns, child)
        elif entry.name:
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def peak_memory_mb(action: Callable[[], object]) -> float:
    """Peak memory Python allocated while ``action`` ran, above what was there before."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return max(0, peak - before) / (1024 * 1024)


def measure(action: Callable[[], object], *, runs: int, timing: bool) -> dict:
    """Queries of one run of ``action`` (after a warm-up run by the caller); with
    ``timing``, also ``runs`` timed runs and one run under tracemalloc."""
    with CaptureQueriesContext(connection) as captured:
        action()
    result = {"queries": len(captured), "sql": [query["sql"] for query in captured]}
    if timing:
        gc.collect()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            action()
            times.append((time.perf_counter() - started) * 1000)
        result["times_ms"] = times
        result["peak_mb"] = peak_memory_mb(action)
    return result


def _failure(error: BaseException) -> dict:
    if isinstance(error, MissingData):
        return {"error": str(error)}
    where = traceback.extract_tb(error.__traceback__)[-1]
    return {"error": f"{type(error).__name__}: {error} ({where.filename}:{where.lineno})"}


class Browsers:
    """One signed-in test client per viewer, signed out again at the end."""

    def __init__(self):
        self.clients: dict[int | None, Client] = {}

    def client_for(self, user) -> Client:
        key = user.pk if user is not None else None
        if key not in self.clients:
            client = Client()
            if user is not None:
                client.force_login(user)
            self.clients[key] = client
        return self.clients[key]

    def close(self) -> None:
        for client in self.clients.values():
            client.logout()  # deletes the session row


def page_request(page: Page, cast: Cast, browsers: Browsers) -> Callable[[], object]:
    """A function that requests ``page`` once, checks its status and reads the body."""
    args = page.args(cast) if page.args else []
    query = page.query(cast) if callable(page.query) else page.query
    viewer = None if page.viewer == ANONYMOUS else getattr(cast, page.viewer)
    client = browsers.client_for(viewer)
    path = reverse(page.name, args=args)

    def request():
        response = client.get(path, query)
        body = (
            b"".join(response.streaming_content)
            if isinstance(response, StreamingHttpResponse)
            else response.content
        )
        if response.status_code != page.status:
            raise AssertionError(f"{path} answered {response.status_code}, expected {page.status}")
        return body

    return request


def measure_page(page: Page, cast: Cast, browsers: Browsers, *, runs: int, timing: bool) -> dict:
    if not route_exists(page.name):
        reason = f" ({page.pending})" if page.pending else ""
        return {"skipped": f"no URL named {page.name} yet{reason}"}
    try:
        request = page_request(page, cast, browsers)
        request()  # warm-up: caches, template loading, connection
        return measure(request, runs=runs, timing=timing)
    except Exception as error:
        return _failure(error)


def operation_run(operation: Operation, cast: Cast) -> Callable[[], None]:
    function = import_string(operation.function)

    def run():
        with transaction.atomic():
            function(cast)
            transaction.set_rollback(True)

    return run


def measure_operation(operation: Operation, cast: Cast, *, runs: int, timing: bool) -> dict:
    try:
        run = operation_run(operation, cast)
    except ImportError:
        reason = f" ({operation.pending})" if operation.pending else ""
        return {"skipped": f"{operation.function} does not exist yet{reason}"}
    try:
        run()
        return measure(run, runs=runs, timing=timing)
    except Exception as error:
        return _failure(error)


def measure_all(
    pages: list[Page],
    operations: list[Operation],
    *,
    runs: int,
    timing: bool,
    progress: Callable[[str], None] = lambda line: None,
) -> dict[str, dict]:
    """Every page and operation, by title."""
    cast = Cast()
    browsers = Browsers()
    results = {}
    try:
        for page in pages:
            results[page.title] = measure_page(page, cast, browsers, runs=runs, timing=timing)
            progress(f"{page.title}: {_summary(results[page.title])}")
        for operation in operations:
            results[operation.title] = measure_operation(operation, cast, runs=runs, timing=timing)
            progress(f"{operation.title}: {_summary(results[operation.title])}")
    finally:
        browsers.close()
    return results


def _summary(result: dict) -> str:
    if result.get("skipped"):
        return f"skipped, {result['skipped']}"
    if result.get("error"):
        return f"ERROR {result['error']}"
    return f"{result['queries']} queries"
