"""The Notifications settings page: each person's own preferences only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.scheduling import services
from notifications.models import NotificationPreferences, Reminder
from notifications.services import chat_webhook_save

URL = reverse("meetings:notifications")


def form_data(**changes):
    data = {
        "agenda_prompt": "on",
        "agenda_days_as_participant": "2",
        "agenda_days_as_organiser": "1",
        "starting_soon": "on",
        "starting_soon_minutes": "60",
        "follow_up": "on",
        "follow_up_hours": "2",
        "actions_due": "on",
        "invitations": "on",
        "change_requests": "on",
        "meeting_changes": "on",
        "objective_updates": "on",
        "lapsed_nudge": "on",
        "lapsed_nudge_weekday": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_it_shows_the_defaults_and_is_linked_from_my_profile(client, employee):
    client.force_login(employee)
    assert URL in client.get(reverse("people:profile")).content.decode()
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ask me to add agenda items before a 1:1" in page
    assert 'name="agenda_days_as_participant" value="2"' in page
    # Not a manager: no weekly team nudge to choose.
    assert "lapsed_nudge" not in page
    assert not NotificationPreferences.objects.exists()


def test_a_manager_also_chooses_the_weekly_nudge(client, manager, employee):
    client.force_login(manager)
    page = client.get(URL).content.decode()
    assert "Tell me weekly about reports I have not met for a while" in page
    assert 'for="id_lapsed_nudge_weekday"' in page


def test_it_saves_and_moves_the_waiting_reminders(client, manager, employee):
    starts = (timezone.now() + dt.timedelta(days=5)).replace(microsecond=0)
    meeting = services.meeting_book(
        organiser=manager,
        participant=employee,
        starts_at=starts,
        duration_minutes=30,
        format="video",
    )
    client.force_login(employee)
    response = client.post(
        URL, form_data(starting_soon=None, agenda_days_as_participant="4", lapsed_nudge=None)
    )
    assert response.status_code == 302
    prefs = NotificationPreferences.objects.get(user=employee)
    assert (prefs.starting_soon, prefs.agenda_days_as_participant) == (False, 4)
    soon = Reminder.objects.get(meeting=meeting, recipient=employee, kind="starting_soon")
    assert soon.state == Reminder.State.CANCELLED
    prompt = Reminder.objects.get(meeting=meeting, recipient=employee, kind="agenda_prompt")
    assert prompt.due_at == meeting.starts_at - dt.timedelta(days=4)
    assert "Your notification settings are saved." in client.get(URL).content.decode()


def test_bad_input_gets_a_message_and_changes_nothing(client, employee):
    client.force_login(employee)
    response = client.post(URL, form_data(agenda_days_as_participant="30"))
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 7." in response.content.decode()
    assert not NotificationPreferences.objects.exists()


def test_it_only_ever_shows_and_changes_your_own(client, employee, outsider):
    NotificationPreferences.objects.create(user=employee, starting_soon_minutes=15)
    client.force_login(outsider)
    assert 'value="15" selected' not in client.get(URL).content.decode()
    client.post(URL, form_data(starting_soon_minutes="120"))
    assert NotificationPreferences.objects.get(user=employee).starting_soon_minutes == 15
    assert NotificationPreferences.objects.get(user=outsider).starting_soon_minutes == 120


def test_it_needs_signing_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["manager", "employee"])
@pytest.mark.parametrize("with_webhook", [False, True])
def test_it_takes_a_fixed_number_of_queries(
    client, request, manager, employee, role, with_webhook, django_assert_num_queries
):
    """Session, user, the preferences (read once: the form and the webhook's status
    both show them) and whether there are reports (asked once: the form's team part
    and the menu both need it)."""
    person = request.getfixturevalue(role)
    if with_webhook:
        chat_webhook_save(
            user=person, service="slack", url="https://hooks.slack.com/services/T/B/abcdWXYZ"
        )
    client.force_login(person)
    with django_assert_num_queries(4):
        body = client.get(URL).content.decode()
    assert ("https://hooks.slack.com/\u2026WXYZ" in body) is with_webhook
    assert ("Your team" in body) is (role == "manager")
