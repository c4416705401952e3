"""/_rows, the bare page `make bench` measures every page against: off unless
BENCH_ENDPOINTS=1, and even then only the viewer's own meetings."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.tests.factories import MeetingFactory

ROWS = reverse("bench_rows")


@pytest.fixture
def bench_on(settings):
    settings.BENCH_ENDPOINTS = True


def test_it_is_not_there_unless_the_bench_turns_it_on(client, manager):
    client.force_login(manager)
    assert client.get(ROWS).status_code == 404


def test_it_lists_the_latest_twenty_meetings_of_the_viewer(
    bench_on, client, manager, employee, django_assert_max_num_queries
):
    first = MeetingFactory(organiser=manager, participant=employee)
    for week in range(1, 22):
        MeetingFactory(
            organiser=manager,
            participant=employee,
            starts_at=first.starts_at + dt.timedelta(weeks=week),
        )
    client.force_login(employee)
    with django_assert_max_num_queries(4):  # session, user, roles, the rows
        response = client.get(ROWS)
    assert response.status_code == 200
    shown = response.content.decode().count("<li>")
    assert shown == 20
    assert f"<li>{first.pk} " not in response.content.decode()  # the oldest is the 21st


def test_an_outsider_sees_none_of_other_peoples_meetings(bench_on, client, manager, outsider):
    meeting = MeetingFactory(organiser=manager)
    client.force_login(outsider)
    response = client.get(ROWS)
    assert response.status_code == 200
    assert f"<li>{meeting.pk} " not in response.content.decode()
    assert "<li>" not in response.content.decode()


def test_signed_out_it_sends_to_the_sign_in_page(bench_on, client):
    response = client.get(ROWS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
