"""Thin Celery tasks: they take ids and call a service; safe to run twice. They import
the services inside, as the services enqueue them by name: no import cycle either way."""

from celery import shared_task

# Series per batch in the daily run: small enough to finish well inside the task time limit.
BATCH_SIZE = 200


@shared_task
def generate_series_meetings(series_id: int) -> dict:
    """Top up one series (enqueued after it is created, changed or resumed)."""
    from meetings.scheduling import services

    result = services.series_generate(series_id=series_id)
    return {"created": result.created, "clashes": result.clashes}


@shared_task
def generate_series_batch(series_ids: list[int]) -> dict:
    from meetings.scheduling import services

    result = services.generate_many(series_ids=series_ids)
    return {"created": result.created, "clashes": result.clashes}


@shared_task
def generate_meetings() -> int:
    """The daily run: fan every active series out in batches. It also catches up any
    per-series run that could not be enqueued while the broker was down."""
    from meetings.scheduling import services

    ids = services.active_series_ids()
    for start in range(0, len(ids), BATCH_SIZE):
        generate_series_batch.delay(ids[start : start + BATCH_SIZE])
    return len(ids)
