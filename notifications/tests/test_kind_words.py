"""Every email, chat line and calendar event names a meeting by its kind: a 1:1, a
mentoring check-in, an office hours slot, a wellbeing chat. The words come from one
place (``meetings.models.KIND_WORDS``); here each message about a meeting is built and
rendered for a meeting of each kind, and none calls anything but a 1:1 a "1:1"."""

import datetime as dt
import re

import icalendar
import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from meetings.models import KIND_WORDS, ActionItem, ChangeRequest, Kind, Meeting
from meetings.tests.factories import MeetingFactory
from notifications import chat_messages, sending
from notifications import outbox as reminders
from notifications.calendar import calendar_bytes, invitation_bytes
from notifications.models import Reminder

R = Reminder.Kind
WEDNESDAY = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)
# "1:1" as a word: not the "1:1" inside a time such as 11:10 or 21:15.
ONE_TO_ONE = re.compile(r"(?<![\d:])1:1(?![\d:])")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def meeting_of(kind, manager, employee, *, days=3):
    meeting = MeetingFactory(
        organiser=manager,
        participant=employee,
        kind=kind,
        starts_at=WEDNESDAY + dt.timedelta(days=days),
        ends_at=WEDNESDAY + dt.timedelta(days=days, minutes=30),
    )
    ActionItem.objects.create(
        meeting=meeting,
        owner=employee,
        created_by=manager,
        description="Send the draft",
        due_date=(WEDNESDAY + dt.timedelta(days=1)).date(),
    )
    return meeting


def rows_about(meeting: Meeting, recipient, *, by) -> dict[str, Reminder]:
    """One outbox row (unsaved: only rendered) of every message about a meeting."""
    snapshot = reminders.meeting_snapshot(meeting)
    move = ChangeRequest.objects.create(
        meeting=meeting,
        requested_by=by,
        action=ChangeRequest.Action.MOVE,
        proposed_starts_at=meeting.starts_at + dt.timedelta(days=1),
    )
    cancel = ChangeRequest.objects.create(
        meeting=meeting,
        requested_by=by,
        action=ChangeRequest.Action.CANCEL,
        reason="other",
        status=ChangeRequest.Status.DECLINED,
        decided_by=recipient,
    )

    def row(kind: str, **payload) -> Reminder:
        return Reminder(
            kind=kind,
            recipient=recipient,
            meeting=meeting,
            subject=f"test:{kind}",
            payload=payload,
            due_at=WEDNESDAY,
        )

    changed = {"by": by.pk, "sequence": meeting.sequence}
    removed = {"change": reminders.REMOVED, "by": by.pk, "series": None}
    return {
        "agenda prompt": row(R.AGENDA_PROMPT),
        "starting soon": row(R.STARTING_SOON),
        "follow-up": row(R.FOLLOW_UP),
        "invitation": row(R.INVITATION, method="REQUEST"),
        "updated invitation": row(R.INVITATION, method="REQUEST", update=True),
        "calendar cancellation": row(R.INVITATION, method="CANCEL", event=snapshot),
        "request to move": row(R.CHANGE_REQUESTED, request=move.pk),
        "request to cancel": row(R.CHANGE_REQUESTED, request=cancel.pk),
        "answer": row(R.REQUEST_ANSWERED, request=cancel.pk),
        "moved": row(R.MEETING_CHANGED, change=reminders.MOVED, **changed),
        "cancelled": row(R.MEETING_CHANGED, change=reminders.CANCELLED, **changed),
        "one removed": row(R.MEETING_CHANGED, events=[snapshot], **removed),
        "three removed": row(R.MEETING_CHANGED, events=[snapshot] * 3, **removed),
        "summary": row(R.SUMMARY),
        "actions due": row(R.ACTIONS_DUE, day=(WEDNESDAY + dt.timedelta(days=1)).isoformat()),
    }


