"""The trend's kept counts leave out mentoring check-ins as well as office hours: the
meetings of a mentoring relationship are not 1:1s with one's manager, and HR sees them
apart, as mentoring's own figures (mentoring/README.md). Every HR figure of 1:1s leaves
out the kinds of ``meetings.models.NOT_LINE_KINDS``; this writes the triggers' function
again with both kinds, as they are at this migration, and counts the months again.

A meeting's kind never changes between line and mentoring (``series_update`` refuses
it), so an update's old and new rows are both in or both out.
"""

from django.db import migrations

from reports.migrations import _months_sql

LINE = "kind NOT IN ('mentoring', 'office_hours')"
BEFORE = "kind <> 'office_hours'"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_trend_leaves_out_office_hours"),
        ("meetings", "0009_line_kinds_mentoring_and_office_hours"),
    ]

    operations = [
        migrations.RunSQL(_months_sql.functions(line=LINE), _months_sql.functions(line=BEFORE)),
    ]
