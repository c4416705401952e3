import datetime as dt

import pytest

from meetings.models import Attendance, Kind, Meeting
from meetings.scheduling.services import MeetingClash, meeting_cancel_or_ask
from meetings.tests.factories import MeetingFactory
from notifications.models import Reminder
from officehours import selectors, services
from officehours.models import OfficeHours, SignUp
from officehours.services import SlotTaken
from officehours.tests.conftest import at, publish
from oneonones.errors import NotFound, ServiceError
from people.tests.factories import UserFactory

R = Reminder.Kind


def free_starts(viewer, hours):
    (open_time,) = selectors.free_slots(viewer=viewer, hours=[hours])
    return [slot.starts_at for slot in open_time.free]


def test_it_cuts_the_open_time_into_slots_for_four_weeks(hours, employee):
    starts = free_starts(employee, hours)
    assert starts[:7] == [at(7, 14), at(7, 14, 20), at(7, 14, 40), at(7, 15), at(7, 15, 20),
                          at(7, 15, 40), at(14, 14)]  # fmt: skip
    assert len(starts) == 6 * 4


def test_a_sign_up_books_a_meeting_with_the_host_and_writes_reminders_and_invitations(
    hours, manager, employee
):
    made = services.sign_up(hours=hours, person=employee, starts_at=at(7, 14, 20), topic="Workload")
    meeting = made.meeting
    assert (meeting.organiser, meeting.participant, meeting.kind) == (manager, employee, Kind.OFFICE_HOURS)
    assert (meeting.starts_at, meeting.ends_at) == (at(7, 14, 20), at(7, 14, 40))
    assert meeting.location == "Room 3.14"
    assert Attendance.objects.filter(meeting=meeting, active=True).count() == 2
    invited = Reminder.objects.filter(meeting=meeting, kind=R.INVITATION)
    assert set(invited.values_list("recipient_id", flat=True)) == {manager.pk, employee.pk}
    assert Reminder.objects.filter(meeting=meeting, kind=R.STARTING_SOON).count() == 2
    assert at(7, 14, 20) not in free_starts(employee, hours)


def test_the_slot_someone_took_is_refused_with_the_clear_message(hours, manager, employee):
    colleague = UserFactory(manager=manager)
    services.sign_up(hours=hours, person=colleague, starts_at=at(7, 14))
    with pytest.raises(SlotTaken) as refused:
        services.sign_up(hours=hours, person=employee, starts_at=at(7, 14))
    assert str(refused.value) == "Someone just took that slot; here are the next free ones."
    assert Meeting.objects.count() == 1


def test_a_slot_when_the_host_is_busy_is_not_offered_and_refused(hours, manager, employee):
    MeetingFactory(organiser=manager, participant=UserFactory(manager=manager), starts_at=at(7, 15))
    starts = free_starts(employee, hours)
    # The meeting is 15:00–15:30: the slots 15:00 and 15:20 go; 14:40–15:00 touches it only.
    assert at(7, 15) not in starts and at(7, 15, 20) not in starts
    assert at(7, 14, 40) in starts and at(7, 15, 40) in starts
    with pytest.raises(SlotTaken):
        services.sign_up(hours=hours, person=employee, starts_at=at(7, 15))


def test_a_slot_when_the_person_is_busy_is_not_offered_and_refused_in_their_words(
    hours, manager, employee, other_manager
):
    MeetingFactory(organiser=other_manager, participant=employee, starts_at=at(7, 14, 10))
    starts = free_starts(employee, hours)
    assert at(7, 14) not in starts and at(7, 14, 20) not in starts and at(7, 14, 40) in starts
    with pytest.raises(ServiceError) as refused:
        services.sign_up(hours=hours, person=employee, starts_at=at(7, 14))
    assert not isinstance(refused.value, SlotTaken)
    assert refused.value.message.startswith("You already have a meeting 14:10–14:40 on Thu 7 Jan")


def test_only_the_audience_may_sign_up(hours, employee, other_manager, outsider):
    with pytest.raises(NotFound):
        services.sign_up(hours=hours, person=outsider, starts_at=at(7, 14))
    with pytest.raises(NotFound):
        services.sign_up(hours=hours, person=hours.host, starts_at=at(7, 14))
    assert list(selectors.office_hours_open_to(viewer=outsider)) == []
    assert list(selectors.office_hours_open_to(viewer=employee)) == [hours]
    anyone = publish(other_manager, audience="anyone")
    assert list(selectors.office_hours_open_to(viewer=outsider)) == [anyone]
    services.sign_up(hours=anyone, person=outsider, starts_at=at(7, 14))


def test_a_time_that_is_not_a_slot_and_paused_hours_are_refused(hours, employee, manager):
    with pytest.raises(ServiceError, match="not one of the slots"):
        services.sign_up(hours=hours, person=employee, starts_at=at(7, 14, 10))
    with pytest.raises(ServiceError, match="not one of the slots"):
        services.sign_up(hours=hours, person=employee, starts_at=at(8, 14))  # a Friday
    services.office_hours_pause(hours=hours, by=manager)
    with pytest.raises(ServiceError, match="paused"):
        services.sign_up(hours=hours, person=employee, starts_at=at(7, 14))
    assert list(selectors.office_hours_open_to(viewer=employee)) == []
    services.office_hours_resume(hours=hours, by=manager)
    services.sign_up(hours=hours, person=employee, starts_at=at(7, 14))


