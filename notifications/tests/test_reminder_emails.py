"""What the reminder emails say, to whom, in whose time zone, and what the sweep records."""

import datetime as dt
from email.mime.base import MIMEBase

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from meetings.models import CancelReason, Meeting
from meetings.scheduling import services
from meetings.tests.factories import SeriesFactory, weekly
from notifications import outbox as reminders
from notifications import sending
from notifications import services as notification_services
from notifications.models import Reminder
from people.tests.factories import UserFactory

R = Reminder.Kind
S = Reminder.State
SITE = "https://oneonones.example.com"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def pair(db):
    """A manager in New York and a report in Tokyo, so each email shows its own zone."""
    manager = UserFactory(
        full_name="Nora York", email="nora@example.org", time_zone="America/New_York"
    )
    report = UserFactory(
        full_name="Kenji Tokyo", email="kenji@example.org", time_zone="Asia/Tokyo", manager=manager
    )
    return manager, report


def book_at(manager, report, starts_at):
    return services.meeting_book(
        organiser=manager,
        participant=report,
        starts_at=starts_at,
        duration_minutes=30,
        format="video",
        location="https://video.example.com/nk",
    )


def next_utc(days: int, hour: int) -> dt.datetime:
    day = timezone.now().date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def send_row(row: Reminder) -> list:
    """Send ``row`` as the sweep would at its due time; return the messages sent."""
    mail.outbox.clear()
    outcome = sending.deliver(row.pk, connection=mail.get_connection(), now=row.due_at)
    assert outcome == "sent", outcome
    row.refresh_from_db()
    assert (row.state, row.attempts) == (S.SENT, 1)
    assert row.sent_at is not None
    return list(mail.outbox)


def calendar_part(message) -> MIMEBase:
    parts = [a for a in message.attachments if isinstance(a, MIMEBase)]
    assert len(parts) == 1
    return parts[0]


def test_it_asks_the_report_for_agenda_items_in_their_own_zone(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=5, hour=14))
    row = Reminder.objects.get(meeting=meeting, kind=R.AGENDA_PROMPT, recipient=report)
    [message] = send_row(row)
    local = timezone.localtime(meeting.starts_at, report.zone)  # 23:00 in Tokyo
    when = f"23:00\u201323:30 on {local:%a} {local.day} {local:%b}"
    assert message.to == ["Kenji Tokyo <kenji@example.org>"]
    assert message.subject == f"What would you like to talk about with Nora York? 1:1 {when}"
    link = f"{SITE}/meetings/{meeting.pk}/"
    assert link in message.body
    assert when in message.body
    assert "Asia/Tokyo" in message.body
    assert "Nothing on the agenda yet." in message.body
    assert f"{SITE}/meetings/notifications/" in message.body
    # Plain text is plain: no markup, no escaped entities.
    assert "<" not in message.body and "&" not in message.body.replace("&amp;", "")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert when in html


def test_the_manager_sees_the_same_meeting_in_new_york_time(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=5, hour=14))
    row = Reminder.objects.get(meeting=meeting, kind=R.AGENDA_PROMPT, recipient=manager)
    assert row.due_at == meeting.starts_at - dt.timedelta(days=1)
    [message] = send_row(row)
    meeting.refresh_from_db()
    local = timezone.localtime(meeting.starts_at, manager.zone)
    assert message.to == ["Nora York <nora@example.org>"]
    assert f"{local:%H}:00\u2013{local:%H}:30 on {local:%a} {local.day} {local:%b}" in message.body
    assert "with Kenji Tokyo" in message.subject
    assert "America/New_York" in message.body


def test_starting_soon_says_where(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=3, hour=9))
    row = Reminder.objects.get(meeting=meeting, kind=R.STARTING_SOON, recipient=report)
    [message] = send_row(row)
    assert message.subject.startswith("Soon: your 1:1 with Nora York, 18:00\u201318:30 on ")
    assert "Where: Video call: https://video.example.com/nk" in message.body
    assert f"{SITE}/meetings/{meeting.pk}/" in message.body


