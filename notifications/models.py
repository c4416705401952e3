"""What leaves the machine, and how each person wants it: the outbox, notification
preferences and private calendar feeds.

The tables keep the names they had when these models lived in ``meetings``
(``db_table``): the move changed only Django's state (migrations
``meetings.0006`` and ``notifications.0001``), and no row or raw query had to follow.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from meetings.models import Meeting


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar subscription address. A new token revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "meetings_calendarfeed"

    def __str__(self):
        return f"Calendar feed of {self.user_id}"


class Channel(models.TextChoices):
    """How a message reaches its person. Every channel shares the one outbox row, claim,
    retry and stale-drop model: a message sent by two channels is two rows, each sent
    once (see ``notifications.channels`` for which kinds go where)."""

    EMAIL = "email", "Email"
    CHAT = "chat", "Chat (Slack or Microsoft Teams)"


class ChatService(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class Reminder(models.Model):
    """The outbox: one row for one message to one person about one subject, by one channel.

    Rows are written in the same transaction as the meeting change they follow
    (``notifications.outbox``) and sent by a frequent sweep (``notifications.sending``)
    that claims due rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marks
    them sent in the transaction that sent them. ``(kind, recipient, subject,
    ``channel``) is unique, so writing the same reminder twice yields one row, and one
    message.

    ``subject`` names what the message is about: ``meeting:<id>@<start, UTC>`` for
    the reminders of a meeting at one start (a moved meeting's reminders are due
    again), ``meeting:<id>:v<sequence>`` for a calendar invitation (each version of
    a meeting is a new invitation) and for the plain email about a move or a
    cancellation, ``request:<id>`` for a request to move or cancel and its answer,
    ``objective:<id>:<history entry>`` for an objective's proposal or decision,
    ``week:<ISO week>`` for the weekly nudge, ``actions:<date>`` for the actions due.
    A held meeting's summary is a row too (``meeting:<id>``, one per person), so it is
    claimed, retried and dropped when stale by the same rules as every other message.
    """

    class Kind(models.TextChoices):
        AGENDA_PROMPT = "agenda_prompt", "Agenda prompt"
        STARTING_SOON = "starting_soon", "Starting soon"
        FOLLOW_UP = "follow_up", "Record notes and actions"
        ACTIONS_DUE = "actions_due", "Action items due tomorrow"
        LAPSED_NUDGE = "lapsed_nudge", "Reports without a recent 1:1"
        INVITATION = "invitation", "Calendar invitation"
        SUMMARY = "summary", "Summary of a held 1:1"
        CHANGE_REQUESTED = "change_requested", "A request to move or cancel"
        REQUEST_ANSWERED = "request_answered", "The answer to a request"
        MEETING_CHANGED = "meeting_changed", "Meeting moved or cancelled"
        OBJECTIVE_UPDATE = "objective_update", "Objective proposed, confirmed or rejected"
        MENTORING_UPDATE = "mentoring_update", "Mentoring proposed, accepted, declined or ended"
        CHAT_BROKEN = "chat_broken", "The chat webhook stopped working"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"  # no longer wanted (meeting gone, opted out)
        DROPPED = "dropped", "Dropped"  # its moment passed before it could be sent
        FAILED = "failed", "Gave up"  # sending failed too often

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    # Kept (as empty) when a removed meeting's sent rows stay as a record.
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    subject = models.CharField(max_length=100)
    # Email unless said otherwise, in the database too: the bulk seeding's raw INSERTs
    # (meetings.demo) write email rows without naming the column.
    channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.EMAIL, db_default=Channel.EMAIL
    )
    # What the message needs beyond the meeting: an invitation's method and, for a
    # cancellation, the event as it was (the meeting itself may be gone).
    payload = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.CharField(max_length=200, blank=True, help_text="Why cancelled or dropped.")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "meetings_reminder"
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "subject", "channel"],
                name="reminder_once_per_subject_channel",
            ),
            models.CheckConstraint(
                condition=Q(state="sent") | Q(sent_at__isnull=True),
                name="reminder_sent_at_only_when_sent",
            ),
        ]
        indexes = [
            # What the sweep reads every minute: only the waiting rows.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(state="pending"),
                name="reminder_pending_due_idx",
            ),
            models.Index(fields=["meeting", "state"], name="reminder_meeting_idx"),
            # What a chat message asks before it goes: is an earlier one to the same
            # person still waiting (``sending.held_back``)? Only waiting chat rows.
            models.Index(
                fields=["recipient", "due_at", "id"],
                condition=Q(state="pending", channel="chat"),
                name="reminder_chat_queue_idx",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} to {self.recipient_id} by {self.channel} "
            f"({self.subject}, {self.state})"
        )


WEEKDAY_CHOICES = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class NotificationPreferences(models.Model):
    """Which messages a person wants, by which channel, and when. No row means the
    defaults below: every switch below turns an email on; ``chat_for`` names the same
    switches for the chat channel (none by default), which needs a working webhook.

    The webhook address is a secret (whoever has it can post to the person's channel):
    it is never shown back in full (``chat.masked``), not in the admin site, not in
    anyone's export, and is emptied when a leaver is anonymised."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    agenda_prompt = models.BooleanField("Ask me to add agenda items before a 1:1", default=True)
    agenda_days_as_participant = models.PositiveSmallIntegerField(
        "Days before, in 1:1s with my manager",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    agenda_days_as_organiser = models.PositiveSmallIntegerField(
        "Days before, in 1:1s I organise",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    starting_soon = models.BooleanField("Remind me shortly before a 1:1 starts", default=True)
    starting_soon_minutes = models.PositiveSmallIntegerField(
        "Minutes before",
        default=60,
        choices=[(10, "10 minutes"), (15, "15 minutes"), (30, "30 minutes"), (60, "1 hour"),
                 (120, "2 hours")],
    )  # fmt: skip
    follow_up = models.BooleanField(
        "Remind me to record notes and actions after 1:1s I organise", default=True
    )
    follow_up_hours = models.PositiveSmallIntegerField(
        "Hours after the end",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    actions_due = models.BooleanField(
        "Tell me the day before my action items are due", default=True
    )
    lapsed_nudge = models.BooleanField(
        "Tell me weekly about reports I have not met for a while", default=True
    )
    lapsed_nudge_weekday = models.PositiveSmallIntegerField(
        "On", default=0, choices=WEEKDAY_CHOICES
    )
    invitations = models.BooleanField(
        "Send me calendar invitations (.ics) when 1:1s are booked, moved or cancelled",
        default=True,
    )
    change_requests = models.BooleanField(
        "Tell me when someone asks to move or cancel a 1:1 with me, and the answer to my requests",
        default=True,
    )
    meeting_changes = models.BooleanField(
        "Tell me when a 1:1 of mine is moved or cancelled (by email, when no calendar "
        "invitation tells me)",
        default=True,
    )
    objective_updates = models.BooleanField(
        "Tell me when an objective is proposed to me, or mine is confirmed or rejected",
        default=True,
    )
    mentoring_updates = models.BooleanField(
        "Tell me when someone proposes mentoring with me, and when a mentoring "
        "relationship of mine starts, is declined or ends",
        default=True,
    )
    # Off unless chosen: the shared notes leave the app only when both people want it.
    summary_shared_notes = models.BooleanField(
        "Include the shared notes in the wrap-up email (only when the other person "
        "turned this on too)",
        default=False,
    )
    # Which of the switches above also (or, with the switch off, only) post to chat.
    chat_for = models.JSONField(default=list, blank=True)
    chat_service = models.CharField(max_length=10, choices=ChatService.choices, blank=True)
    chat_webhook_url = models.URLField(max_length=1000, blank=True)
    # Set when the service said the webhook is gone (404/410): nothing more goes to it.
    chat_broken_at = models.DateTimeField(null=True, blank=True)
    chat_broken_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "meetings_notificationpreferences"
        verbose_name_plural = "notification preferences"

    def __str__(self):
        return f"Notification preferences of {self.user_id}"

    @property
    def chat_ready(self) -> bool:
        """A webhook is saved and has not been reported gone."""
        return bool(self.chat_webhook_url) and self.chat_broken_at is None
