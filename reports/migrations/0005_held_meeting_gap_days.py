"""Each kept held 1:1 (``HeldMeeting``) carries the days since the pair's held 1:1 before
it, counted in each of the two people's time zones, so the dashboard's median gaps read
two numbers per held 1:1 instead of turning both starts into local dates on every view.

Measured on the bench organisation (10,000 people, a year of 1:1s): the median gaps were
a third of the dashboard's statement, and turning 66,000 pairs of times into dates in
the report's zone was more than a third of that (the statement's part timed with the
dates stored and not, in turns).

Days, not one number: the report of a pair is whichever of the two has the other as
manager, so both people's zones are kept. When a person's time zone changes, the
trigger ``held_meeting_time_zone`` on ``people_user`` counts their rows' days again (a
person has a few hundred held 1:1s a year); other updates of people (sign-ins, names)
cost a join of the statement's own rows. ``held_meeting_high_idx`` finds the rows
where the person is the higher id of the pair (``held_meeting_pair_idx`` those where
they are the lower).
"""

from django.db import migrations, models

LINE = "kind NOT IN ('mentoring', 'office_hours')"
PAIR = "LEAST({m}.organiser_id, {m}.participant_id), GREATEST({m}.organiser_id, {m}.participant_id)"
PAIR_AS = (
    "LEAST({m}.organiser_id, {m}.participant_id) AS low,"
    " GREATEST({m}.organiser_id, {m}.participant_id) AS high"
)


def days(zone: str, *, of: str = "held_row") -> str:
    """The calendar days between the previous start and the start of ``of``, in ``zone``."""
    return (
        f"({of}.starts_at AT TIME ZONE {zone})::date"
        f" - ({of}.previous_starts_at AT TIME ZONE {zone})::date"
    )


# The rows of ``held`` (meeting id, low, high, start, previous start) with their days.
WITH_DAYS = f"""
SELECT held_row.*, {days("low_person.time_zone")}, {days("high_person.time_zone")}
FROM ({{held}}) held_row
JOIN people_user low_person ON low_person.id = held_row.low
JOIN people_user high_person ON high_person.id = held_row.high"""  # noqa: S608 -- constant fragments

COLUMNS = "meeting_id, low, high, starts_at, previous_starts_at, gap_days_low, gap_days_high"

# A statement's pairs (``lows``, ``highs``): their held line 1:1s, each with the start of
# the one before it.
PAIRS_HELD = f"""SELECT m.id, pair.low, pair.high, m.starts_at,
        LAG(m.starts_at) OVER (PARTITION BY pair.low, pair.high ORDER BY m.starts_at, m.id)
            AS previous_starts_at
    FROM unnest(lows, highs) AS pair (low, high)
    JOIN meetings_meeting m ON LEAST(m.organiser_id, m.participant_id) = pair.low
        AND GREATEST(m.organiser_id, m.participant_id) = pair.high
        AND m.status = 'completed' AND m.{LINE}"""  # noqa: S608 -- constant fragments
# Every held line 1:1 (``held``: the stored value of held).
ALL_HELD = f"""SELECT m.id, {PAIR_AS.format(m="m")}, m.starts_at,
        LAG(m.starts_at) OVER (PARTITION BY {PAIR.format(m="m")} ORDER BY m.starts_at, m.id)
            AS previous_starts_at
    FROM meetings_meeting m WHERE m.status = held AND m.{LINE}"""  # noqa: S608

