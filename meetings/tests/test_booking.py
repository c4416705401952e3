import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from meetings.models import Attendance, ChangeRequest, Meeting
from meetings.scheduling import services
from meetings.tests.concurrency import run_at_once
from meetings.tests.factories import MeetingFactory
from notifications import services as notification_services
from oneonones.errors import ServiceError

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def book(organiser, participant, starts_at, minutes=30):
    return services.meeting_book(
        organiser=organiser,
        participant=participant,
        starts_at=starts_at,
        duration_minutes=minutes,
        format="video",
    )


def test_it_books_a_one_off(manager, employee):
    meeting = book(manager, employee, at(3, 10))
    assert meeting.series is None
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(minutes=30)
    assert set(Attendance.objects.values_list("person_id", "active")) == {
        (manager.pk, True),
        (employee.pk, True),
    }


def test_it_refuses_to_double_book_the_same_person(manager, employee, hr):
    MeetingFactory(organiser=hr, participant=employee, starts_at=at(3, 10))
    with pytest.raises(services.MeetingClash) as caught:
        book(manager, employee, at(3, 10, 15))
    day = at(3, 10)
    assert caught.value.message == (
        f"{employee} already has a meeting 10:00\u201310:30 on {day:%a} {day.day} {day:%b}"
        + (f" {day.year}" if day.year != timezone.localdate().year else "")
        + "."
    )
    assert Meeting.objects.count() == 1
    with pytest.raises(services.MeetingClash, match=r"^You already have a meeting"):
        services.meeting_book(
            organiser=employee,
            participant=manager,
            starts_at=at(3, 10),
            duration_minutes=30,
            format="video",
        )


def test_organiser_in_one_and_participant_in_another_still_clash(manager, employee, grand_manager):
    book(grand_manager, manager, at(4, 10))  # Morgan is the participant here
    with pytest.raises(services.MeetingClash) as caught:
        services.meeting_book(
            organiser=manager,
            participant=employee,
            starts_at=at(4, 10, 20),
            duration_minutes=30,
            format="video",
        )
    assert caught.value.person == manager
    assert caught.value.message.startswith("You already have a meeting 10:00\u201310:30 on ")


def test_back_to_back_meetings_do_not_clash(manager, employee):
    book(manager, employee, at(3, 10))
    book(manager, employee, at(3, 10, 30))
    assert Meeting.objects.count() == 2


def test_a_cancelled_meeting_frees_the_time(manager, employee):
    first = book(manager, employee, at(3, 10))
    services.meeting_cancel(meeting=first, by=manager, reason="nothing_to_discuss")
    book(manager, employee, at(3, 10))
    assert Meeting.objects.filter(status="scheduled").count() == 1


def test_it_refuses_people_you_cannot_book_with(manager, outsider, employee):
    with pytest.raises(ServiceError):
        book(manager, outsider, at(3, 10))
    with pytest.raises(ServiceError):
        book(manager, employee, timezone.now() - dt.timedelta(hours=1))


def test_a_report_may_book_a_one_off_with_their_manager(manager, employee):
    meeting = book(employee, manager, at(3, 11))
    assert meeting.organiser == employee


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_the_same_slot_let_exactly_one_win(manager, employee):
    won, errors = run_at_once(lambda: book(manager, employee, at(5, 9)), times=4)
    assert [repr(error) for error in errors if not isinstance(error, services.MeetingClash)] == []
    assert len(won) == 1
    assert len(errors) == 3
    assert Meeting.objects.count() == 1


def test_the_organiser_moves_a_meeting_and_the_old_time_is_kept(manager, employee):
    meeting = MeetingFactory(organiser=manager, participant=employee, starts_at=at(3, 10))
    moved = services.meeting_move(meeting=meeting, by=manager, starts_at=at(3, 15), note="Clash")
    assert moved.rescheduled_from == at(3, 10)
    assert moved.starts_at == at(3, 15)
    assert moved.sequence == 1
    assert Attendance.objects.filter(meeting=moved, during__contains=at(3, 15, 10)).count() == 2


def test_a_move_onto_a_busy_time_is_refused_and_changes_nothing(manager, employee):
    meeting = MeetingFactory(organiser=manager, participant=employee, starts_at=at(3, 10))
    MeetingFactory(organiser=manager, participant=employee, starts_at=at(3, 15))
    with pytest.raises(services.MeetingClash):
        services.meeting_move(meeting=meeting, by=manager, starts_at=at(3, 15, 10))
    meeting.refresh_from_db()
    assert meeting.starts_at == at(3, 10)
    assert meeting.rescheduled_from is None


def test_the_organiser_cancels_with_a_reason(manager, employee):
    meeting = MeetingFactory(organiser=manager, participant=employee)
    services.meeting_cancel(meeting=meeting, by=manager, reason="nothing_to_discuss")
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert meeting.cancelled_by == manager
    assert meeting.cancel_reason == "nothing_to_discuss"
    assert not Attendance.objects.filter(meeting=meeting, active=True).exists()


def test_the_participant_can_only_ask(manager, employee):
    meeting = MeetingFactory(organiser=manager, participant=employee)
    with pytest.raises(ServiceError):
        services.meeting_cancel(meeting=meeting, by=employee, reason="away")
    with pytest.raises(ServiceError):
        services.meeting_move(meeting=meeting, by=employee, starts_at=at(6, 10))
    request = services.change_request_create(
        meeting=meeting, by=employee, action="cancel", reason="nothing_to_discuss", note="All good"
    )
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    with pytest.raises(ServiceError, match="already a request"):
        services.change_request_create(
            meeting=meeting, by=employee, action="move", proposed_starts_at=at(6, 10)
        )
    services.change_request_accept(request=request, by=manager)
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert meeting.cancelled_by == employee
    assert meeting.cancel_reason == "nothing_to_discuss"
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.ACCEPTED


def test_a_move_request_is_accepted_or_declined_by_the_organiser(manager, employee):
    meeting = MeetingFactory(organiser=manager, participant=employee, starts_at=at(3, 10))
    request = services.change_request_create(
        meeting=meeting, by=employee, action="move", proposed_starts_at=at(3, 16)
    )
    with pytest.raises(ServiceError):
        services.change_request_accept(request=request, by=employee)
    services.change_request_decline(request=request, by=manager)
    meeting.refresh_from_db()
    assert meeting.starts_at == at(3, 10)

    request = services.change_request_create(
        meeting=meeting, by=employee, action="move", proposed_starts_at=at(3, 16)
    )
    services.change_request_accept(request=request, by=manager)
    meeting.refresh_from_db()
    assert meeting.starts_at == at(3, 16)
    assert meeting.rescheduled_from == at(3, 10)


def test_a_past_meeting_cannot_be_changed(manager, employee):
    meeting = MeetingFactory(
        organiser=manager, participant=employee, starts_at=timezone.now() - dt.timedelta(days=2)
    )
    with pytest.raises(ServiceError):
        services.meeting_cancel(meeting=meeting, by=manager, reason="other")


def test_a_new_feed_token_revokes_the_old(employee):
    old = notification_services.calendar_feed_for(user=employee).token
    new = notification_services.calendar_feed_regenerate(user=employee).token
    assert old != new
    assert notification_services.calendar_feed_for(user=employee).token == new
