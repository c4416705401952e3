"""The list pages (the series page, My team, My 1:1s) make the same few queries however
many meetings, series and reports they list, and their rows, written once in Python
rather than by the template, show what they showed."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import ChangeRequest, Meeting, MeetingFeedback, SlotClash
from meetings.tests.factories import MeetingFactory, SeriesFactory, weekly
from people.tests.factories import UserFactory

SERIES_PAGE_QUERIES = 7
# Session, user, the navigation's roles, and one statement for the reports with their
# last and next 1:1s and series, and whether any slot or request waits
# (``selectors.TEAM_PAGE_SQL``).
TEAM_PAGE_QUERIES = 4


def queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def hold_past_meetings(series, count):
    """``count`` held meetings of ``series`` in the weeks before now, each rated."""
    held = series.meetings.filter(status=Meeting.Status.COMPLETED).count()
    for week in range(held + 1, held + count + 1):
        starts_at = timezone.now() - dt.timedelta(weeks=week, hours=1)
        meeting = MeetingFactory(
            series=series,
            slot=starts_at,
            organiser=series.organiser,
            participant=series.participant,
            starts_at=starts_at,
            status=Meeting.Status.COMPLETED,
        )
        MeetingFeedback.objects.create(meeting=meeting, usefulness=4)


@pytest.mark.parametrize("viewer", ["manager", "employee", "hr"])
def test_the_series_page_makes_the_same_queries_for_2_or_12_past_meetings(
    client, request, series, viewer
):
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("meetings:series", args=[series.pk])
    hold_past_meetings(series, 2)
    few, _ = queries(client, url)
    hold_past_meetings(series, 10)
    many, body = queries(client, url)
    assert body.count('data-testid="meeting-row"') > 12  # ten past, the rest to come
    assert many == few
    assert many <= SERIES_PAGE_QUERIES


def test_my_team_makes_the_same_queries_for_1_or_9_reports(client, manager, employee, series):
    client.force_login(manager)
    url = reverse("meetings:team")
    one, _ = queries(client, url)
    assert one == TEAM_PAGE_QUERIES
    for hour in range(8):
        report = UserFactory(manager=manager, job_title="Engineer")
        SeriesFactory(organiser=manager, participant=report)
        SeriesFactory(organiser=manager, participant=report, status="paused")
        MeetingFactory(
            organiser=manager,
            participant=report,
            starts_at=timezone.now() - dt.timedelta(days=9, hours=hour),
        )
        MeetingFactory(
            organiser=manager,
            participant=report,
            starts_at=timezone.now() + dt.timedelta(days=2, hours=hour),
        )
    nine, body = queries(client, url)
    assert body.count('data-testid="report-row"') == 9
    assert body.count("Engineer") == 8 and body.count(">paused</span>") == 8
    assert nine == one
    assert nine <= TEAM_PAGE_QUERIES


# --- The series page: its rows and its statements ---------------------------------------

# Session, user, the series, the navigation's roles, and one statement for the rows, the
# feedback and whether any slot or request waits (``selectors.SERIES_PAGE_SQL``).
SERIES_PAGE_READS = 5


def series_meeting(series, starts_at, **fields):
    return MeetingFactory(
        series=series,
        slot=starts_at,
        organiser=series.organiser,
        participant=series.participant,
        starts_at=starts_at,
        **fields,
    )


def a_request_and_a_clash(series):
    """The participant asks to call off the next 1:1; a slot in 40 days needs a new time."""
    upcoming = series.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at")[0]
    ChangeRequest.objects.create(
        meeting=upcoming, requested_by=series.participant, action=ChangeRequest.Action.CANCEL
    )
    slot = timezone.now() + dt.timedelta(days=40)
    SlotClash.objects.create(
        series=series, slot=slot, ends_at=slot + dt.timedelta(minutes=30), person=series.organiser
    )


# The line above the two: one more, whether their look at the series is to be recorded.
@pytest.mark.parametrize(
    ("viewer", "reads"),
    [("manager", SERIES_PAGE_READS), ("employee", SERIES_PAGE_READS), ("grand_manager", 6)],
)
def test_the_series_page_reads_its_lists_in_one_statement(
    client, request, series, viewer, reads, django_assert_num_queries
):
    hold_past_meetings(series, 3)
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("meetings:series", args=[series.pk])
    with django_assert_num_queries(reads):
        assert client.get(url).status_code == 200


def test_the_series_page_reads_clashes_and_requests_only_when_there_are_some(
    client, manager, employee, series, django_assert_num_queries
):
    a_request_and_a_clash(series)
    url = reverse("meetings:series", args=[series.pk])
    client.force_login(manager)
    with django_assert_num_queries(SERIES_PAGE_READS + 2):
        body = client.get(url).content.decode()
    assert body.count('data-testid="change-request"') == 1
    assert body.count('data-testid="clash"') == 1
    assert body.count(">change requested</span>") == 1
    client.force_login(employee)
    with django_assert_num_queries(SERIES_PAGE_READS + 2):
        body = client.get(url).content.decode()
    assert "Waiting for Morgan Manager to answer your request" in body
    assert "waiting for a new time" in body and 'data-testid="clash"' not in body


def test_the_series_page_rows_say_when_what_and_how_it_went(
    client, manager, employee, grand_manager, clock
):
    """Each row's link, time (in the viewer's zone), kind and people, and its badges, as
    the rows of My 1:1s write them."""
    manager.time_zone = "America/New_York"
    manager.save(update_fields=["time_zone"])
    series = SeriesFactory(organiser=manager, participant=employee)
    now = timezone.now()
    coming = series_meeting(series, dt.datetime(2027, 1, 5, 9, 30, tzinfo=dt.UTC))
    moved = series_meeting(series, now + dt.timedelta(days=9), rescheduled_from=now)
    ChangeRequest.objects.create(
        meeting=moved, requested_by=employee, action=ChangeRequest.Action.CANCEL
    )
    held = series_meeting(series, now - dt.timedelta(days=7), status=Meeting.Status.COMPLETED)
    called_off = series_meeting(
        series, now - dt.timedelta(days=14), status=Meeting.Status.CANCELLED
    )
    # A request on a meeting over is not shown on the row (it was never answered).
    ChangeRequest.objects.create(
        meeting=held, requested_by=employee, action=ChangeRequest.Action.CANCEL
    )
    client.force_login(manager)
    body = client.get(reverse("meetings:series", args=[series.pk])).content.decode()
    link = f'<a href="{reverse("meetings:meeting", args=[coming.pk])}" class="fw-semibold">'
    assert link in body
    assert (
        '<time datetime="2027-01-05T04:30:00-05:00">Tue 5 Jan 2027, 04:30\u201305:00</time>' in body
    )
    assert body.count('<span class="ms-1">1:1 with Emma Employee</span>') == 4
    assert body.count(">moved</span>") == 1 and body.count(">change requested</span>") == 1
    assert body.count(">held</span>") == 1 and body.count(">cancelled</span>") == 1
    assert body.count("gap-2 text-body-secondary") == 1
    for meeting in (moved, held, called_off):
        assert reverse("meetings:meeting", args=[meeting.pk]) in body
    client.force_login(grand_manager)
    body = client.get(reverse("meetings:series", args=[series.pk])).content.decode()
    assert body.count("1:1 with Morgan Manager and Emma Employee") == 4
    client.force_login(employee)
    body = client.get(reverse("meetings:series", args=[series.pk])).content.decode()
    assert body.count("1:1 with Morgan Manager<") == 4


def test_the_series_page_names_whoever_a_meeting_of_it_is_with(client, manager, employee):
    """A meeting of the series between other people (it has only ever been the series'
    two, but the row reads the meeting's own): their names, read in one more query."""
    series = SeriesFactory(organiser=manager, participant=employee)
    stand_in = UserFactory(full_name="Sam Standin")
    MeetingFactory(
        series=series,
        slot=timezone.now() + dt.timedelta(days=3),
        organiser=stand_in,
        participant=employee,
    )
    client.force_login(manager)
    body = client.get(reverse("meetings:series", args=[series.pk])).content.decode()
    assert "1:1 with Sam Standin and Emma Employee" in body


def test_the_series_page_lists_ten_held_and_ten_pieces_of_feedback_latest_first(
    client, manager, series
):
    hold_past_meetings(series, 12)
    client.force_login(manager)
    body = client.get(reverse("meetings:series", args=[series.pk])).content.decode()
    past = body[body.index('id="past-heading"') :]
    assert past.count('data-testid="meeting-row"') == 10
    assert body.count('data-testid="feedback-shown"') == 10
    held = series.meetings.filter(status=Meeting.Status.COMPLETED).order_by("-starts_at")
    links = [reverse("meetings:meeting", args=[meeting.pk]) for meeting in held]
    positions = [past.index(f'href="{link}"') for link in links[:10]]
    assert positions == sorted(positions)
    assert f'href="{links[10]}"' not in past


# --- My team --------------------------------------------------------------------------


def test_my_team_reads_clashes_and_requests_only_when_there_are_some(
    client, manager, employee, series, django_assert_num_queries
):
    a_request_and_a_clash(series)
    client.force_login(manager)
    with django_assert_num_queries(TEAM_PAGE_QUERIES + 2):
        body = client.get(reverse("meetings:team")).content.decode()
    assert body.count('data-testid="change-request"') == 1
    assert body.count('data-testid="clash"') == 1


def test_my_team_rows_say_last_next_and_cadence_at_my_time(client, manager, employee, clock):
    """Last held (not called off), next still scheduled, the series not ended (newest
    first, paused marked), all with the viewer and in the viewer's zone; nothing of
    another manager's 1:1s, of a leaver, or of someone else's report."""
    manager.time_zone = "America/New_York"
    manager.save(update_fields=["time_zone"])
    employee.job_title = "Engineer"
    employee.save(update_fields=["job_title"])
    now = timezone.now()
    older = SeriesFactory(organiser=manager, participant=employee, status="paused")
    ended = SeriesFactory(organiser=manager, participant=employee, status="ended")
    newer = SeriesFactory(organiser=manager, participant=employee, cadence=weekly(interval=2))
    held = MeetingFactory(
        organiser=manager,
        participant=employee,
        starts_at=dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC),
    )
    MeetingFactory(  # called off: not the last held
        organiser=manager,
        participant=employee,
        starts_at=held.starts_at + dt.timedelta(days=1),
        status=Meeting.Status.CANCELLED,
    )
    MeetingFactory(  # another organiser's
        participant=employee, starts_at=held.starts_at + dt.timedelta(days=2)
    )
    coming = MeetingFactory(
        organiser=manager,
        participant=employee,
        starts_at=dt.datetime(2027, 1, 5, 14, 30, tzinfo=dt.UTC),
    )
    MeetingFactory(  # cancelled: not the next
        organiser=manager,
        participant=employee,
        starts_at=coming.starts_at - dt.timedelta(days=3),
        status=Meeting.Status.CANCELLED,
    )
    quiet = UserFactory(full_name="Quinn Quiet", manager=manager)
    UserFactory(full_name="Lee Leaver", manager=manager, is_active=False)
    assert held.starts_at < now < coming.starts_at
    client.force_login(manager)
    body = client.get(reverse("meetings:team")).content.decode()
    rows = body.split('data-testid="report-row"')[1:]
    assert len(rows) == 2 and "Lee Leaver" not in body
    emma, quinn = rows
    assert "Emma Employee" in emma and "Engineer" in emma
    assert '<td data-label="Last 1:1">Mon 30 Nov 2026</td>' in emma
    link = reverse("meetings:meeting", args=[coming.pk])
    assert f'<a href="{link}">Tue 5 Jan, 09:30</a>' in emma
    cadences = [
        emma.index(f'<a href="{reverse("meetings:series", args=[series.pk])}">')
        for series in (newer, older)
    ]
    assert cadences == sorted(cadences)
    assert reverse("meetings:series", args=[ended.pk]) not in emma
    assert emma.count(">paused</span>") == 1
    assert "Every 2 weeks on Tuesday" in emma
    assert f"?participant={employee.pk}" in emma and "Book a recurring 1:1<" not in emma
    assert "Quinn Quiet" in quinn and "None yet" in quinn and "Nothing booked" in quinn
    assert "No regular 1:1" in quinn
    assert f"{reverse('meetings:series_new')}?participant={quiet.pk}" in quinn


