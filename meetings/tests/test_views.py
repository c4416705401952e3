import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from meetings.cadence import next_starts
from meetings.models import ChangeRequest, Meeting, MeetingSeries, SlotClash
from meetings.scheduling import services
from meetings.tasks import generate_series_meetings
from meetings.tests.factories import MeetingFactory, SeriesFactory
from people.tests.factories import UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
ROLES_THAT_SEE = ["employee", "manager", "grand_manager", "hr"]
ROLES_THAT_DO_NOT = ["other_manager", "outsider"]


def local(days: int, hour: int) -> str:
    day = timezone.localdate() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


@pytest.fixture
def meeting(series):
    return series.meetings.order_by("starts_at").first()


def booking_data(participant, **extra):
    data = {
        "participant": participant.pk,
        "kind": "one_to_one",
        "pattern": "fortnightly",
        "weekday": "1",
        "week_of_month": "1",
        "day_of_month": "1",
        "custom_rule": "",
        "first_date": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        "start_time": "09:30",
        "time_zone": "Europe/London",
        "duration_minutes": "30",
        "end_date": "",
        "format": "video",
        "location": "https://video.example.org/emma",
    }
    data.update(extra)
    return data


# --- Booking a series ----------------------------------------------------------------


def test_it_books_a_series_with_its_six_months_of_meetings_in_the_request(
    clock, client, manager, employee, django_capture_on_commit_callbacks
):
    """On Monday 4 January 2027 (``clock``): fortnightly on Tuesdays from the 5th, to
    the end of the six months (4 July)."""
    client.force_login(manager)
    publish = mock.patch.object(generate_series_meetings, "apply_async")
    with publish as apply_async, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:series_new"), booking_data(employee))
    series = MeetingSeries.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:series", args=[series.pk])
    # A fortnightly series is a dozen meetings: booked at once, no task needed.
    apply_async.assert_not_called()
    assert series.meetings.count() == 13  # 5 January, then every other Tuesday to 22 June
    assert series.cadence_text == "Every 2 weeks on Tuesday at 09:30 (Europe/London), 30 min"


