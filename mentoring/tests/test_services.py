import datetime as dt

import pytest
from django.core import mail

from meetings.models import AgendaItem, Kind, Meeting, MeetingSeries
from meetings.record import services as record_services
from meetings.scheduling import services as scheduling
from meetings.tests.factories import SeriesFactory, weekly
from mentoring import services
from mentoring.models import Mentorship
from mentoring.tests.conftest import book_check_ins, fortnightly
from notifications import sending
from notifications.models import NotificationPreferences, Reminder
from oneonones.errors import NotFound, ServiceError
from people.tests.factories import UserFactory

S = Mentorship.Status


def notices_to(person) -> list[Reminder]:
    return list(Reminder.objects.filter(kind=Reminder.Kind.MENTORING_UPDATE, recipient=person))


def test_it_lets_the_mentee_propose_and_the_mentor_accept(clock, employee, mentor):
    proposal = services.mentorship_propose(by=employee, other=mentor, as_role=services.MENTEE)
    assert (proposal.mentor, proposal.mentee, proposal.status) == (mentor, employee, S.PROPOSED)
    assert [n.payload["event"] for n in notices_to(mentor)] == ["proposed"]
    assert notices_to(employee) == []

    accepted = services.mentorship_accept(mentorship=proposal, by=mentor)
    assert accepted.status == S.ACTIVE and accepted.accepted_at is not None
    assert [n.payload["event"] for n in notices_to(employee)] == ["accepted"]

    sending.send_due_reminders()
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "Emma Employee asks you to mentor them",
        "Max Mentor accepted: mentoring starts",
    ]
    asked = next(m for m in mail.outbox if m.to[0].endswith("<max@example.org>"))
    assert "would like you to be their mentor" in asked.body
    assert "/mentoring/" in asked.body


def test_it_lets_a_mentor_offer_and_the_mentee_decline(clock, employee, mentor):
    offer = services.mentorship_propose(by=mentor, other=employee, as_role=services.MENTOR)
    assert (offer.mentor, offer.mentee) == (mentor, employee)
    declined = services.mentorship_decline(mentorship=offer, by=employee)
    assert declined.status == S.DECLINED and declined.declined_at is not None
    assert [n.payload["event"] for n in notices_to(mentor)] == ["declined"]
    # Declined is over: they may propose again.
    again = services.mentorship_propose(by=employee, other=mentor, as_role=services.MENTEE)
    assert again.status == S.PROPOSED


def test_the_proposer_cannot_answer_their_own_proposal(clock, employee, mentor):
    proposal = services.mentorship_propose(by=employee, other=mentor, as_role=services.MENTEE)
    with pytest.raises(ServiceError, match="Max Mentor answers this proposal"):
        services.mentorship_accept(mentorship=proposal, by=employee)
    assert Mentorship.objects.get().status == S.PROPOSED


def test_an_outsider_cannot_answer_or_end(clock, employee, mentor, outsider):
    proposal = services.mentorship_propose(by=employee, other=mentor, as_role=services.MENTEE)
    for act in (services.mentorship_accept, services.mentorship_decline, services.mentorship_end):
        with pytest.raises(NotFound):
            act(mentorship=proposal, by=outsider)
    assert Mentorship.objects.get().status == S.PROPOSED


@pytest.mark.parametrize(
    "pair, message",
    [
        ("self", "two different people"),
        ("manager", "line manager and their report"),
        ("report", "line manager and their report"),
    ],
)
def test_it_refuses_oneself_and_the_reporting_line(clock, employee, manager, pair, message):
    other = {"self": employee, "manager": manager, "report": employee}[pair]
    by = manager if pair == "report" else employee
    with pytest.raises(ServiceError, match=message):
        services.mentorship_propose(by=by, other=other, as_role=services.MENTEE)
    assert not Mentorship.objects.exists()


def test_one_open_relationship_per_pair_whoever_mentors(clock, employee, mentor):
    services.mentorship_propose(by=employee, other=mentor, as_role=services.MENTEE)
    with pytest.raises(ServiceError, match="already a mentoring proposal"):
        services.mentorship_propose(by=mentor, other=employee, as_role=services.MENTEE)
    assert Mentorship.objects.count() == 1


