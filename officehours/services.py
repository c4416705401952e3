"""Writes about office hours. Each service is one transaction.

A sign-up books its meeting through ``meetings.scheduling.services`` (the one declared
door, see .importlinter), so the database's exclusion constraint decides who gets a
slot: of two people signing up for the same slot at once, exactly one gets it and the
other is told so, with the next free slots.

Publishing, editing, pausing or deleting never moves or removes a booked sign-up: the
meeting stays where it was booked; only one of its two people cancelling it frees the
slot, and the other is told (as for any cancelled meeting, through the outbox).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meetings.models import CancelReason, Format
from meetings.scheduling.services import MeetingClash, meeting_cancel, office_hours_meeting_book
from officehours.models import OfficeHours, SignUp
from officehours.slots import is_a_slot
from oneonones import limits
from oneonones.errors import NotFound, ServiceError, refused, within_limits
from people.models import User
from people.selectors import has_reports

EDITABLE_FIELDS = (
    "title",
    "weekdays",
    "start_time",
    "end_time",
    "slot_minutes",
    "time_zone",
    "audience",
    "format",
    "location",
    "first_date",
    "last_date",
)
TOPIC_LENGTH = 300


class SlotTaken(ServiceError):
    """Someone else got the slot first (or the host is busy then by now)."""

    def __init__(self) -> None:
        super().__init__("Someone just took that slot; here are the next free ones.", field="slot")


def _check(hours: OfficeHours, *, host: User) -> None:
    if not host.is_active:
        raise ServiceError("Only people who still work here can publish office hours.")
    weekdays = sorted(set(hours.weekdays or []))
    if not weekdays or any(day not in range(7) for day in weekdays):
        raise ServiceError("Pick at least one day of the week.", field="weekdays")
    hours.weekdays = weekdays
    if hours.audience == OfficeHours.Audience.TEAM and not has_reports(person=host):
        raise ServiceError(
            "Only people with reports can open time for their team; choose “Anyone”.",
            field="audience",
        )
    if hours.start_time is None or hours.end_time is None or hours.end_time <= hours.start_time:
        raise ServiceError("The end time must be after the start time.", field="end_time")
    span = dt.datetime.combine(dt.date.min, hours.end_time) - dt.datetime.combine(
        dt.date.min, hours.start_time
    )
    if hours.slot_minutes and span < dt.timedelta(minutes=hours.slot_minutes):
        raise ServiceError("The time is shorter than one slot.", field="slot_minutes")
    if hours.format not in Format.values:
        raise ServiceError("Choose how you meet.", field="format")
    within_limits(limits.check_first_date, hours.first_date, field="first_date")
    if hours.last_date is not None:
        within_limits(limits.check_planning_day, hours.last_date, what="a last date", field="last_date")
        if hours.last_date < hours.first_date:
            raise ServiceError("The last date must be on or after the first.", field="last_date")
    try:
        hours.full_clean(exclude=["host"])
    except ValidationError as error:
        raise refused(error) from None


@transaction.atomic
def office_hours_publish(*, host: User, **fields: Any) -> OfficeHours:
    """Publish recurring open time (``EDITABLE_FIELDS``); people in its audience see
    its free slots at once."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    hours = OfficeHours(host=host, **fields)
    _check(hours, host=host)
    hours.save()
    return hours


@dataclass(frozen=True)
class Edited:
    hours: OfficeHours
    # Booked sign-ups that are no longer inside the new times: they stay booked.
    outside: list[SignUp]


def _locked(hours: OfficeHours, *, by: User) -> OfficeHours:
    locked = OfficeHours.objects.select_for_update().filter(pk=hours.pk, host=by).first()
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def office_hours_update(*, hours: OfficeHours, by: User, **fields: Any) -> Edited:
    """Change the open time. Booked sign-ups stay where they are, even those the new
    times no longer include (returned, so the host can see them and cancel any that
    no longer suit, which tells the person)."""
    hours = _locked(hours, by=by)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"Unknown field: {name}")
        setattr(hours, name, value)
    _check(hours, host=by)
    hours.save()
    outside = [
        sign_up
        for sign_up in upcoming_sign_ups(hours)
        if is_a_slot(hours, sign_up.meeting.starts_at) is None
    ]
    return Edited(hours, outside)


