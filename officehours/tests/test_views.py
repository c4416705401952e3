"""The pages, for each role: the host, the person who signed up, the person's manager,
HR, an administrator, a stranger. Not allowed looks like not there (404)."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Meeting
from officehours import services
from officehours.models import OfficeHours
from officehours.tests.conftest import at, publish
from people.tests.factories import UserFactory

TOPIC = "Thinking about going part-time"


@pytest.fixture
def booked(hours, employee):
    return services.sign_up(hours=hours, person=employee, starts_at=at(14, 14), topic=TOPIC)


@pytest.fixture
def employees_manager_elsewhere(clock, employee):
    """The employee signs up for someone else's "anyone" hours: their own manager
    (``manager``) must not see the topic."""
    host = UserFactory(full_name="Hugo Host")
    hours = publish(host, audience="anyone")
    return services.sign_up(hours=hours, person=employee, starts_at=at(7, 15), topic=TOPIC)


def page(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def test_the_index_lists_the_hosts_open_to_me_and_signing_up_books(client, hours, employee):
    response = page(client, employee, "officehours:index")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Morgan Manager" in body and "Thursdays 14:00–16:00 (Europe/London)" in body
    assert "14:20–14:40, Thursday 7 January" in body
    response = client.post(
        reverse("officehours:sign_up", args=[hours.pk]),
        {f"h{hours.pk}-slot": "2027-01-07T14:20Z", f"h{hours.pk}-topic": TOPIC},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.participant == employee and meeting.starts_at == at(7, 14, 20)
    body = client.get(reverse("officehours:index")).content.decode()
    assert "Your sign-ups" in body and TOPIC in body
    assert "14:20–14:40, Thursday 7 January" not in body  # no longer offered


def test_a_taken_slot_says_so_and_offers_the_next_free_ones(client, hours, employee, manager):
    services.sign_up(hours=hours, person=UserFactory(manager=manager), starts_at=at(7, 14))
    client.force_login(employee)
    response = client.post(
        reverse("officehours:sign_up", args=[hours.pk]), {f"h{hours.pk}-slot": "2027-01-07T14:00Z"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone just took that slot; here are the next free ones" in body
    assert "14:20–14:40 on Thu 7 Jan" in body
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("slot", ["", "tomorrow", "2027-01-07T14:10Z", "9999-99-99T99:99Z"])
def test_bad_input_is_a_clear_message_and_changes_nothing(client, hours, employee, slot):
    client.force_login(employee)
    response = client.post(reverse("officehours:sign_up", args=[hours.pk]), {f"h{hours.pk}-slot": slot})
    assert response.status_code == 400
    assert "Choose a slot" in response.content.decode() or "not one of the slots" in response.content.decode()
    assert not Meeting.objects.exists()


def test_nothing_asks_anyone_to_sign_up(client, hours, employee):
    body = page(client, employee, "officehours:index").content.decode().lower()
    assert "not signed up" not in body and "you should" not in body
    assert "never expected" in body


@pytest.mark.parametrize("role", ["outsider", "other_manager", "hr", "admin_user", "grand_manager"])
def test_team_hours_are_not_there_for_anyone_outside_the_team(client, hours, role, request):
    viewer = request.getfixturevalue(role)
    body = page(client, viewer, "officehours:index").content.decode()
    assert "Morgan Manager" not in body
    client.force_login(viewer)
    response = client.post(
        reverse("officehours:sign_up", args=[hours.pk]), {f"h{hours.pk}-slot": "2027-01-07T14:00Z"}
    )
    assert response.status_code == 404
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("name", ["officehours:edit", "officehours:delete"])
@pytest.mark.parametrize("role", ["employee", "outsider", "other_manager", "hr", "admin_user"])
def test_only_the_host_opens_the_edit_and_delete_pages(client, hours, name, role, request):
    assert page(client, request.getfixturevalue(role), name, hours.pk).status_code == 404
    assert page(client, hours.host, name, hours.pk).status_code == 200


@pytest.mark.parametrize("name", ["officehours:pause", "officehours:resume", "officehours:delete", "officehours:edit"])
@pytest.mark.parametrize("role", ["employee", "outsider", "hr", "admin_user"])
def test_only_the_host_changes_their_office_hours(client, hours, name, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse(name, args=[hours.pk]), {"booked": "cancel", "slot_minutes": 30})
    assert response.status_code == 404
    hours.refresh_from_db()
    assert hours.status == "open" and hours.slot_minutes == 20


def test_the_host_publishes_edits_pauses_resumes_and_deletes(client, clock, manager, employee):
    client.force_login(manager)
    assert client.get(reverse("officehours:publish")).status_code == 200
    data = {
        "weekdays": ["1", "3"],
        "start_time": "14:00",
        "end_time": "16:00",
        "slot_minutes": "20",
        "time_zone": "Europe/London",
        "audience": "team",
        "format": "room",
        "location": "Room 3.14",
        "first_date": "2027-01-07",
    }
    response = client.post(reverse("officehours:publish"), data)
    assert response.status_code == 302
    hours = OfficeHours.objects.get()
    assert hours.weekdays == [1, 3]
    assert "Tuesdays and Thursdays 14:00–16:00" in client.get(reverse("officehours:mine")).content.decode()
    services.sign_up(hours=hours, person=employee, starts_at=at(7, 15, 40), topic=TOPIC)
    response = client.post(
        reverse("officehours:edit", args=[hours.pk]), {**data, "end_time": "15:00"}, follow=True
    )
    body = response.content.decode()
    assert "stay booked: Emma Employee, 15:40–16:00 on Thu 7 Jan" in body
    assert TOPIC in body  # the host sees who signed up, and why
    client.post(reverse("officehours:pause", args=[hours.pk]))
    hours.refresh_from_db()
    assert hours.status == "paused"
    client.post(reverse("officehours:resume", args=[hours.pk]))
    hours.refresh_from_db()
    assert hours.status == "open"
    response = client.post(reverse("officehours:delete", args=[hours.pk]), {"booked": "keep"})
    assert response.status_code == 302
    assert not OfficeHours.objects.exists()
    assert Meeting.objects.get().status == "scheduled"


def test_bad_open_time_is_shown_beside_the_form_and_nothing_is_saved(client, clock, outsider):
    client.force_login(outsider)
    response = client.post(
        reverse("officehours:publish"),
        {"weekdays": ["3"], "start_time": "16:00", "end_time": "14:00", "slot_minutes": "20",
         "time_zone": "Europe/London", "audience": "anyone", "format": "room",
         "first_date": "2027-01-07"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "The end time must be after the start time." in response.content.decode()
    # Without reports, "my team" is not offered.
    assert "My team (the people" not in response.content.decode()
    assert not OfficeHours.objects.exists()


@pytest.mark.parametrize("who", ["host", "person"])
def test_either_of_the_two_cancels_from_the_page(client, booked, manager, employee, who):
    by = manager if who == "host" else employee
    client.force_login(by)
    response = client.post(
        reverse("officehours:sign_up_cancel", args=[booked.pk]), {f"s{booked.pk}-reason": "clash"}
    )
    assert response.status_code == 302
    booked.meeting.refresh_from_db()
    assert booked.meeting.is_cancelled


@pytest.mark.parametrize("role", ["outsider", "other_manager", "hr", "admin_user", "grand_manager"])
def test_nobody_else_cancels_or_sees_a_sign_up(client, booked, role, request):
    viewer = request.getfixturevalue(role)
    client.force_login(viewer)
    response = client.post(
        reverse("officehours:sign_up_cancel", args=[booked.pk]), {f"s{booked.pk}-reason": "clash"}
    )
    assert response.status_code == 404
    booked.meeting.refresh_from_db()
    assert not booked.meeting.is_cancelled
    for name in ("officehours:index", "officehours:mine"):
        assert TOPIC not in page(client, viewer, name).content.decode()


@pytest.mark.parametrize("role", ["manager", "grand_manager", "hr", "admin_user"])
def test_the_topic_is_not_shown_to_the_persons_manager_hr_or_an_admin(
    client, employees_manager_elsewhere, role, request
):
    viewer = request.getfixturevalue(role)
    meeting = employees_manager_elsewhere.meeting
    for response in (
        page(client, viewer, "officehours:index"),
        page(client, viewer, "officehours:mine"),
        page(client, viewer, "meetings:meeting", meeting.pk),
        page(client, viewer, "meetings:mine"),
    ):
        assert TOPIC not in response.content.decode()


def test_the_two_see_the_topic(client, employees_manager_elsewhere, employee):
    host = employees_manager_elsewhere.meeting.organiser
    assert TOPIC in page(client, host, "officehours:mine").content.decode()
    assert TOPIC in page(client, employee, "officehours:index").content.decode()


def test_every_page_needs_signing_in_and_gets_answer_no_writes(client, hours, booked):
    for name, args in [("officehours:index", []), ("officehours:mine", []),
                       ("officehours:publish", []), ("officehours:edit", [hours.pk]),
                       ("officehours:delete", [hours.pk])]:  # fmt: skip
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response.url
    for name, args in [("officehours:sign_up", [hours.pk]), ("officehours:pause", [hours.pk]),
                       ("officehours:sign_up_cancel", [booked.pk])]:  # fmt: skip
        client.force_login(hours.host)
        assert client.get(reverse(name, args=args)).status_code == 405


def test_the_index_makes_the_same_number_of_queries_for_more_hosts(
    client, clock, employee, django_assert_max_num_queries
):
    for number in range(6):
        publish(UserFactory(full_name=f"Host {number}"), audience="anyone")
    client.force_login(employee)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("officehours:index")).status_code == 200
