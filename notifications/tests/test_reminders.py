"""The outbox rows follow every meeting change, in the same transaction."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from meetings.models import CancelReason, Meeting
from meetings.scheduling import services
from meetings.tests.factories import SeriesFactory, weekly
from notifications import outbox as reminders
from notifications import sending
from notifications import services as notification_services
from notifications.models import NotificationPreferences, Reminder

R = Reminder.Kind
S = Reminder.State


def rows(meeting, **filters):
    return Reminder.objects.filter(meeting=meeting, **filters)


def pending(meeting):
    return {
        (row.kind, row.recipient_id): row.due_at
        for row in rows(meeting, state=S.PENDING).exclude(kind=R.INVITATION)
    }


def book(manager, employee, *, days=5, hour=10):
    starts = (timezone.now() + dt.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return services.meeting_book(
        organiser=manager,
        participant=employee,
        starts_at=starts,
        duration_minutes=30,
        format="video",
    )


def test_it_writes_the_reminders_of_a_booked_meeting(manager, employee):
    meeting = book(manager, employee)
    start, end = meeting.starts_at, meeting.ends_at
    assert pending(meeting) == {
        (R.AGENDA_PROMPT, employee.pk): start - dt.timedelta(days=2),
        (R.AGENDA_PROMPT, manager.pk): start - dt.timedelta(days=1),
        (R.STARTING_SOON, employee.pk): start - dt.timedelta(hours=1),
        (R.STARTING_SOON, manager.pk): start - dt.timedelta(hours=1),
        (R.FOLLOW_UP, manager.pk): end + dt.timedelta(hours=2),
    }
    # A one-off's invitation goes at once, to both.
    invitations = rows(meeting, kind=R.INVITATION)
    assert {row.recipient_id for row in invitations} == {manager.pk, employee.pk}
    assert all(row.due_at <= timezone.now() for row in invitations)
    assert all(
        row.payload == {"method": "REQUEST", "sequence": 0, "update": False} for row in invitations
    )


def test_it_is_idempotent(manager, employee):
    meeting = book(manager, employee)
    before = list(Reminder.objects.order_by("pk").values())
    reminders.sync_meetings([meeting])
    reminders.sync_meetings([meeting])
    assert list(Reminder.objects.order_by("pk").values()) == before


def test_it_leaves_out_moments_that_have_passed(manager, employee):
    meeting = book(manager, employee, days=1, hour=23)
    kinds = {(kind, person) for kind, person in pending(meeting)}
    assert (R.AGENDA_PROMPT, employee.pk) not in kinds  # two days before was yesterday
    assert (R.STARTING_SOON, employee.pk) in kinds


def test_moving_a_meeting_moves_its_reminders(manager, employee):
    meeting = book(manager, employee)
    first = {row.pk for row in rows(meeting).exclude(kind=R.INVITATION)}
    new_start = meeting.starts_at + dt.timedelta(days=3, hours=2)
    services.meeting_move(meeting=meeting, by=manager, starts_at=new_start)
    due = pending(meeting)
    assert due[(R.STARTING_SOON, employee.pk)] == new_start - dt.timedelta(hours=1)
    assert due[(R.AGENDA_PROMPT, employee.pk)] == new_start - dt.timedelta(days=2)
    assert due[(R.FOLLOW_UP, manager.pk)] == new_start + dt.timedelta(minutes=30, hours=2)
    # Replaced: the rows of the old time are cancelled, so that what was already sent
    # for it never stands in for the new time.
    old = rows(meeting).filter(pk__in=first)
    assert set(old.values_list("state", flat=True)) == {S.CANCELLED}
    waiting = rows(meeting, state=S.PENDING, kind__in=reminders.MEETING_KINDS)
    assert {row.subject for row in waiting} == {f"meeting:{meeting.pk}@{new_start:%Y%m%dT%H%M%SZ}"}


def test_moving_replaces_an_unsent_invitation_and_reinvites_after_a_sent_one(manager, employee):
    meeting = book(manager, employee)
    sent = rows(meeting, kind=R.INVITATION, recipient=employee).get()
    sent.state, sent.sent_at = S.SENT, timezone.now()
    sent.save()
    services.meeting_move(
        meeting=meeting, by=manager, starts_at=meeting.starts_at + dt.timedelta(hours=3)
    )
    manager_rows = rows(meeting, kind=R.INVITATION, recipient=manager).order_by("pk")
    assert [(r.state, r.payload["sequence"]) for r in manager_rows] == [
        (S.CANCELLED, 0),
        (S.PENDING, 1),
    ]
    employee_rows = rows(meeting, kind=R.INVITATION, recipient=employee).order_by("pk")
    assert [(r.state, r.payload["sequence"]) for r in employee_rows] == [
        (S.SENT, 0),
        (S.PENDING, 1),
    ]
    assert employee_rows[1].due_at <= timezone.now()


def test_cancelling_cancels_what_waits_and_tells_calendars_that_have_it(manager, employee):
    meeting = book(manager, employee)
    rows(meeting, kind=R.INVITATION, recipient=employee).update(
        state=S.SENT, sent_at=timezone.now()
    )
    services.meeting_cancel(meeting=meeting, by=manager, reason=CancelReason.AWAY)
    assert not rows(meeting, state=S.PENDING, kind__in=reminders.MEETING_KINDS).exists()
    cancellation = rows(meeting, state=S.PENDING, kind=R.INVITATION).get()
    assert cancellation.recipient == employee  # the manager was never sent the event
    assert cancellation.payload["method"] == "CANCEL"
    assert cancellation.payload["event"]["sequence"] == 1
    assert rows(meeting, kind=R.INVITATION, recipient=manager).get().state == S.CANCELLED
    # ... so a plain email tells them instead.
    told = rows(meeting, state=S.PENDING, kind=R.MEETING_CHANGED).get()
    assert (told.recipient, told.payload["change"]) == (manager, "cancelled")


# A Tuesday at 08:45 in London: the weekly series' first 1:1 is today at 09:30, so its "starting
# soon" moment (an hour before, by default) has already passed when it is generated.
TUESDAY_MORNING = dt.datetime(2027, 1, 12, 8, 45, tzinfo=dt.UTC)


@time_machine.travel(TUESDAY_MORNING, tick=True)
def test_generation_writes_reminders_and_invites_a_fortnight_ahead(manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly())
    result = services.series_generate(series_id=series.pk)
    assert result.created >= 25
    meetings = list(series.meetings.order_by("starts_at"))
    soon = Reminder.objects.filter(kind=R.STARTING_SOON, state=S.PENDING)
    # Both people are reminded of every 1:1 whose moment is still ahead; none of today's,
    # whose moment passed before it existed (it would only be dropped as stale).
    assert meetings[0].starts_at == dt.datetime(2027, 1, 12, 9, 30, tzinfo=dt.UTC)
    assert not soon.filter(meeting=meetings[0]).exists()
    for meeting in meetings[1:]:
        assert soon.filter(meeting=meeting).count() == 2
    assert soon.count() == 2 * (len(meetings) - 1)
    invitations = Reminder.objects.filter(kind=R.INVITATION)
    lead = dt.timedelta(days=14)
    for row in invitations:
        ahead = row.meeting.starts_at - lead
        if ahead > row.created_at:
            assert row.due_at == ahead
        else:  # within the fortnight: at once
            assert row.due_at - row.created_at < dt.timedelta(seconds=5)
    assert invitations.filter(due_at__gt=timezone.now() + dt.timedelta(days=30)).exists()
    # Running generation again writes nothing new.
    count = Reminder.objects.count()
    services.series_generate(series_id=series.pk)
    assert Reminder.objects.count() == count


# A Monday: the weekly (Tuesday) series' next 1:1 and its moved time are both tomorrow.
MONDAY_NOON = dt.datetime(2027, 1, 11, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(MONDAY_NOON, tick=True)
def test_editing_a_series_takes_removed_meetings_reminders_with_them(manager, employee):
    """On a Monday: run on a Tuesday between 14:00 and 15:00, the moved series' first 1:1
    (15:00 that day) would already be inside its starting-soon hour, and have no such
    reminder to compare."""
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly())
    services.series_generate(series_id=series.pk)
    first = series.meetings.order_by("starts_at").first()
    Reminder.objects.filter(meeting=first, kind=R.INVITATION).update(
        state=S.SENT, sent_at=timezone.now()
    )
    services.series_update(series=series, by=manager, start_time=dt.time(15, 0))
    assert not Meeting.objects.filter(pk=first.pk).exists()
    # Nothing waits for a meeting that is gone...
    assert not Reminder.objects.filter(meeting__isnull=True, state=S.PENDING).exclude(
        kind__in=[R.INVITATION, R.MEETING_CHANGED]
    )
    # ...except the cancellations for the calendars that had it, and the email telling
    # each of the two of the others (none of them in it).
    told = Reminder.objects.filter(meeting__isnull=True, state=S.PENDING, kind=R.MEETING_CHANGED)
    assert {row.recipient_id for row in told} == {manager.pk, employee.pk}
    assert all(first.pk not in {e["id"] for e in row.payload["events"]} for row in told)
    cancels = Reminder.objects.filter(meeting__isnull=True, state=S.PENDING, kind=R.INVITATION)
    assert {row.recipient_id for row in cancels} == {manager.pk, employee.pk}
    assert all(row.payload["event"]["id"] == first.pk for row in cancels)
    # The new meetings have their own reminders at the new time.
    services.series_generate(series_id=series.pk)
    new = series.meetings.order_by("starts_at").first()
    row = Reminder.objects.get(meeting=new, kind=R.STARTING_SOON, recipient=employee)
    assert row.due_at == new.starts_at - dt.timedelta(hours=1)
    assert timezone.localtime(new.starts_at, series.zone).time() == dt.time(15, 0)


def test_ending_a_series_removes_the_waiting_reminders(manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly())
    services.series_generate(series_id=series.pk)
    services.series_end(series=series, by=manager)
    # What waits is only the email telling each of the two of the meetings removed.
    waiting = Reminder.objects.filter(state=S.PENDING)
    assert {(row.kind, row.recipient_id) for row in waiting} == {
        (R.MEETING_CHANGED, manager.pk),
        (R.MEETING_CHANGED, employee.pk),
    }
    assert all(row.meeting_id is None for row in waiting)


def test_pausing_keeps_the_booked_meetings_reminders(manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly())
    services.series_generate(series_id=series.pk)
    before = Reminder.objects.filter(state=S.PENDING).count()
    services.series_pause(series=series, by=manager)
    assert Reminder.objects.filter(state=S.PENDING).count() == before > 0


def test_a_new_place_re_invites_people_who_have_the_event(manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly())
    services.series_generate(series_id=series.pk)
    first = series.meetings.order_by("starts_at").first()
    Reminder.objects.filter(meeting=first, kind=R.INVITATION, recipient=employee).update(
        state=S.SENT, sent_at=timezone.now()
    )
    services.series_update(series=series, by=manager, location="Room 4")
    update = Reminder.objects.get(
        meeting=first, kind=R.INVITATION, recipient=employee, state=S.PENDING
    )
    assert update.payload["sequence"] == 1
    assert update.due_at <= timezone.now()


def test_preferences_cancel_move_and_bring_back_reminders(manager, employee):
    meeting = book(manager, employee)
    notification_services.preferences_update(
        user=employee, starting_soon=False, agenda_days_as_participant=3
    )
    soon = Reminder.objects.get(meeting=meeting, kind=R.STARTING_SOON, recipient=employee)
    assert soon.state == S.CANCELLED
    prompt = Reminder.objects.get(meeting=meeting, kind=R.AGENDA_PROMPT, recipient=employee)
    assert prompt.due_at == meeting.starts_at - dt.timedelta(days=3)
    # The manager's own reminders are untouched.
    assert Reminder.objects.get(meeting=meeting, kind=R.STARTING_SOON, recipient=manager).state == (
        S.PENDING
    )
    notification_services.preferences_update(
        user=employee, starting_soon=True, starting_soon_minutes=15
    )
    soon.refresh_from_db()
    assert (soon.state, soon.due_at) == (S.PENDING, meeting.starts_at - dt.timedelta(minutes=15))


def test_no_invitations_for_people_who_turned_them_off(manager, employee):
    NotificationPreferences.objects.create(user=employee, invitations=False)
    meeting = book(manager, employee)
    assert list(rows(meeting, kind=R.INVITATION).values_list("recipient", flat=True)) == [
        manager.pk
    ]


def test_reminders_do_not_make_a_meeting_count_as_worked_on(manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly())
    services.series_generate(series_id=series.pk)
    assert Reminder.objects.exists()
    untouched = services.untouched_future_meetings(series=series)
    assert untouched.count() == series.meetings.count()


@pytest.mark.parametrize(
    ("rule", "days"),
    [("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", 14), ("FREQ=MONTHLY;BYDAY=1TU", 30)],
)
def test_cadence_interval(rule, days):
    from meetings.cadence import cadence_interval, parse_custom_rule

    assert cadence_interval(parse_custom_rule(rule)) == dt.timedelta(days=days)


def test_a_cancellation_reaches_a_calendar_even_after_invitations_were_turned_off(
    manager, employee
):
    meeting = book(manager, employee)
    rows(meeting, kind=R.INVITATION, recipient=employee).update(
        state=S.SENT, sent_at=timezone.now()
    )
    notification_services.preferences_update(user=employee, invitations=False)
    services.meeting_cancel(meeting=meeting, by=manager, reason=CancelReason.AWAY)
    cancellation = rows(meeting, state=S.PENDING, kind=R.INVITATION).get()
    assert (cancellation.recipient, cancellation.payload["method"]) == (employee, "CANCEL")
    # ... and is sent: the switch turns invitations off, not the calendar's cancellation.
    sending.send_due_reminders()
    cancellation.refresh_from_db()
    assert cancellation.state == S.SENT


def test_beat_runs_the_sweep_every_minute_and_the_nudges_hourly():
    from oneonones.celery import app

    app.loader.import_default_modules()
    sweep = app.conf.beat_schedule["notifications-send-due-reminders"]
    assert sweep["schedule"] == 60.0
    assert sweep["task"] in app.tasks
    nudges = app.conf.beat_schedule["notifications-queue-lapsed-nudges"]
    assert nudges["task"] in app.tasks
    assert nudges["schedule"].minute == {7}
    actions = app.conf.beat_schedule["notifications-queue-action-reminders"]
    assert actions["task"] in app.tasks
