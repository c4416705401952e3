"""A moved meeting is reminded at its new time, once, by the real sweep in a real
Celery worker; a cancelled one has nothing waiting. These tests commit
(``transactional_db``) so that the worker's threads see the rows."""

import datetime as dt

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from notifications import outbox as reminders
from notifications import sending
from notifications.models import Reminder
from notifications.tests.test_reminder_reliability import local_input, wait_for
from oneonones.celery import app

pytestmark = pytest.mark.celery_worker

R = Reminder.Kind
S = Reminder.State


def sweep_in_a_worker() -> list:
    """Beat's every-minute sweep, run by a real worker until nothing due is left; the
    worker is stopped before the messages are counted. Returns what it sent."""
    from notifications.tasks import send_due_reminders

    mail.outbox.clear()
    app.control.purge()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        send_due_reminders.delay()
        wait_for(
            lambda: (
                not Reminder.objects.filter(state=S.PENDING, due_at__lte=timezone.now()).exists()
            ),
            timeout=60,
            what="the worker to send what is due",
        )
    return list(mail.outbox)


def soon_messages(messages) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for message in messages:
        if message.subject.startswith("Soon: "):
            found.setdefault(message.to[0], []).append(message.subject)
    return found


def book_through_the_page(client, manager, employee, starts_at) -> Meeting:
    client.force_login(manager)
    response = client.post(
        reverse("meetings:meeting_new"),
        {
            "participant": employee.pk,
            "kind": "one_to_one",
            "starts_at": local_input(starts_at, manager),
            "duration_minutes": 30,
            "format": "video",
            "location": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Meeting.objects.get(organiser=manager)


def test_a_moved_meeting_is_reminded_once_at_its_new_time(
    transactional_db, client, manager, employee
):
    start = (timezone.now() + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    meeting = book_through_the_page(client, manager, employee, start)
    assert soon_messages(sweep_in_a_worker()) == {}  # the invitations only

    # An hour before: "starting soon" to both; then the organiser moves the meeting.
    new_start = start + dt.timedelta(hours=3)
    with time_machine.travel(start - dt.timedelta(minutes=59), tick=True):
        first = soon_messages(sweep_in_a_worker())
        assert sorted(len(subjects) for subjects in first.values()) == [1, 1]
        response = client.post(
            reverse("meetings:meeting_move", args=[meeting.pk]),
            {"starts_at": local_input(new_start, manager), "note": ""},
        )
        assert response.status_code == 302
        waiting = Reminder.objects.filter(meeting=meeting, kind=R.STARTING_SOON, state=S.PENDING)
        assert sorted(waiting.values_list("recipient_id", flat=True)) == sorted(
            [manager.pk, employee.pk]
        )
        assert {row.due_at for row in waiting} == {new_start - dt.timedelta(hours=1)}
        # The updated invitations go at once; no second "starting soon" yet.
        assert soon_messages(sweep_in_a_worker()) == {}

    # An hour before the new time, the worker sends each person's reminder, once.
    with time_machine.travel(new_start - dt.timedelta(minutes=59), tick=True):
        again = soon_messages(sweep_in_a_worker())
        assert sending.send_due_reminders().sent == 0  # nothing left, nothing twice
    assert sorted(again) == sorted(first)
    for person in (manager, employee):
        [subject] = [s for to, subjects in again.items() if person.email in to for s in subjects]
        local = timezone.localtime(new_start, person.zone)
        assert f"{local:%H:%M}" in subject
    assert not Reminder.objects.filter(meeting=meeting, kind=R.STARTING_SOON, state=S.PENDING)


def test_a_cancelled_meeting_has_nothing_waiting(transactional_db, client, manager, employee):
    start = (timezone.now() + dt.timedelta(days=4)).replace(second=0, microsecond=0)
    meeting = book_through_the_page(client, manager, employee, start)
    sweep_in_a_worker()
    response = client.post(
        reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "away", "note": ""}
    )
    assert response.status_code == 302
    pending = Reminder.objects.filter(meeting=meeting, state=S.PENDING)
    assert not pending.filter(kind__in=reminders.MEETING_KINDS).exists()
    # Only the calendars' cancellations wait, due now, and go once.
    assert {(row.kind, row.payload["method"]) for row in pending} == {(R.INVITATION, "CANCEL")}
    sent = sweep_in_a_worker()
    assert sorted(m.subject.split(":")[0] for m in sent) == ["Cancelled", "Cancelled"]
    assert not Reminder.objects.filter(meeting=meeting, state=S.PENDING).exists()