def test_with_the_broker_down_a_new_series_has_its_meetings_at_once(
    clock, client, manager, employee, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    down = mock.patch.object(
        generate_series_meetings, "apply_async", side_effect=OperationalError("down")
    )
    data = booking_data(employee, pattern="weekly")
    with down, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:series_new"), data, follow=True)
    assert response.status_code == 200
    series = MeetingSeries.objects.get()
    assert series.meetings.count() == 26  # every Tuesday from 5 January to 29 June
    page = response.content.decode()
    assert "Booking the next six months" not in page
    assert page.count('data-testid="meeting-row"') == series.meetings.count()
    # The daily run finds nothing missing.
    assert services.generate_all().created == 0


def test_a_large_rule_is_left_to_the_task(
    client, manager, employee, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    publish = mock.patch.object(generate_series_meetings, "apply_async")
    data = booking_data(employee, pattern="custom", custom_rule="FREQ=DAILY")
    with publish as apply_async, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:series_new"), data)
    series = MeetingSeries.objects.get()
    apply_async.assert_called_once_with(args=(series.pk,), kwargs={}, retry=False)
    assert series.meetings.count() == 0
    services.generate_all()
    assert series.meetings.count() > services.INLINE_GENERATION_SLOTS


def test_the_booking_form_refuses_bad_input_clearly(client, manager, employee):
    client.force_login(manager)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("meetings:series_new"),
        booking_data(employee, first_date=yesterday, pattern="custom", custom_rule="FREQ=HOURLY"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Pick today or a later date." in body
    assert not MeetingSeries.objects.exists()


def test_the_booking_form_offers_only_my_reports(client, manager, employee, outsider):
    client.force_login(manager)
    response = client.post(reverse("meetings:series_new"), booking_data(outsider))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not MeetingSeries.objects.exists()


def test_the_preview_lists_the_next_dates_and_clashes(client, manager, employee, hr):
    first = timezone.localdate() + dt.timedelta(days=1)
    busy_at = dt.datetime.combine(first, dt.time(9, 30), tzinfo=LONDON)
    MeetingFactory(organiser=hr, participant=employee, starts_at=busy_at)
    client.force_login(manager)
    data = booking_data(employee, pattern="weekly", weekday=str(first.weekday()))
    response = client.get(reverse("meetings:series_preview"), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<li") == 6
    assert f"{first:%a} {first.day} {first:%b}" in body
    assert f"{employee} already has a meeting 09:30" in body


def test_the_preview_explains_when_it_cannot_show_dates(client, manager, employee):
    client.force_login(manager)
    data = booking_data(employee, pattern="custom", custom_rule="")
    response = client.get(reverse("meetings:series_preview"), data)
    assert "Fill in how often" in response.content.decode()


# --- The series page -----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES_THAT_SEE)
def test_the_series_page_shows_cadence_to_the_line_and_hr(client, request, series, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("meetings:series", args=[series.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Every 2 weeks on Tuesday at 09:30 (Europe/London), 30 min" in body
    assert ("video.example.org" in body) is False  # the series has no location set
    can_change = role == "manager"
    assert (reverse("meetings:series_edit", args=[series.pk]) in body) is can_change


@pytest.mark.parametrize("role", ROLES_THAT_DO_NOT)
def test_the_series_page_is_404_for_outsiders(client, request, series, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("meetings:series", args=[series.pk])).status_code == 404


def test_the_series_page_keeps_to_a_few_queries(
    client, manager, series, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("meetings:series", args=[series.pk]))
    assert response.content.decode().count('data-testid="meeting-row"') == series.meetings.count()


def test_the_series_page_polls_until_generation_has_run(client, manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee)
    client.force_login(manager)
    body = client.get(reverse("meetings:series", args=[series.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in body
    services.series_generate(series_id=series.pk)
    fragment = client.get(
        reverse("meetings:series", args=[series.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "every 2s" not in fragment
    assert "<html" not in fragment
    assert 'data-testid="meeting-row"' in fragment


def test_the_organiser_edits_the_series(clock, client, manager, series):
    client.force_login(manager)
    data = booking_data(series.participant, start_time="14:00", pattern="weekly")
    del data["participant"]
    response = client.post(reverse("meetings:series_edit", args=[series.pk]), data)
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.start_time == dt.time(14, 0)
    assert series.cadence_text.startswith("Every week on Tuesday at 14:00")
    # Untouched meetings are replaced in the request: every week at 14:00 from now on.
    times = {m.starts_at.astimezone(LONDON).time() for m in series.meetings.all()}
    assert times == {dt.time(14, 0)}
    assert series.meetings.count() == 26  # every Tuesday from 5 January to 29 June


@pytest.mark.parametrize("role", ["employee", "grand_manager", "hr", "outsider"])
def test_only_the_organiser_may_edit_pause_or_end(client, request, series, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("meetings:series_edit", args=[series.pk])).status_code == 404
    for name in ("series_pause", "series_resume", "series_end"):
        assert client.post(reverse(f"meetings:{name}", args=[series.pk])).status_code == 404
    series.refresh_from_db()
    assert series.status == MeetingSeries.Status.ACTIVE


def test_pause_resume_and_end(client, manager, series):
    client.force_login(manager)
    client.post(reverse("meetings:series_pause", args=[series.pk]))
    series.refresh_from_db()
    assert series.status == "paused"
    client.post(reverse("meetings:series_resume", args=[series.pk]))
    series.refresh_from_db()
    assert series.status == "active"
    response = client.post(reverse("meetings:series_end", args=[series.pk]), follow=True)
    assert "Ended." in response.content.decode()
    series.refresh_from_db()
    assert series.status == "ended"
    assert not series.meetings.exists()
    assert client.get(reverse("meetings:series_pause", args=[series.pk])).status_code == 405


def test_clashes_show_on_my_team_and_can_be_rebooked(client, manager, employee, hr):
    series = SeriesFactory(organiser=manager, participant=employee)
    starts = next_starts(series, after=timezone.now(), count=1)
    MeetingFactory(organiser=hr, participant=employee, starts_at=starts[0])
    services.series_generate(series_id=series.pk)
    clash = SlotClash.objects.get()
    client.force_login(manager)
    body = client.get(reverse("meetings:team")).content.decode()
    assert "Needs a new time" in body
    assert f"{employee} already has a meeting" in body
    new_time = timezone.localtime(starts[0] + dt.timedelta(hours=3), LONDON)
    response = client.post(
        reverse("meetings:clash_rebook", args=[clash.pk]),
        {"starts_at": new_time.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    assert not SlotClash.objects.exists()
    client.force_login(employee)
    assert client.post(reverse("meetings:clash_skip", args=[clash.pk])).status_code == 404


# --- My 1:1s and My team ---------------------------------------------------------------


def test_my_meetings_lists_upcoming_and_past_in_my_zone(client, employee, series):
    employee.time_zone = "Asia/Kolkata"
    employee.save()
    MeetingFactory(
        organiser=series.organiser,
        participant=employee,
        starts_at=timezone.now() - dt.timedelta(days=10),
    )
    client.force_login(employee)
    body = client.get(reverse("meetings:mine")).content.decode()
    first = series.meetings.order_by("starts_at").first()
    in_kolkata = timezone.localtime(first.starts_at, zoneinfo.ZoneInfo("Asia/Kolkata"))
    assert in_kolkata.strftime("%H:%M") in body
    assert "Asia/Kolkata" in body
    assert body.count('data-testid="meeting-row"') == min(series.meetings.count(), 20)
    past = client.get(reverse("meetings:mine") + "?when=past").content.decode()
    assert past.count('data-testid="meeting-row"') == 1


def test_my_meetings_is_paginated_with_few_queries(
    client, manager, employee, django_assert_max_num_queries
):
    for day in range(1, 46):
        MeetingFactory(
            organiser=manager,
            participant=employee,
            starts_at=timezone.now() + dt.timedelta(days=day),
        )
    client.force_login(employee)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("meetings:mine")).content.decode()
    assert body.count('data-testid="meeting-row"') == 20
    assert "Page 1 of 3" in body
    body = client.get(reverse("meetings:mine") + "?page=3").content.decode()
    assert body.count('data-testid="meeting-row"') == 5


def test_my_meetings_has_a_friendly_empty_state(client, outsider):
    client.force_login(outsider)
    body = client.get(reverse("meetings:mine")).content.decode()
    assert "No 1:1s booked yet." in body


def test_my_team_shows_last_and_next_and_cadence(
    client, manager, employee, series, django_assert_max_num_queries
):
    for hour in range(8):
        report = UserFactory(manager=manager)
        SeriesFactory(organiser=manager, participant=report)
        MeetingFactory(
            organiser=manager,
            participant=report,
            starts_at=timezone.now() - dt.timedelta(days=9, hours=hour),
        )
    held = MeetingFactory(
        organiser=manager, participant=employee, starts_at=timezone.now() - dt.timedelta(days=7)
    )
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("meetings:team")).content.decode()
    assert body.count('data-testid="report-row"') == 9
    assert f"{timezone.localtime(held.starts_at, LONDON):%a} {held.starts_at.day}" in body
    assert "Every 2 weeks on Tuesday at 09:30 (Europe/London), 30 min" in body


def test_my_team_offers_booking_for_reports_without_a_series(client, manager, employee):
    client.force_login(manager)
    body = client.get(reverse("meetings:team")).content.decode()
    assert f"{reverse('meetings:series_new')}?participant={employee.pk}" in body
    assert "No regular 1:1" in body


# --- One meeting ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES_THAT_SEE)
def test_a_meeting_is_visible_to_the_line_and_hr(client, request, meeting, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    can_act = role in ("employee", "manager")
    assert (reverse("meetings:meeting_cancel", args=[meeting.pk]) in body) is can_act


@pytest.mark.parametrize("role", ROLES_THAT_DO_NOT)
def test_a_meeting_is_404_for_outsiders(client, request, meeting, role):
    client.force_login(request.getfixturevalue(role))
    for name in ("meeting", "meeting_cancel", "meeting_move", "meeting_ics"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 404


@pytest.mark.parametrize("role", ["grand_manager", "hr"])
def test_the_line_above_and_hr_cannot_change_or_download(client, request, meeting, role):
    client.force_login(request.getfixturevalue(role))
    for name in ("meeting_cancel", "meeting_move", "meeting_ics"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 404
    response = client.post(
        reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "other", "note": "x"}
    )
    assert response.status_code == 404


def test_a_missing_meeting_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("meetings:meeting", args=[999999])).status_code == 404


def test_the_manager_cancels_with_nothing_to_discuss(client, manager, meeting):
    client.force_login(manager)
    response = client.post(
        reverse("meetings:meeting_cancel", args=[meeting.pk]),
        {"reason": "nothing_to_discuss", "note": ""},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert meeting.cancel_reason == "nothing_to_discuss"
    body = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Nothing to discuss this time" in body


def test_another_reason_needs_a_note(client, manager, meeting):
    client.force_login(manager)
    response = client.post(
        reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "other", "note": " "}
    )
    assert response.status_code == 200
    assert "Say briefly why" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_the_report_asks_to_cancel_and_the_manager_accepts_on_my_team(
    client, manager, employee, meeting
):
    client.force_login(employee)
    response = client.post(
        reverse("meetings:meeting_cancel", args=[meeting.pk]),
        {"reason": "nothing_to_discuss", "note": "Nothing new this week"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    request_row = ChangeRequest.objects.get()

    client.force_login(manager)
    body = client.get(reverse("meetings:team")).content.decode()
    assert "Requests to answer" in body
    assert "Nothing new this week" in body
    response = client.post(
        reverse("meetings:request_accept", args=[meeting.pk, request_row.pk]), {"back": "team"}
    )
    assert response["Location"] == reverse("meetings:team")
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert meeting.cancelled_by == employee


def test_the_report_cannot_answer_their_own_request(client, employee, meeting):
    request_row = services.change_request_create(
        meeting=meeting, by=employee, action="cancel", reason="away"
    )
    client.force_login(employee)
    url = reverse("meetings:request_accept", args=[meeting.pk, request_row.pk])
    assert client.post(url).status_code == 404


def test_the_manager_moves_a_meeting_and_a_clash_is_explained(
    client, manager, employee, meeting, hr
):
    busy = timezone.localtime(meeting.starts_at, LONDON) + dt.timedelta(days=1)
    MeetingFactory(organiser=hr, participant=employee, starts_at=busy)
    client.force_login(manager)
    response = client.post(
        reverse("meetings:meeting_move", args=[meeting.pk]),
        {"starts_at": busy.strftime("%Y-%m-%dT%H:%M"), "note": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200
    expected = f"{employee} already has a meeting {busy:%H:%M}\u2013"
    assert expected in body
    later = busy + dt.timedelta(hours=2)
    response = client.post(
        reverse("meetings:meeting_move", args=[meeting.pk]),
        {"starts_at": later.strftime("%Y-%m-%dT%H:%M"), "note": "Train"},
    )
    assert response.status_code == 302
    original = meeting.starts_at
    meeting.refresh_from_db()
    assert meeting.starts_at == later
    assert meeting.rescheduled_from == original


def test_the_report_asks_to_move(client, employee, manager, meeting):
    client.force_login(employee)
    later = timezone.localtime(meeting.starts_at, LONDON) + dt.timedelta(hours=4)
    client.post(
        reverse("meetings:meeting_move", args=[meeting.pk]),
        {"starts_at": later.strftime("%Y-%m-%dT%H:%M"), "note": "Dentist"},
    )
    change = ChangeRequest.objects.get()
    assert change.action == "move"
    assert change.proposed_starts_at == later
    client.force_login(manager)
    body = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Dentist" in body
    client.post(reverse("meetings:request_decline", args=[meeting.pk, change.pk]))
    change.refresh_from_db()
    assert change.status == "declined"


def test_it_books_a_one_off_and_explains_a_clash(client, manager, employee):
    client.force_login(manager)
    data = {
        "participant": employee.pk,
        "kind": "one_to_one",
        "starts_at": local(2, 11),
        "duration_minutes": "30",
        "format": "walk",
        "location": "",
    }
    response = client.post(reverse("meetings:meeting_new"), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.series is None
    response = client.post(reverse("meetings:meeting_new"), data)
    assert response.status_code == 200
    assert "You already have a meeting 11:00\u201311:30" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_one_offs_are_only_with_my_reports_or_my_manager(client, employee, outsider):
    client.force_login(employee)
    response = client.post(
        reverse("meetings:meeting_new"),
        {
            "participant": outsider.pk,
            "kind": "one_to_one",
            "starts_at": local(2, 11),
            "duration_minutes": "30",
            "format": "video",
        },
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_navigation_shows_my_1_1s_to_everyone_and_my_team_to_managers(client, manager, employee):
    client.force_login(employee)
    body = client.get(reverse("home")).content.decode()
    assert reverse("meetings:mine") in body
    assert reverse("meetings:team") not in body
    client.force_login(manager)
    assert reverse("meetings:team") in client.get(reverse("home")).content.decode()


def test_the_admin_shows_times_but_not_what_people_wrote(client, admin_user, manager, meeting):
    services.meeting_cancel(
        meeting=meeting, by=manager, reason="other", note="Private reason about my health"
    )
    client.force_login(admin_user)
    body = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()
    assert "Cancelled" in body
    assert "Private reason" not in body
    assert client.get(reverse("admin:meetings_meeting_changelist")).status_code == 200
    assert client.get(reverse("admin:meetings_meetingseries_changelist")).status_code == 200
