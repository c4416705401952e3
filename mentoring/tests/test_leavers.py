"""A leaver's mentoring: anonymising them (``privacy.services.person_anonymise``) ends
every open relationship of theirs, active or proposed, and the other person is told,
through the real outbox and sweep, without the leaver's name."""

from django.core import mail
from django.urls import reverse

from meetings.models import MeetingSeries
from mentoring.models import Mentorship
from mentoring.tests.factories import MentorshipFactory
from notifications import sending
from people.tests.factories import UserFactory
from privacy.services import person_anonymise

S = Mentorship.Status


def test_a_leavers_relationships_end_and_the_others_are_told(
    client, check_ins, mentorship, employee, mentor, admin_user
):
    # The mentor had also asked someone else to mentor them, not answered yet.
    senior = UserFactory(full_name="Sam Senior", email="sam@example.org")
    asked = MentorshipFactory(
        mentor=senior, mentee=mentor, proposed_by=mentor, status=S.PROPOSED, accepted_at=None
    )
    sending.send_due_reminders()
    mail.outbox.clear()

    person_anonymise(person=mentor, by=admin_user)

    for relationship in (mentorship, asked):
        relationship.refresh_from_db()
        assert (relationship.status, relationship.ended_by) == (S.ENDED, admin_user)
        assert relationship.ended_at is not None
    check_ins.refresh_from_db()
    assert check_ins.status == MeetingSeries.Status.ENDED

    sending.send_due_reminders()
    told = {m.to[0].split("<")[-1].rstrip(">"): m for m in mail.outbox if "has left" in m.subject}
    assert set(told) == {employee.email, senior.email}  # the leaver is told nothing
    assert told[employee.email].subject == "Your mentor has left: mentoring has ended"
    assert told[senior.email].subject == "Your mentee has left: mentoring has ended"
    to_employee = told[employee.email]
    assert "Your mentor no longer works here, so your mentoring has ended." in to_employee.body
    html = to_employee.alternatives[0][0]
    assert "Your mentor no longer works here" in html
    for message in told.values():
        assert "Max Mentor" not in message.subject + message.body + message.alternatives[0][0]

    # The mentee's page lists it as ended, with nothing open.
    client.force_login(employee)
    page = client.get(reverse("mentoring:mine")).content.decode()
    assert "mentoring you: ended" in page
    assert not Mentorship.objects.filter(mentee=employee, status__in=[S.ACTIVE, S.PROPOSED])


def test_anonymising_someone_without_mentoring_changes_no_relationship(
    mentorship, manager, admin_user, outsider
):
    person_anonymise(person=outsider, by=admin_user)
    mentorship.refresh_from_db()
    assert mentorship.status == S.ACTIVE
