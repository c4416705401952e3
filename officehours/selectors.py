"""Reads of office hours, always for a viewer.

Whose open time a person sees: their own manager's when it is for "my team", and
anyone's that is for "anyone" (never their own). A sign-up (and its topic) is seen by
its two people only: the host and the person who signed up.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from meetings.models import Attendance, Meeting
from officehours.models import OfficeHours, SignUp
from officehours.slots import WEEKS_AHEAD, Slot, overlaps, slots_between
from people.models import User


def _open_to(viewer: User) -> Q:
    audience = Q(audience=OfficeHours.Audience.ANYONE)
    if viewer.manager_id is not None:
        audience |= Q(audience=OfficeHours.Audience.TEAM, host_id=viewer.manager_id)
    return audience & Q(host__is_active=True) & ~Q(host_id=viewer.pk)


def office_hours_open_to(*, viewer: User) -> QuerySet[OfficeHours]:
    """Open (not paused) office hours whose audience includes ``viewer``, not ended."""
    today = timezone.localdate()
    return (
        OfficeHours.objects.filter(_open_to(viewer), status=OfficeHours.Status.OPEN)
        .filter(Q(last_date__isnull=True) | Q(last_date__gte=today))
        .select_related("host")
        .order_by("host__full_name", "pk")
    )


def get_office_hours_open_to_or_404(*, viewer: User, pk: int) -> OfficeHours:
    found = office_hours_open_to(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise Http404("No such office hours.")
    return found


def own_office_hours(*, viewer: User) -> QuerySet[OfficeHours]:
    return OfficeHours.objects.filter(host=viewer).order_by("pk")


def get_own_office_hours_or_404(*, viewer: User, pk: int) -> OfficeHours:
    """The viewer's own office hours (to change); anyone else's is a 404."""
    found = own_office_hours(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise Http404("No such office hours.")
    return found


def _upcoming(queryset: QuerySet[SignUp]) -> QuerySet[SignUp]:
    return (
        queryset.filter(
            meeting__status=Meeting.Status.SCHEDULED, meeting__ends_at__gt=timezone.now()
        )
        .select_related("meeting__organiser", "meeting__participant", "office_hours")
        .order_by("meeting__starts_at", "pk")
    )


def sign_ups_of(*, viewer: User) -> QuerySet[SignUp]:
    """The viewer's own sign-ups still to come."""
    return _upcoming(SignUp.objects.filter(meeting__participant=viewer))


def sign_ups_hosted_by(*, viewer: User) -> QuerySet[SignUp]:
    """Who signed up for the viewer's office hours, still to come."""
    return _upcoming(SignUp.objects.filter(meeting__organiser=viewer))


def sign_ups_with(*, viewer: User) -> QuerySet[SignUp]:
    """Every sign-up ``viewer`` is one of the two people of, past and to come, cancelled
    too, earliest first (their own data to take away). The topic is read with it: callers
    show it only to whoever wrote it, or to the two (``SignUp``)."""
    return (
        SignUp.objects.filter(Q(meeting__organiser=viewer) | Q(meeting__participant=viewer))
        .select_related("meeting__organiser", "meeting__participant", "office_hours")
        .order_by("meeting__starts_at", "pk")
    )


def get_sign_up_for_user_or_404(*, viewer: User, pk: int) -> SignUp:
    """A sign-up of which ``viewer`` is one of the two people; else a 404."""
    found = (
        SignUp.objects.filter(Q(meeting__organiser=viewer) | Q(meeting__participant=viewer), pk=pk)
        .select_related("meeting__organiser", "meeting__participant", "office_hours")
        .first()
    )
    if found is None:
        raise Http404("No such sign-up.")
    return found


def busy_spans(
    *, person_ids: set[int], after: dt.datetime, before: dt.datetime
) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """When each person has a meeting that is not cancelled (one query)."""
    spans: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    rows = Attendance.objects.filter(
        person_id__in=person_ids, active=True, during__overlap=DateTimeTZRange(after, before)
    ).values_list("person_id", "during")
    for person_id, during in rows:
        spans[person_id].append((during.lower, during.upper))
    return spans


@dataclass(frozen=True)
class OpenTime:
    hours: OfficeHours
    free: list[Slot]


def free_slots(
    *, viewer: User, hours: list[OfficeHours], now: dt.datetime | None = None
) -> list[OpenTime]:
    """The free slots of each of ``hours`` for the next ``WEEKS_AHEAD`` weeks: not
    taken, and neither the host nor ``viewer`` has another meeting then. One query for
    everyone's meetings, whatever the number of hosts."""
    now = now or timezone.now()
    until = now + dt.timedelta(weeks=WEEKS_AHEAD)
    busy = busy_spans(person_ids={h.host_id for h in hours} | {viewer.pk}, after=now, before=until)
    mine = busy.get(viewer.pk, [])
    return [
        OpenTime(
            hours=item,
            free=[
                slot
                for slot in slots_between(item, after=now, before=until)
                if not overlaps(slot, busy.get(item.host_id, [])) and not overlaps(slot, mine)
            ],
        )
        for item in hours
    ]
