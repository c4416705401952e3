"""The Celery app: one worker pool and exactly one beat process.

Configuration comes from Django settings (``CELERY_*``). Periodic jobs are
declared here, in code, so every deployment runs the same schedule; beat runs
in UTC.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneonones.settings")

app = Celery("oneonones")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "people-clear-expired-sessions": {
        "task": "people.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    # Keeps every active series booked six months ahead, and catches up any
    # per-series run that could not be enqueued while the broker was down.
    "meetings-generate-daily": {
        "task": "meetings.tasks.generate_meetings",
        "schedule": crontab(hour=2, minute=5),
    },
    # The reminder outbox: rows are written with the meeting changes; this sends
    # what is due. Every minute, so nothing needs an ETA or countdown task.
    "notifications-send-due-reminders": {
        "task": "notifications.tasks.send_due_reminders",
        "schedule": 60.0,
    },
    "notifications-queue-lapsed-nudges": {
        "task": "notifications.tasks.queue_lapsed_nudges",
        "schedule": crontab(minute=7),
    },
    "notifications-queue-action-reminders": {
        "task": "notifications.tasks.queue_action_reminders",
        "schedule": crontab(minute=9),
    },
    # HR's wellbeing figures of a month are published once, after it ends: hourly so
    # a month appears soon after midnight UTC even if a run is missed, at :13 so a
    # check-in saved in the month's last second has long been committed.
    "wellbeing-publish-months": {
        "task": "wellbeing.tasks.publish_wellbeing_months",
        "schedule": crontab(minute=13),
    },
    "wellbeing-delete-expired-checkins": {
        "task": "wellbeing.tasks.delete_expired_checkins",
        "schedule": crontab(hour=3, minute=41),
    },
}