def test_follow_up_asks_the_organiser_only_when_not_completed(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=3, hour=9))
    row = Reminder.objects.get(meeting=meeting, kind=R.FOLLOW_UP)
    assert row.recipient == manager
    assert row.due_at == meeting.ends_at + dt.timedelta(hours=2)
    [message] = send_row(row)
    assert message.subject == "How did your 1:1 with Kenji Tokyo go? Record notes and actions"
    assert f"{SITE}/meetings/{meeting.pk}/" in message.body

    other = book_at(manager, report, next_utc(days=4, hour=9))
    Meeting.objects.filter(pk=other.pk).update(status=Meeting.Status.COMPLETED)
    row = Reminder.objects.get(meeting=other, kind=R.FOLLOW_UP)
    mail.outbox.clear()
    assert sending.deliver(row.pk, connection=mail.get_connection(), now=row.due_at) == "cancelled"
    assert mail.outbox == []


def test_a_booking_sends_a_request_both_can_put_in_their_calendars(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=3, hour=9))
    row = Reminder.objects.get(meeting=meeting, kind=R.INVITATION, recipient=report)
    [message] = send_row(row)
    assert message.subject.startswith("Invitation: 1:1 with Nora York, 18:00\u201318:30 on ")
    part = calendar_part(message)
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "invite.ics"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert calendar["method"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"meeting-{meeting.pk}@oneonones"
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == meeting.starts_at
    assert str(event["organizer"]) == "mailto:nora@example.org"
    assert str(event["attendee"]) == "mailto:kenji@example.org"
    assert str(event["summary"]) == "1:1 with Nora York"


def test_a_move_sends_a_newer_sequence_and_a_cancel_sends_cancel(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=3, hour=9))
    send_row(Reminder.objects.get(meeting=meeting, kind=R.INVITATION, recipient=report))
    services.meeting_move(meeting=meeting, by=manager, starts_at=next_utc(days=3, hour=11))
    row = Reminder.objects.get(
        meeting=meeting, kind=R.INVITATION, recipient=report, state=S.PENDING
    )
    [message] = send_row(row)
    assert message.subject.startswith("Updated invitation: 1:1 with Nora York, 20:00")
    assert "has changed. It is now 20:00" in message.body
    event = icalendar.Calendar.from_ical(calendar_part(message).get_payload(decode=True)).walk(
        "VEVENT"
    )[0]
    assert (str(event["uid"]), event["sequence"]) == (f"meeting-{meeting.pk}@oneonones", 1)

    services.meeting_cancel(meeting=meeting, by=manager, reason=CancelReason.AWAY)
    row = Reminder.objects.get(meeting=meeting, recipient=report, state=S.PENDING)
    assert row.kind == R.INVITATION  # the calendar's cancellation is the message
    [message] = send_row(row)
    assert message.subject.startswith("Cancelled: 1:1 with Nora York, 20:00")
    part = calendar_part(message)
    assert part.get_param("method") == "CANCEL"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert calendar["method"] == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert (str(event["uid"]), event["sequence"], str(event["status"])) == (
        f"meeting-{meeting.pk}@oneonones",
        2,
        "CANCELLED",
    )
    # The manager never got the event (their invitation was not sent): no cancellation,
    # a plain email instead, in their own zone.
    row = Reminder.objects.get(meeting=meeting, recipient=manager, state=S.PENDING)
    assert row.kind == R.MEETING_CHANGED
    [message] = send_row(row)
    assert not message.attachments
    assert message.subject.startswith("Cancelled: your 1:1 with Kenji Tokyo, ")
    meeting.refresh_from_db()
    local = timezone.localtime(meeting.starts_at, manager.zone)
    assert f"{local:%H:%M}" in message.subject  # in New York's time, not UTC or Tokyo's
    assert "by you" in message.body


