"""The chat channel against a real chat service: an HTTP server the tests start on
127.0.0.1 (``chat_receiver``). Messages go through the outbox and the sweep run as
Celery runs it (``send_due_reminders.apply()``; a real worker in the last test), with
the same claim, retries and send-once as email; in order per person; and never with
what was written in a 1:1."""

import datetime as dt
import json
import re

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings.formatting import format_span
from meetings.models import ChangeRequest, Meeting
from meetings.record import services as record_services
from meetings.scheduling import services
from meetings.tests.factories import ActionItemFactory, MeetingFactory
from notifications import chat
from notifications import outbox as reminders
from notifications import services as notification_services
from notifications.channels import CHAT_SWITCHES
from notifications.models import Channel, NotificationPreferences, Reminder
from notifications.tests.conftest import SITE
from notifications.tests.test_every_change_told import book
from objectives import services as objective_services
from oneonones.celery import app
from oneonones.errors import ServiceError
from wellbeing.tests.factories import CheckInFactory

R = Reminder.Kind
S = Reminder.State
# An ordinary Wednesday, far from any clock change in the zones used here.
WEDNESDAY = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)
# Text written in the 1:1 and around it: none of it may ever reach a chat.
SECRETS = {
    "agenda": "AGENDA-Kestrel-7731",
    "shared note": "SHARED-Heron-4410",
    "private note": "PRIVATE-Osprey-9925",
    "check-in": "CHECKIN-Plover-3318",
    "objective": "OBJECTIVE-Curlew-5561",
    "objective text": "OBJDESC-Dunlin-2204",
    "action": "ACTION-Godwit-8870",
    "request note": "REQUEST-Avocet-6642",
    "place": "PLACE-Ibis-1193",
}


@pytest.fixture(autouse=True)
def _pinned_clock():
    """The tests count days ahead of "now": pinned, they see the same meetings whatever
    the date (the clock still ticks, so each row written has a later due time)."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


@pytest.fixture(autouse=True)
def _apart(manager, employee):
    """Two zones, so each message must be in its reader's."""
    manager.time_zone = "America/New_York"
    manager.save(update_fields=["time_zone"])
    employee.time_zone = "Asia/Tokyo"
    employee.save(update_fields=["time_zone"])


def connect(person, receiver, *, service="slack", switches=tuple(CHAT_SWITCHES), email=True):
    """``person`` saves a webhook at ``/hooks/<id>`` and picks chat for ``switches``."""
    notification_services.preferences_update(user=person, chat_for=list(switches))
    if not email:
        notification_services.preferences_update(user=person, **dict.fromkeys(switches, False))
    notification_services.chat_webhook_save(
        user=person, service=service, url=receiver.url(f"/hooks/{person.pk}")
    )
    return f"/hooks/{person.pk}"


def sweep():
    """Beat's every-minute task, run as Celery runs a task."""
    from notifications.tasks import send_due_reminders

    return send_due_reminders.apply().get()


def text_of(post) -> str:
    return post.body["text"]


# --- Which addresses ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "url"),
    [
        ("slack", "https://hooks.slack.com/services/T000/B000/XXXXXXXX"),
        ("teams", "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/1/2"),
        ("teams", "https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/x"),
    ],
)
def test_it_takes_the_services_own_addresses(employee, service, url):
    notification_services.chat_webhook_save(user=employee, service=service, url=url)
    prefs = NotificationPreferences.objects.get(user=employee)
    assert (prefs.chat_service, prefs.chat_webhook_url, prefs.chat_ready) == (service, url, True)


