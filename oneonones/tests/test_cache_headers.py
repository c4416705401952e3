"""Nothing answered to a signed-in person is stored by a browser or a proxy (ASVS 14.3.2);
static files and the calendar feed keep their own caching headers."""

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from meetings.scheduling import services as meeting_services
from meetings.tests.factories import ActionItemFactory, MeetingFactory, SeriesFactory
from notifications import services as notification_services
from objectives.tests.factories import ObjectiveFactory
from people.tests.factories import UserFactory
from people.tests.test_auth import all_routes, sample_path

# Its own headers, whoever asks: calendar apps fetch it without a session.
FEED = "meetings:calendar_feed"


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_private(response, path):
    assert {"no-store", "private"} <= directives(response), (path, response.get("Cache-Control"))
    assert "public" not in directives(response), path
    assert "Cookie" in response.get("Vary", ""), path
    assert response["Pragma"] == "no-cache", path


@pytest.fixture
def hr_admin(db):
    """Signed in with every door open (staff, superuser, HR), so most routes answer
    with their page rather than a 404."""
    return UserFactory(
        full_name="Sam Super", email="sam@example.org", is_staff=True, is_superuser=True, is_hr=True
    )


@pytest.mark.parametrize(
    ("route", "name"),
    [(route, name) for route, name, _ in all_routes() if name != FEED],
    ids=lambda value: str(value)[:60],
)
def test_every_route_answers_a_signed_in_person_with_no_store(client, hr_admin, route, name):
    client.force_login(hr_admin)
    path = sample_path(route)
    assert_private(client.get(path), path)


def test_posts_and_redirects_are_private_too(client, employee):
    client.force_login(employee)
    response = client.post(reverse("people:profile"), {"full_name": "Emma E", "time_zone": "UTC"})
    assert response.status_code in (200, 302)
    assert_private(response, "profile POST")
    # CommonMiddleware's redirect to the address with a slash.
    response = client.get("/people/me")
    assert response.status_code == 301
    assert_private(response, "/people/me")


def test_the_pages_named_in_the_rule_answer_their_own_content_privately(client, manager, employee):
    series = SeriesFactory(organiser=manager, participant=employee)
    meeting_services.series_generate(series_id=series.pk)
    meeting = MeetingFactory(organiser=manager, participant=employee)
    ActionItemFactory(meeting=meeting, owner=employee)
    objective = ObjectiveFactory(owner=employee)
    client.force_login(employee)
    pages = [
        reverse("meetings:meeting", args=[meeting.pk]),
        reverse("meetings:mine"),
        reverse("meetings:my_actions"),
        reverse("meetings:series", args=[series.pk]),
        reverse("meetings:meeting_ics", args=[meeting.pk]),
        reverse("objectives:mine"),
        reverse("objectives:detail", args=[objective.pk]),
        reverse("people:profile"),
        reverse("wellbeing:index"),
        reverse("home"),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_private(response, path)
    client.force_login(manager)
    response = client.get(reverse("people:person", args=[employee.pk]))
    assert response.status_code == 200
    assert_private(response, "person")


def test_an_outsider_gets_a_private_404(client, outsider, manager, employee):
    meeting = MeetingFactory(organiser=manager, participant=employee)
    client.force_login(outsider)
    response = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert response.status_code == 404
    assert_private(response, "404")


def test_the_calendar_feed_keeps_its_own_headers_signed_in_or_not(client, employee):
    url = reverse(FEED, args=[notification_services.calendar_feed_for(user=employee).token])
    anonymous = client.get(url)
    client.force_login(employee)
    signed_in = client.get(url)
    for response in (anonymous, signed_in):
        assert response.status_code == 200
        assert get_max_age(response) == 0
        assert "Pragma" not in response
    assert signed_in["Cache-Control"] == anonymous["Cache-Control"]


def test_pages_for_anonymous_visitors_are_left_to_their_views(client, db):
    assert "Pragma" not in client.get(reverse("login"))


def test_static_files_keep_their_own_caching(client, employee, settings):
    # WhiteNoise serves straight from the source folders, as with DEBUG (it answers
    # before the rest of the middleware, whoever is signed in).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(employee)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert "public" in directives(response)
