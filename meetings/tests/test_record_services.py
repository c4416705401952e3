"""Agenda, carry-over, notes, actions, wrap-up and feedback: the services."""

import datetime as dt
from email.utils import parseaddr
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from meetings.models import ActionItem, AgendaItem, Kind, Meeting, MeetingFeedback, Note
from meetings.record import selectors as record_selectors
from meetings.record import services as record_services
from meetings.scheduling import services
from meetings.tests.concurrency import run_at_once
from meetings.tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    SeriesFactory,
    weekly,
)
from notifications import sending
from notifications.models import Reminder
from notifications.tasks import send_meeting_summary
from oneonones.errors import ServiceError


def started_meeting(series, *, minutes_ago: int = 10, days_ago: int = 0) -> Meeting:
    """A meeting of ``series`` that began a little while ago. A meeting the series was
    generated with at about that time (run on the series' weekday, near its hour) is
    removed first: the two would be a double booking."""
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(
        minutes=minutes_ago, days=days_ago
    )
    meeting = services.series_meeting(series, slot=start, starts_at=start)
    series.meetings.filter(starts_at__lt=meeting.ends_at, ends_at__gt=start).delete()
    meeting.occurrence = None  # an extra meeting: the day may have its own later on
    meeting.save()
    services.save_attendances(meeting=meeting, viewer=None)
    return meeting


@pytest.fixture
def now_meeting(series):
    return started_meeting(series)


def upcoming(series) -> Meeting:
    return series.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()


# --- Agenda ------------------------------------------------------------------------------


def test_the_reports_items_come_first_and_the_share_is_counted(now_meeting, manager, employee):
    record_services.agenda_item_add(meeting=now_meeting, by=manager, text="Budget")
    for text in ("Promotion", "Holiday", "Tooling"):
        record_services.agenda_item_add(meeting=now_meeting, by=employee, text=text)
    items = list(record_selectors.agenda_of(now_meeting))
    assert [i.text for i in items] == ["Promotion", "Holiday", "Tooling", "Budget"]
    share = record_selectors.agenda_share(items, participant_id=employee.pk)
    assert (share.by_report, share.total, share.percent, share.meets_aim) == (3, 4, 75, True)


def test_moving_stays_within_each_persons_side(now_meeting, manager, employee):
    a = record_services.agenda_item_add(meeting=now_meeting, by=employee, text="A")
    b = record_services.agenda_item_add(meeting=now_meeting, by=employee, text="B")
    m = record_services.agenda_item_add(meeting=now_meeting, by=manager, text="M")
    record_services.agenda_item_move(item=b, by=manager, direction="up")
    assert [i.text for i in record_selectors.agenda_of(now_meeting)] == ["B", "A", "M"]
    # The organiser's item cannot jump above the report's, nor the last one further down.
    record_services.agenda_item_move(item=m, by=employee, direction="up")
    record_services.agenda_item_move(item=m, by=employee, direction="down")
    record_services.agenda_item_move(item=a, by=employee, direction="down")
    assert [i.text for i in record_selectors.agenda_of(now_meeting)] == ["B", "A", "M"]


def test_blank_and_outsider_items_are_refused(now_meeting, outsider, employee):
    with pytest.raises(ServiceError, match="Write what"):
        record_services.agenda_item_add(meeting=now_meeting, by=employee, text="   ")
    with pytest.raises(ServiceError, match="Only the two people"):
        record_services.agenda_item_add(meeting=now_meeting, by=outsider, text="Sneaky")
    assert not AgendaItem.objects.exists()


# --- Carry-over --------------------------------------------------------------------------


def test_completing_carries_undiscussed_items_to_the_next_meeting(
    now_meeting, series, manager, employee
):
    done = record_services.agenda_item_add(meeting=now_meeting, by=employee, text="Done topic")
    left = record_services.agenda_item_add(meeting=now_meeting, by=employee, text="Left topic")
    mine = record_services.agenda_item_add(meeting=now_meeting, by=manager, text="Manager topic")
    record_services.agenda_item_set_discussed(item=done, by=manager, discussed=True)

    record_services.meeting_complete(meeting=now_meeting, by=manager)

    now_meeting.refresh_from_db()
    assert now_meeting.status == Meeting.Status.COMPLETED
    assert now_meeting.completed_by == manager and now_meeting.completed_at is not None
    following = upcoming(series)
    carried = list(record_selectors.agenda_of(following))
    assert [(i.text, i.author_id) for i in carried] == [
        ("Left topic", employee.pk),
        ("Manager topic", manager.pk),
    ]
    assert {i.carried_over_from_id for i in carried} == {left.pk, mine.pk}
    # The originals stay on the held meeting as its record.
    assert now_meeting.agenda_items.count() == 3


