"""The outbox, notification preferences and calendar feeds moved to the notifications
app. Only Django's state changes: the tables keep their names (``db_table`` in
``notifications.models``) and their rows, so no SQL runs. ``notifications.0001`` adds
the same models to that app's state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_report_counts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="notificationpreferences", name="user"),
                migrations.RemoveField(model_name="reminder", name="meeting"),
                migrations.RemoveField(model_name="reminder", name="recipient"),
                migrations.DeleteModel(name="CalendarFeed"),
                migrations.DeleteModel(name="NotificationPreferences"),
                migrations.DeleteModel(name="Reminder"),
            ],
            database_operations=[],
        ),
    ]
