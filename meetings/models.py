"""Recurring 1:1 series and the meetings they produce.

Times are stored in UTC. A series keeps its cadence as a rule without a start
(``RecurrenceField``) plus the local start time, IANA zone and first date in
their own columns, so that it is expanded in wall-clock time in its own zone
(see ``meetings.cadence``).

Double booking is stopped by the database, not by a check-then-insert that two
requests could both pass: every meeting has one ``Attendance`` row per person,
and an exclusion constraint forbids two active rows of the same person whose
times overlap.
"""

import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

import recurrence.fields
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Greatest, Least

from people.models import validate_time_zone

if TYPE_CHECKING:
    from people.models import User

# Meeting columns that triggers keep (migration 0005) and Django never writes.
DATABASE_KEPT = ("agenda_count", "agenda_by_organiser", "agenda_by_participant", "usefulness")
# What the HR reports read of each meeting of a period, from one index.
PERIOD_COLUMNS = [
    "organiser",
    "participant",
    "status",
    "cancelled_by",
    "cancel_reason",
    "rescheduled_from",
    *DATABASE_KEPT,
]

# The names of the constraints the services turn into messages for people.
DOUBLE_BOOKING_CONSTRAINT = "attendance_no_double_booking"
SLOT_UNIQUE_CONSTRAINT = "meeting_unique_series_slot"
OCCURRENCE_UNIQUE_CONSTRAINT = "meeting_one_per_occurrence"
ONE_ACTIVE_SERIES_CONSTRAINT = "series_one_active_per_pair"


class Kind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "1:1"
    MENTORING = "mentoring", "Mentoring check-in"
    WELLBEING = "wellbeing", "Wellbeing chat"
    # A sign-up to someone's published open time (the officehours app): booked by the
    # person who signs up, with the host as organiser; never a line 1:1.
    OFFICE_HOURS = "office_hours", "Office hours"


class KindWords(NamedTuple):
    """How a message names a meeting of one kind. ``title`` starts a line or a calendar
    event ("Office hours with Hana Host": the kind's label); ``one`` and ``many`` sit
    inside a sentence ("your office hours slot with Hana Host", "3 mentoring check-ins").
    Every email, chat line and invitation reads the words here, so none calls an office
    hours slot or a mentoring check-in a "1:1"."""

    title: str
    one: str
    many: str

    def counted(self, count: int) -> str:
        """E.g. "1:1" for one, "3 1:1s" for more."""
        return self.one if count == 1 else f"{count} {self.many}"


KIND_WORDS: dict[str, KindWords] = {
    Kind.ONE_TO_ONE: KindWords(Kind.ONE_TO_ONE.label, "1:1", "1:1s"),
    Kind.MENTORING: KindWords(Kind.MENTORING.label, "mentoring check-in", "mentoring check-ins"),
    Kind.WELLBEING: KindWords(Kind.WELLBEING.label, "wellbeing chat", "wellbeing chats"),
    # A sign-up is one slot of the host's open time, for either of the two.
    Kind.OFFICE_HOURS: KindWords(
        Kind.OFFICE_HOURS.label, "office hours slot", "office hours slots"
    ),
}


# Kinds the HR figures about line 1:1s leave out: they are not the regular 1:1 of a
# report and their manager, even when the two are a report and their manager. A
# mentoring check-in belongs to a mentoring pair (HR sees its cadence apart, on the
# mentoring page); a sign-up to office hours is open time. The period index is partial
# on this, so the reports' scans stay index-only.
NOT_LINE_KINDS = (Kind.MENTORING.value, Kind.OFFICE_HOURS.value)
# What a manager books by hand (a series or a one-off); a sign-up to office hours is
# booked by signing up.
BOOKABLE_KINDS = [(value, label) for value, label in Kind.choices if value != Kind.OFFICE_HOURS]


class Format(models.TextChoices):
    ROOM = "room", "Meeting room"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone call"
    WALK = "walk", "Walk and talk"
    CAFE = "cafe", "Café"


class CancelReason(models.TextChoices):
    # Stored as codes so that HR reports can count them.
    NOTHING_TO_DISCUSS = "nothing_to_discuss", "Nothing to discuss this time"
    CLASH = "clash", "Something else clashes"
    AWAY = "away", "Away (leave, illness or travel)"
    OTHER = "other", "Another reason"