def test_completing_twice_changes_nothing(now_meeting, series, manager, employee):
    record_services.agenda_item_add(meeting=now_meeting, by=employee, text="Left topic")
    with mock.patch.object(send_meeting_summary, "apply_async") as publish:
        record_services.meeting_complete(meeting=now_meeting, by=manager)
    first_completed_at = Meeting.objects.get(pk=now_meeting.pk).completed_at
    with pytest.raises(ServiceError, match="Already completed by Morgan Manager"):
        record_services.meeting_complete(meeting=now_meeting, by=employee)
    now_meeting.refresh_from_db()
    assert now_meeting.completed_by == manager
    assert now_meeting.completed_at == first_completed_at
    assert AgendaItem.objects.filter(text="Left topic").count() == 2
    assert publish.call_count == 0  # on-commit: the test transaction never commits


@pytest.mark.django_db(transaction=True)
def test_two_completions_racing_complete_once(manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly(interval=2))
    services.series_generate(series_id=series.pk)
    meeting = started_meeting(series)
    record_services.agenda_item_add(meeting=meeting, by=employee, text="Left topic")
    results, errors = run_at_once(
        lambda: record_services.meeting_complete(meeting=meeting, by=manager), times=3
    )
    assert len(results) == 1
    assert all(isinstance(error, ServiceError) for error in errors)
    assert AgendaItem.objects.filter(text="Left topic").count() == 2


def test_with_no_next_meeting_items_wait_on_the_next_time_list(manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly(interval=2))
    meeting = started_meeting(series)  # nothing generated ahead yet
    record_services.agenda_item_add(meeting=meeting, by=employee, text="Left topic")
    record_services.meeting_complete(meeting=meeting, by=employee)

    waiting = list(record_selectors.next_time_items(series))
    assert [i.text for i in waiting] == ["Left topic"]
    assert waiting[0].carried_over_from.meeting == meeting

    # Generating the series lands the list on the first new meeting, once.
    services.series_generate(series_id=series.pk)
    services.series_generate(series_id=series.pk)
    following = upcoming(series)
    assert [i.text for i in record_selectors.agenda_of(following)] == ["Left topic"]
    assert not record_selectors.next_time_items(series).exists()
    assert AgendaItem.objects.filter(text="Left topic").count() == 2


def test_next_time_items_land_on_the_next_meeting_at_once_when_there_is_one(
    series, now_meeting, manager, employee
):
    # During the meeting, "next time" means the one after it.
    item = record_services.next_time_add(series=series, by=manager, text="Plan Q3")
    assert item.meeting == upcoming(series)


def test_next_time_items_wait_on_the_list_until_the_series_changes(client, manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly(interval=2))
    record_services.next_time_add(series=series, by=employee, text="Ask about conference")
    assert record_selectors.next_time_items(series).count() == 1
    # A meeting appears some other way than generation (e.g. written by a script).
    start = timezone.now() + dt.timedelta(days=2)
    meeting = services.series_meeting(series, slot=start, starts_at=start)
    meeting.save()
    client.force_login(employee)
    response = client.get(f"/meetings/{meeting.pk}/")
    # The page shows the list; opening a page writes nothing.
    assert "Ask about conference" in response.content.decode()
    assert not meeting.agenda_items.exists()
    # The next generation run (daily, or after any change to the series) lands it.
    services.series_generate(series_id=series.pk)
    assert record_selectors.next_time_items(series).count() == 0
    assert AgendaItem.objects.get(text="Ask about conference").meeting_id is not None


