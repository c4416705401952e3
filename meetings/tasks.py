"""Thin Celery tasks: they take ids and call a service; safe to run twice."""

from celery import shared_task

from meetings.scheduling import services

# Series per batch in the daily run: small enough to finish well inside the task time limit.
BATCH_SIZE = 200


@shared_task
def generate_series_meetings(series_id: int) -> dict:
    """Top up one series (enqueued after it is created, changed or resumed)."""
    result = services.series_generate(series_id=series_id)
    return {"created": result.created, "clashes": result.clashes}


@shared_task
def generate_series_batch(series_ids: list[int]) -> dict:
    result = services.generate_many(series_ids=series_ids)
    return {"created": result.created, "clashes": result.clashes}


@shared_task
def generate_meetings() -> int:
    """The daily run: fan every active series out in batches. It also catches up any
    per-series run that could not be enqueued while the broker was down."""
    ids = services.active_series_ids()
    for start in range(0, len(ids), BATCH_SIZE):
        generate_series_batch.delay(ids[start : start + BATCH_SIZE])
    return len(ids)


@shared_task
def send_due_reminders() -> dict:
    """Every minute (beat): send what is due. Safe to overlap with another run."""
    from notifications.sending import send_due_reminders as sweep

    return vars(sweep())


@shared_task
def queue_lapsed_nudges() -> int:
    """Hourly (beat): this week's nudge for managers whose chosen morning it is."""
    from notifications.outbox import queue_lapsed_nudges as queue

    return queue()


@shared_task
def queue_action_reminders() -> int:
    """Hourly (beat): tomorrow's actions, for owners whose morning it is."""
    from notifications.outbox import queue_action_reminders as queue

    return queue()


@shared_task
def send_meeting_summary(meeting_id: int) -> bool:
    """Enqueued when a meeting is completed; the sweep below catches up if it never runs."""
    from meetings.record.services import meeting_send_summary

    return meeting_send_summary(meeting_id=meeting_id)


@shared_task
def send_pending_summaries() -> int:
    """Every 10 minutes: summaries of meetings completed in the last two days that have
    not gone out (the broker was down, or a send failed). Never sends one twice."""
    from meetings.record.services import send_pending_summaries as sweep

    return sweep()
