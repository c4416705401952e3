"""Opening someone's 1:1s, in the app or the admin site, is recorded for them ("Who
looked at my records") unless one is one of the two people or in their line."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from meetings.tests.factories import MeetingFactory, SeriesFactory
from notifications.models import Reminder
from people.models import PersonChange, RecordAccess
from people.tests.factories import UserFactory

Kind = RecordAccess.Kind


def looks() -> list[tuple[str, str, str]]:
    return sorted(
        (r.viewer.full_name, r.person.full_name, r.kind)
        for r in RecordAccess.objects.select_related("viewer", "person")
    )


@pytest.fixture
def series(employee, manager):
    return SeriesFactory(organiser=manager, participant=employee)


@pytest.fixture
def meeting(employee, manager, series):
    """A meeting of the series, for its two people."""
    return MeetingFactory(
        organiser=manager, participant=employee, series=series, slot=timezone.now()
    )


def test_hr_opening_a_meeting_or_series_is_recorded_for_both(client, hr, meeting, series):
    client.force_login(hr)
    assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:series", args=[series.pk])).status_code == 200
    assert looks() == [
        ("Hana HR", "Emma Employee", Kind.MEETING),
        ("Hana HR", "Emma Employee", Kind.SERIES),
        ("Hana HR", "Morgan Manager", Kind.MEETING),
        ("Hana HR", "Morgan Manager", Kind.SERIES),
    ]


@pytest.mark.parametrize("role", ["employee", "manager", "grand_manager"])
def test_the_two_and_their_line_are_not_recorded(client, role, request, meeting, series):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:series", args=[series.pk])).status_code == 200
    # Gina is Morgan's manager and Emma's manager's manager: in both lines.
    assert looks() == []


@pytest.mark.parametrize("role", ["other_manager", "outsider"])
def test_others_get_a_404_and_nothing_is_recorded(client, role, request, meeting, series):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("meetings:series", args=[series.pk])).status_code == 404
    assert looks() == []


def test_the_admin_sites_meetings_series_and_outbox_are_recorded(
    client, admin_user, employee, meeting, series
):
    reminder = Reminder.objects.create(
        kind=Reminder.Kind.STARTING_SOON,
        recipient=employee,
        meeting=meeting,
        subject="Soon",
        due_at=meeting.starts_at,
    )
    client.force_login(admin_user)
    for url in (
        reverse("admin:meetings_meeting_changelist"),
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        reverse("admin:meetings_meetingseries_change", args=[series.pk]),
        reverse("admin:notifications_reminder_change", args=[reminder.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert looks() == [
        ("Ada Admin", "Emma Employee", Kind.ADMIN_MEETINGS),
        ("Ada Admin", "Emma Employee", Kind.ADMIN_MESSAGES),
        ("Ada Admin", "Morgan Manager", Kind.ADMIN_MEETINGS),
    ]


def test_the_admin_sites_list_of_account_changes_is_recorded(client, admin_user, employee):
    PersonChange.objects.create(person=employee, field=PersonChange.Field.JOB_TITLE)
    client.force_login(admin_user)
    assert client.get(reverse("admin:people_personchange_changelist")).status_code == 200
    assert looks() == [("Ada Admin", "Emma Employee", Kind.ADMIN_CHANGES)]


def test_staff_with_view_permission_are_recorded_too(client, employee, meeting):
    staff = UserFactory(full_name="Stan Staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename="view_meeting"))
    client.force_login(staff)
    assert (
        client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).status_code == 200
    )
    assert ("Stan Staff", "Emma Employee", Kind.ADMIN_MEETINGS) in looks()


def test_the_person_sees_them_and_nobody_else_does(client, hr, employee, manager, meeting):
    client.force_login(hr)
    client.get(reverse("meetings:meeting", args=[meeting.pk]))
    client.force_login(employee)
    page = client.get(reverse("people:who_looked", args=[employee.pk])).content.decode()
    assert "One of your 1:1s (its time and status)" in page and "Hana HR" in page
    for viewer in (manager, hr):
        client.force_login(viewer)
        assert client.get(reverse("people:who_looked", args=[employee.pk])).status_code == 404
