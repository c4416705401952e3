"""What the reports read that the database keeps for them.

The reports write nothing: the rows here are kept by triggers on the meetings table
(migration ``0001_meeting_months``, line meetings only since ``0002``), in the
transaction that changes the meetings.
"""

from django.db import models


class MeetingMonth(models.Model):
    """How many meetings start in one calendar month (UTC) with one status, whoever they
    are between: the dashboard's 12-month trend, read from a few dozen rows rather than
    from every meeting of the year.

    Kept by the database, never written by Django: triggers ``meeting_month_insert``,
    ``meeting_month_update`` and ``meeting_month_delete`` on ``meetings_meeting`` (per
    statement, function ``reports_meeting_month_count``) add each statement's new rows
    and take away its old ones, whatever writes them (a service, generation, a bulk
    insert or delete, a shell). ``rebuild_meeting_months`` counts everything again, for
    a database written with the triggers off (the bench's seeding).

    The function names the tables and columns as they were when it was written
    (``meetings_meeting``, ``starts_at``, ``status``): renaming those takes a migration
    that defines it again. A change of month or status takes a row lock on the two
    counts it moves between until its transaction ends; statements add up in month
    order, so two transactions meet in the same order.
    """

    month = models.DateField(help_text="The first day of the month, in UTC.")
    status = models.CharField(max_length=10)
    meetings = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "status"], name="meeting_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.status}: {self.meetings}"


class HeldMeeting(models.Model):
    """Each held meeting (status "completed") with the start of the held meeting before it
    between the same two people, whoever organised either: the dashboard's median days
    between held 1:1s, read as one row per held 1:1 of the period from an index, where it
    used to sort every held 1:1 of the period with the one before it per report.

    Kept by the database, never written by Django: triggers ``held_meeting_insert``,
    ``held_meeting_update`` and ``held_meeting_delete`` on ``meetings_meeting`` (per
    statement, function ``reports_held_meeting_sync``) write again the rows of every
    pair of people a statement held, un-held, moved or deleted a held meeting of (a
    pair has a few dozen held meetings a year); statements that change nothing of that
    (agenda counts, reminders, generation's new bookings) cost a join of their own rows.
    ``reports_rebuild_held_meetings()`` writes them all again, for a database written
    with the triggers off (the bench's seeding).

    ``previous_starts_at``: the start of the pair's held meeting before this one in
    (start, id) order, NULL for their first. ``gap_days_low`` and ``gap_days_high``: the
    calendar days between the two starts in the lower and the higher id's time zone (the
    report of the pair may be either), NULL for their first: the dashboard reads the
    report's number, where it used to turn both times into dates on every view (a third
    of the median gaps' time, migration ``0005_held_meeting_gap_days``). So a change of
    a person's zone writes their rows' days again: trigger ``held_meeting_time_zone`` on
    ``people_user`` (per statement, function ``reports_held_meeting_time_zone``), a few
    hundred rows a year of 1:1s; other updates of people compare their own rows only.

    The function names the tables, columns and the stored value "completed" as they
    were when it was written: renaming those takes a migration that defines it again.
    Writing the rows of one pair takes a transaction-level advisory lock on the pair,
    so two transactions holding 1:1s of the same two people write one after the other,
    each from what the other committed.
    """

    meeting_id = models.BigIntegerField(primary_key=True)
    low = models.BigIntegerField(help_text="The lower id of the two people.")
    high = models.BigIntegerField(help_text="The higher id of the two people.")
    starts_at = models.DateTimeField()
    previous_starts_at = models.DateTimeField(null=True)
    gap_days_low = models.IntegerField(
        null=True, help_text="Days since the previous start, in the lower id's time zone."
    )
    gap_days_high = models.IntegerField(
        null=True, help_text="Days since the previous start, in the higher id's time zone."
    )

    class Meta:
        indexes = [
            # The held 1:1s of a period with what the median gap needs: index-only.
            models.Index(
                fields=["starts_at"],
                include=["low", "high", "previous_starts_at", "gap_days_low", "gap_days_high"],
                name="held_meeting_period_idx",
            ),
            # A person's rows, for a change of their time zone: as the lower id of the
            # pair from this one, as the higher from the next.
            models.Index(fields=["low", "high", "starts_at"], name="held_meeting_pair_idx"),
            models.Index(fields=["high"], name="held_meeting_high_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: held {self.starts_at:%Y-%m-%d}"
