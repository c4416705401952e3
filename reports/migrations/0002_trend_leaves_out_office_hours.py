"""The trend's kept counts leave out sign-ups to office hours, as every HR figure of
1:1s does (``meetings.models.NOT_LINE_KINDS``): the triggers' function counts only the
rows of other kinds, and the counts are rebuilt once. The kinds are written as they are
at this migration; a later kind to leave out takes a migration like this one."""

from django.db import migrations

from reports.migrations import _months_sql

LINE = "kind <> 'office_hours'"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_meeting_months"),
        ("meetings", "0008_office_hours_kind"),
    ]

    operations = [
        migrations.RunSQL(
            _months_sql.functions(line=LINE), _months_sql.functions(line="TRUE")
        ),
    ]
