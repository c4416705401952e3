"""Opening a page never writes: My 1:1s and the meeting page read, and what they once
wrote on the way (a calendar address, the next-time list landing) happens on a POST or
in a service that changes something."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import AgendaItem
from meetings.tests.test_views import meeting  # noqa: F401 (a fixture)
from notifications.models import CalendarFeed

WRITES = ("INSERT", "UPDATE", "DELETE")


def writes_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(WRITES)]


def test_my_meetings_reads_and_offers_to_make_a_calendar_address(client, employee, series):
    client.force_login(employee)
    assert writes_of(client, reverse("meetings:mine")) == []
    assert not CalendarFeed.objects.filter(user=employee).exists()
    page = client.get(reverse("meetings:mine")).content.decode()
    assert "You have no calendar address yet." in page
    response = client.post(reverse("meetings:calendar_regenerate"), follow=True)
    feed = CalendarFeed.objects.get(user=employee)
    assert "Here is your calendar address." in response.content.decode()
    assert reverse("meetings:calendar_feed", args=[feed.token]) in response.content.decode()


def test_the_meeting_page_shows_the_next_time_list_without_landing_it(
    client,
    employee,
    manager,
    meeting,  # noqa: F811
):
    waiting = AgendaItem.objects.create(
        series=meeting.series, meeting=None, author=employee, text="Conference budget"
    )
    for person in (employee, manager):
        client.force_login(person)
        url = reverse("meetings:meeting", args=[meeting.pk])
        assert writes_of(client, url) == []
        assert "Conference budget" in client.get(url).content.decode()
    waiting.refresh_from_db()
    assert waiting.meeting_id is None
