"""Reads of the notifications app: each person's preferences and calendar feed."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from meetings.models import Meeting
from notifications.models import CalendarFeed, NotificationPreferences
from people.models import User


def preferences_for(user_id: int) -> NotificationPreferences:
    """The person's preferences, or the defaults (unsaved) when they never chose."""
    return NotificationPreferences.objects.filter(user_id=user_id).first() or (
        NotificationPreferences(user_id=user_id)
    )


def preferences_of(user_ids: Iterable[int]) -> dict[int, NotificationPreferences]:
    """Preferences for several people in one query; the defaults for those without a row."""
    ids = set(user_ids)
    found = {p.user_id: p for p in NotificationPreferences.objects.filter(user_id__in=ids)}
    return {pk: found.get(pk) or NotificationPreferences(user_id=pk) for pk in ids}


def feed_of_token(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )


def feed_of(*, viewer: User) -> CalendarFeed | None:
    """``viewer``'s calendar address, if they have made one."""
    return CalendarFeed.objects.filter(user=viewer).first()


def feed_meetings(*, person: User) -> QuerySet[Meeting]:
    """What a calendar feed lists: the person's own meetings from a year back on. (The
    feed is read without signing in: the person is the feed's owner, not a viewer.)"""
    since = timezone.now() - dt.timedelta(days=365)
    return (
        Meeting.objects.filter(Q(organiser=person) | Q(participant=person), starts_at__gte=since)
        .select_related("organiser", "participant")
        .order_by("starts_at")
    )
