"""The demo organisation's mentoring: Jordan Blake (Customer Success) mentors Emma
Clarke (Engineering), who books their fortnightly check-ins; Tom asks Emma to mentor
him, waiting for her answer. Idempotent."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from meetings.cadence import Picked, build_cadence
from meetings.models import AgendaTemplate, Format, Kind, MeetingSeries
from meetings.scheduling import services as scheduling
from mentoring.models import Mentorship

THURSDAY = 3


@transaction.atomic
def seed_demo(*, org, stdout) -> None:
    emma, jordan, tom = org.people["employee"], org.people["manager2"], org.people["tom"]
    now = timezone.now()
    if not Mentorship.objects.filter(mentor=jordan, mentee=emma).exists():
        Mentorship.objects.create(
            mentor=jordan,
            mentee=emma,
            proposed_by=emma,
            status=Mentorship.Status.ACTIVE,
            created_at=now - dt.timedelta(days=3),
            accepted_at=now - dt.timedelta(days=2),
        )
    if not MeetingSeries.objects.filter(organiser=emma, participant=jordan).exists():
        scheduling.series_create(
            organiser=emma,
            participant=jordan,
            kind=Kind.MENTORING,
            cadence=build_cadence(Picked("fortnightly", weekday=THURSDAY)),
            start_time=dt.time(11, 0),
            time_zone="Europe/London",
            first_date=timezone.localdate() + dt.timedelta(days=1),
            format=Format.VIDEO,
            location="https://video.example.com/mentoring",
            default_template=AgendaTemplate.objects.filter(
                builtin_key="mentoring_check_in"
            ).first(),
        )
    if not Mentorship.objects.filter(mentor=emma, mentee=tom).exists():
        Mentorship.objects.create(
            mentor=emma,
            mentee=tom,
            proposed_by=tom,
            status=Mentorship.Status.PROPOSED,
            created_at=now - dt.timedelta(days=1),
        )
    stdout.write("Mentoring: Jordan mentors Emma; Tom asks Emma to mentor him.")
