import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import demo
from meetings.models import (
    ActionItem,
    AgendaItem,
    AgendaTemplate,
    Attendance,
    ChangeRequest,
    Meeting,
    MeetingFeedback,
    MeetingSeries,
    Note,
    SlotClash,
)
from notifications.models import Reminder
from people.models import User


def test_seed_demo_books_every_pair_with_history(db):
    call_command("seed_demo")
    pairs = set(
        User.objects.filter(manager__isnull=False, email__endswith="@example.com")
        .exclude(email__in=["admin@example.com", "hr@example.com"])
        .values_list("manager_id", "pk")
    )
    booked = set(MeetingSeries.objects.values_list("organiser_id", "participant_id"))
    assert pairs <= booked
    assert len({s.time_zone for s in MeetingSeries.objects.all()}) >= 4
    assert not SlotClash.objects.exists()
    emma = User.objects.get(email="employee@example.com")
    mine = Meeting.objects.filter(participant=emma)
    assert mine.filter(status="completed").exists()
    assert mine.filter(status="scheduled").count() >= 12
    assert Meeting.objects.filter(cancel_reason="nothing_to_discuss").exists()
    assert Meeting.objects.filter(status="cancelled", cancelled_by__reports__isnull=False).exists()
    assert Meeting.objects.filter(rescheduled_from__isnull=False).exists()
    nina = User.objects.get(email="nina.rossi@example.com")
    assert not Meeting.objects.filter(participant=nina).exclude(status="scheduled").exists()
    assert Meeting.objects.filter(participant=nina).exists()
    assert ChangeRequest.objects.filter(status="pending").count() == 1


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo")
    counts = (MeetingSeries.objects.count(), Meeting.objects.count(), Reminder.objects.count())
    call_command("seed_demo")
    assert (
        MeetingSeries.objects.count(),
        Meeting.objects.count(),
        Reminder.objects.count(),
    ) == counts


def test_seed_demo_writes_the_reminders_of_upcoming_meetings(db):
    call_command("seed_demo")
    emma = User.objects.get(email="employee@example.com")
    # Every upcoming meeting of hers: her line 1:1s and, as a mentee, the check-ins she
    # organises.
    upcoming = Meeting.objects.filter(Q(participant=emma) | Q(organiser=emma), status="scheduled")
    soon = Reminder.objects.filter(kind="starting_soon", recipient=emma, state="pending")
    assert soon.count() == upcoming.count() > 0
    assert not Reminder.objects.filter(meeting__status="completed").exists()
    assert Reminder.objects.filter(kind="invitation", meeting__participant=emma).exists()


