"""Thin Celery tasks: they take ids and call a service; safe to run twice."""

from celery import shared_task


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
def send_meeting_summary(meeting_id: int) -> int:
    """Enqueued when a meeting is completed, so its summary need not wait for the next
    sweep (which sends it if this never runs). Returns how many went out."""
    from notifications.sending import send_summaries_of

    return send_summaries_of(meeting_id=meeting_id)