WRITE_PAIRS = f"""
CREATE OR REPLACE FUNCTION reports_held_meeting_write(lows bigint[], highs bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- One writer per pair at a time; in pair order, so two transactions meet in the
    -- same order. The statements after the lock see what the other one committed.
    PERFORM pg_advisory_xact_lock(hashtextextended('reports_heldmeeting ' || low || ' ' || high, 0))
    FROM unnest(lows, highs) AS pair (low, high) ORDER BY low, high;
    DELETE FROM reports_heldmeeting held USING unnest(lows, highs) AS pair (low, high)
    WHERE held.low = pair.low AND held.high = pair.high;
    INSERT INTO reports_heldmeeting ({COLUMNS}){WITH_DAYS.format(held=PAIRS_HELD)};
END $$;

-- ``held``: the stored value of a held meeting (a test renames the stored values).
CREATE OR REPLACE FUNCTION reports_rebuild_held_meetings(held text DEFAULT 'completed')
RETURNS void
LANGUAGE sql AS $$
    TRUNCATE reports_heldmeeting;
    INSERT INTO reports_heldmeeting ({COLUMNS}){WITH_DAYS.format(held=ALL_HELD)};
$$;

-- A person's new time zone: the days of their held 1:1s counted again in it.
CREATE FUNCTION reports_held_meeting_time_zone() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    moved bigint[];
BEGIN
    SELECT array_agg(n.id) INTO moved
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.time_zone IS DISTINCT FROM o.time_zone;
    IF moved IS NULL THEN
        RETURN NULL;
    END IF;
    UPDATE reports_heldmeeting held SET gap_days_low = {days("person.time_zone", of="held")}
    FROM people_user person WHERE person.id = held.low AND held.low = ANY(moved);
    UPDATE reports_heldmeeting held SET gap_days_high = {days("person.time_zone", of="held")}
    FROM people_user person WHERE person.id = held.high AND held.high = ANY(moved);
    RETURN NULL;
END $$;

CREATE TRIGGER held_meeting_time_zone AFTER UPDATE ON people_user
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reports_held_meeting_time_zone();

SELECT reports_rebuild_held_meetings();
ANALYZE reports_heldmeeting;
"""  # noqa: S608 -- constant fragments

# Back to migration 0004's functions (their rows without days).
BEFORE = f"""
DROP TRIGGER held_meeting_time_zone ON people_user;
DROP FUNCTION reports_held_meeting_time_zone();

CREATE OR REPLACE FUNCTION reports_held_meeting_write(lows bigint[], highs bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('reports_heldmeeting ' || low || ' ' || high, 0))
    FROM unnest(lows, highs) AS pair (low, high) ORDER BY low, high;
    DELETE FROM reports_heldmeeting held USING unnest(lows, highs) AS pair (low, high)
    WHERE held.low = pair.low AND held.high = pair.high;
    INSERT INTO reports_heldmeeting (meeting_id, low, high, starts_at, previous_starts_at)
    SELECT m.id, pair.low, pair.high, m.starts_at,
        LAG(m.starts_at) OVER (PARTITION BY pair.low, pair.high ORDER BY m.starts_at, m.id)
    FROM unnest(lows, highs) AS pair (low, high)
    JOIN meetings_meeting m ON LEAST(m.organiser_id, m.participant_id) = pair.low
        AND GREATEST(m.organiser_id, m.participant_id) = pair.high
        AND m.status = 'completed' AND m.{LINE};
END $$;

CREATE OR REPLACE FUNCTION reports_rebuild_held_meetings(held text DEFAULT 'completed')
RETURNS void
LANGUAGE sql AS $$
    TRUNCATE reports_heldmeeting;
    INSERT INTO reports_heldmeeting (meeting_id, low, high, starts_at, previous_starts_at)
    SELECT m.id, {PAIR.format(m="m")}, m.starts_at,
        LAG(m.starts_at) OVER (PARTITION BY {PAIR.format(m="m")} ORDER BY m.starts_at, m.id)
    FROM meetings_meeting m WHERE m.status = held AND m.{LINE};
$$;
"""  # noqa: S608 -- constant fragments


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_held_meetings"),
        ("people", "0006_person_change_via_api"),
    ]

    operations = [
        migrations.AddField(
            model_name="heldmeeting",
            name="gap_days_low",
            field=models.IntegerField(
                help_text="Days since the previous start, in the lower id's time zone.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="heldmeeting",
            name="gap_days_high",
            field=models.IntegerField(
                help_text="Days since the previous start, in the higher id's time zone.",
                null=True,
            ),
        ),
        migrations.RemoveIndex(model_name="heldmeeting", name="held_meeting_period_idx"),
        migrations.AddIndex(
            model_name="heldmeeting",
            index=models.Index(
                fields=["starts_at"],
                include=("low", "high", "previous_starts_at", "gap_days_low", "gap_days_high"),
                name="held_meeting_period_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="heldmeeting",
            index=models.Index(fields=["high"], name="held_meeting_high_idx"),
        ),
        migrations.RunSQL(WRITE_PAIRS, BEFORE),
    ]