@pytest.mark.parametrize(
    ("service", "url", "says"),
    [
        ("slack", "http://hooks.slack.com/services/T/B/X", "starts with https://"),
        ("slack", "https://hooks.slack.com.evil.example/services/T/B/X", "not a Slack webhook"),
        ("slack", "https://evil.example/hooks.slack.com", "not a Slack webhook"),
        ("slack", "https://contoso.webhook.office.com/webhookb2/x", "not a Slack webhook"),
        ("teams", "https://hooks.slack.com/services/T/B/X", "not a Microsoft Teams webhook"),
        ("slack", "https://hooks.slack.com:8443/services/T/B/X", "starts with https://"),
        ("slack", "https://user:pw@hooks.slack.com/services/T/B/X", "not a webhook address"),
        ("slack", "http://127.0.0.1:8000/admin/", "starts with https://"),
        ("teams", "https://169.254.169.254/latest/meta-data/", "not a Microsoft Teams"),
        ("slack", "https://localhost/services/T/B/X", "not a Slack webhook"),
        ("slack", "file:///etc/passwd", "not a webhook address"),
        ("slack", "https://[::1", "not a web address"),
        ("fax", "https://hooks.slack.com/services/T/B/X", "Choose Slack or Microsoft Teams"),
    ],
)
def test_it_refuses_any_other_address_and_keeps_nothing(employee, service, url, says):
    with pytest.raises(ServiceError, match=re.escape(says)):
        notification_services.chat_webhook_save(user=employee, service=service, url=url)
    assert (
        not NotificationPreferences.objects.filter(user=employee)
        .exclude(chat_webhook_url="")
        .exists()
    )


def test_a_local_address_is_taken_only_from_the_configured_origin(employee, receiver):
    notification_services.chat_webhook_save(
        user=employee, service="slack", url=receiver.url("/hooks/x")
    )
    host, port = "127.0.0.1", receiver.server.server_address[1]
    with pytest.raises(ServiceError):
        notification_services.chat_webhook_save(
            user=employee, service="slack", url=f"http://{host}:{port + 1}/hooks/x"
        )
    with pytest.raises(ServiceError):
        notification_services.chat_webhook_save(
            user=employee, service="slack", url=f"https://{host}:{port}/hooks/x"
        )


def test_the_address_is_shown_masked_only():
    url = "https://hooks.slack.com/services/T0001/B0002/abcdefghSECRETwxyz"
    assert chat.masked(url) == "https://hooks.slack.com/\u2026wxyz"
    assert "SECRET" not in chat.masked(url)


# --- What is posted ------------------------------------------------------------------


def test_every_kind_carries_times_and_links_never_what_was_written(
    manager, employee, receiver, settings
):
    """Distinctive text in the agenda, both notes, a check-in, an objective, an action
    and a request's note; then every kind of chat message goes out, each in its
    reader's zone with a link, and none carries any of that text."""
    settings.REMINDER_INVITATION_LEAD_DAYS = 1
    manager_hook = connect(manager, receiver)
    employee_hook = connect(employee, receiver)
    meeting = book(manager, employee, days=3)
    other = book(manager, employee, days=10)
    Meeting.objects.filter(pk__in=[meeting.pk, other.pk]).update(
        location=f"https://video.example.com/{SECRETS['place']}"
    )
    record_services.agenda_item_add(meeting=meeting, by=employee, text=SECRETS["agenda"])
    record_services.note_save(
        meeting=meeting,
        by=manager,
        visibility="shared",
        body=SECRETS["shared note"],
        base_version=0,
    )
    record_services.note_save(
        meeting=meeting,
        by=manager,
        visibility="private",
        body=SECRETS["private note"],
        base_version=0,
    )
    CheckInFactory(employee=employee, note=SECRETS["check-in"], shared_with_manager=True)
    objective = objective_services.objective_propose(
        owner=employee,
        by=employee,
        title=SECRETS["objective"],
        description=SECRETS["objective text"],
    )
    objective_services.objective_confirm(
        objective=objective, by=manager, note=SECRETS["objective text"]
    )
    ActionItemFactory(meeting=meeting, description=SECRETS["action"])
    services.change_request_create(
        meeting=other,
        by=employee,
        action=ChangeRequest.Action.CANCEL,
        reason="other",
        note=SECRETS["request note"],
    )
    sweep()
    request = ChangeRequest.objects.get(meeting=other)
    services.change_request_decline(request=request, by=manager)
    services.meeting_move(
        meeting=other, by=manager, starts_at=other.starts_at + dt.timedelta(days=1)
    )
    sweep()
    # The reminders of the meeting, each at its moment.
    for moment in (
        meeting.starts_at - dt.timedelta(days=2),  # the report's agenda prompt
        meeting.starts_at - dt.timedelta(days=1),  # the organiser's
        meeting.starts_at - dt.timedelta(minutes=59),  # starting soon
        meeting.ends_at + dt.timedelta(hours=2, minutes=1),  # the follow-up
    ):
        with time_machine.travel(moment + dt.timedelta(seconds=30), tick=True):
            sweep()

    posts = receiver.delivered()
    kinds_sent = set(
        Reminder.objects.filter(channel=Channel.CHAT, state=S.SENT).values_list("kind", flat=True)
    )
    assert kinds_sent == {
        R.AGENDA_PROMPT,
        R.STARTING_SOON,
        R.FOLLOW_UP,
        R.CHANGE_REQUESTED,
        R.REQUEST_ANSWERED,
        R.MEETING_CHANGED,
        R.OBJECTIVE_UPDATE,
    }
    assert len(posts) == Reminder.objects.filter(channel=Channel.CHAT, state=S.SENT).count()
    for post in posts:
        for what, secret in SECRETS.items():
            assert secret not in post.raw, f"{what} reached a chat: {post.raw}"
    # Times in each reader's own zone, and a link to the meeting.
    to_employee = [text_of(p) for p in receiver.delivered(employee_hook)]
    to_manager = [text_of(p) for p in receiver.delivered(manager_hook)]
    tokyo = format_span(meeting.starts_at, meeting.ends_at, employee.zone)
    new_york = format_span(meeting.starts_at, meeting.ends_at, manager.zone)
    assert any(tokyo in text and "Soon:" in text for text in to_employee)
    assert any(new_york in text and "Soon:" in text for text in to_manager)
    link = SITE + reverse("meetings:meeting", args=[meeting.pk])
    assert any(link in text for text in to_employee)
    assert any(
        "Times in Asia/Tokyo." in json.dumps(p.body) for p in receiver.delivered(employee_hook)
    )
    assert any("confirmed your objective" in text for text in to_employee)
    assert any("asks to cancel" in text for text in to_manager)
    assert not Reminder.objects.filter(channel=Channel.CHAT, kind__in=[R.INVITATION, R.SUMMARY])


