"""Every change told by email: the switches for each kind of notice, the kinds of
message that tell them, and a meeting's reminders keyed by the meeting's start.

A meeting's reminders are now about the meeting at one start
("meeting:<id>@<start>"), so that a move makes the reminders of the new time due
again. Rows written before are given the start their meeting has now: waiting ones
were kept in step with it. The tables kept the names they had in ``meetings``
(``db_table`` in ``notifications.models``), hence the names in the SQL.
"""

from django.db import migrations, models

SUBJECT_WITH_START = """
    UPDATE meetings_reminder AS r
    SET subject = r.subject || '@'
        || to_char(m.starts_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"')
    FROM meetings_meeting AS m
    WHERE m.id = r.meeting_id
      AND r.kind IN ('agenda_prompt', 'starting_soon', 'follow_up')
      AND r.subject = 'meeting:' || r.meeting_id
"""
SUBJECT_WITHOUT_START = """
    UPDATE meetings_reminder
    SET subject = split_part(subject, '@', 1)
    WHERE kind IN ('agenda_prompt', 'starting_soon', 'follow_up') AND subject LIKE 'meeting:%%@%%'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_summary_kind"),
        ("meetings", "0006_outbox_to_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="notificationpreferences",
            name="change_requests",
            field=models.BooleanField(
                default=True,
                verbose_name="Tell me when someone asks to move or cancel a 1:1 with me, and the answer to my requests",
            ),
        ),
        migrations.AddField(
            model_name="notificationpreferences",
            name="meeting_changes",
            field=models.BooleanField(
                default=True,
                verbose_name="Tell me when a 1:1 of mine is moved or cancelled (by email, when no calendar invitation tells me)",
            ),
        ),
        migrations.AddField(
            model_name="notificationpreferences",
            name="objective_updates",
            field=models.BooleanField(
                default=True,
                verbose_name="Tell me when an objective is proposed to me, or mine is confirmed or rejected",
            ),
        ),
        migrations.AddField(
            model_name="notificationpreferences",
            name="summary_shared_notes",
            field=models.BooleanField(
                default=False,
                verbose_name="Include the shared notes in the wrap-up email (only when the other person turned this on too)",
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="kind",
            field=models.CharField(
                choices=[
                    ("agenda_prompt", "Agenda prompt"),
                    ("starting_soon", "Starting soon"),
                    ("follow_up", "Record notes and actions"),
                    ("actions_due", "Action items due tomorrow"),
                    ("lapsed_nudge", "Reports without a recent 1:1"),
                    ("invitation", "Calendar invitation"),
                    ("summary", "Summary of a held 1:1"),
                    ("change_requested", "A request to move or cancel"),
                    ("request_answered", "The answer to a request"),
                    ("meeting_changed", "Meeting moved or cancelled"),
                    ("objective_update", "Objective proposed, confirmed or rejected"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunSQL(SUBJECT_WITH_START, SUBJECT_WITHOUT_START),
    ]