def test_undiscussed_twice_carries_on_again(series, manager, employee):
    first = started_meeting(series, days_ago=14)
    second = started_meeting(series, days_ago=0, minutes_ago=5)
    record_services.agenda_item_add(meeting=first, by=employee, text="Stubborn topic")
    record_services.meeting_complete(meeting=first, by=manager)
    assert second.agenda_items.get().text == "Stubborn topic"
    record_services.meeting_complete(meeting=second, by=manager)
    third = upcoming(series)
    item = third.agenda_items.get()
    assert item.carried_over_from.meeting == second
    assert item.carried_over_from.carried_over_from.meeting == first


def test_cancelling_carries_the_agenda_over_too(series, manager, employee):
    meetings = list(series.meetings.order_by("starts_at")[:2])
    record_services.agenda_item_add(meeting=meetings[0], by=employee, text="Do not lose me")
    services.meeting_cancel(meeting=meetings[0], by=manager, reason="away")
    assert [i.text for i in meetings[1].agenda_items.all()] == ["Do not lose me"]


def test_a_completed_meeting_takes_no_new_items(now_meeting, manager, employee):
    record_services.meeting_complete(meeting=now_meeting, by=manager)
    with pytest.raises(ServiceError, match="completed"):
        record_services.agenda_item_add(meeting=now_meeting, by=employee, text="Late")


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (Kind.ONE_TO_ONE, "1:1"),
        (Kind.MENTORING, "mentoring check-in"),
        (Kind.OFFICE_HOURS, "office hours slot"),
    ],
)
def test_refusals_name_the_meeting_by_its_kind(kind, words, manager, employee, outsider):
    """A mentoring check-in or an office hours slot is not called a 1:1 when the record
    refuses something."""
    start = timezone.now().replace(second=0, microsecond=0)
    held = MeetingFactory(
        organiser=manager, participant=employee, kind=kind, starts_at=start - dt.timedelta(hours=2)
    )
    ahead = MeetingFactory(
        organiser=manager, participant=employee, kind=kind, starts_at=start + dt.timedelta(days=2)
    )
    record_services.meeting_complete(meeting=held, by=manager)
    refusals = [
        (
            lambda: record_services.agenda_item_add(meeting=held, by=employee, text="Late"),
            f"This {words} is completed; add it to the next-time list or the next {words}.",
        ),
        (
            lambda: record_services.meeting_complete(meeting=ahead, by=manager),
            f"This {words} can be completed once it has started.",
        ),
        (
            lambda: record_services.meeting_complete(meeting=ahead, by=outsider),
            f"Only the two people in this {words} can change it.",
        ),
        (
            lambda: record_services.feedback_save(meeting=ahead, by=held.agenda_lead, usefulness=4),
            f"Feedback opens once the {words} has been completed.",
        ),
    ]
    for act, message in refusals:
        with pytest.raises(ServiceError) as refused:
            act()
        assert refused.value.message == message
    assert "1:1" not in " ".join(message for _, message in refusals) or words == "1:1"


# --- Completion rules --------------------------------------------------------------------


def test_only_the_two_can_complete_and_only_once_started(series, manager, outsider, hr):
    started = started_meeting(series)
    future = upcoming(series)
    with pytest.raises(ServiceError, match="once it has started"):
        record_services.meeting_complete(meeting=future, by=manager)
    for person in (outsider, hr):
        with pytest.raises(ServiceError, match="Only the two people"):
            record_services.meeting_complete(meeting=started, by=person)
    future.refresh_from_db()
    started.refresh_from_db()
    assert future.status == started.status == Meeting.Status.SCHEDULED


def test_a_cancelled_meeting_cannot_be_completed(series, manager):
    meeting = upcoming(series)
    services.meeting_cancel(meeting=meeting, by=manager, reason="away")
    with pytest.raises(ServiceError, match="cancelled"):
        record_services.meeting_complete(
            meeting=meeting, by=manager, now=meeting.starts_at + dt.timedelta(minutes=1)
        )


# --- Summary email -----------------------------------------------------------------------
# The summary is an outbox row per person (notifications): a task sends it on commit, the
# minute's sweep if that task never runs, each row claimed once like every other message.


def summary_mails() -> list:
    """The summaries in the test outbox (the sweep also sends the series' invitations)."""
    return [m for m in mail.outbox if m.subject.startswith("Summary of")]


def summaries_sent(now=None) -> int:
    before = len(summary_mails())
    sending.send_due_reminders(now=now)
    return len(summary_mails()) - before