@pytest.mark.parametrize("who", ["host", "person"])
def test_either_cancels_the_slot_is_free_again_and_the_other_is_told(hours, manager, employee, who):
    made = services.sign_up(hours=hours, person=employee, starts_at=at(14, 14))
    by, other = (manager, employee) if who == "host" else (employee, manager)
    services.sign_up_cancel(sign_up=made, by=by, reason="clash")
    made.meeting.refresh_from_db()
    assert made.meeting.is_cancelled
    assert at(14, 14) in free_starts(employee, hours)
    told = Reminder.objects.filter(meeting=made.meeting, recipient=other).filter(
        kind__in=[R.MEETING_CHANGED, R.INVITATION], state=Reminder.State.PENDING
    )
    assert told.exists()
    # And someone else can take it.
    services.sign_up(hours=hours, person=UserFactory(manager=manager), starts_at=at(14, 14))


def test_the_person_cancels_from_the_meeting_page_too_without_asking(hours, employee):
    made = services.sign_up(hours=hours, person=employee, starts_at=at(14, 14))
    outcome = meeting_cancel_or_ask(meeting=made.meeting, by=employee, reason="nothing_to_discuss")
    assert not outcome.asked
    made.meeting.refresh_from_db()
    assert made.meeting.is_cancelled


def test_nobody_else_cancels_a_sign_up(hours, employee, hr, grand_manager, outsider):
    made = services.sign_up(hours=hours, person=employee, starts_at=at(14, 14))
    for person in (hr, grand_manager, outsider):
        with pytest.raises(NotFound):
            services.sign_up_cancel(sign_up=made, by=person, reason="clash")


def test_an_edit_never_moves_or_removes_a_booked_sign_up(hours, manager, employee):
    made = services.sign_up(hours=hours, person=employee, starts_at=at(14, 15, 40))
    edited = services.office_hours_update(
        hours=hours, by=manager, start_time=dt.time(10, 0), end_time=dt.time(11, 0)
    )
    made.meeting.refresh_from_db()
    assert made.meeting.status == "scheduled" and made.meeting.starts_at == at(14, 15, 40)
    assert edited.outside == [made]
    assert free_starts(employee, edited.hours)[:3] == [at(7, 10), at(7, 10, 20), at(7, 10, 40)]


def test_deleting_keeps_or_cancels_the_booked_sign_ups_as_the_host_chooses(
    clock, manager, employee
):
    kept = publish(manager)
    made = services.sign_up(hours=kept, person=employee, starts_at=at(14, 14))
    assert services.office_hours_delete(hours=kept, by=manager, cancel_booked=False) == 0
    made.refresh_from_db()
    assert made.office_hours is None and made.meeting.status == "scheduled"

    withdrawn = publish(manager, weekdays=[4])
    second = services.sign_up(hours=withdrawn, person=employee, starts_at=at(15, 14))
    assert services.office_hours_delete(hours=withdrawn, by=manager, cancel_booked=True) == 1
    second.meeting.refresh_from_db()
    assert second.meeting.is_cancelled
    assert Reminder.objects.filter(
        meeting=second.meeting, recipient=employee, kind__in=[R.MEETING_CHANGED, R.INVITATION]
    ).exists()
    assert not OfficeHours.objects.exists()
    assert SignUp.objects.count() == 2


def test_my_team_is_for_people_with_reports_anyone_for_everyone(clock, outsider):
    with pytest.raises(ServiceError, match="Only people with reports"):
        publish(outsider, audience="team")
    assert publish(outsider, audience="anyone").audience == "anyone"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"weekdays": []}, "at least one day"),
        ({"end_time": dt.time(13, 0)}, "end time must be after"),
        ({"end_time": dt.time(14, 10)}, "shorter than one slot"),
        ({"last_date": dt.date(2027, 1, 1)}, "on or after the first"),
        ({"first_date": dt.date(2040, 1, 1)}, "Pick a first date"),
        ({"time_zone": "Mars/Olympus"}, "not a known time zone"),
    ],
)
def test_bad_open_time_is_refused_clearly_and_nothing_is_saved(clock, manager, employee, fields, message):
    with pytest.raises(ServiceError, match=message):
        publish(manager, **fields)
    assert not OfficeHours.objects.exists()


def test_someone_elses_office_hours_cannot_be_changed(hours, other_manager):
    for change in (services.office_hours_pause, services.office_hours_resume):
        with pytest.raises(NotFound):
            change(hours=hours, by=other_manager)
    with pytest.raises(NotFound):
        services.office_hours_update(hours=hours, by=other_manager, slot_minutes=30)
    with pytest.raises(NotFound):
        services.office_hours_delete(hours=hours, by=other_manager, cancel_booked=True)


def test_office_hours_cannot_be_booked_by_hand(manager, employee):
    from meetings.scheduling.services import meeting_book

    with pytest.raises(ServiceError, match="signing up"):
        meeting_book(
            organiser=manager,
            participant=employee,
            starts_at=at(20, 10),
            duration_minutes=30,
            kind=Kind.OFFICE_HOURS,
            format="room",
        )


def test_the_clash_is_the_databases(hours, employee):
    """No check-then-insert: the exclusion constraint decides (MeetingClash underneath)."""
    assert issubclass(SlotTaken, ServiceError) and not issubclass(SlotTaken, MeetingClash)