def test_seed_bench_books_a_year_of_history_quickly_and_once(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        call_command("seed_demo", people=300)
    series = MeetingSeries.objects.filter(organiser__email__endswith="@bench.example.com")
    pairs = User.objects.filter(email__endswith="@bench.example.com", manager__isnull=False).count()
    assert series.count() == pairs
    per_series = series.annotate(n=Count("meetings")).values_list("n", flat=True)
    assert min(per_series) >= 13
    assert Meeting.objects.filter(status="completed").count() > pairs * 10
    count = Meeting.objects.count()
    assert Attendance.objects.count() == 2 * count
    assert not Attendance.objects.filter(active=True, meeting__status="cancelled").exists()
    upcoming = Meeting.objects.filter(status="scheduled", starts_at__gt=timezone.now()).count()
    assert Reminder.objects.filter(kind="starting_soon").count() >= 2 * upcoming - 2 * pairs
    call_command("seed_demo", people=300)
    assert Meeting.objects.count() == count


def test_seed_demo_fills_the_1_1s_with_what_people_wrote(db):
    call_command("seed_demo")
    emma = User.objects.get(email="employee@example.com")
    held = Meeting.objects.filter(participant=emma, status="completed")
    assert held.exists()
    assert not held.filter(agenda_items__isnull=True).exists()
    items = AgendaItem.objects.filter(meeting__in=held)
    assert items.filter(author=emma).count() >= 0.75 * items.count()
    assert Note.objects.filter(meeting__in=held, visibility="shared").count() == held.count()
    assert Note.objects.filter(meeting__in=held, visibility="private").exists()
    actions = ActionItem.objects.filter(meeting__in=held)
    assert actions.filter(done=True).exists() and actions.filter(done=False).exists()
    assert MeetingFeedback.objects.filter(meeting__in=held).exists()
    upcoming = Meeting.objects.filter(participant=emma, status="scheduled").order_by("starts_at")
    assert upcoming[0].agenda_items.count() == 3
    assert AgendaTemplate.objects.filter(owner__email="manager@example.com").count() == 2
    assert not MeetingSeries.objects.filter(default_template__isnull=True).exists()
    # Nothing old is waiting to be emailed by the summary sweep.
    assert not Meeting.objects.filter(status="completed", summary_sent_at__isnull=True).exists()


def test_seed_demo_records_are_idempotent(db):
    call_command("seed_demo")
    counts = [m.objects.count() for m in (AgendaItem, Note, ActionItem, MeetingFeedback)]
    counts.append(AgendaTemplate.objects.count())
    call_command("seed_demo")
    again = [m.objects.count() for m in (AgendaItem, Note, ActionItem, MeetingFeedback)]
    again.append(AgendaTemplate.objects.count())
    assert again == counts


# The record counts of every meeting, as the triggers of migration 0005 keep them,
# against the agenda items and ratings in the tables.
COUNTS_DIFFERING = """
SELECT count(*) FROM meetings_meeting m
LEFT JOIN (
    SELECT item.meeting_id, count(*) AS items,
        count(*) FILTER (WHERE item.author_id = meeting.organiser_id) AS by_organiser,
        count(*) FILTER (WHERE item.author_id = meeting.participant_id) AS by_participant
    FROM meetings_agendaitem item JOIN meetings_meeting meeting ON meeting.id = item.meeting_id
    GROUP BY item.meeting_id
) counted ON counted.meeting_id = m.id
LEFT JOIN meetings_meetingfeedback feedback ON feedback.meeting_id = m.id
WHERE (m.agenda_count, m.agenda_by_organiser, m.agenda_by_participant)
      <> (coalesce(counted.items, 0), coalesce(counted.by_organiser, 0),
          coalesce(counted.by_participant, 0))
   OR m.usefulness IS DISTINCT FROM feedback.usefulness
"""


MONTHS_DIFFERING = """
SELECT * FROM (
    SELECT date_trunc('month', starts_at AT TIME ZONE 'UTC')::date AS month, status,
        count(*) AS meetings
    FROM meetings_meeting GROUP BY 1, 2
) counted
FULL JOIN (SELECT * FROM reports_meetingmonth WHERE meetings <> 0) kept USING (month, status)
WHERE counted.meetings IS DISTINCT FROM kept.meetings
"""


@pytest.mark.parametrize("triggers_off", [True, False], ids=["triggers off", "triggers on"])
def test_seed_bench_writes_the_counts_the_triggers_would(db, monkeypatch, triggers_off):
    if not triggers_off:  # a database user who may not turn them off
        monkeypatch.setattr(demo, "without_triggers", lambda cursor: False)
    call_command("seed_demo", people=120, stdout=io.StringIO())
    held = Meeting.objects.filter(
        status="completed", organiser__email__endswith="bench.example.com"
    )
    assert held.filter(agenda_count=2, usefulness__isnull=False).exists()
    with connection.cursor() as cursor:
        cursor.execute(COUNTS_DIFFERING)
        assert cursor.fetchone()[0] == 0
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"  # the triggers are on again afterwards
        # The trend's counts per month and status (reports.MeetingMonth), likewise.
        cursor.execute(MONTHS_DIFFERING)
        assert cursor.fetchall() == []


def test_seed_bench_books_years_of_history(db):
    call_command("seed_demo", people=60, years=3, stdout=io.StringIO())
    first = Meeting.objects.filter(organiser__email__endswith="bench.example.com").earliest(
        "starts_at"
    )
    assert (timezone.now() - first.starts_at).days >= 3 * 365 - 7


@pytest.mark.django_db(transaction=True)  # as seed_demo runs: in a transaction of its own
def test_seed_bench_puts_the_no_double_booking_rule_back_as_it_was():
    definitions = """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'meetings_attendance'::regclass AND contype = 'x'
    """
    with connection.cursor() as cursor:
        cursor.execute(definitions)
        before = cursor.fetchall()
        with CaptureQueriesContext(connection) as seeding:
            call_command("seed_demo", people=40, stdout=io.StringIO())
        cursor.execute(definitions)
        assert cursor.fetchall() == before
    rebuilt = [
        q["sql"] for q in seeding if "ADD CONSTRAINT attendance_no_double_booking" in q["sql"]
    ]
    assert len(rebuilt) == 1
    assert [name for name, _ in before] == ["attendance_no_double_booking"]
    held = Attendance.objects.filter(active=True).select_related("meeting").first()
    with pytest.raises(IntegrityError, match="attendance_no_double_booking"):
        Attendance.objects.create(
            meeting=Meeting.objects.exclude(organiser_id=held.person_id)
            .exclude(participant_id=held.person_id)
            .first(),
            person_id=held.person_id,
            during=held.during,
            active=True,
        )