class MeetingSeries(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organised_series"
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attended_series"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    # The rule only (no DTSTART): first_date, start_time and time_zone say where it starts.
    cadence = recurrence.fields.RecurrenceField(include_dtstart=False)
    start_time = models.TimeField(help_text="Local time in the series' own time zone.")
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    first_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.VIDEO)
    location = models.CharField(
        max_length=300, blank=True, help_text="Room, video link, phone number or meeting place."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    default_template = models.ForeignKey(
        "AgendaTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Its prompts are offered on every meeting of the series.",
    )
    # The last day generation has reached; reset when the cadence changes.
    generated_until = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "meeting series"
        ordering = ["organiser_id", "participant_id", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(organiser=F("participant")), name="series_two_different_people"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("first_date")),
                name="series_ends_after_it_starts",
            ),
            # Two people have one active series at a time, whichever of them organises
            # it: a second would book every meeting twice.
            models.UniqueConstraint(
                Least("organiser", "participant"),
                Greatest("organiser", "participant"),
                condition=Q(status="active"),
                name=ONE_ACTIVE_SERIES_CONSTRAINT,
            ),
        ]
        indexes = [models.Index(fields=["status"], name="series_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.organiser} and {self.participant}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def agenda_lead_id(self) -> int:
        return agenda_lead_id(self)

    @property
    def cadence_text(self) -> str:
        from meetings.cadence import describe_series

        return describe_series(self)

    @property
    def video_url(self) -> str:
        """The location as a link for a video call at an http(s) address, else empty."""
        return web_address(self.location) if self.format == Format.VIDEO else ""


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Held"
        CANCELLED = "cancelled", "Cancelled"

    series = models.ForeignKey(
        MeetingSeries,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text="Empty for a one-off meeting.",
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organised_meetings"
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attended_meetings"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    # The start the series' rule gave this meeting (unique per series); it stays the
    # same when the meeting is moved, so generation never re-creates a moved meeting.
    slot = models.DateTimeField(null=True, blank=True)
    # The day (in the series' zone) of the occurrence of the series' rule this meeting
    # stands for. One meeting that is not cancelled per occurrence, kept by the database:
    # when the rule or time changes, a meeting is moved onto its new occurrence, never
    # doubled by a new one beside it (``services.series_reconcile``). Empty for a
    # one-off, and for a meeting whose occurrence the new rule no longer has (it waits
    # for a new time, see ``SlotClash.meeting``).
    occurrence = models.DateField(null=True, blank=True, editable=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.VIDEO)
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(
        max_length=20, choices=CancelReason.choices, blank=True, default=""
    )
    cancel_note = models.TextField(blank=True)
    rescheduled_from = models.DateTimeField(
        null=True, blank=True, help_text="Where the meeting was before it last moved."
    )
    reschedule_note = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the first wrap-up email went out (set by notifications.sending, whose outbox
    # rows make sure each person gets it once); the meeting page says so.
    summary_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # iCalendar SEQUENCE: calendars apply a change only when it goes up.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the HR reports add up over many thousands of meetings, kept here by
    # triggers in the database so that the reports read neither the agenda nor the
    # feedback tables: how many agenda items the meeting has and how many each of its
    # two people wrote, and the report's usefulness rating. Counts and a rating, never
    # text. Django never writes them (see ``save``).
    # Migration 0005_report_counts defines the triggers in SQL that names the tables
    # and columns as they were then (a trigger follows a rename, the function it calls
    # does not): renaming a table or column they use (the meetings', the agenda
    # items' or the feedback's; organiser, participant, meeting, author, usefulness or
    # these counts) takes a migration that defines the functions again.
    # The agenda counts: on AgendaItem, triggers agendaitem_count_insert and
    # agendaitem_count_delete (per statement, function meetings_agenda_count_statement)
    # and agendaitem_count_move (per row, function meetings_agenda_count_move).
    agenda_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    agenda_by_organiser = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    agenda_by_participant = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # The rating: on MeetingFeedback, trigger meetingfeedback_usefulness (function
    # meetings_feedback_usefulness).
    usefulness = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "slot"], name=SLOT_UNIQUE_CONSTRAINT),
            models.UniqueConstraint(
                fields=["series", "occurrence"],
                condition=~Q(status="cancelled"),
                name=OCCURRENCE_UNIQUE_CONSTRAINT,
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=~Q(organiser=F("participant")), name="meeting_two_different_people"
            ),
            models.CheckConstraint(
                condition=Q(series__isnull=True) | Q(slot__isnull=False),
                name="meeting_series_has_slot",
            ),
        ]
        indexes = [
            models.Index(fields=["organiser", "starts_at"], name="meeting_organiser_idx"),
            models.Index(fields=["participant", "starts_at"], name="meeting_participant_idx"),
            models.Index(fields=["series", "starts_at"], name="meeting_series_idx"),
            # The HR reports read a period's meetings from this index alone (an
            # index-only scan), however long the history before it.
            models.Index(
                fields=["starts_at"],
                include=PERIOD_COLUMNS,
                name="meeting_period_idx",
                condition=~Q(kind__in=NOT_LINE_KINDS),
            ),
            # The one meeting a report needs of a pair of people, whichever of the two
            # organised it: the last held before a date, the next one booked.
            models.Index(
                Least("organiser", "participant"),
                Greatest("organiser", "participant"),
                "status",
                "starts_at",
                include=["organiser", "participant"],
                name="meeting_pair_idx",
                condition=~Q(kind__in=NOT_LINE_KINDS),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.organiser} and {self.participant}"

    def save(self, *args: Any, update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
        # The database keeps the record counts (see above); writing back the values
        # this instance was loaded with would undo items added since.
        if update_fields is None and not self._state.adding:
            update_fields = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.attname not in DATABASE_KEPT
            ]
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def kind_words(self) -> KindWords:
        """How messages name this meeting ("your mentoring check-in with …")."""
        return KIND_WORDS[self.kind]

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def other_person(self, user: "User") -> "User":
        return self.participant if user.pk == self.organiser_id else self.organiser

    @property
    def agenda_lead_id(self) -> int:
        return agenda_lead_id(self)

    @property
    def agenda_lead(self) -> "User":
        """Whose items lead the agenda (see ``agenda_lead_id``)."""
        return self.organiser if self.agenda_lead_id == self.organiser_id else self.participant

    @property
    def other_person_of_lead(self) -> "User":
        """The other of the two: the manager, or the mentor of a mentoring check-in."""
        return self.participant if self.agenda_lead_id == self.organiser_id else self.organiser

    @property
    def video_url(self) -> str:
        """The location as a link when the meeting is a video call and the location is
        an http(s) address; empty otherwise (never a ``javascript:`` or other scheme)."""
        if self.format != Format.VIDEO:
            return ""
        return web_address(self.location)


def agenda_lead_id(meeting_or_series: "Meeting | MeetingSeries") -> int:
    """Whose items lead the agenda: the report's in a line 1:1 (the participant), the
    mentee's in a mentoring check-in (the organiser: the mentee books and owns it)."""
    if meeting_or_series.kind == Kind.MENTORING:
        return meeting_or_series.organiser_id
    return meeting_or_series.participant_id


def web_address(text: str) -> str:
    """``text`` when it is one http or https address with a host, else empty."""
    text = (text or "").strip()
    if not text or any(character.isspace() for character in text):
        return ""
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return text


class Attendance(models.Model):
    """One row per person per meeting: what the no-double-booking rule looks at.

    A constraint on ``Meeting`` alone cannot compare the organiser of one row with
    the participant of another, so each meeting has an attendance row for each of
    its two people, kept in step by the services in the same transaction.
    ``active`` is false once the meeting is cancelled.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    during = DateTimeRangeField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_each"),
            # No person in two overlapping active meetings. Person equality is written
            # as the overlap of the one-value ranges [person_id, person_id] so that a
            # built-in GiST operator class is enough: the embedded PostgreSQL that
            # `make run` may fall back to ships without the btree_gist extension that
            # `person_id WITH =` would need.
            ExclusionConstraint(
                name=DOUBLE_BOOKING_CONSTRAINT,
                expressions=[
                    (
                        Func(
                            F("person"),
                            F("person"),
                            Value("[]"),
                            function="int8range",
                            output_field=BigIntegerRangeField(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                    ("during", RangeOperators.OVERLAPS),
                ],
                condition=Q(active=True),
            ),
        ]

    def __str__(self):
        return f"{self.person_id} at meeting {self.meeting_id}"


class ChangeRequest(models.Model):
    """A participant's request to cancel or move a meeting, for the organiser to answer."""

    class Action(models.TextChoices):
        CANCEL = "cancel", "Cancel"
        MOVE = "move", "Move"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "No longer needed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="change_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=20, choices=CancelReason.choices, blank=True, default="")
    note = models.TextField(blank=True)
    proposed_starts_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(status="pending"),
                name="change_request_one_pending_per_meeting",
            ),
            models.CheckConstraint(
                condition=Q(action="cancel") | Q(proposed_starts_at__isnull=False),
                name="change_request_move_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} meeting {self.meeting_id} ({self.status})"


class SlotClash(models.Model):
    """A slot of a series that could not be booked because someone was busy.

    Shown to the organiser as "needs a new time" until they pick another time,
    skip it, or a later generation run finds the slot free again.

    With ``meeting`` set, it is a meeting that already has content (agenda, notes,
    a request) and could not follow a change of the series: its new time clashes
    (``person`` is busy then), or the new rule has no occurrence near it (``person``
    empty). The meeting stays booked where it was, with everything in it, until the
    organiser moves it or leaves it out (which cancels it and carries its agenda on).
    """

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="clashes")
    slot = models.DateTimeField()
    ends_at = models.DateTimeField()
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.OneToOneField(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="waiting_for_new_time",
    )
    clashing_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    skipped = models.BooleanField(default=False)
    detected_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot"]
        constraints = [
            models.UniqueConstraint(fields=["series", "slot"], name="slot_clash_once_per_slot")
        ]

    def __str__(self):
        return f"Series {self.series_id} at {self.slot:%Y-%m-%d %H:%M}"