def test_a_slack_message_follows_slacks_format_and_escapes_names(manager, employee, receiver):
    employee.full_name = "Emma <!channel> & Co"
    employee.save(update_fields=["full_name"])
    hook = connect(manager, receiver, switches=["change_requests"])
    meeting = book(manager, employee, days=20)
    services.change_request_create(
        meeting=meeting, by=employee, action=ChangeRequest.Action.CANCEL, reason="away"
    )
    sweep()
    [post] = receiver.delivered(hook)
    assert "<!channel>" not in post.raw
    assert "Emma &lt;!channel&gt; &amp; Co asks to cancel" in post.body["text"]
    link = SITE + reverse("meetings:meeting", args=[meeting.pk])
    assert post.body["text"].endswith(f"<{link}|Answer>")
    section, actions, context = post.body["blocks"]
    assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
    assert actions["elements"][0] == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Answer"},
        "url": link,
    }
    assert context["elements"][0]["text"] == "Times in America/New_York."


def test_a_teams_message_is_an_adaptive_card(manager, employee, receiver):
    hook = connect(manager, receiver, service="teams", switches=["change_requests"])
    meeting = book(manager, employee, days=20)
    services.change_request_create(
        meeting=meeting, by=employee, action=ChangeRequest.Action.CANCEL, reason="away"
    )
    sweep()
    [post] = receiver.delivered(hook)
    assert post.body["type"] == "message"
    [attachment] = post.body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert "Emma Employee asks to cancel your 1:1" in card["body"][0]["text"]
    assert format_span(meeting.starts_at, meeting.ends_at, manager.zone) in card["body"][0]["text"]
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Answer",
            "url": SITE + reverse("meetings:meeting", args=[meeting.pk]),
        }
    ]


