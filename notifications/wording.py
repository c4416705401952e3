"""What every channel's messages share: absolute links and times as the reader reads them."""

import datetime as dt

from django.conf import settings
from django.urls import reverse

from meetings.formatting import format_span
from meetings.models import Meeting
from people.models import User


def absolute(url_name: str, *args: object) -> str:
    site: str = settings.SITE_URL
    return site + reverse(url_name, args=args)


def span_from(meeting: Meeting, starts_at: dt.datetime, recipient: User) -> str:
    """The meeting's length from another start (asked for, or before a move), as the
    recipient reads it."""
    return format_span(starts_at, starts_at + (meeting.ends_at - meeting.starts_at), recipient.zone)