# --- Running and recording a 1:1 -------------------------------------------------------
#
# What two people write in a 1:1 stays between them: agenda items, notes, actions
# and feedback are read only through meetings.selectors (which scope them to the
# two people) and none of them is registered in the admin site. Their __str__
# carry no content, so admin pages that list related objects show "Note #12".


class AgendaTemplate(models.Model):
    """Prompts for a kind of conversation. Built-in templates (``owner`` empty,
    ``builtin_key`` set) come from a data migration; a manager's own templates are
    seen by that manager only."""

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="agenda_templates",
        help_text="Empty for a built-in template.",
    )
    builtin_key = models.CharField(max_length=40, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["builtin_key"],
                condition=~Q(builtin_key=""),
                name="agenda_template_builtin_once",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(builtin_key=""),
                name="agenda_template_builtin_has_no_owner",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None


class AgendaTemplateItem(models.Model):
    template = models.ForeignKey(AgendaTemplate, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=120, blank=True)
    text = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["template_id", "position", "pk"]

    def __str__(self):
        return self.text


class AgendaItem(models.Model):
    """One thing to talk about. On a meeting, or (``meeting`` empty) on the series'
    "next time" list until the next meeting of the series exists.

    An undiscussed item is carried over by copying it onto the next meeting with
    ``carried_over_from`` pointing at the original, which stays on the earlier
    meeting as its record. ``carried_over_from`` is unique: an item is carried over
    at most once, so completing twice (or two processes at once) cannot duplicate it.

    The database counts a meeting's items (by author) onto it, whatever writes them:
    triggers ``agendaitem_count_*`` of migration 0005_report_counts (see
    ``Meeting.agenda_count``).
    """

    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="agenda_items"
    )
    series = models.ForeignKey(
        MeetingSeries,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="agenda_items",
        help_text="Set for every item of a series' meeting and for its next-time list.",
    )
    text = models.CharField(max_length=500)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveIntegerField(default=0)
    discussed = models.BooleanField(default=False)
    discussed_at = models.DateTimeField(null=True, blank=True)
    # On the next-time list only: the item lands on the first meeting of the series
    # that starts after this (the start of the meeting it was written on), not on that
    # meeting itself. Empty: the next meeting after now.
    lands_after = models.DateTimeField(null=True, blank=True, editable=False)
    carried_over_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )
    objective = models.ForeignKey(
        "objectives.Objective",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False) | Q(series__isnull=False),
                name="agenda_item_on_a_meeting_or_series",
            ),
        ]
        indexes = [
            models.Index(
                fields=["series"], condition=Q(meeting__isnull=True), name="agenda_next_time_idx"
            ),
        ]

    def __str__(self):
        return f"Agenda item #{self.pk}"


