"""Office hours in the admin site: who hosts, when, for whom, and who signed up when,
never a sign-up's topic (the two people's only), not on the list, the page, its
history, in a search, nor read from the database; read-only; each look recorded for
the host and the people listed."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from officehours import services
from officehours.tests.conftest import at
from people.models import RecordAccess
from people.tests.factories import UserFactory

TOPIC = "TOPIC-Lapwing-2290 my pay review"


@pytest.fixture
def signed_up(hours, employee):
    return services.sign_up(hours=hours, person=employee, starts_at=at(7, 14, 20), topic=TOPIC)


def pages(hours) -> list[str]:
    changelist = reverse("admin:officehours_officehours_changelist")
    return [
        changelist,
        f"{changelist}?q=Morgan",
        f"{changelist}?q=Lapwing",
        reverse("admin:officehours_officehours_change", args=[hours.pk]),
        reverse("admin:officehours_officehours_history", args=[hours.pk]),
    ]


def test_the_admin_shows_who_and_when_never_the_topic(client, admin_user, hours, signed_up):
    client.force_login(admin_user)
    for url in pages(hours):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Lapwing-2290" not in response.content.decode(), url  # the search echoes "Lapwing"
    page = client.get(reverse("admin:officehours_officehours_change", args=[hours.pk]))
    html = page.content.decode()
    assert "Morgan Manager" in html  # the host
    assert "Emma Employee" in html and "Scheduled" in html  # who signed up, its status
    assert "Thursdays 14:00" in client.get(pages(hours)[0]).content.decode()
    # A search for the topic's words finds nothing: the topic is not searched.
    found = client.get(pages(hours)[2]).context["cl"].result_count
    assert found == 0


def test_the_topic_is_not_even_read(client, admin_user, hours, signed_up):
    client.force_login(admin_user)
    url = reverse("admin:officehours_officehours_change", args=[hours.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    read = [q["sql"] for q in queries if "officehours_signup" in q["sql"]]
    assert read  # the inline did read the sign-ups
    assert not any('"officehours_signup"."topic"' in sql for sql in read)


def test_it_is_read_only(client, admin_user, hours, signed_up):
    client.force_login(admin_user)
    assert client.get(reverse("admin:officehours_officehours_add")).status_code == 403
    delete = reverse("admin:officehours_officehours_delete", args=[hours.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:officehours_officehours_change", args=[hours.pk])
    client.post(change, {"title": "Changed", "status": "paused"})
    hours.refresh_from_db()
    assert (hours.title, hours.status) == ("", "open")
    # No sign-up page of its own, and no action (export or delete) on the list.
    assert "officehours_signup" not in client.get(reverse("admin:index")).content.decode()
    assert (
        not client.get(pages(hours)[0])
        .context["cl"]
        .model_admin.get_actions(client.get(pages(hours)[0]).wsgi_request)
    )


def test_looks_are_recorded_for_the_host_and_who_signed_up(client, admin_user, hours, signed_up):
    client.force_login(admin_user)
    client.get(pages(hours)[0])
    looks = set(RecordAccess.objects.values_list("person__full_name", "kind"))
    assert looks == {("Morgan Manager", RecordAccess.Kind.ADMIN_OFFICE_HOURS)}
    client.get(reverse("admin:officehours_officehours_change", args=[hours.pk]))
    looks = set(RecordAccess.objects.values_list("person__full_name", "kind"))
    assert looks == {
        ("Morgan Manager", RecordAccess.Kind.ADMIN_OFFICE_HOURS),
        ("Emma Employee", RecordAccess.Kind.ADMIN_OFFICE_HOURS),
    }


def test_staff_without_the_permission_see_nothing(client, hours, signed_up):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename="view_meeting"))
    client.force_login(staff)
    for url in pages(hours):
        assert client.get(url).status_code == 403, url
    assert not RecordAccess.objects.exists()
