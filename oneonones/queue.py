"""Enqueue Celery tasks without making the web app depend on the broker.

The broker is a speed-up: every job enqueued from a request also has a periodic
sweep or daily run that catches up. So a failed publish is logged, not raised,
and publishing waits for the transaction to commit, so a worker never sees ids
of rows that do not exist yet (or never will).
"""

import logging

from django.db import transaction

from oneonones.celery import app

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send ``task`` with JSON-safe ``args`` after the current transaction commits.

    ``task`` is a task or its registered name ("meetings.tasks.generate_series_meetings"):
    by name, a service enqueues a job without importing the tasks module, which imports
    the services (no import cycle)."""

    def publish():
        try:
            found = app.tasks[task] if isinstance(task, str) else task
            found.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:  # the broker is down or unreachable: the periodic job catches up
            name = task if isinstance(task, str) else task.name
            logger.warning(
                "Could not enqueue %s; the periodic run will catch up.", name, exc_info=True
            )

    transaction.on_commit(publish)
