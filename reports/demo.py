"""Demo data for the HR reports (called by `manage.py seed_demo`; idempotent).

The meetings demo gives every panel something already: managers with held,
cancelled (by each side, "nothing to discuss") and moved 1:1s, a new starter not
met yet (Nina), people with no series (the admin and HR) and one with no manager
(the director). What it lacks is a 1:1 series that has stopped happening: Owen,
who joined the director's office five months ago, was met within his first six
weeks, and has had every 1:1 since cancelled by the director. That makes the
director an overdue manager, with a series, and Owen a new starter met in time.
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from meetings.cadence import Picked, build_cadence
from meetings.demo import DEFAULT_TEMPLATES, add_history, seed_records
from meetings.models import AgendaTemplate, CancelReason, Format, Kind, Meeting, MeetingSeries
from meetings.scheduling import services
from people.demo import save_if_changed
from people.models import User

OWEN_EMAIL = "owen.price@example.com"
OWEN_STARTED_DAYS_AGO = 150
FIRST_MEETING_DAY = 30
HELD_MEETINGS = 2


def _owen(org) -> tuple[User, dt.date]:
    """Owen, and the day he started."""
    owen = User.objects.filter(email__iexact=OWEN_EMAIL).first() or User(email=OWEN_EMAIL)
    started = timezone.localdate() - dt.timedelta(days=OWEN_STARTED_DAYS_AGO)
    save_if_changed(
        owen,
        full_name="Owen Price",
        job_title="Operations Analyst",
        manager_id=org.people["director"].pk,
        time_zone="Europe/London",
        start_date=started,
        is_active=True,
    )
    return owen, started


def _stopped(series: MeetingSeries, slot: dt.datetime, number: int) -> Meeting:
    """The first HELD_MEETINGS held, every later one cancelled by the organiser."""
    meeting = services.series_meeting(series, slot=slot, starts_at=slot)
    if number < HELD_MEETINGS:
        meeting.status = Meeting.Status.COMPLETED
        meeting.completed_at = meeting.ends_at
        meeting.completed_by = series.organiser
        meeting.summary_sent_at = meeting.ends_at  # history: the summary went out then
    else:
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_by = series.organiser
        meeting.cancelled_at = meeting.starts_at - dt.timedelta(days=1)
        meeting.cancel_reason = CancelReason.CLASH
        meeting.sequence = 1
    return meeting


@transaction.atomic
def seed_demo(*, org, stdout) -> None:
    owen, started = _owen(org)
    director = org.people["director"]
    if MeetingSeries.objects.filter(organiser=director, participant=owen).exists():
        stdout.write("Reports: the overdue demo series is already there.")
        return
    first_date = started + dt.timedelta(days=FIRST_MEETING_DAY)
    series = MeetingSeries.objects.create(
        organiser=director,
        participant=owen,
        cadence=build_cadence(Picked("four_weekly", weekday=first_date.weekday())),
        start_time=dt.time(11, 0),
        time_zone="Europe/London",
        first_date=first_date,
        format=Format.ROOM,
        location="Director's office",
        default_template=AgendaTemplate.objects.filter(
            builtin_key=DEFAULT_TEMPLATES[Kind.ONE_TO_ONE]
        ).first(),
    )
    created = add_history(series, timezone.now(), past_meeting=_stopped)
    services.series_generate(series_id=series.pk)
    # The meetings demo has already filled the other 1:1s with what was said; these too,
    # so that a second run finds nothing left to add.
    seed_records(org=org, stdout=stdout)
    stdout.write(f"Reports: Owen's 1:1s stopped after two ({created} past meetings).")


def seed_bench(*, user_ids, stdout, years: int = 1) -> None:
    """What the database keeps for the reports, written again from the meetings: the
    trend's counts per month (``MeetingMonth``) and each held meeting with the one
    before it (``HeldMeeting``). The bench writes its meetings with the triggers off
    when the database lets it (``meetings.demo.without_triggers``). Runs after the
    meetings' hook (apps in ``INSTALLED_APPS`` order); with the triggers on it finds
    the same rows."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_rebuild_meeting_months()")
        cursor.execute("SELECT reports_rebuild_held_meetings()")
    stdout.write(
        "Reports: the trend's counts per month and the held meetings with the one before "
        "each written again from the meetings."
    )