def test_actions_due_say_how_many_never_what(manager, employee, receiver):
    hook = connect(employee, receiver, switches=["actions_due"])
    meeting = MeetingFactory(
        organiser=manager, participant=employee, starts_at=WEDNESDAY - dt.timedelta(days=2)
    )
    tokyo_morning = dt.datetime(2026, 11, 5, 10, 0, tzinfo=employee.zone)
    ActionItemFactory(
        meeting=meeting,
        owner=employee,
        description=SECRETS["action"],
        due_date=dt.date(2026, 11, 6),
    )
    assert reminders.queue_action_reminders(now=tokyo_morning) == 2  # an email and a chat
    with time_machine.travel(tokyo_morning, tick=True):
        sweep()
    [post] = receiver.delivered(hook)
    assert post.body["text"].startswith("1 of your actions is due tomorrow.")
    assert SECRETS["action"] not in post.raw
    assert len(mail.outbox) == 1 and SECRETS["action"] in mail.outbox[0].body  # email: yes


# --- Channels chosen per kind --------------------------------------------------------


def test_chat_only_email_only_both_or_none_per_kind(manager, employee, receiver):
    connect(manager, receiver, switches=["change_requests"], email=False)  # chat only
    meeting = book(manager, employee, days=20)
    mail.outbox.clear()
    services.change_request_create(
        meeting=meeting, by=employee, action=ChangeRequest.Action.CANCEL, reason="away"
    )
    rows = Reminder.objects.filter(recipient=manager, kind=R.CHANGE_REQUESTED)
    assert list(rows.values_list("channel", flat=True)) == [Channel.CHAT]
    objective_services.objective_propose(owner=employee, by=employee, title="Learn Rust")
    rows = Reminder.objects.filter(recipient=manager, kind=R.OBJECTIVE_UPDATE)
    assert list(rows.values_list("channel", flat=True)) == [Channel.EMAIL]
    # Both: the answer to the employee's request, by email and in chat.
    connect(employee, receiver, switches=["change_requests"])
    services.change_request_decline(request=ChangeRequest.objects.get(meeting=meeting), by=manager)
    rows = Reminder.objects.filter(recipient=employee, kind=R.REQUEST_ANSWERED)
    assert sorted(rows.values_list("channel", flat=True)) == [Channel.CHAT, Channel.EMAIL]
    # None: nothing written for a switch off by email and not chosen for chat.
    notification_services.preferences_update(user=employee, objective_updates=False)
    objective = objective_services.objective_propose(owner=employee, by=employee, title="Learn Go")
    objective_services.objective_confirm(objective=objective, by=manager)
    assert not Reminder.objects.filter(recipient=employee, kind=R.OBJECTIVE_UPDATE).exists()


def test_choosing_chat_for_reminders_writes_them_for_upcoming_meetings(manager, employee, receiver):
    meeting = book(manager, employee, days=5)
    chat_rows = Reminder.objects.filter(meeting=meeting, recipient=employee, channel=Channel.CHAT)
    assert not chat_rows.exists()
    connect(employee, receiver, switches=["starting_soon"])
    [row] = chat_rows
    email = Reminder.objects.get(
        meeting=meeting, recipient=employee, kind=R.STARTING_SOON, channel=Channel.EMAIL
    )
    assert (row.kind, row.due_at, row.state) == (R.STARTING_SOON, email.due_at, S.PENDING)
    notification_services.preferences_update(user=employee, chat_for=[])
    row.refresh_from_db()
    assert row.state == S.CANCELLED
    notification_services.preferences_update(user=employee, chat_for=["starting_soon"])
    row.refresh_from_db()
    assert row.state == S.PENDING
    notification_services.chat_webhook_remove(user=employee)
    row.refresh_from_db()
    assert (row.state, row.reason) == (S.CANCELLED, "The chat webhook was removed.")


# --- Delivery: claimed, retried, once, in order -------------------------------------


def ask_three_times(manager, employee) -> list[Meeting]:
    """The report asks about three meetings: three chat messages to the manager, due
    one after the other."""
    meetings = [book(manager, employee, days=20 + n) for n in range(3)]
    for meeting in meetings:
        services.change_request_create(
            meeting=meeting, by=employee, action=ChangeRequest.Action.CANCEL, reason="away"
        )
    return meetings


def meeting_ids_in(posts) -> list[int]:
    return [int(re.findall(r"/meetings/(\d+)/", p.body["text"])[0]) for p in posts]