def summary_states() -> list[str]:
    return sorted(
        Reminder.objects.filter(kind=Reminder.Kind.SUMMARY).values_list("state", flat=True)
    )


def test_completing_sends_each_person_a_summary_in_their_own_zone(
    series, now_meeting, manager, employee, django_capture_on_commit_callbacks
):
    manager.time_zone = "America/New_York"
    manager.save(update_fields=["time_zone"])
    employee.time_zone = "Asia/Tokyo"
    employee.save(update_fields=["time_zone"])
    item = record_services.agenda_item_add(meeting=now_meeting, by=employee, text="Pay review")
    record_services.agenda_item_set_discussed(item=item, by=manager, discussed=True)
    record_services.agenda_item_add(meeting=now_meeting, by=employee, text="Not reached")
    record_services.action_add(
        meeting=now_meeting, by=manager, owner=employee, description="Draft the proposal"
    )
    publish = mock.patch.object(send_meeting_summary, "apply_async")
    with publish as apply_async, django_capture_on_commit_callbacks(execute=True):
        record_services.meeting_complete(meeting=now_meeting, by=manager)
    apply_async.assert_called_once_with(args=(now_meeting.pk,), kwargs={}, retry=False)
    assert mail.outbox == []
    assert send_meeting_summary(now_meeting.pk) == 2  # what the worker runs
    assert sorted(parseaddr(m.to[0])[1] for m in mail.outbox) == [employee.email, manager.email]
    following = upcoming(series)
    for message in mail.outbox:
        zone = manager.zone if parseaddr(message.to[0])[1] == manager.email else employee.zone
        local = timezone.localtime(following.starts_at, zone)
        assert f"{local:%H:%M}" in message.body
        assert "Pay review" in message.body and "Not reached" in message.body
        assert "Draft the proposal" in message.body
        assert message.alternatives[0][1] == "text/html"
    due = timezone.localtime(following.starts_at, series.zone).date()
    assert ActionItem.objects.get().due_date == due
    assert Meeting.objects.get(pk=now_meeting.pk).summary_sent_at is not None


def test_the_summary_goes_out_once_however_often_it_is_sent(now_meeting, manager):
    with mock.patch.object(send_meeting_summary, "apply_async"):
        record_services.meeting_complete(meeting=now_meeting, by=manager)
    assert send_meeting_summary(now_meeting.pk) == 2
    assert send_meeting_summary(now_meeting.pk) == 0
    assert summaries_sent() == 0
    assert len(summary_mails()) == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_at_once_send_once(manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee, cadence=weekly(interval=2))
    meeting = started_meeting(series)
    with mock.patch.object(send_meeting_summary, "apply_async"):
        record_services.meeting_complete(meeting=meeting, by=manager)
    results, errors = run_at_once(lambda: send_meeting_summary(meeting.pk), times=4)
    assert errors == []
    assert sum(results) == 2
    assert len(summary_mails()) == 2


def test_when_the_broker_is_down_the_sweep_sends_the_summary(
    client, now_meeting, manager, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    client.force_login(manager)
    down = mock.patch.object(
        send_meeting_summary, "apply_async", side_effect=OperationalError("down")
    )
    with down, django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{now_meeting.pk}/complete/", follow=True)
    assert response.status_code == 200
    assert Meeting.objects.get(pk=now_meeting.pk).status == Meeting.Status.COMPLETED
    assert mail.outbox == []
    assert summaries_sent() == 2
    assert summaries_sent() == 0
    assert len(summary_mails()) == 2


def test_a_failed_send_is_retried_by_the_next_sweep(now_meeting, manager):
    with mock.patch.object(send_meeting_summary, "apply_async"):
        record_services.meeting_complete(meeting=now_meeting, by=manager)
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=OSError("smtp down"),
    ):
        assert summaries_sent() == 0
    assert summary_states() == ["pending", "pending"]
    assert set(Reminder.objects.filter(kind="summary").values_list("attempts", flat=True)) == {1}
    assert Meeting.objects.get(pk=now_meeting.pk).summary_sent_at is None
    assert summaries_sent() == 2
    assert len(summary_mails()) == 2


