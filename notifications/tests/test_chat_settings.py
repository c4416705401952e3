"""A person's chat webhook on their Notifications page: saved, tested and removed by
them alone, shown masked, and nowhere else in full (not the admin site, not anyone's
data export, not kept after they leave)."""

import io
import json
import re
import zipfile

import pytest
from django.urls import reverse

from notifications import services as notification_services
from notifications.models import Channel, NotificationPreferences, Reminder
from notifications.tests.test_notifications_view import form_data
from privacy.services import person_anonymise

PAGE = reverse("meetings:notifications")
SAVE = reverse("meetings:chat_webhook")
REMOVE = reverse("meetings:chat_webhook_remove")
TEST = reverse("meetings:chat_webhook_test")
SECRET = "T0SECRET/B0SECRET/Zq8sECRETtokenWXYZ"
SLACK = f"https://hooks.slack.com/services/{SECRET}"


def saved_url(person) -> str:
    prefs = NotificationPreferences.objects.filter(user=person).first()
    return prefs.chat_webhook_url if prefs else ""


def test_it_saves_the_webhook_and_shows_it_masked_only(client, employee):
    client.force_login(employee)
    response = client.post(SAVE, {"chat_service": "slack", "chat_webhook_url": SLACK})
    assert response.status_code == 302
    assert saved_url(employee) == SLACK
    page = client.get(PAGE).content.decode()
    assert "Your chat webhook is saved." in page
    assert "https://hooks.slack.com/\u2026WXYZ" in page
    assert "SECRET" not in page
    assert 'name="chat_webhook_url"' in page and SLACK not in page  # never filled in again