def test_a_removed_meeting_is_cancelled_in_calendars_from_its_snapshot(pair):
    manager, report = pair
    series = SeriesFactory(
        organiser=manager, participant=report, cadence=weekly(), time_zone="America/New_York"
    )
    services.series_generate(series_id=series.pk)
    first = series.meetings.order_by("starts_at").first()
    send_row(Reminder.objects.get(meeting=first, kind=R.INVITATION, recipient=report))
    services.series_end(series=series, by=manager)
    row = Reminder.objects.get(kind=R.INVITATION, recipient=report, state=S.PENDING)
    assert row.meeting is None
    [message] = send_row(row)
    event = icalendar.Calendar.from_ical(calendar_part(message).get_payload(decode=True)).walk(
        "VEVENT"
    )[0]
    assert str(event["uid"]) == f"meeting-{first.pk}@oneonones"
    assert event["sequence"] == 1
    assert "is cancelled" in message.body


def test_the_weekly_nudge_lists_reports_without_a_recent_one_to_one(pair, settings):
    manager, report = pair
    quiet = UserFactory(full_name="Quinn Quiet", manager=manager)
    regular = UserFactory(full_name="Rae Regular", manager=manager)
    now = timezone.now()
    long_ago = (now - dt.timedelta(days=60)).date()
    lapsed = SeriesFactory(
        organiser=manager, participant=report, cadence=weekly(2), first_date=long_ago
    )
    Meeting.objects.create(
        series=lapsed,
        slot=now - dt.timedelta(days=40),
        organiser=manager,
        participant=report,
        starts_at=now - dt.timedelta(days=40),
        ends_at=now - dt.timedelta(days=40) + dt.timedelta(minutes=30),
        status=Meeting.Status.COMPLETED,
    )
    SeriesFactory(organiser=manager, participant=quiet, cadence=weekly(1), first_date=long_ago)
    ok = SeriesFactory(
        organiser=manager, participant=regular, cadence=weekly(4), first_date=long_ago
    )
    Meeting.objects.create(
        series=ok,
        slot=now - dt.timedelta(days=20),
        organiser=manager,
        participant=regular,
        starts_at=now - dt.timedelta(days=20),
        ends_at=now - dt.timedelta(days=20) + dt.timedelta(minutes=30),
        status=Meeting.Status.COMPLETED,
    )
    monday_morning = _local_moment(manager.zone, weekday=0, hour=9, minute=30)
    assert reminders.queue_lapsed_nudges(now=monday_morning) == 1
    assert reminders.queue_lapsed_nudges(now=monday_morning + dt.timedelta(hours=1)) == 0
    row = Reminder.objects.get(kind=R.LAPSED_NUDGE)
    assert (row.recipient, row.meeting) == (manager, None)
    mail.outbox.clear()
    assert sending.deliver(row.pk, connection=mail.get_connection(), now=monday_morning) == "sent"
    [message] = mail.outbox
    assert message.subject == "2 of your reports have not had a 1:1 for a while"
    assert "Kenji Tokyo: last 1:1 on" in message.body
    assert "Quinn Quiet: no 1:1 held yet" in message.body
    assert "Rae Regular" not in message.body
    assert f"{SITE}/meetings/team/" in message.body
    # Tuesday: not the manager's day.
    assert reminders.queue_lapsed_nudges(now=monday_morning + dt.timedelta(days=1)) == 0


def _local_moment(zone, *, weekday: int, hour: int, minute: int) -> dt.datetime:
    today = timezone.localtime(timezone.now(), zone).date()
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def test_the_nudge_is_not_sent_when_nobody_is_lapsed_any_more(pair):
    manager, _ = pair
    row = Reminder.objects.create(
        kind=R.LAPSED_NUDGE, recipient=manager, subject="week:2030-W01", due_at=timezone.now()
    )
    assert sending.deliver(row.pk, connection=mail.get_connection()) == "cancelled"
    assert mail.outbox == []


# --- What the sweep records ----------------------------------------------------------------


