"""Writes of the notifications app that people ask for themselves: their preferences
and their calendar address. (What other apps write goes through ``outbox``.)"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications import outbox
from notifications.models import CalendarFeed, NotificationPreferences, Reminder, new_feed_token
from oneonones.errors import refused
from people.models import User


@transaction.atomic
def preferences_update(*, user: User, **values: Any) -> NotificationPreferences:
    """Save someone's notification preferences and move or cancel their waiting reminders."""
    prefs, _ = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
    for name, value in values.items():
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
    still waiting for them is cancelled, what was sent keeps no payload, and their
    calendar address stops working. Called after their meetings were closed (which
    queued calendar cancellations for them too)."""
    Reminder.objects.filter(recipient=person, state=Reminder.State.PENDING).update(
        state=Reminder.State.CANCELLED, reason=OUTBOX_REASON, updated_at=timezone.now()
    )
    Reminder.objects.filter(recipient=person).update(payload={})
    CalendarFeed.objects.filter(user=person).delete()