def test_a_bad_address_gets_a_message_and_changes_nothing(client, employee):
    client.force_login(employee)
    notification_services.chat_webhook_save(user=employee, service="slack", url=SLACK)
    response = client.post(
        SAVE, {"chat_service": "slack", "chat_webhook_url": "http://10.0.0.7/internal"}
    )
    assert response.status_code == 200
    assert "A Slack webhook address starts with https://." in response.content.decode()
    assert saved_url(employee) == SLACK
    response = client.post(SAVE, {"chat_service": "slack", "chat_webhook_url": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert saved_url(employee) == SLACK


def test_the_chat_choices_are_saved_with_the_other_settings(client, employee):
    client.force_login(employee)
    response = client.post(PAGE, {**form_data(lapsed_nudge=None), "chat_for": ["starting_soon"]})
    assert response.status_code == 302
    assert NotificationPreferences.objects.get(user=employee).chat_for == ["starting_soon"]
    page = client.get(PAGE).content.decode()
    assert re.search(r'value="starting_soon"[^>]*checked', page)
    assert not re.search(r'value="follow_up"[^>]*checked', page)
    # Not a manager: no weekly nudge to post either.
    assert 'value="lapsed_nudge"' not in page
    response = client.post(PAGE, {**form_data(lapsed_nudge=None), "chat_for": ["surprise"]})
    assert response.status_code == 200
    assert NotificationPreferences.objects.get(user=employee).chat_for == ["starting_soon"]


def test_an_outsider_never_sees_nor_changes_anyone_elses_webhook(
    client, employee, outsider, receiver
):
    notification_services.chat_webhook_save(
        user=employee, service="slack", url=receiver.url("/hooks/emma")
    )
    client.force_login(outsider)
    page = client.get(PAGE).content.decode()
    assert "No chat webhook yet" in page
    assert "/hooks/emma" not in page and "\u2026emma" not in page
    client.post(REMOVE)
    assert saved_url(employee) == receiver.url("/hooks/emma")
    response = client.post(TEST, follow=True)
    assert "Save a webhook address first." in response.content.decode()
    assert receiver.posts == []
    client.post(SAVE, {"chat_service": "slack", "chat_webhook_url": receiver.url("/hooks/otto")})
    assert saved_url(employee) == receiver.url("/hooks/emma")
    assert saved_url(outsider) == receiver.url("/hooks/otto")
    # There is no one else's webhook to name: the forms carry no person.
    for url in (PAGE + f"?user={employee.pk}", PAGE + f"?pk={employee.pk}"):
        assert "\u2026emma" not in client.get(url).content.decode()


def test_the_test_button_posts_to_the_persons_own_webhook(client, employee, receiver):
    notification_services.chat_webhook_save(
        user=employee, service="teams", url=receiver.url("/hooks/emma")
    )
    client.force_login(employee)
    response = client.post(TEST, follow=True)
    assert "A test message was posted." in response.content.decode()
    [post] = receiver.delivered("/hooks/emma")
    card = post.body["attachments"][0]["content"]
    assert card["body"][0]["text"].startswith("oneonones can post to this channel.")
    receiver.script["/hooks/emma"] = [500]
    response = client.post(TEST, follow=True)
    assert "The test message did not arrive. The service answered 500." in (
        response.content.decode()
    )


def test_removing_it_stops_what_waits_for_it(client, manager, employee, receiver):
    notification_services.preferences_update(user=employee, chat_for=["change_requests"])
    notification_services.chat_webhook_save(
        user=employee, service="slack", url=receiver.url("/hooks/emma")
    )
    client.force_login(employee)
    assert client.post(REMOVE).status_code == 302
    assert saved_url(employee) == ""
    assert "No chat webhook yet" in client.get(PAGE).content.decode()
    assert not Reminder.objects.filter(channel=Channel.CHAT, state=Reminder.State.PENDING)


def test_the_pages_need_signing_in_and_change_only_by_post(client, employee):
    for url in (SAVE, REMOVE, TEST):
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(employee)
    for url in (SAVE, REMOVE, TEST):
        assert client.get(url).status_code == 405


# --- Nowhere else in full ---------------------------------------------------------


@pytest.fixture
def connected(employee, manager, receiver):
    """The employee has a webhook, chat for changes, and a chat message was written."""
    notification_services.preferences_update(user=employee, chat_for=["objective_updates"])
    notification_services.chat_webhook_save(user=employee, service="slack", url=SLACK)
    from objectives import services as objective_services

    objective = objective_services.objective_propose(owner=employee, by=employee, title="Go")
    objective_services.objective_confirm(objective=objective, by=manager)
    return Reminder.objects.get(recipient=employee, channel=Channel.CHAT)


def test_the_admin_site_never_shows_it(client, admin_user, employee, connected):
    client.force_login(admin_user)
    for url in (
        reverse("admin:notifications_reminder_changelist"),
        reverse("admin:notifications_reminder_change", args=[connected.pk]),
        reverse("admin:people_user_change", args=[employee.pk]),
        reverse("admin:people_user_changelist") + "?q=hooks.slack.com",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "SECRET" not in response.content.decode(), url
    page = client.get(reverse("admin:notifications_reminder_change", args=[connected.pk]))
    assert "Chat (Slack or Microsoft Teams)" in page.content.decode()


def download(client, person) -> dict:
    client.force_login(person)
    response = client.post(reverse("privacy:download"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_persons_own_export_has_it_masked(client, employee, connected):
    files = download(client, employee)
    assert all("SECRET" not in text for text in files.values())
    [row] = json.loads(files["everything.json"])["chat_webhook"]
    assert row == {
        "service": "Slack",
        "address": "https://hooks.slack.com/\u2026WXYZ",
        "stopped_working_at": None,
    }


@pytest.mark.parametrize("role", ["manager", "hr", "admin_user", "outsider"])
def test_nobody_elses_export_holds_it(client, connected, role, request):
    person = request.getfixturevalue(role)
    files = download(client, person)
    assert all("hooks.slack.com" not in text for text in files.values())
    assert json.loads(files["everything.json"])["chat_webhook"] == []


def test_a_leavers_webhook_is_forgotten(employee, admin_user, connected):
    person_anonymise(person=employee, by=admin_user)
    prefs = NotificationPreferences.objects.get(user=employee)
    assert (prefs.chat_webhook_url, prefs.chat_service, prefs.chat_for) == ("", "", [])
