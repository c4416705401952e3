import pytest
from django.urls import reverse

from people.tests.factories import UserFactory


def test_my_profile_says_who_you_are_your_manager_and_your_reports(client, manager, employee):
    client.force_login(manager)
    body = client.get(reverse("people:profile")).content.decode()
    assert "Morgan Manager" in body
    assert "Emma Employee" in body
    assert "No manager is set for you" in body

    client.force_login(employee)
    body = client.get(reverse("people:profile")).content.decode()
    assert "Your manager" in body and "Morgan Manager" in body
    assert "Nobody reports to you." in body


def test_it_keeps_my_profile_to_a_few_queries(client, manager, django_assert_max_num_queries):
    for _ in range(15):
        UserFactory(manager=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        client.get(reverse("people:profile"))


def test_it_shows_each_role_its_navigation(client, manager, employee, hr, admin_user):
    client.force_login(employee)
    body = client.get(reverse("home")).content.decode()
    assert reverse("admin:index") not in body
    client.force_login(admin_user)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()
    client.force_login(hr)
    assert ">HR<" in client.get(reverse("home")).content.decode()


def test_it_saves_a_profile_with_a_new_time_zone(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("people:profile"),
        {"full_name": "Emma E.", "job_title": "Engineer", "time_zone": "America/Chicago"},
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.time_zone == "America/Chicago"


def test_it_refuses_an_unknown_time_zone_on_the_profile(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("people:profile"),
        {"full_name": "Emma", "job_title": "", "time_zone": "Mars/Base"},
    )
    assert response.status_code == 200
    assert "Choose a time zone from the list, such as Europe/London." in response.content.decode()
    employee.refresh_from_db()
    assert employee.time_zone == "Europe/London"


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("employee", True),
        ("manager", True),
        ("grand_manager", True),
        ("hr", True),
        ("other_manager", False),
        ("outsider", False),
    ],
)
def test_it_shows_a_person_only_to_their_line_and_hr(client, request, employee, viewer, visible):
    request.getfixturevalue("grand_manager")
    client.force_login(request.getfixturevalue(viewer))
    response = client.get(reverse("people:person", args=[employee.pk]))
    assert response.status_code == (200 if visible else 404)


def test_it_answers_404_for_a_missing_person(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("people:person", args=[999999])).status_code == 404


def test_it_sends_a_strict_content_security_policy(client, employee):
    client.force_login(employee)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