def test_a_stale_reminder_is_dropped_not_sent_late(pair, settings):
    settings.REMINDER_STALE_AFTER_MINUTES = 30
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=5, hour=14))
    row = Reminder.objects.get(meeting=meeting, kind=R.AGENDA_PROMPT, recipient=report)
    later = row.due_at + dt.timedelta(minutes=31)
    assert sending.deliver(row.pk, connection=mail.get_connection(), now=later) == "dropped"
    row.refresh_from_db()
    assert row.state == S.DROPPED
    assert "passed 31 minutes" in row.reason
    assert mail.outbox == []


def test_a_reminder_never_goes_after_the_meeting_started(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=5, hour=14))
    row = Reminder.objects.get(meeting=meeting, kind=R.STARTING_SOON, recipient=report)
    assert sending.deliver(row.pk, connection=mail.get_connection(), now=meeting.starts_at) == (
        "dropped"
    )


def test_a_cancelled_meeting_never_produces_a_reminder_even_if_a_row_slipped_through(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=5, hour=14))
    row = Reminder.objects.get(meeting=meeting, kind=R.STARTING_SOON, recipient=report)
    # Cancelled behind the services' back: the sweep checks again.
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    assert sending.deliver(row.pk, connection=mail.get_connection(), now=row.due_at) == (
        "cancelled"
    )
    assert mail.outbox == []


def test_a_moved_meeting_never_produces_a_reminder_at_the_old_time(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=5, hour=14))
    row = Reminder.objects.get(meeting=meeting, kind=R.STARTING_SOON, recipient=report)
    old_due = row.due_at
    later = meeting.starts_at + dt.timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=later, ends_at=later + dt.timedelta(minutes=30)
    )
    # Moved behind the outbox's back: the row of the old time is not sent.
    assert sending.deliver(row.pk, connection=mail.get_connection(), now=old_due) == S.CANCELLED
    row.refresh_from_db()
    assert (row.state, row.reason) == (S.CANCELLED, "The meeting moved; its new time has its own.")
    assert mail.outbox == []


def test_a_failed_send_is_retried_by_the_next_sweep_up_to_a_cap(pair, settings):
    settings.REMINDER_MAX_ATTEMPTS = 2
    settings.EMAIL_BACKEND = "notifications.tests.mail_backends.BrokenBackend"
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=5, hour=14))
    Reminder.objects.exclude(meeting=meeting, kind=R.INVITATION, recipient=report).delete()
    first = sending.send_due_reminders()
    assert (first.failed, first.sent) == (1, 0)
    row = Reminder.objects.get()
    assert (row.state, row.attempts) == (S.PENDING, 1)
    assert "SMTPServerDisconnected" in row.last_error
    second = sending.send_due_reminders()
    assert second.failed == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (S.FAILED, 2)
    assert sending.send_due_reminders().failed == 0


def test_a_sweep_sends_every_due_row_once(pair):
    manager, report = pair
    book_at(manager, report, next_utc(days=5, hour=14))
    book_at(manager, report, next_utc(days=6, hour=14))
    result = sending.send_due_reminders(batch_size=1)
    assert result.sent == 4  # the four invitations
    assert len(mail.outbox) == 4
    assert sending.send_due_reminders().sent == 0
    assert len(mail.outbox) == 4


# --- With agendas and actions ------------------------------------------------------------


def test_the_prompt_and_the_reminder_show_the_agenda_so_far(pair):
    from meetings.record import services as record_services

    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=5, hour=14))
    record_services.agenda_item_add(meeting=meeting, by=manager, text="Team news & plans")
    record_services.agenda_item_add(meeting=meeting, by=report, text="My <b>workload</b>")
    row = Reminder.objects.get(meeting=meeting, kind=R.AGENDA_PROMPT, recipient=manager)
    [message] = send_row(row)
    body = message.body
    # The report's items first, as on the meeting page; plain text stays plain.
    assert body.index("- My <b>workload</b> (Kenji Tokyo)") < body.index(
        "- Team news & plans (Nora York)"
    )
    assert "Nothing on the agenda yet." not in body
    html = message.alternatives[0][0]
    assert "My &lt;b&gt;workload&lt;/b&gt;" in html
    row = Reminder.objects.get(meeting=meeting, kind=R.STARTING_SOON, recipient=report)
    [message] = send_row(row)
    assert "Agenda so far:" in message.body
    assert "Team news & plans" in message.body


