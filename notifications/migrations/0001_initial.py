"""The models that moved here from meetings (``meetings.0006``), in their old tables:
state only, no SQL."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import notifications.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("meetings", "0006_outbox_to_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarFeed",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "token",
                            models.CharField(
                                default=notifications.models.new_feed_token,
                                max_length=64,
                                unique=True,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now=True)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="calendar_feed",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "meetings_calendarfeed",
                    },
                ),
                migrations.CreateModel(
                    name="NotificationPreferences",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "agenda_prompt",
                            models.BooleanField(
                                default=True, verbose_name="Ask me to add agenda items before a 1:1"
                            ),
                        ),
                        (
                            "agenda_days_as_participant",
                            models.PositiveSmallIntegerField(
                                default=2,
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(7),
                                ],
                                verbose_name="Days before, in 1:1s with my manager",
                            ),
                        ),
                        (
                            "agenda_days_as_organiser",
                            models.PositiveSmallIntegerField(
                                default=1,
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(7),
                                ],
                                verbose_name="Days before, in 1:1s I organise",
                            ),
                        ),
                        (
                            "starting_soon",
                            models.BooleanField(
                                default=True, verbose_name="Remind me shortly before a 1:1 starts"
                            ),
                        ),
                        (
                            "starting_soon_minutes",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (10, "10 minutes"),
                                    (15, "15 minutes"),
                                    (30, "30 minutes"),
                                    (60, "1 hour"),
                                    (120, "2 hours"),
                                ],
                                default=60,
                                verbose_name="Minutes before",
                            ),
                        ),
                        (
                            "follow_up",
                            models.BooleanField(
                                default=True,
                                verbose_name="Remind me to record notes and actions after 1:1s I organise",
                            ),
                        ),
                        (
                            "follow_up_hours",
                            models.PositiveSmallIntegerField(
                                default=2,
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(24),
                                ],
                                verbose_name="Hours after the end",
                            ),
                        ),
                        (
                            "actions_due",
                            models.BooleanField(
                                default=True,
                                verbose_name="Tell me the day before my action items are due",
                            ),
                        ),
                        (
                            "lapsed_nudge",
                            models.BooleanField(
                                default=True,
                                verbose_name="Tell me weekly about reports I have not met for a while",
                            ),
                        ),
                        (
                            "lapsed_nudge_weekday",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Monday"),
                                    (1, "Tuesday"),
                                    (2, "Wednesday"),
                                    (3, "Thursday"),
                                    (4, "Friday"),
                                    (5, "Saturday"),
                                    (6, "Sunday"),
                                ],
                                default=0,
                                verbose_name="On",
                            ),
                        ),
                        (
                            "invitations",
                            models.BooleanField(
                                default=True,
                                verbose_name="Send me calendar invitations (.ics) when 1:1s are booked, moved or cancelled",
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notification_preferences",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "notification preferences",
                        "db_table": "meetings_notificationpreferences",
                    },
                ),
                migrations.CreateModel(
                    name="Reminder",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("agenda_prompt", "Agenda prompt"),
                                    ("starting_soon", "Starting soon"),
                                    ("follow_up", "Record notes and actions"),
                                    ("actions_due", "Action items due tomorrow"),
                                    ("lapsed_nudge", "Reports without a recent 1:1"),
                                    ("invitation", "Calendar invitation"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("subject", models.CharField(max_length=100)),
                        ("payload", models.JSONField(blank=True, default=dict)),
                        ("due_at", models.DateTimeField()),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Waiting"),
                                    ("sent", "Sent"),
                                    ("cancelled", "Cancelled"),
                                    ("dropped", "Dropped"),
                                    ("failed", "Gave up"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        (
                            "reason",
                            models.CharField(
                                blank=True, help_text="Why cancelled or dropped.", max_length=200
                            ),
                        ),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "meeting",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="reminders",
                                to="meetings.meeting",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reminders",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "meetings_reminder",
                        "ordering": ["due_at", "pk"],
                        "indexes": [
                            models.Index(
                                condition=models.Q(("state", "pending")),
                                fields=["due_at", "id"],
                                name="reminder_pending_due_idx",
                            ),
                            models.Index(fields=["meeting", "state"], name="reminder_meeting_idx"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("kind", "recipient", "subject"),
                                name="reminder_once_per_subject",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("state", "sent"), ("sent_at__isnull", True), _connector="OR"
                                ),
                                name="reminder_sent_at_only_when_sent",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
