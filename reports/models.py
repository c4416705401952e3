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