class Note(models.Model):
    """Notes of a meeting: one shared note both people edit, and one private note
    per person that only its author ever sees.

    ``version`` goes up by one on every save; a save must name the version it was
    based on, and is refused when someone saved in between (optimistic locking).
    """

    class Visibility(models.TextChoices):
        SHARED = "shared", "Shared with the other person"
        PRIVATE = "private", "Private (only you)"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_notes"
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    body = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting_id", "visibility", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(visibility="shared"), name="note_one_shared"
            ),
            models.UniqueConstraint(
                fields=["meeting", "author"],
                condition=Q(visibility="private"),
                name="note_one_private_each",
            ),
        ]

    def __str__(self):
        return f"Note #{self.pk}"

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE


class ActionItem(models.Model):
    """Something one of the two people agreed to do. It shows on every later
    meeting of the series until it is done."""

    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
        help_text="The meeting where it was agreed.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_items"
    )
    description = models.CharField(max_length=500)
    due_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False) | Q(series__isnull=False),
                name="action_on_a_meeting_or_series",
            ),
            models.CheckConstraint(
                condition=Q(done=False) | Q(done_at__isnull=False),
                name="action_done_has_a_time",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "done", "due_date"], name="action_owner_idx"),
            models.Index(fields=["series", "done"], name="action_series_idx"),
        ]

    def __str__(self):
        return f"Action #{self.pk}"


