"""Every change is told, to the right person, at once, through the pages people use:
requests to move or cancel and their answers, moves and cancellations however far
ahead, objective decisions, each one under the person's own switch; the wrap-up's
shared notes when both people want them; and the calendar feed always matching the
database."""

import datetime as dt

import icalendar
import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings.formatting import format_span
from meetings.models import ChangeRequest, Meeting, MeetingSeries
from meetings.scheduling import services
from meetings.tests.factories import NoteFactory, SeriesFactory, weekly
from meetings.tests.test_views import booking_data
from notifications import outbox as reminders
from notifications import sending
from notifications import services as notification_services
from notifications.models import Reminder
from notifications.tests.test_notifications_view import form_data
from objectives.models import Objective, State

R = Reminder.Kind
S = Reminder.State
SITE = "https://oneonones.example.com"


# An ordinary Wednesday: no clock change within the six months the tests book ahead in
# London, New York or Tokyo, and no month end near the far meetings they pick.
WEDNESDAY = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    """The tests count days ahead of "now": pinned, they give the same meetings on any
    date the suite runs (the clock still ticks, for the sweeps' due times)."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


@pytest.fixture(autouse=True)
def _apart(settings, manager, employee):
    """The two people live in different zones, so each email must use its reader's."""
    settings.SITE_URL = SITE
    manager.time_zone = "America/New_York"
    manager.save(update_fields=["time_zone"])
    employee.time_zone = "Asia/Tokyo"
    employee.save(update_fields=["time_zone"])


def local_input(moment: dt.datetime, user) -> str:
    return timezone.localtime(moment, user.zone).strftime("%Y-%m-%dT%H:%M")


