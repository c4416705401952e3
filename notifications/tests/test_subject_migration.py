"""Migration notifications 0003 gives the reminders written before it the start their meeting
has, so that none is sent twice after the upgrade and a later move re-arms them."""

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from meetings.tests.factories import MeetingFactory
from notifications import outbox
from notifications.models import Reminder

BEFORE = [("notifications", "0002_summary_kind")]


def migrate(targets=None) -> None:
    """Migrate to ``targets``, or forward to the latest of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def test_old_subjects_are_given_their_meetings_start(transactional_db, manager, employee):
    meeting = MeetingFactory(organiser=manager, participant=employee)
    due = timezone.now() + dt.timedelta(days=1)
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for kind, state, subject in (
                ("starting_soon", "pending", f"meeting:{meeting.pk}"),
                ("agenda_prompt", "sent", f"meeting:{meeting.pk}"),
                ("invitation", "sent", f"meeting:{meeting.pk}:v0"),
            ):
                cursor.execute(
                    "INSERT INTO meetings_reminder (kind, recipient_id, meeting_id, subject,"
                    " payload, due_at, state, reason, sent_at, attempts, last_error,"
                    " created_at, updated_at) VALUES (%s, %s, %s, %s, '{}', %s, %s, '',"
                    " CASE WHEN %s = 'sent' THEN %s END, 0, '', %s, %s)",
                    [kind, employee.pk, meeting.pk, subject, due, state, state, due, due, due],
                )
    finally:
        migrate()
    subjects = dict(Reminder.objects.values_list("kind", "subject"))
    assert subjects == {
        "starting_soon": outbox.meeting_subject(meeting),
        "agenda_prompt": outbox.meeting_subject(meeting),
        "invitation": f"meeting:{meeting.pk}:v0",  # invitations keep their version key
    }
