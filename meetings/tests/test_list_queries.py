"""The series page and My team make the same few queries however many meetings, series
and reports they list: the rows' people and series come with the rows, not one query
per row from the template."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, MeetingFeedback
from meetings.tests.factories import MeetingFactory, SeriesFactory
from people.tests.factories import UserFactory

SERIES_PAGE_QUERIES = 10
TEAM_PAGE_QUERIES = 8


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