def test_a_leaver_cannot_be_proposed(clock, employee):
    gone = UserFactory(is_active=False)
    with pytest.raises(ServiceError, match="still work here"):
        services.mentorship_propose(by=employee, other=gone, as_role=services.MENTEE)


def test_hr_sets_up_a_pair_active_at_once_and_both_are_told(clock, hr, employee, mentor):
    pair = services.mentorship_set_up(by=hr, mentor=mentor, mentee=employee)
    assert pair.status == S.ACTIVE and pair.set_up_by_hr and pair.proposed_by == hr
    assert [n.payload["event"] for n in notices_to(mentor)] == ["set_up"]
    assert [n.payload["event"] for n in notices_to(employee)] == ["set_up"]
    sending.send_due_reminders()
    assert sorted(m.subject for m in mail.outbox) == [
        "HR set up mentoring: Emma Employee is your mentee",
        "HR set up mentoring: Max Mentor is your mentor",
    ]


def test_only_hr_sets_up_pairs(clock, manager, employee, mentor):
    with pytest.raises(NotFound):
        services.mentorship_set_up(by=manager, mentor=mentor, mentee=employee)
    assert not Mentorship.objects.exists()


def test_a_notice_turned_off_is_not_written(clock, employee, mentor):
    NotificationPreferences.objects.create(user=mentor, mentoring_updates=False)
    services.mentorship_propose(by=employee, other=mentor, as_role=services.MENTEE)
    assert notices_to(mentor) == []


# --- Booking: the mentee owns the series ------------------------------------------------


def test_the_mentee_books_check_ins_with_their_mentor(check_ins, employee, mentor):
    assert (check_ins.organiser, check_ins.participant, check_ins.kind) == (
        employee,
        mentor,
        Kind.MENTORING,
    )
    meetings = Meeting.objects.filter(series=check_ins)
    assert meetings.count() >= 12
    assert set(meetings.values_list("kind", flat=True)) == {Kind.MENTORING}


def test_no_mentoring_series_without_an_active_relationship(clock, employee, mentor):
    services.mentorship_propose(by=employee, other=mentor, as_role=services.MENTEE)
    with pytest.raises(ServiceError, match="once they have accepted"):
        book_check_ins(mentee=employee, mentor=mentor)
    assert not MeetingSeries.objects.exists()


def test_the_mentor_cannot_book_the_mentees_check_ins(clock, mentorship, employee, mentor):
    with pytest.raises(ServiceError, match="once they have accepted"):
        book_check_ins(mentee=mentor, mentor=employee)


def test_a_mentor_cannot_book_the_mentees_line_one_to_ones(clock, mentorship, employee, mentor):
    for kind in (Kind.ONE_TO_ONE, Kind.WELLBEING):
        with pytest.raises(ServiceError, match="people who report to you"):
            scheduling.series_create(
                organiser=mentor,
                participant=employee,
                kind=kind,
                cadence=fortnightly(),
                start_time=dt.time(11, 0),
                time_zone="Europe/London",
                first_date=dt.date(2027, 1, 5),
                format="video",
            )
        with pytest.raises(ServiceError):
            scheduling.meeting_book(
                organiser=mentor,
                participant=employee,
                starts_at=dt.datetime(2027, 1, 6, 10, tzinfo=dt.UTC),
                duration_minutes=30,
                kind=kind,
                format="video",
            )
    assert not scheduling.may_book_with(user=mentor, other=employee)
    assert not scheduling.may_book_with(user=employee, other=mentor)
    assert scheduling.may_book_with(user=employee, other=mentor, kind=Kind.MENTORING)
    assert not scheduling.may_book_with(user=mentor, other=employee, kind=Kind.MENTORING)


def test_a_manager_cannot_label_a_line_series_mentoring(clock, manager, employee):
    with pytest.raises(ServiceError, match="once they have accepted"):
        book_check_ins(mentee=manager, mentor=employee)
    line = SeriesFactory(organiser=manager, participant=employee, cadence=weekly())
    with pytest.raises(ServiceError, match="stays a mentoring series"):
        scheduling.series_update(series=line, by=manager, kind=Kind.MENTORING)
    line.refresh_from_db()
    assert line.kind == Kind.ONE_TO_ONE