class PreferredFrequency(models.TextChoices):
    AS_NOW = "as_now", "As often as now"
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month"
    LESS_OFTEN = "less_often", "Less often"


USEFULNESS_CHOICES = [
    (1, "1 (not useful)"),
    (2, "2 (a little useful)"),
    (3, "3 (useful)"),
    (4, "4 (very useful)"),
    (5, "5 (extremely useful)"),
]


class MeetingFeedback(models.Model):
    """The report's view of one held 1:1. HR reports average ``usefulness``, which the
    database copies onto the meeting (trigger ``meetingfeedback_usefulness`` of
    migration 0005_report_counts; see ``Meeting.usefulness``)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="feedback")
    usefulness = models.PositiveSmallIntegerField(
        choices=USEFULNESS_CHOICES, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    help_more = models.TextField(
        blank=True, max_length=2000, verbose_name="How could the 1:1s help you more?"
    )
    preferred_frequency = models.CharField(
        max_length=12, choices=PreferredFrequency.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5),
                name="feedback_usefulness_1_to_5",
            ),
        ]

    def __str__(self):
        return f"Feedback on meeting {self.meeting_id}"


class ManagerHandover(models.Model):
    """A report's manager changed (``meetings.handover``): the old pair's series ended,
    the new manager is asked to book, and the report chooses which of their undiscussed
    agenda items and the pair's open actions to bring to the new manager.

    Nothing is copied until the report chooses (``chosen_at``); what they chose is kept
    here (``chosen_items``, ``chosen_actions``) and copied onto the new pair's next 1:1
    once one is booked (``brought_at``, claimed by a conditional UPDATE so it happens
    once). The originals stay on the old pair's meetings, which only those two see.
    Its ``__str__`` carries no names: the admin site may list it.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manager_handovers"
    )
    old_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()
    # How many of the old pair's future 1:1s went (removed or cancelled), for the emails.
    meetings_called_off = models.PositiveIntegerField(default=0)
    chosen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the report chose what to bring (or that nothing was offered).",
    )
    chosen_items = models.ManyToManyField(AgendaItem, blank=True, related_name="+")
    chosen_actions = models.ManyToManyField(ActionItem, blank=True, related_name="+")
    brought_at = models.DateTimeField(
        null=True, blank=True, help_text="When the chosen were copied to the new pair's 1:1s."
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-changed_at"], name="handover_person_changed"),
            models.Index(fields=["new_manager", "person"], name="handover_new_manager"),
        ]

    def __str__(self):
        return f"Change of manager #{self.pk}"
