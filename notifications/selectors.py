"""Reads of the notifications app: each person's preferences, chat webhook and calendar
feed."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, CharField, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from meetings.models import Meeting
from notifications.calendar import ICAL_UTC, FeedRow
from notifications.chat import masked
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


def feed_rows(*, person: User) -> list[FeedRow]:
    """What ``person``'s calendar feed lists: their own meetings from a year back on,
    each with the other person's name (one query, no model instances). (The feed is
    read without signing in: the person is the feed's owner, not a viewer.)"""
    since = timezone.now() - dt.timedelta(days=365)
    other = Case(When(organiser=person, then=F("participant")), default=F("organiser"))
    # As ``User.__str__`` gives it: the full name, or else the email. Looked up for each
    # meeting's other person alone (joining both people hashed the whole people table).
    other_name = Subquery(
        User.objects.filter(pk=OuterRef("other_id"))
        .order_by()
        .annotate(shown=Coalesce(NullIf("full_name", Value("")), "email", output_field=CharField()))
        .values("shown")
    )
    written = {
        name: _ical_utc(name) for name in ("starts_at", "ends_at", "created_at", "updated_at")
    }
    rows = (
        Meeting.objects.filter(Q(organiser=person) | Q(participant=person), starts_at__gte=since)
        .annotate(other_id=other)
        .order_by("starts_at", "pk")
        .values_list(*(written.get(name, name) for name in FeedRow._fields[:-1]), other_name)
    )
    return [FeedRow._make(row) for row in rows]


def _ical_utc(field: str) -> Func:
    """The time in ``field`` written by the database as iCalendar writes a UTC time:
    turning thousands of times into Python objects and back into text took longer
    than the rest of the feed."""
    in_utc = Func(F(field), Value("UTC"), template="(%(expressions)s)", arg_joiner=" AT TIME ZONE ")
    return Func(in_utc, Value(ICAL_UTC), function="to_char", output_field=CharField())


@dataclass(frozen=True)
class ChatWebhookStatus:
    """What a person's Notifications page says of their webhook: never the address."""

    service: str
    address: str  # masked
    broken_at: dt.datetime | None
    broken_reason: str


def chat_webhook_of(
    *, viewer: User, preferences: NotificationPreferences | None = None
) -> ChatWebhookStatus | None:
    """``viewer``'s own chat webhook, masked, or None when they saved none.
    ``preferences``: ``viewer``'s, when the caller has read them already."""
    if preferences is not None and preferences.user_id != viewer.pk:
        raise ValueError("Those are someone else's preferences.")
    prefs = preferences if preferences is not None else preferences_for(viewer.pk)
    if not prefs.chat_webhook_url:
        return None
    return ChatWebhookStatus(
        service=prefs.get_chat_service_display(),
        address=masked(prefs.chat_webhook_url),
        broken_at=prefs.chat_broken_at,
        broken_reason=prefs.chat_broken_reason,
    )