def test_a_summary_two_days_late_is_dropped(now_meeting, manager):
    with mock.patch.object(send_meeting_summary, "apply_async"):
        record_services.meeting_complete(meeting=now_meeting, by=manager)
    later = timezone.now() + dt.timedelta(days=3)
    assert summaries_sent(now=later) == 0
    assert summary_states() == ["dropped", "dropped"]


# --- Notes -------------------------------------------------------------------------------


def test_a_save_based_on_an_old_version_is_refused(now_meeting, manager, employee):
    note = record_services.note_save(
        meeting=now_meeting, by=manager, visibility="shared", body="First", base_version=0
    )
    record_services.note_save(
        meeting=now_meeting, by=employee, visibility="shared", body="Emma's", base_version=1
    )
    with pytest.raises(record_services.NoteConflict) as conflict:
        record_services.note_save(
            meeting=now_meeting, by=manager, visibility="shared", body="Morgan's", base_version=1
        )
    assert conflict.value.note.body == "Emma's"
    assert conflict.value.note.version == 2
    note.refresh_from_db()
    assert (note.body, note.version, note.updated_by) == ("Emma's", 2, employee)


def test_two_people_creating_the_shared_note_at_once_get_a_conflict(now_meeting, manager, employee):
    record_services.note_save(
        meeting=now_meeting, by=employee, visibility="shared", body="Emma first", base_version=0
    )
    with pytest.raises(record_services.NoteConflict):
        record_services.note_save(
            meeting=now_meeting, by=manager, visibility="shared", body="Morgan", base_version=0
        )
    assert Note.objects.get().body == "Emma first"


def test_private_notes_are_one_per_person(now_meeting, manager, employee):
    record_services.note_save(
        meeting=now_meeting, by=manager, visibility="private", body="M", base_version=0
    )
    record_services.note_save(
        meeting=now_meeting, by=employee, visibility="private", body="E", base_version=0
    )
    assert {n.body for n in record_selectors.notes_visible_to(viewer=manager)} == {"M"}
    assert {n.body for n in record_selectors.notes_visible_to(viewer=employee)} == {"E"}


# --- Actions -----------------------------------------------------------------------------


def test_open_actions_show_on_every_later_meeting_until_done(series, manager, employee):
    first = started_meeting(series, days_ago=28)
    second = started_meeting(series, days_ago=14)
    third = upcoming(series)
    action = ActionItemFactory(meeting=first, owner=employee, description="Book training")
    assert record_selectors.actions_on(second).get() == action
    assert record_selectors.actions_on(third).get() == action
    record_services.action_set_done(action=action, by=manager, done=True)
    # Ticked after the second began: it still shows there, ticked; later ones drop it.
    assert record_selectors.actions_on(second).get().done
    assert not record_selectors.actions_on(third).exists()
    assert record_selectors.actions_on(first).get().done  # where it was agreed
    record_services.action_set_done(action=action, by=employee, done=False)
    assert record_selectors.actions_on(third).get() == action


def test_an_action_belongs_to_one_of_the_two(now_meeting, manager, outsider):
    with pytest.raises(ServiceError, match="one of the two"):
        record_services.action_add(
            meeting=now_meeting, by=manager, owner=outsider, description="Not theirs"
        )


# --- Feedback ----------------------------------------------------------------------------


def test_only_the_report_gives_feedback_after_completion_and_may_edit_it(
    now_meeting, manager, employee
):
    with pytest.raises(ServiceError, match="once the 1:1 has been completed"):
        record_services.feedback_save(meeting=now_meeting, by=employee, usefulness=4)
    with mock.patch.object(send_meeting_summary, "apply_async"):
        record_services.meeting_complete(meeting=now_meeting, by=manager)
    with pytest.raises(ServiceError, match="Only the person"):
        record_services.feedback_save(meeting=now_meeting, by=manager, usefulness=5)
    record_services.feedback_save(meeting=now_meeting, by=employee, usefulness=3)
    record_services.feedback_save(
        meeting=now_meeting,
        by=employee,
        usefulness=5,
        help_more="More on career",
        preferred_frequency="monthly",
    )
    feedback = MeetingFeedback.objects.get()
    assert (feedback.usefulness, feedback.preferred_frequency) == (5, "monthly")
    assert now_meeting.feedback == feedback
    with pytest.raises(ServiceError):
        record_services.feedback_save(meeting=now_meeting, by=employee, usefulness=9)