@pytest.mark.parametrize("kind", Kind.values)
def test_every_email_about_a_meeting_names_it_by_its_kind(kind, manager, employee):
    meeting = meeting_of(kind, manager, employee)
    words = KIND_WORDS[kind]
    connection = mail.get_connection()
    for what, row in rows_about(meeting, employee, by=manager).items():
        if what == "actions due":
            row.subject = reminders.actions_subject(WEDNESDAY.date() + dt.timedelta(days=1))
        email = sending.build_email(row, WEDNESDAY)
        assert email is not None, what
        message = sending.render_message(row, email, connection)
        html = message.alternatives[0].content
        said = (message.subject, message.body, html)
        if what in ("invitation", "updated invitation", "calendar cancellation"):
            assert f"{words.title} with Morgan Manager" in message.subject, what
        elif what == "three removed":
            assert f"3 {words.many} with Morgan Manager" in message.subject
            assert f"These 3 {words.many} with Morgan Manager" in message.body
        elif what != "actions due":  # its subject counts actions, not meetings
            named = words.one in message.subject.lower() or words.title in message.subject
            assert named, (what, message.subject)
        assert words.one in message.body, (what, message.body)
        assert words.one in html, (what, html)
        if kind != Kind.ONE_TO_ONE:
            for text in said:
                assert not ONE_TO_ONE.search(str(text)), (what, text)
        if email.calendar:
            event = icalendar.Calendar.from_ical(email.calendar[1]).walk("VEVENT")[0]
            assert str(event["summary"]) == f"{words.title} with Morgan Manager"


@pytest.mark.parametrize("kind", Kind.values)
def test_every_chat_line_about_a_meeting_names_it_by_its_kind(kind, manager, employee):
    meeting = meeting_of(kind, manager, employee)
    words = KIND_WORDS[kind]
    rows = rows_about(meeting, employee, by=manager)
    for what, row in rows.items():
        if row.kind not in chat_messages.MESSAGES or what == "actions due":
            continue  # email only (invitations, summaries); actions due name no meeting
        said = chat_messages.chat_message(row, WEDNESDAY)
        assert said is not None, what
        assert words.one in said.text or words.many in said.text, (what, said.text)
        assert (
            words.one in said.link_text
            or words.many in said.link_text
            or (said.link_text in ("Add to the agenda", "Answer"))
        ), (what, said.link_text)
        if kind != Kind.ONE_TO_ONE:
            assert not ONE_TO_ONE.search(said.text), (what, said.text)
            assert not ONE_TO_ONE.search(said.link_text), (what, said.link_text)


def test_the_words_for_each_kind(manager, employee):
    hours = meeting_of(Kind.OFFICE_HOURS, manager, employee)
    check_in = meeting_of(Kind.MENTORING, manager, employee, days=4)
    soon = Reminder(kind=R.STARTING_SOON, recipient=employee, meeting=hours, due_at=WEDNESDAY)
    email = sending.build_email(soon, WEDNESDAY)
    assert email is not None
    assert email.subject.startswith("Soon: your office hours slot with Morgan Manager, ")
    soon.meeting = check_in
    email = sending.build_email(soon, WEDNESDAY)
    assert email is not None
    assert email.subject.startswith("Soon: your mentoring check-in with Morgan Manager")
    assert KIND_WORDS[Kind.ONE_TO_ONE].counted(1) == "1:1"
    assert KIND_WORDS[Kind.MENTORING].counted(2) == "2 mentoring check-ins"


def test_calendar_events_and_downloads_are_titled_by_kind(client, manager, employee):
    hours = meeting_of(Kind.OFFICE_HOURS, manager, employee)
    check_in = meeting_of(Kind.MENTORING, manager, employee, days=4)
    feed = icalendar.Calendar.from_ical(
        calendar_bytes([hours, check_in], for_user=employee, name="x")
    )
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == [
        "Office hours with Morgan Manager",
        "Mentoring check-in with Morgan Manager",
    ]
    invitation = icalendar.Calendar.from_ical(
        invitation_bytes(hours, for_user=manager, method="REQUEST")
    )
    assert str(invitation.walk("VEVENT")[0]["summary"]) == "Office hours with Emma Employee"
    client.force_login(employee)
    response = client.get(reverse("meetings:meeting_ics", args=[hours.pk]))
    assert response.status_code == 200
    assert "X-WR-CALNAME:Office hours" in response.content.decode()
