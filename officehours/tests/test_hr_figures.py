"""HR's figures are about line 1:1s: a sign-up to office hours, even to one's own
manager's, counts in none of them (not the manager table, a manager's report rows, the
gap lists, the trend or its kept counts, nor "My team" on the home page), and its topic
is in no report."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from home.selectors import team_to_meet
from meetings.models import Kind, Meeting
from officehours.models import SignUp
from reports import selectors
from reports.selectors import gap_rows, manager_rows, report_rows, trend
from reports.tests import scenario
from reports.tests.scenario import PERIOD, TREND_TODAY, local, meet

TOPIC = "TOPIC-ONLY-FOR-THE-TWO"


@pytest.fixture
def s(db):
    return scenario.build()


def figures(s):
    dashboard = selectors.dashboard(period=PERIOD, team=None, gap_limit=50)
    return {
        "managers": manager_rows(period=PERIOD, team=None),
        "reports": report_rows(manager=s.mara, period=PERIOD, team=None),
        "meetings": list(selectors.manager_meetings(manager=s.mara, period=PERIOD, team=None)),
        "gaps": gap_rows(team=None),
        "trend": trend(team=None, today=TREND_TODAY),
        "dashboard": (dashboard.managers, dashboard.gap_lists, dashboard.months),
        "home": [
            (row.person.pk, row.last_held, row.next_meeting_id)
            for row in team_to_meet(viewer=s.mara).not_met_recently.rows
        ],
    }


def office_hours(s, day, status, *, person="rob", host="mara"):
    meeting = meet(
        s.people[host], s.people[person], local(day, "15:00"), status, kind=Kind.OFFICE_HOURS
    )
    SignUp.objects.create(meeting=meeting, topic=TOPIC)
    return meeting


def test_no_line_1_1_figure_counts_office_hours(s):
    before = figures(s)
    office_hours(s, "2025-03-12", Meeting.Status.COMPLETED)
    office_hours(s, "2025-04-02", Meeting.Status.CANCELLED)
    office_hours(s, "2025-04-16", Meeting.Status.COMPLETED, person="sue", host="milo")
    office_hours(s, "2025-02-20", Meeting.Status.COMPLETED, person="ned")  # before the period
    # Four days on: the scenario books Mara's next 1:1 three days from now at this time of
    # day, which a 15:00 sign-up on that day would clash with when run in the afternoon.
    future = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    office_hours(s, future, Meeting.Status.SCHEDULED, person="rita")
    assert figures(s) == before
    assert selectors.months_kept_wrong() == []


def test_the_topic_is_in_no_report_page_or_file(s, client):
    office_hours(s, "2025-03-12", Meeting.Status.COMPLETED)
    client.force_login(s.hr)
    for url in (
        reverse("reports:dashboard"),
        reverse("reports:manager", args=[s.mara.pk]),
        reverse("reports:export", args=["managers"]),
        reverse("reports:manager_export", args=[s.mara.pk, "reports"]),
    ):
        response = client.get(url, {"first": "2025-03-01", "last": "2025-04-30"})
        assert response.status_code == 200, url
        assert TOPIC not in response.content.decode(), url