def upcoming_sign_ups(hours: OfficeHours) -> list[SignUp]:
    return list(
        hours.sign_ups.filter(
            meeting__status="scheduled", meeting__ends_at__gt=timezone.now()
        ).select_related("meeting__participant", "meeting__organiser")
    )


@transaction.atomic
def office_hours_pause(*, hours: OfficeHours, by: User) -> OfficeHours:
    """No new sign-ups until resumed; booked ones stay."""
    hours = _locked(hours, by=by)
    hours.status = OfficeHours.Status.PAUSED
    hours.save(update_fields=["status", "updated_at"])
    return hours


@transaction.atomic
def office_hours_resume(*, hours: OfficeHours, by: User) -> OfficeHours:
    hours = _locked(hours, by=by)
    hours.status = OfficeHours.Status.OPEN
    hours.save(update_fields=["status", "updated_at"])
    return hours


@transaction.atomic
def office_hours_delete(*, hours: OfficeHours, by: User, cancel_booked: bool) -> int:
    """Delete the open time. Its booked sign-ups stay booked, unless ``cancel_booked``:
    then each is cancelled and its person told. Returns how many were cancelled."""
    hours = _locked(hours, by=by)
    cancelled = 0
    if cancel_booked:
        for sign_up in upcoming_sign_ups(hours):
            meeting_cancel(
                meeting=sign_up.meeting,
                by=by,
                reason=CancelReason.OTHER,
                note="The office hours were withdrawn.",
            )
            cancelled += 1
    hours.delete()
    return cancelled


def _check_audience(hours: OfficeHours, *, person: User) -> None:
    open_to = hours.audience == OfficeHours.Audience.ANYONE or (
        hours.audience == OfficeHours.Audience.TEAM and person.manager_id == hours.host_id
    )
    if not open_to or person.pk == hours.host_id or not hours.host.is_active:
        raise NotFound()


@transaction.atomic
def sign_up(*, hours: OfficeHours, person: User, starts_at: dt.datetime, topic: str = "") -> SignUp:
    """Sign ``person`` up for the slot of ``hours`` that starts at ``starts_at``.

    Raises ``SlotTaken`` when the host is busy then (someone else got the slot, or
    another meeting), ``MeetingClash`` when ``person`` is, ``NotFound`` when the
    hours are not open to them."""
    hours = OfficeHours.objects.select_related("host").get(pk=hours.pk)
    _check_audience(hours, person=person)
    if not hours.is_open:
        raise ServiceError("These office hours are paused; no new sign-ups for now.")
    topic = topic.strip()
    if len(topic) > TOPIC_LENGTH:
        raise ServiceError(f"Keep the topic under {TOPIC_LENGTH} characters.", field="topic")
    slot = is_a_slot(hours, starts_at)
    if slot is None:
        raise ServiceError("That is not one of the slots of these office hours.", field="slot")
    within_limits(limits.check_meeting_start, slot.starts_at, field="slot")
    try:
        meeting = office_hours_meeting_book(
            host=hours.host,
            person=person,
            starts_at=slot.starts_at,
            duration_minutes=hours.slot_minutes,
            format=hours.format,
            location=hours.location,
        )
    except MeetingClash as clash:
        if clash.person.pk == person.pk:
            raise ServiceError(f"{clash.message} Pick another slot.", field="slot") from None
        raise SlotTaken() from None
    return SignUp.objects.create(office_hours=hours, meeting=meeting, topic=topic)


def sign_up_cancel(*, sign_up: SignUp, by: User, reason: str, note: str = "") -> SignUp:
    """Either of the two cancels: the slot is free again, and the other is told."""
    if by.pk not in (sign_up.meeting.organiser_id, sign_up.meeting.participant_id):
        raise NotFound()
    meeting_cancel(meeting=sign_up.meeting, by=by, reason=reason, note=note)
    sign_up.meeting.refresh_from_db()
    return sign_up