def test_completing_a_meeting_cancels_its_follow_up(pair):
    from meetings.record import services as record_services

    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=2, hour=9))
    record_services.meeting_complete(
        meeting=meeting, by=manager, now=meeting.starts_at + dt.timedelta(minutes=20)
    )
    row = Reminder.objects.get(meeting=meeting, kind=R.FOLLOW_UP)
    assert (row.state, row.reason) == (S.CANCELLED, "The meeting was recorded as held.")


def _action(meeting, owner, text, due, *, done=False):
    from meetings.models import ActionItem

    return ActionItem.objects.create(
        meeting=meeting,
        owner=owner,
        description=text,
        due_date=due,
        done=done,
        done_at=timezone.now() if done else None,
        created_by=owner,
    )


def test_actions_due_tomorrow_go_to_their_owner_in_their_own_morning(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=1, hour=9))
    # 09:30 on a day in Tokyo: the report's morning, the middle of the night in New York.
    tokyo_morning = dt.datetime.combine(
        timezone.now().date() + dt.timedelta(days=3), dt.time(9, 30), tzinfo=report.zone
    )
    tomorrow = tokyo_morning.date() + dt.timedelta(days=1)
    _action(meeting, report, "Write up the release notes", tomorrow)
    _action(meeting, report, "Already done", tomorrow, done=True)
    _action(meeting, report, "Later", tomorrow + dt.timedelta(days=1))
    _action(meeting, manager, "Manager's own", tomorrow)
    assert reminders.queue_action_reminders(now=tokyo_morning) == 1
    assert reminders.queue_action_reminders(now=tokyo_morning + dt.timedelta(hours=1)) == 0
    row = Reminder.objects.get(kind=R.ACTIONS_DUE)
    assert (row.recipient, row.subject) == (report, f"actions:{tomorrow.isoformat()}")
    mail.outbox.clear()
    assert sending.deliver(row.pk, connection=mail.get_connection(), now=tokyo_morning) == "sent"
    [message] = mail.outbox
    assert message.to == ["Kenji Tokyo <kenji@example.org>"]
    assert message.subject == "1 of your actions is due tomorrow"
    assert "- Write up the release notes (from your 1:1 with Nora York:" in message.body
    assert f"{SITE}/meetings/{meeting.pk}/" in message.body
    assert f"{SITE}/meetings/actions/" in message.body
    assert "Already done" not in message.body and "Later" not in message.body
    assert "Manager's own" not in message.body


def test_no_actions_email_once_they_are_all_done(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=1, hour=9))
    tokyo_morning = dt.datetime.combine(
        timezone.now().date() + dt.timedelta(days=3), dt.time(10, 0), tzinfo=report.zone
    )
    action = _action(meeting, report, "Write it", tokyo_morning.date() + dt.timedelta(days=1))
    reminders.queue_action_reminders(now=tokyo_morning)
    from meetings.record import services as record_services

    record_services.action_set_done(action=action, by=report, done=True)
    row = Reminder.objects.get(kind=R.ACTIONS_DUE)
    assert sending.deliver(row.pk, connection=mail.get_connection(), now=tokyo_morning) == (
        "cancelled"
    )
    assert mail.outbox == []


def test_people_who_turned_actions_emails_off_get_none(pair):
    manager, report = pair
    meeting = book_at(manager, report, next_utc(days=1, hour=9))
    notification_services.preferences_update(user=report, actions_due=False)
    tokyo_morning = dt.datetime.combine(
        timezone.now().date() + dt.timedelta(days=3), dt.time(10, 0), tzinfo=report.zone
    )
    _action(meeting, report, "Write it", tokyo_morning.date() + dt.timedelta(days=1))
    assert reminders.queue_action_reminders(now=tokyo_morning) == 0