def test_a_service_that_fails_twice_then_recovers_gets_each_message_once_in_order(
    manager, employee, receiver
):
    hook = connect(manager, receiver, switches=["change_requests"])
    receiver.script[hook] = [500, 500]
    meetings = ask_three_times(manager, employee)

    def rows():
        return list(Reminder.objects.filter(channel=Channel.CHAT).order_by("due_at", "pk"))

    first = sweep()
    assert (first["failed"], first["held"]) == (1, 2)
    assert [r.attempts for r in rows()] == [1, 0, 0]
    assert "The service answered 500." in rows()[0].last_error
    second = sweep()
    assert (second["failed"], second["held"]) == (1, 2)
    assert receiver.delivered(hook) == []
    third = sweep()
    assert third["sent"] == 3
    assert len(receiver.tried(hook)) == 5  # two refused, three taken
    assert meeting_ids_in(receiver.delivered(hook)) == [m.pk for m in meetings]
    assert [(r.state, r.attempts) for r in rows()] == [(S.SENT, 3), (S.SENT, 1), (S.SENT, 1)]
    assert sweep()["sent"] == 0  # nothing twice
    assert len(receiver.delivered(hook)) == 3


def test_a_later_message_waits_until_the_earlier_one_is_given_up(
    manager, employee, receiver, settings
):
    settings.REMINDER_MAX_ATTEMPTS = 2
    hook = connect(manager, receiver, switches=["change_requests"])
    receiver.script[hook] = [503, 503]
    meetings = ask_three_times(manager, employee)
    sweep()
    sweep()  # the first one's second failure: given up
    rows = list(Reminder.objects.filter(channel=Channel.CHAT).order_by("due_at", "pk"))
    assert (rows[0].state, rows[0].reason) == (S.FAILED, "Sending failed 2 times.")
    sweep()
    assert meeting_ids_in(receiver.delivered(hook)) == [m.pk for m in meetings[1:]]


def test_a_held_message_that_goes_stale_is_dropped_not_sent_late(
    manager, employee, receiver, settings
):
    settings.REMINDER_STALE_AFTER_MINUTES = 30
    hook = connect(manager, receiver, switches=["change_requests"])
    receiver.script[hook] = [500] * 10
    ask_three_times(manager, employee)
    sweep()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31), tick=True):
        sweep()
    states = list(
        Reminder.objects.filter(channel=Channel.CHAT)
        .order_by("due_at", "pk")
        .values_list("state", flat=True)
    )
    assert states == [S.DROPPED] * 3
    assert receiver.delivered(hook) == []


def test_a_timeout_counts_as_a_failure_and_is_retried(manager, employee, receiver, settings):
    settings.CHAT_WEBHOOK_TIMEOUT_SECONDS = 0.3
    hook = connect(manager, receiver, switches=["change_requests"])
    receiver.hold.add(hook)
    meeting = book(manager, employee, days=20)
    services.change_request_create(
        meeting=meeting, by=employee, action=ChangeRequest.Action.CANCEL, reason="away"
    )
    assert sweep()["failed"] == 1
    row = Reminder.objects.get(channel=Channel.CHAT)
    assert row.state == S.PENDING and "timed out" in row.last_error.lower()
    receiver.release()
    assert sweep()["sent"] == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (S.SENT, 2)