# --- My 1:1s --------------------------------------------------------------------------


def test_my_1_1s_reads_requests_only_when_there_are_some(
    client, manager, employee, series, django_assert_num_queries
):
    """Session, user, the navigation's roles, the page with how many there are and
    whether a request of mine waits (``selectors.MY_MEETINGS_SQL``), the calendar
    address; the requests themselves once there are some."""
    client.force_login(employee)
    url = reverse("meetings:mine")
    with django_assert_num_queries(5):
        assert "Waiting for an answer" not in client.get(url).content.decode()
    upcoming = series.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at")[0]
    ChangeRequest.objects.create(
        meeting=upcoming, requested_by=employee, action=ChangeRequest.Action.CANCEL
    )
    with django_assert_num_queries(6):
        body = client.get(url).content.decode()
    assert "Waiting for an answer" in body and "You asked Morgan Manager to" in body
    assert body.count(">change requested</span>") == 1


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("", 1),
        ("2", 2),
        (" 2 ", 2),
        ("3", 3),
        ("9", 3),
        ("0", 3),
        ("-1", 3),
        ("abc", 1),
        ("2.0", 1),
    ],
)
def test_my_1_1s_shows_the_page_the_paginator_would(client, manager, asked, shown):
    """Twenty a page, soonest first; a page past the end or below 1 is the last, anything
    not a number the first (``Paginator.get_page``)."""
    starts = [timezone.now() + dt.timedelta(days=day, hours=1) for day in range(45)]
    meetings = [MeetingFactory(organiser=manager, starts_at=start) for start in starts]
    client.force_login(manager)
    body = client.get(reverse("meetings:mine"), {"page": asked}).content.decode()
    assert f"Page {shown} of 3" in body
    on_page = meetings[(shown - 1) * 20 : shown * 20]
    links = [f'href="{reverse("meetings:meeting", args=[m.pk])}"' for m in on_page]
    positions = [body.index(link) for link in links]
    assert positions == sorted(positions)
    assert body.count('data-testid="meeting-row"') == len(on_page)
    assert ("Previous" in body) is (shown > 1) and ("Next</a>" in body) is (shown < 3)


def test_my_1_1s_past_are_latest_first_and_none_says_so(client, manager):
    client.force_login(manager)
    body = client.get(reverse("meetings:mine"), {"when": "past"}).content.decode()
    assert 'data-testid="no-meetings"' in body and "No past 1:1s yet." in body
    earlier, later = (
        MeetingFactory(organiser=manager, starts_at=timezone.now() - dt.timedelta(days=days))
        for days in (9, 2)
    )
    body = client.get(reverse("meetings:mine"), {"when": "past"}).content.decode()
    first = body.index(reverse("meetings:meeting", args=[later.pk]))
    assert first < body.index(reverse("meetings:meeting", args=[earlier.pk]))
    assert "Page 1 of 1" not in body
