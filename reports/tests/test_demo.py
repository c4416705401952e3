"""`seed_demo` gives every panel of the dashboard something to show."""

from django.core.management import call_command

from meetings.models import Meeting
from people.models import User
from reports.selectors import (
    default_period,
    gap_lists,
    manager_rows,
    months_kept_wrong,
    totals,
    trend,
)


def test_every_panel_shows_something(db):
    call_command("seed_demo")
    rows = manager_rows(period=default_period(), team=None)
    assert {"Morgan Reid", "Jordan Blake", "Dana Whitfield"} <= {row.name for row in rows}
    total = totals(rows=rows)
    assert total.held and total.cancelled_by_organiser and total.cancelled_by_participant
    assert total.nothing_to_discuss and total.rescheduled
    assert total.average_usefulness and total.agenda_by_report_percent
    assert any(month.held for month in trend(team=None))
    # The trend, from the counts the database keeps, is the meetings' own.
    assert months_kept_wrong() == []
    lists = {gap.category: gap for gap in gap_lists(team=None, limit=20)}
    assert all(gap.total for gap in lists.values())
    # An overdue report whose series has stopped happening, so their manager is overdue.
    owen = next(row for row in lists["overdue"].rows if row.name == "Owen Price")
    assert (owen.manager_name, owen.interval_days) == ("Dana Whitfield", 28)
    # A new starter not met yet, and one met within six weeks.
    starters = {row.name: row for row in lists["new_starters"].rows}
    assert starters["Nina Rossi"].first_held is None
    assert starters["Owen Price"].met_within_six_weeks


def test_it_is_idempotent(db):
    call_command("seed_demo")
    counts = (User.objects.count(), Meeting.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Meeting.objects.count()) == counts