@pytest.mark.parametrize("status", [404, 410])
def test_a_webhook_the_service_calls_gone_is_marked_broken_and_its_person_told(
    client, manager, employee, receiver, status
):
    hook = connect(manager, receiver, switches=["change_requests", "starting_soon"])
    receiver.script[hook] = [status]
    meeting = book(manager, employee, days=1)
    soon = Reminder.objects.get(recipient=manager, kind=R.STARTING_SOON, channel=Channel.CHAT)
    ask_three_times(manager, employee)
    result = sweep()
    assert result["failed"] == 1
    prefs = NotificationPreferences.objects.get(user=manager)
    assert prefs.chat_broken_at is not None and not prefs.chat_ready
    assert f"answered {status}" in prefs.chat_broken_reason
    chat_rows = Reminder.objects.filter(recipient=manager, channel=Channel.CHAT)
    assert chat_rows.filter(state=S.FAILED).count() == 1
    # The other two requests, and the starting-soon reminders of all four meetings.
    assert chat_rows.filter(state=S.CANCELLED).count() == 6
    soon.refresh_from_db()
    assert soon.reason == "The chat webhook stopped working."
    # Told by email, with the address masked ...
    sweep()
    [told] = [m for m in mail.outbox if "webhook stopped working" in m.subject]
    assert told.to == [f"{manager.full_name} <{manager.email}>"]
    assert f"/hooks/{manager.pk}" not in told.body and "answered" in told.body
    # ... and on their page; nothing more is posted.
    client.force_login(manager)
    page = client.get(reverse("meetings:notifications")).content.decode()
    assert "Your Slack webhook stopped working" in page
    assert receiver.url(hook) not in page
    services.meeting_move(
        meeting=meeting, by=manager, starts_at=meeting.starts_at + dt.timedelta(hours=2)
    )
    sweep()
    assert len(receiver.tried(hook)) == 1
    # A new address mends it.
    notification_services.chat_webhook_save(user=manager, service="slack", url=receiver.url(hook))
    assert NotificationPreferences.objects.get(user=manager).chat_ready


@pytest.mark.celery_worker
def test_a_real_worker_delivers_through_a_failing_then_recovering_service(
    transactional_db, manager, employee, receiver
):
    """The same recovery, with the sweep published to the broker and run by a worker."""
    from notifications.tasks import send_due_reminders
    from notifications.tests.test_reminder_reliability import wait_for

    hook = connect(manager, receiver, switches=["change_requests"])
    receiver.script[hook] = [500, 500]
    meetings = ask_three_times(manager, employee)
    app.control.purge()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        for tries in (1, 2, 5):
            send_due_reminders.delay()
            wait_for(
                lambda tries=tries: len(receiver.tried(hook)) >= tries,
                timeout=60,
                what=f"{tries} posts to the chat service",
            )
    assert meeting_ids_in(receiver.delivered(hook)) == [m.pk for m in meetings]
    assert not Reminder.objects.filter(channel=Channel.CHAT).exclude(state=S.SENT).exists()


def test_a_gone_report_about_an_address_replaced_meanwhile_changes_nothing(employee, receiver):
    connect(employee, receiver)
    notification_services.chat_webhook_broken(
        user_id=employee.pk, url=receiver.url("/hooks/old"), reason="gone", now=timezone.now()
    )
    assert NotificationPreferences.objects.get(user=employee).chat_ready
    assert not Reminder.objects.filter(kind=R.CHAT_BROKEN).exists()


def test_an_origin_no_longer_allowed_is_not_posted_to(manager, employee, receiver, settings):
    hook = connect(manager, receiver, switches=["change_requests"])
    settings.CHAT_WEBHOOK_EXTRA_ORIGINS = []
    meeting = book(manager, employee, days=20)
    services.change_request_create(
        meeting=meeting, by=employee, action=ChangeRequest.Action.CANCEL, reason="away"
    )
    assert sweep()["failed"] == 1
    row = Reminder.objects.get(channel=Channel.CHAT)
    assert row.state == S.PENDING and "The address is not allowed" in row.last_error
    assert receiver.tried(hook) == []


def test_the_chat_kinds_are_those_with_words_for_a_chat(db):
    """A kind is posted to a chat only when a chat line says it; the others (the news
    of a mentoring relationship, of a change of manager, invitations, summaries) are
    emailed whatever the person ticked for chats."""
    from notifications.channels import CHAT_KINDS, SWITCH, channels_for
    from notifications.chat_messages import MESSAGES

    assert set(MESSAGES) == set(CHAT_KINDS)
    prefs = NotificationPreferences(
        chat_for=list(CHAT_SWITCHES),
        chat_webhook_url="https://hooks.slack.com/services/T0/B0/x",
    )
    assert prefs.chat_ready
    for kind in SWITCH:
        wanted = channels_for(prefs, kind)
        assert (Channel.CHAT in wanted) == (kind in CHAT_KINDS), kind
