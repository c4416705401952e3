"""Office hours: a host's recurring open time, cut into slots people sign up for on a
needs basis (seed 002: "a space in your diary where staff can sign up", never
compulsory).

The open time is a rule in the host's own zone (weekdays, a local start and end time,
a slot length, first and last dates), expanded in wall-clock time like a series. A
sign-up is a meeting like any other (``meetings.Kind.OFFICE_HOURS``, the host
organises it), so the database's no-double-booking rule decides who gets a slot; the
``SignUp`` row beside it holds what only the two of them see: the topic.
"""

import zoneinfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from meetings.models import Format, Meeting
from people.models import validate_time_zone

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class OfficeHours(models.Model):
    class Audience(models.TextChoices):
        TEAM = "team", "My team (the people who report to me)"
        ANYONE = "anyone", "Anyone in the organisation"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PAUSED = "paused", "Paused"

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_hours"
    )
    title = models.CharField(max_length=120, blank=True)
    weekdays = ArrayField(models.PositiveSmallIntegerField(choices=WEEKDAYS), size=7)
    start_time = models.TimeField(help_text="Local time in the host's zone.")
    end_time = models.TimeField()
    slot_minutes = models.PositiveSmallIntegerField(
        default=20, validators=[MinValueValidator(10), MaxValueValidator(120)]
    )
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.TEAM)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.ROOM)
    location = models.CharField(max_length=300, blank=True)
    first_date = models.DateField()
    last_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "office hours"
        ordering = ["host_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="office_hours_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(last_date__isnull=True) | Q(last_date__gte=F("first_date")),
                name="office_hours_last_after_first",
            ),
        ]

    def __str__(self):
        return f"Office hours #{self.pk}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def weekdays_text(self) -> str:
        names = dict(WEEKDAYS)
        days = [names[day] + "s" for day in sorted(self.weekdays)]
        return days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]

    @property
    def description(self) -> str:
        """"Thursdays 14:00–16:00 (Europe/London), 20-minute slots"."""
        return (
            f"{self.weekdays_text} {self.start_time:%H:%M}–{self.end_time:%H:%M} "
            f"({self.time_zone}), {self.slot_minutes}-minute slots"
        )


class SignUp(models.Model):
    """One person's sign-up to a slot: the meeting it booked, and its topic.

    The topic is the two people's only: selectors show it to the host and the person
    and nobody else (not the person's manager, not HR), and it is in no report or
    export. ``office_hours`` goes empty when the host deletes their office hours: the
    booked meeting stays until one of the two cancels it."""

    office_hours = models.ForeignKey(
        OfficeHours, null=True, blank=True, on_delete=models.SET_NULL, related_name="sign_ups"
    )
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="sign_up")
    topic = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting__starts_at", "pk"]

    def __str__(self):
        return f"Sign-up #{self.pk}"
