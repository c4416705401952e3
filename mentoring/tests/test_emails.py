"""What a mentoring pair is told about their check-ins calls them mentoring check-ins,
never 1:1s: the invitations, and what ending the relationship removes, through the
real outbox and sweep (the words are ``meetings.models.KIND_WORDS``; every message of
every kind is rendered in ``notifications/tests/test_kind_words.py``)."""

from django.core import mail

from mentoring import services
from notifications import sending
from notifications.tests.test_kind_words import ONE_TO_ONE


def test_check_ins_and_their_end_are_told_as_mentoring_check_ins(
    check_ins, mentorship, employee, mentor
):
    sending.send_due_reminders()
    invitations = [m for m in mail.outbox if m.subject.startswith("Invitation: ")]
    assert invitations
    assert {m.subject.split(",")[0] for m in invitations} == {
        "Invitation: Mentoring check-in with Max Mentor",
        "Invitation: Mentoring check-in with Emma Employee",
    }
    assert all("Your mentoring check-in with " in m.body for m in invitations)

    told = list(mail.outbox)
    mail.outbox.clear()
    to_come = check_ins.meetings.filter(status="scheduled").count()
    invited = len(invitations) // 2
    services.mentorship_end(mentorship=mentorship, by=employee)
    sending.send_due_reminders()
    to_mentor = [m for m in mail.outbox if mentor.email in m.to[0]]
    cancels = [m for m in to_mentor if m.subject.startswith("Cancelled: ")]
    assert {m.subject.split(",")[0] for m in cancels} == {
        "Cancelled: Mentoring check-in with Emma Employee"
    }
    [removed] = [m for m in to_mentor if m.subject.startswith("Removed: ")]
    assert removed.subject == f"Removed: {to_come - invited} mentoring check-ins with Emma Employee"
    assert f"These {to_come - invited} mentoring check-ins with Emma Employee are removed" in (
        removed.body
    )
    for message in told + mail.outbox:
        assert not ONE_TO_ONE.search(message.subject + message.body), message.subject
