"""The trend counts line meetings only: mentoring check-ins (``meetings.Kind.MENTORING``,
the meetings of a mentoring relationship) are not 1:1s with one's manager, and HR sees
them apart, as mentoring's own figures (mentoring/README.md).

The functions of 0001 are defined again with the same names (the triggers call them by
name), leaving out rows of that kind, and the counts are counted again. A meeting's
kind never changes between line and mentoring (``series_update`` refuses it), so an
update's old and new rows are both in or both out.
"""

import importlib

from django.db import migrations

first = importlib.import_module("reports.migrations.0001_meeting_months")

LINE_ONLY = "WHERE kind <> 'mentoring'"
NEW_ROWS = f"{first.NEW_ROWS} {LINE_ONLY}"
OLD_ROWS = f"{first.OLD_ROWS} {LINE_ONLY}"
ADD_CHANGES = first.ADD_CHANGES


def functions(*, new_rows: str, old_rows: str, where: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION reports_meeting_month_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {ADD_CHANGES.format(changes=new_rows)}
    ELSIF TG_OP = 'DELETE' THEN
        {ADD_CHANGES.format(changes=old_rows)}
    ELSE
        {ADD_CHANGES.format(changes=f"{old_rows} UNION ALL {new_rows}")}
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reports_rebuild_meeting_months() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM reports_meetingmonth;
    INSERT INTO reports_meetingmonth (month, status, meetings)
    SELECT {first.MONTH}, status, COUNT(*) FROM meetings_meeting {where} GROUP BY 1, 2;
$$;

SELECT reports_rebuild_meeting_months();
"""  # noqa: S608 -- constant fragments


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_meeting_months"),
        ("meetings", "0008_mentoring_kind_for_mentorships_only"),
    ]

    operations = [
        migrations.RunSQL(
            functions(new_rows=NEW_ROWS, old_rows=OLD_ROWS, where=LINE_ONLY),
            functions(new_rows=first.NEW_ROWS, old_rows=first.OLD_ROWS, where=""),
        )
    ]