def test_one_off_mentoring_meetings_are_refused(clock, mentorship, employee, mentor):
    with pytest.raises(ServiceError, match="booked as a series"):
        scheduling.meeting_book(
            organiser=employee,
            participant=mentor,
            starts_at=dt.datetime(2027, 1, 6, 10, tzinfo=dt.UTC),
            duration_minutes=30,
            kind=Kind.MENTORING,
            format="video",
        )


def test_the_mentee_changes_and_the_mentor_asks(check_ins, employee, mentor):
    scheduling.series_update(series=check_ins, by=employee, start_time=dt.time(12, 0))
    with pytest.raises(ServiceError, match="Only the organiser"):
        scheduling.series_update(series=check_ins, by=mentor, start_time=dt.time(13, 0))
    with pytest.raises(ServiceError, match="stays a mentoring series"):
        scheduling.series_update(series=check_ins, by=employee, kind=Kind.ONE_TO_ONE)
    meeting = check_ins.meetings.order_by("starts_at").first()
    outcome = scheduling.meeting_move_or_ask(
        meeting=meeting, by=mentor, starts_at=meeting.starts_at + dt.timedelta(hours=2)
    )
    assert outcome.asked  # the mentor asks, as a report does
    meeting.refresh_from_db()
    assert meeting.rescheduled_from is None


def test_the_mentees_items_lead_the_agenda(check_ins, employee, mentor):
    meeting = check_ins.meetings.order_by("starts_at").first()
    record_services.agenda_item_add(meeting=meeting, by=mentor, text="FYI from the sales team")
    record_services.agenda_item_add(meeting=meeting, by=employee, text="My team's progress")
    record_services.agenda_item_add(meeting=meeting, by=employee, text="Where I want to be")
    from meetings.record.selectors import meeting_record_for

    record = meeting_record_for(meeting=meeting, viewer=mentor)
    assert [item.text for item in record.agenda] == [
        "My team's progress",
        "Where I want to be",
        "FYI from the sales team",
    ]
    assert (record.share.by_report, record.share.total) == (2, 3)


# --- Ending ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "employee", "hr"])
def test_ending_ends_the_series_and_removes_the_check_ins_to_come(
    check_ins, mentorship, employee, mentor, hr, who, request
):
    by = request.getfixturevalue(who)
    prepared = check_ins.meetings.order_by("starts_at")[1]
    AgendaItem.objects.create(meeting=prepared, series=check_ins, author=employee, text="Kept")
    services.mentorship_end(mentorship=mentorship, by=by)

    mentorship.refresh_from_db()
    check_ins.refresh_from_db()
    assert mentorship.status == S.ENDED and mentorship.ended_by == by
    assert check_ins.status == MeetingSeries.Status.ENDED
    assert list(Meeting.objects.filter(series=check_ins, status="scheduled")) == []
    prepared.refresh_from_db()
    assert prepared.status == Meeting.Status.CANCELLED
    assert prepared.agenda_items.get().text == "Kept"  # the pair's record stays
    told = {n.recipient_id for n in Reminder.objects.filter(kind="mentoring_update")}
    assert told == {employee.pk, mentor.pk} - {by.pk}
    # Both hear that their meetings went (a removal email or a cancellation).
    for person in (employee, mentor):
        assert Reminder.objects.filter(recipient=person, kind="meeting_changed").exists()


def test_ending_twice_is_refused(check_ins, mentorship, employee):
    services.mentorship_end(mentorship=mentorship, by=employee)
    with pytest.raises(ServiceError, match="ended already"):
        services.mentorship_end(mentorship=mentorship, by=employee)


def test_the_proposer_withdraws_a_proposal(clock, employee, mentor):
    proposal = services.mentorship_propose(by=employee, other=mentor, as_role=services.MENTEE)
    services.mentorship_end(mentorship=proposal, by=employee)
    assert Mentorship.objects.get().status == S.ENDED


def test_the_mentee_gives_the_feedback_on_a_held_check_in(check_ins, employee, mentor):
    meeting = check_ins.meetings.order_by("starts_at").first()
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.COMPLETED)
    with pytest.raises(ServiceError, match="Only the person the mentoring check-in is for"):
        record_services.feedback_save(meeting=meeting, by=mentor, usefulness=2)
    feedback = record_services.feedback_save(meeting=meeting, by=employee, usefulness=5)
    assert feedback.usefulness == 5
