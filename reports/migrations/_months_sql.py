"""The functions behind the trend's kept counts (migration 0001_meeting_months), written
again with a condition on the rows they count (``line``), for the migrations that change
which meetings the trend counts."""

MONTH = "date_trunc('month', starts_at AT TIME ZONE 'UTC')::date"

ADD_CHANGES = """
INSERT INTO reports_meetingmonth AS counted (month, status, meetings)
SELECT month, status, SUM(change) FROM ({changes}) changes
GROUP BY month, status
HAVING SUM(change) <> 0
ORDER BY month, status
ON CONFLICT (month, status) DO UPDATE SET meetings = counted.meetings + EXCLUDED.meetings;"""


def functions(*, line: str) -> str:
    new_rows = f"SELECT {MONTH} AS month, status, 1 AS change FROM new_rows WHERE {line}"  # noqa: S608
    old_rows = f"SELECT {MONTH} AS month, status, -1 AS change FROM old_rows WHERE {line}"  # noqa: S608
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
    SELECT {MONTH}, status, COUNT(*) FROM meetings_meeting WHERE {line} GROUP BY 1, 2;
$$;

SELECT reports_rebuild_meeting_months();
"""  # noqa: S608 -- constant fragments
