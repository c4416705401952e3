"""Writes of the notifications app that people ask for themselves: their preferences,
their chat webhook and their calendar address. (What other apps write goes through
``outbox``.)"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications import chat, outbox
from notifications.channels import CHAT_SWITCHES
from notifications.models import (
    CalendarFeed,
    Channel,
    ChatService,
    NotificationPreferences,
    Reminder,
    new_feed_token,
)
from oneonones.errors import ServiceError, refused
from people.models import User


@transaction.atomic
def preferences_update(*, user: User, **values: Any) -> NotificationPreferences:
    """Save someone's notification preferences and move or cancel their waiting reminders."""
    prefs, _ = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
    chat_for = values.get("chat_for", prefs.chat_for)
    if not isinstance(chat_for, list) or not set(chat_for) <= set(CHAT_SWITCHES):
        raise ServiceError("Choose chat messages from the list.", field="chat_for")
    for name, value in values.items():
        if name.startswith("chat_") and name != "chat_for":
            raise ValueError(f"{name} is changed by chat_webhook_save, not here")
        setattr(prefs, name, value)
    try:
        prefs.full_clean()
    except ValidationError as error:
        raise refused(error) from None
    prefs.save()
    outbox.sync_person(user=user)
    return prefs


def calendar_feed_for(*, user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """A new private address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "created_at"])
    return feed


OUTBOX_REASON = "The person was anonymised after leaving."


@transaction.atomic
def outbox_close_for_leaver(*, person: User) -> None:
    """Nothing more goes to ``person``, who was anonymised as a leaver: every message
    still waiting for them is cancelled, what was sent keeps no payload, their
    calendar address stops working and their chat webhook is forgotten. Called after their meetings were closed (which
    queued calendar cancellations for them too)."""
    Reminder.objects.filter(recipient=person, state=Reminder.State.PENDING).update(
        state=Reminder.State.CANCELLED, reason=OUTBOX_REASON, updated_at=timezone.now()
    )
    Reminder.objects.filter(recipient=person).update(payload={})
    CalendarFeed.objects.filter(user=person).delete()
    NotificationPreferences.objects.filter(user=person).update(
        chat_service="", chat_webhook_url="", chat_for=[]
    )


# --- The chat webhook ------------------------------------------------------------------


def _cancel_chat_rows(*, user_id: int, reason: str, now: dt.datetime) -> None:
    Reminder.objects.filter(
        recipient_id=user_id, channel=Channel.CHAT, state=Reminder.State.PENDING
    ).update(state=Reminder.State.CANCELLED, reason=reason, updated_at=now)


@transaction.atomic
def chat_webhook_save(*, user: User, service: str, url: str) -> NotificationPreferences:
    """Save ``user``'s own webhook (checked by ``chat.check_webhook_url``) and write the
    chat messages they chose for their upcoming 1:1s. A new address mends a broken one."""
    url = chat.check_webhook_url(url, service)
    prefs, _ = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
    prefs.chat_service, prefs.chat_webhook_url = service, url
    prefs.chat_broken_at, prefs.chat_broken_reason = None, ""
    prefs.save()
    outbox.sync_person(user=user)
    return prefs


@transaction.atomic
def chat_webhook_remove(*, user: User) -> None:
    """Forget ``user``'s webhook; what was waiting for it is cancelled."""
    now = timezone.now()
    NotificationPreferences.objects.filter(user=user).update(
        chat_service="",
        chat_webhook_url="",
        chat_broken_at=None,
        chat_broken_reason="",
        updated_at=now,
    )
    _cancel_chat_rows(user_id=user.pk, reason="The chat webhook was removed.", now=now)


def chat_webhook_broken(*, user_id: int, url: str, reason: str, now: dt.datetime) -> None:
    """The service said the webhook at ``url`` is gone (called by the sweep, inside its
    claim): nothing more is posted to it, what waited for it is cancelled, and the
    person is told by email and on their Notifications page. Told once per webhook: one
    already marked broken, or replaced by a new address meanwhile, is left as it is."""
    prefs = NotificationPreferences.objects.select_for_update().filter(user_id=user_id).first()
    if prefs is None or not prefs.chat_ready or prefs.chat_webhook_url != url:
        return
    prefs.chat_broken_at, prefs.chat_broken_reason = now, reason[:200]
    prefs.save(update_fields=["chat_broken_at", "chat_broken_reason", "updated_at"])
    _cancel_chat_rows(user_id=user_id, reason="The chat webhook stopped working.", now=now)
    outbox.enqueue(
        kind=Reminder.Kind.CHAT_BROKEN,
        recipient_id=user_id,
        subject=f"chat:{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
        payload={
            "service": ChatService(prefs.chat_service).label,
            "address": chat.masked(prefs.chat_webhook_url),
            "reason": prefs.chat_broken_reason,
        },
        now=now,
    )


def chat_webhook_test(*, user: User) -> None:
    """Post a test message to ``user``'s own saved webhook now (outside the outbox: it
    is about the webhook, and the person is waiting for the answer). A ``ServiceError``
    says what went wrong."""
    prefs = NotificationPreferences.objects.filter(user=user).first()
    if prefs is None or not prefs.chat_webhook_url:
        raise ServiceError("Save a webhook address first.")
    try:
        chat.post(
            url=prefs.chat_webhook_url,
            service=prefs.chat_service,
            message=chat.test_message(user=user),
        )
    except (chat.WebhookGone, chat.WebhookFailed) as error:
        raise ServiceError(f"The test message did not arrive. {error}") from None
