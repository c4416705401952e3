"""What a sign-up's two people are told calls it office hours, never a 1:1: the
invitation, the reminder before it and the cancellation, through the real outbox and
sweep (the words are ``meetings.models.KIND_WORDS``; every message of every kind is
rendered in ``notifications/tests/test_kind_words.py``)."""

import icalendar
from django.core import mail

from notifications import sending
from notifications.tests.test_kind_words import ONE_TO_ONE
from officehours import services
from officehours.tests.conftest import at

SLOT = "14:20\u201314:40 on Thu 7 Jan"  # the sign-up's time, in London as in UTC in winter


def sent_to(person) -> list:
    return [m for m in mail.outbox if person.email in m.to[0]]


def test_a_sign_up_is_told_as_office_hours(clock, hours, manager, employee):
    made = services.sign_up(hours=hours, person=employee, starts_at=at(7, 14, 20), topic="Pay")
    sending.send_due_reminders()
    [to_employee] = sent_to(employee)
    [to_host] = sent_to(manager)
    assert to_employee.subject == f"Invitation: Office hours with Morgan Manager, {SLOT}"
    assert f"Your office hours slot with Morgan Manager is booked for {SLOT}." in to_employee.body
    assert to_host.subject.startswith("Invitation: Office hours with Emma Employee, ")
    calendar = icalendar.Calendar.from_ical(to_host.attachments[0].get_payload(decode=True))
    assert str(calendar.walk("VEVENT")[0]["summary"]) == "Office hours with Emma Employee"

    told = list(mail.outbox)
    mail.outbox.clear()
    clock.move_to(at(7, 13, 21))
    sending.send_due_reminders()
    assert sorted(m.subject for m in mail.outbox) == [
        f"Soon: your office hours slot with Emma Employee, {SLOT}",
        f"Soon: your office hours slot with Morgan Manager, {SLOT}",
    ]

    told += mail.outbox
    mail.outbox.clear()
    services.sign_up_cancel(sign_up=made, by=employee, reason="away")
    sending.send_due_reminders()
    [cancelled] = sent_to(manager)
    assert cancelled.subject == f"Cancelled: Office hours with Emma Employee, {SLOT}"
    assert f"Your office hours slot with Emma Employee, {SLOT}, is cancelled" in cancelled.body
    for message in told + mail.outbox:
        assert not ONE_TO_ONE.search(message.subject + message.body)