def move(client, person, meeting: Meeting, starts_at: dt.datetime, note: str = "") -> None:
    """``person`` moves the meeting (the organiser) or asks to (the report), on its page."""
    client.force_login(person)
    response = client.post(
        reverse("meetings:meeting_move", args=[meeting.pk]),
        {"starts_at": local_input(starts_at, person), "note": note},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def cancel(client, person, meeting: Meeting, reason: str = "away") -> None:
    """``person`` cancels the meeting (the organiser) or asks to (the report)."""
    client.force_login(person)
    response = client.post(
        reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": reason, "note": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def span(moment: dt.datetime, user, minutes: int = 30) -> str:
    return format_span(moment, moment + dt.timedelta(minutes=minutes), user.zone)


def book(manager, employee, *, days: int) -> Meeting:
    start = (timezone.now() + dt.timedelta(days=days)).replace(
        hour=14, minute=0, second=0, microsecond=0, tzinfo=dt.UTC
    )
    return services.meeting_book(
        organiser=manager,
        participant=employee,
        starts_at=start,
        duration_minutes=30,
        format="video",
        location="https://video.example.com/me",
    )


def sweep() -> dict:
    """One sweep of the outbox, as beat runs it; returns the messages sent by address."""
    mail.outbox.clear()
    sending.send_due_reminders()
    sent: dict[str, list] = {}
    for message in mail.outbox:
        sent.setdefault(message.to[0].split("<")[-1].rstrip(">"), []).append(message)
    return sent


def calendar_of(message) -> icalendar.Calendar:
    [part] = [p for p in message.attachments if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def far_series_meeting(manager, employee):
    """A meeting of a series two months ahead: its invitation has not gone out yet."""
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly())
    services.series_generate(series_id=series.pk)
    sweep()  # what is due now (the invitations of the coming fortnight) goes first
    meeting = series.meetings.filter(starts_at__gt=timezone.now() + dt.timedelta(days=60)).first()
    assert not meeting.reminders.filter(kind=R.INVITATION, state=S.SENT).exists()
    return meeting


# --- Requests and their answers -----------------------------------------------------------


def test_a_request_to_move_emails_the_organiser_and_the_answer_emails_the_report(
    client, manager, employee
):
    meeting = book(manager, employee, days=6)
    sweep()
    proposed = meeting.starts_at + dt.timedelta(days=1, hours=2)
    move(client, employee, meeting, proposed, note="Dentist")
    sent = sweep()
    assert set(sent) == {manager.email}  # the organiser only, and at once
    [message] = sent[manager.email]
    assert (
        message.subject
        == f"Emma Employee asks to move your 1:1, {span(meeting.starts_at, manager)}"
    )
    assert f"to {span(proposed, manager)}" in message.body  # New York time, not Tokyo's
    assert "Their note: Dentist" in message.body
    assert f"{SITE}/meetings/{meeting.pk}/" in message.body

    client.force_login(manager)
    request = ChangeRequest.objects.get(meeting=meeting)
    response = client.post(reverse("meetings:request_accept", args=[meeting.pk, request.pk]))
    assert response.status_code == 302
    sent = sweep()
    answers = [m for m in sent[employee.email] if "agreed" in m.subject]
    [answer] = answers
    assert answer.subject == "Morgan Manager agreed to your request to move your 1:1"
    assert f"It is now {span(proposed, employee)}" in answer.body  # in Tokyo time
    # Both calendars had the meeting: each gets the updated invitation, newer SEQUENCE.
    for person in (manager, employee):
        [update] = [m for m in sent[person.email] if m.subject.startswith("Updated invitation")]
        calendar = calendar_of(update)
        assert str(calendar["method"]) == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert (event["sequence"], event.decoded("dtstart")) == (1, proposed)
    assert len(sent[manager.email]) == 1  # no plain email on top of the invitation
    assert sweep() == {}  # each once


def test_a_request_to_cancel_declined_tells_the_report_and_changes_nothing_else(
    client, manager, employee
):
    meeting = book(manager, employee, days=6)
    sweep()
    cancel(client, employee, meeting, reason="nothing_to_discuss")
    [asked] = sweep()[manager.email]
    assert asked.subject.startswith("Emma Employee asks to cancel your 1:1, ")
    assert "Reason: Nothing to discuss this time" in asked.body
    client.force_login(manager)
    request = ChangeRequest.objects.get(meeting=meeting)
    client.post(reverse("meetings:request_decline", args=[meeting.pk, request.pk]))
    sent = sweep()
    assert set(sent) == {employee.email}
    [answer] = sent[employee.email]
    assert answer.subject == "Morgan Manager said no to your request to cancel your 1:1"
    assert f"It stays {span(meeting.starts_at, employee)}" in answer.body


def test_a_request_answered_before_the_sweep_is_not_sent(client, manager, employee):
    meeting = book(manager, employee, days=6)
    sweep()
    cancel(client, employee, meeting, reason="nothing_to_discuss")
    # The organiser moves the meeting themselves first: the request is withdrawn.
    services.meeting_move(
        meeting=meeting, by=manager, starts_at=meeting.starts_at + dt.timedelta(hours=1)
    )
    sent = sweep()
    assert not any("asks to" in m.subject for ms in sent.values() for m in ms)
    row = Reminder.objects.get(kind=R.CHANGE_REQUESTED)
    assert (row.state, row.reason) == (S.CANCELLED, "The request was answered or withdrawn first.")


# --- Moves and cancellations, however far ahead ------------------------------------------------


def test_moving_a_meeting_beyond_the_invitation_window_emails_both(client, manager, employee):
    meeting = far_series_meeting(manager, employee)
    new_start = meeting.starts_at + dt.timedelta(hours=3)
    move(client, manager, meeting, new_start)
    sent = sweep()
    assert set(sent) == {manager.email, employee.email}
    [to_report] = sent[employee.email]
    assert (
        to_report.subject
        == f"Moved: your 1:1 with Morgan Manager is now {span(new_start, employee)}"
    )
    assert f"no longer {span(meeting.starts_at, employee)}" in to_report.body
    assert "(by Morgan Manager)" in to_report.body
    assert f"{SITE}/meetings/{meeting.pk}/" in to_report.body
    assert not to_report.attachments  # no calendar had it yet
    [to_organiser] = sent[manager.email]
    assert "(by you)" in to_organiser.body
    assert span(new_start, manager) in to_organiser.subject


def test_cancelling_a_far_meeting_emails_both_and_leaves_nothing_waiting(client, manager, employee):
    meeting = far_series_meeting(manager, employee)
    cancel(client, manager, meeting)
    assert not meeting.reminders.filter(
        state=S.PENDING, kind__in=[*reminders.MEETING_KINDS, R.INVITATION]
    ).exists()
    sent = sweep()
    for person, other in ((manager, employee), (employee, manager)):
        [message] = sent[person.email]
        assert message.subject == (
            f"Cancelled: your 1:1 with {other.full_name}, {span(meeting.starts_at, person)}"
        )
        assert "Reason: Away" in message.body
    assert sweep() == {}


def test_cancelling_where_the_invitation_went_out_sends_cancel_instead(client, manager, employee):
    meeting = book(manager, employee, days=6)
    sweep()  # the invitations go out
    cancel(client, manager, meeting)
    sent = sweep()
    for person in (manager, employee):
        [message] = sent[person.email]
        calendar = calendar_of(message)
        assert str(calendar["method"]) == "CANCEL"
        [event] = calendar.walk("VEVENT")
        assert (str(event["status"]), event["sequence"]) == ("CANCELLED", 1)
        assert str(event["uid"]) == f"meeting-{meeting.pk}@oneonones"


def generated_series(manager, employee):
    """A weekly series, generated, whose first invitations have gone out."""
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly())
    services.series_generate(series_id=series.pk)
    sweep()  # the invitations of the coming fortnight go out; later ones wait
    return series


def invited_and_not(series, person) -> tuple[list[Meeting], list[Meeting]]:
    future = list(series.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at"))
    invited = {
        m.pk
        for m in future
        if m.reminders.filter(kind=R.INVITATION, recipient=person, state=S.SENT).exists()
    }
    return [m for m in future if m.pk in invited], [m for m in future if m.pk not in invited]


def test_ending_a_series_tells_both_of_every_meeting_removed(client, manager, employee):
    series = generated_series(manager, employee)
    told = {person: invited_and_not(series, person) for person in (manager, employee)}
    near, far = told[employee]
    assert near and far  # both cases are in play
    client.force_login(manager)
    response = client.post(reverse("meetings:series_end", args=[series.pk]))
    assert response.status_code == 302
    assert not series.meetings.filter(starts_at__gt=timezone.now()).exists()
    sent = sweep()
    for person, other in ((manager, employee), (employee, manager)):
        near, far = told[person]
        cancels = [m for m in sent[person.email] if m.attachments]
        plain = [m for m in sent[person.email] if not m.attachments]
        # Where the invitation went out, the calendar is told by a CANCEL...
        assert sorted(str(calendar_of(m).walk("VEVENT")[0]["uid"]) for m in cancels) == sorted(
            f"meeting-{m.pk}@oneonones" for m in near
        )
        assert all(str(calendar_of(m)["method"]) == "CANCEL" for m in cancels)
        # ...and every other removed meeting is in one plain email, in the reader's zone.
        [message] = plain
        assert message.subject == f"Removed: {len(far)} 1:1s with {other.full_name}"
        for meeting in far:
            assert f"- {format_span(meeting.starts_at, meeting.ends_at, person.zone)}\n" in (
                message.body
            )
        for meeting in near:
            assert format_span(meeting.starts_at, meeting.ends_at, person.zone) not in message.body
        who = "you" if person == manager else manager.full_name
        assert f"because {who} changed or ended the series" in message.body
    assert sweep() == {}  # each told once


def test_retiming_a_series_tells_both_of_the_meetings_it_replaced(client, manager, employee):
    series = generated_series(manager, employee)
    _, far = invited_and_not(series, employee)
    assert far
    services.series_update(series=series, by=manager, start_time=dt.time(10, 30))
    sent = sweep()
    for person in (manager, employee):
        [removed] = [m for m in sent[person.email] if m.subject.startswith("Removed: ")]
        for meeting in far:
            assert format_span(meeting.starts_at, meeting.ends_at, person.zone) in removed.body


def test_removed_meetings_are_not_emailed_to_who_turned_changes_off(client, manager, employee):
    series = generated_series(manager, employee)
    notification_services.preferences_update(user=employee, meeting_changes=False)
    near, _ = invited_and_not(series, employee)
    client.force_login(manager)
    client.post(reverse("meetings:series_end", args=[series.pk]))
    sent = sweep()
    # The calendar still hears of what it has; nothing else is sent to them.
    assert len(sent[employee.email]) == len(near)
    assert all(m.attachments for m in sent[employee.email])
    assert any(m.subject.startswith("Removed: ") for m in sent[manager.email])


# --- Objectives ---------------------------------------------------------------------------


def test_objective_proposed_confirmed_and_rejected_email_the_other_side(client, manager, employee):
    client.force_login(employee)
    client.post(reverse("objectives:new"), {"owner": "self", "title": "Cache deps"})
    client.post(reverse("objectives:new"), {"owner": "self", "title": "Learn Rust"})
    sent = sweep()
    assert set(sent) == {manager.email}
    assert sorted(m.subject for m in sent[manager.email]) == [
        "Emma Employee proposed an objective: Cache deps",
        "Emma Employee proposed an objective: Learn Rust",
    ]
    cache, rust = Objective.objects.order_by("pk")
    [proposal] = [m for m in sent[manager.email] if "Cache deps" in m.subject]
    assert f"{SITE}/objectives/{cache.pk}/" in proposal.body

    client.force_login(manager)
    transition = "objectives:transition"
    client.post(reverse(transition, args=[cache.pk]), {"action": "confirm", "note": ""})
    client.post(
        reverse(transition, args=[rust.pk]), {"action": "reject", "note": "Not this quarter"}
    )
    cache.refresh_from_db()
    assert cache.state == State.ACTIVE
    sent = sweep()
    assert set(sent) == {employee.email}
    subjects = sorted(m.subject for m in sent[employee.email])
    assert subjects == [
        "Morgan Manager confirmed your objective: Cache deps",
        "Morgan Manager did not agree your objective: Learn Rust",
    ]
    [rejected] = [m for m in sent[employee.email] if "Rust" in m.subject]
    assert "Why: Not this quarter" in rejected.body
    # Completing is not a decision: nobody is emailed about it.
    client.force_login(employee)
    client.post(reverse(transition, args=[cache.pk]), {"action": "complete", "note": ""})
    assert sweep() == {}


# --- Each kind under each person's own switch ------------------------------------------------


def test_turning_a_kind_off_stops_it_and_the_others_still_arrive(client, manager, employee):
    client.force_login(manager)
    page = client.get(reverse("meetings:notifications")).content.decode()
    assert "Tell me when someone asks to move or cancel a 1:1 with me" in page
    response = client.post(
        reverse("meetings:notifications"),
        form_data(change_requests=None),
    )
    assert response.status_code == 302
    meeting = far_series_meeting(manager, employee)
    cancel(client, employee, meeting, reason="nothing_to_discuss")
    client.post(reverse("objectives:new"), {"owner": "self", "title": "Cache deps"})
    sent = sweep()
    # The request is not emailed to the manager; the objective still is.
    assert [m.subject for m in sent[manager.email]] == [
        "Emma Employee proposed an objective: Cache deps"
    ]
    assert not Reminder.objects.filter(kind=R.CHANGE_REQUESTED).exists()

    # The report turns off plain change emails: the manager's cancellation reaches
    # only the manager's own mailbox, and the answer to the request still reaches her.
    client.post(
        reverse("meetings:notifications"),
        form_data(meeting_changes=None),
    )
    client.force_login(manager)
    request = ChangeRequest.objects.get()
    client.post(reverse("meetings:request_accept", args=[meeting.pk, request.pk]))
    sent = sweep()
    assert [m.subject for m in sent[employee.email]] == [
        "Morgan Manager agreed to your request to cancel your 1:1"
    ]
    assert [m.subject[:10] for m in sent[manager.email]] == ["Cancelled:"]


def test_a_switch_turned_off_after_the_row_was_written_still_stops_it(manager, employee):
    meeting = far_series_meeting(manager, employee)
    services.meeting_cancel(meeting=meeting, by=manager, reason="away")
    notification_services.preferences_update(user=employee, meeting_changes=False)
    sent = sweep()
    assert set(sent) == {manager.email}
    row = Reminder.objects.get(kind=R.MEETING_CHANGED, recipient=employee)
    assert (row.state, row.reason) == (S.CANCELLED, "Turned off in the person's settings.")


# --- The wrap-up's shared notes ------------------------------------------------------------


def complete_with_notes(client, manager, employee):
    start = (timezone.now() - dt.timedelta(hours=1)).replace(microsecond=0)
    meeting = Meeting.objects.create(
        organiser=manager,
        participant=employee,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
    )
    NoteFactory(meeting=meeting, author=manager, visibility="shared", body="We agreed on <Q3>")
    NoteFactory(meeting=meeting, author=manager, visibility="private", body="My own worry")
    client.force_login(manager)
    response = client.post(reverse("meetings:meeting_complete", args=[meeting.pk]))
    assert response.status_code in (200, 302)
    sent = sweep()  # as the minute's sweep does when the on-commit task never ran
    return {
        address: message
        for address, messages in sent.items()
        for message in messages
        if message.subject.startswith("Summary of your 1:1")
    }


def opt_in(client, person) -> None:
    client.force_login(person)
    response = client.post(
        reverse("meetings:notifications"),
        form_data(summary_shared_notes="on"),
    )
    assert response.status_code == 302


def test_the_wrap_up_carries_the_shared_notes_when_both_chose_it(client, manager, employee):
    opt_in(client, manager)
    opt_in(client, employee)
    sent = complete_with_notes(client, manager, employee)
    assert set(sent) == {manager.email, employee.email}
    for message in sent.values():
        assert "Shared notes\nWe agreed on <Q3>" in message.body
        html = message.alternatives[0][0]
        assert "We agreed on &lt;Q3&gt;" in html
        assert "My own worry" not in message.body and "My own worry" not in html


def test_the_wrap_up_leaves_the_notes_out_when_only_one_chose_it(client, manager, employee):
    opt_in(client, employee)
    sent = complete_with_notes(client, manager, employee)
    assert set(sent) == {manager.email, employee.email}
    for message in sent.values():
        assert "We agreed on" not in message.body
        assert "We agreed on" not in message.alternatives[0][0]


# --- The feed keeps matching the database ------------------------------------------------


def feed_events(client, user) -> dict:
    token = notification_services.calendar_feed_for(user=user).token
    response = client.get(reverse("meetings:calendar_feed", args=[token]))
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["x-published-ttl"].to_ical() == b"PT1H"
    assert "X-PUBLISHED-TTL:PT1H\r\n" in response.content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.content.decode()
    return {
        str(event["uid"]): (event.decoded("dtstart"), str(event["status"]), event["sequence"])
        for event in calendar.walk("VEVENT")
    }


def database_events(user) -> dict:
    since = timezone.now() - dt.timedelta(days=365)
    meetings = Meeting.objects.filter(
        organiser=user, starts_at__gte=since
    ) | Meeting.objects.filter(participant=user, starts_at__gte=since)
    return {
        f"meeting-{m.pk}@oneonones": (
            m.starts_at,
            "CANCELLED" if m.status == Meeting.Status.CANCELLED else "CONFIRMED",
            m.sequence,
        )
        for m in meetings
    }


def assert_feeds_match(client, *people) -> None:
    for person in people:
        assert feed_events(client, person) == database_events(person)


def test_the_feed_matches_the_database_after_every_change(client, manager, employee):
    client.force_login(manager)
    client.post(reverse("meetings:series_new"), booking_data(employee))
    series = MeetingSeries.objects.get()
    services.series_generate(series_id=series.pk)  # the job enqueued after commit
    assert_feeds_match(client, manager, employee)
    first, second, third = series.meetings.order_by("starts_at")[:3]

    move(client, manager, first, first.starts_at + dt.timedelta(hours=2))
    cancel(client, manager, second)
    assert_feeds_match(client, manager, employee)

    move(client, employee, third, third.starts_at + dt.timedelta(hours=1))
    client.force_login(manager)
    request = ChangeRequest.objects.get(meeting=third)
    client.post(reverse("meetings:request_accept", args=[third.pk, request.pk]))
    assert_feeds_match(client, manager, employee)
    third.refresh_from_db()
    assert (third.sequence, third.starts_at) == (1, request.proposed_starts_at)

    data = booking_data(employee, start_time="15:00")
    del data["participant"]
    client.post(reverse("meetings:series_edit", args=[series.pk]), data)
    services.series_generate(series_id=series.pk)
    assert_feeds_match(client, manager, employee)
    client.post(reverse("meetings:series_end", args=[series.pk]))
    assert_feeds_match(client, manager, employee)
