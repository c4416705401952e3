"""Demo and benchmark 1:1s (called by `manage.py seed_demo`; both are idempotent).

Past meetings are written directly: generation only ever books forward.
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from meetings import services
from meetings.cadence import Picked, build_cadence, series_starts
from meetings.models import (
    CancelReason,
    ChangeRequest,
    Format,
    Kind,
    Meeting,
    MeetingSeries,
)
from people.models import User

TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, MONDAY = 1, 2, 3, 4, 0
HISTORY_DAYS = 120

# organiser, participant, cadence, local time, zone, format, kind, months of history
DEMO_SERIES = [
    ("manager", "employee", Picked("fortnightly", weekday=TUESDAY), "09:30", "Europe/London",
     Format.VIDEO, Kind.ONE_TO_ONE, True),
    ("manager", "sam", Picked("weekly", weekday=THURSDAY), "14:00", "Europe/London",
     Format.ROOM, Kind.ONE_TO_ONE, True),
    ("manager", "priya", Picked("fortnightly", weekday=WEDNESDAY), "15:00", "Asia/Kolkata",
     Format.VIDEO, Kind.ONE_TO_ONE, True),
    ("manager", "leo", Picked("monthly_weekday", weekday=TUESDAY, week_of_month=1), "13:00",
     "Europe/Paris", Format.WALK, Kind.MENTORING, True),
    ("manager2", "aisha", Picked("weekly", weekday=MONDAY), "10:00", "America/New_York",
     Format.VIDEO, Kind.ONE_TO_ONE, True),
    ("manager2", "tom", Picked("fortnightly", weekday=FRIDAY), "10:00", "America/New_York",
     Format.PHONE, Kind.ONE_TO_ONE, True),
    # Nina is a new starter: booked from tomorrow, nothing held yet.
    ("manager2", "nina", Picked("weekly", weekday=WEDNESDAY), "15:00", "Europe/London",
     Format.CAFE, Kind.WELLBEING, False),
    ("director", "manager", Picked("monthly_date", day_of_month=15), "16:00", "Europe/London",
     Format.ROOM, Kind.ONE_TO_ONE, True),
    ("director", "manager2", Picked("four_weekly", weekday=THURSDAY), "16:30", "Europe/London",
     Format.VIDEO, Kind.ONE_TO_ONE, True),
]  # fmt: skip
LOCATIONS = {
    Format.VIDEO: "https://video.example.com/1-1",
    Format.ROOM: "Room 3.14",
    Format.WALK: "Meet at reception",
    Format.PHONE: "",
    Format.CAFE: "Café on the ground floor",
}


def _past_meeting(series: MeetingSeries, slot: dt.datetime, number: int) -> Meeting:
    """A past meeting with some variety: mostly held, some cancelled by either side,
    one in five moved."""
    meeting = services.series_meeting(series, slot=slot, starts_at=slot)
    meeting.status = Meeting.Status.COMPLETED
    if number % 5 == 3:
        meeting.rescheduled_from = slot
        meeting.reschedule_note = "Moved to after the team offsite."
        meeting.starts_at = slot + dt.timedelta(hours=2)
        meeting.ends_at = meeting.starts_at + dt.timedelta(minutes=series.duration_minutes)
        meeting.sequence = 1
    if number % 7 == 4:
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_by = series.participant
        meeting.cancel_reason = CancelReason.NOTHING_TO_DISCUSS
        meeting.cancel_note = "Nothing new this time, see you next one."
    elif number % 7 == 6:
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_by = series.organiser
        meeting.cancel_reason = CancelReason.AWAY
        meeting.cancel_note = "On leave that week."
    if meeting.status == Meeting.Status.CANCELLED:
        meeting.cancelled_at = meeting.starts_at - dt.timedelta(days=1)
        meeting.sequence += 1
    else:
        meeting.completed_at = meeting.ends_at
        meeting.completed_by = series.organiser
    return meeting


def _add_history(series: MeetingSeries, now: dt.datetime) -> int:
    created = 0
    since = dt.datetime.combine(series.first_date, dt.time.min, tzinfo=dt.UTC)
    for number, slot in enumerate(series_starts(series, after=since, before=now)):
        meeting = _past_meeting(series, slot, number)
        if meeting.ends_at >= now:
            continue
        try:
            with transaction.atomic():
                meeting.save()
                services.save_attendances(meeting=meeting, viewer=None)
        except services.MeetingClash:
            continue
        created += 1
    return created


@transaction.atomic
def _seed_series(org, row, now: dt.datetime) -> MeetingSeries | None:
    organiser_key, participant_key, picked, time, zone, fmt, kind, history = row
    organiser, participant = org.people[organiser_key], org.people[participant_key]
    existing = MeetingSeries.objects.filter(organiser=organiser, participant=participant)
    if existing.exists():
        return None
    today = timezone.localdate()
    first_date = today - dt.timedelta(days=HISTORY_DAYS) if history else today
    series = MeetingSeries.objects.create(
        organiser=organiser,
        participant=participant,
        kind=kind,
        cadence=build_cadence(picked),
        start_time=dt.time.fromisoformat(time),
        time_zone=zone,
        first_date=first_date,
        format=fmt,
        location=LOCATIONS[fmt],
    )
    if history:
        _add_history(series, now)
    return series


def seed_demo(*, org, stdout) -> None:
    now = timezone.now()
    created = [series for row in DEMO_SERIES if (series := _seed_series(org, row, now))]
    demo_series = MeetingSeries.objects.filter(
        organiser__in=org.people.values(), status=MeetingSeries.Status.ACTIVE
    )
    for series_id in demo_series.values_list("pk", flat=True):
        services.series_generate(series_id=series_id)
    sam_next = (
        Meeting.objects.filter(
            participant=org.people["sam"], status=Meeting.Status.SCHEDULED, starts_at__gt=now
        )
        .order_by("starts_at")
        .first()
    )
    asked = ChangeRequest.objects.filter(requested_by=org.people["sam"]).exists()
    if sam_next is not None and not asked:
        services.change_request_create(
            meeting=sam_next,
            by=org.people["sam"],
            action=ChangeRequest.Action.MOVE,
            proposed_starts_at=sam_next.starts_at + dt.timedelta(days=1),
            note="I'm at the customer site that day.",
        )
    stdout.write(f"Meetings: {len(created)} new recurring 1:1 series booked six months ahead.")


# --- Benchmark organisation ------------------------------------------------------------

BENCH_PATTERNS = ("weekly", "fortnightly", "four_weekly")
BENCH_WEEKS = {"weekly": 1, "fortnightly": 2, "four_weekly": 4}
# Half-hour slots on weekdays, 08:00 to 17:30 UTC: each series gets one no other
# series of either person has, so the bulk inserts never hit the no-double-booking rule.
BENCH_SLOTS = [
    (weekday, dt.time(hour, minute))
    for weekday in range(5)
    for hour in range(8, 18)
    for minute in (0, 30)
]


ATTENDANCE_FROM_MEETINGS = """
    INSERT INTO meetings_attendance (meeting_id, person_id, during, active)
    SELECT m.id, person.id, tstzrange(m.starts_at, m.ends_at), m.status <> 'cancelled'
    FROM meetings_meeting m
    CROSS JOIN LATERAL (VALUES (m.organiser_id), (m.participant_id)) AS person(id)
    WHERE m.series_id = ANY(%s)
"""

# The bench outbox, in one statement: each upcoming meeting's starting-soon reminder for
# both people, as the services would write them (the defaults: an hour before).
REMINDERS_FROM_MEETINGS = """
    INSERT INTO meetings_reminder (kind, recipient_id, meeting_id, subject, payload, due_at,
                                   state, reason, attempts, last_error, created_at, updated_at)
    SELECT 'starting_soon', person.id, m.id, 'meeting:' || m.id, '{}'::jsonb,
           m.starts_at - interval '1 hour', 'pending', '', 0, '', now(), now()
    FROM meetings_meeting m
    CROSS JOIN LATERAL (VALUES (m.organiser_id), (m.participant_id)) AS person(id)
    WHERE m.series_id = ANY(%s) AND m.status = 'scheduled' AND m.starts_at > now() + interval '1 hour'
    ON CONFLICT DO NOTHING
"""


def _bench_starts(first: dt.datetime, weeks: int, until: dt.datetime) -> list[dt.datetime]:
    starts, current = [], first
    while current < until:
        starts.append(current)
        current += dt.timedelta(weeks=weeks)
    return starts


def seed_bench(*, user_ids, stdout, batch_size: int = 10_000) -> None:
    """A series for every manager-report pair among ``user_ids`` with a year of history
    and six months ahead, written with a handful of bulk inserts. Bench series are in
    UTC so that no two of one person's series drift into each other across DST."""
    now = timezone.now()
    pairs = list(
        User.objects.filter(pk__in=user_ids, manager_id__in=user_ids)
        .order_by("manager_id", "pk")
        .values_list("manager_id", "pk")
    )
    done = set(
        MeetingSeries.objects.filter(organiser_id__in=user_ids).values_list(
            "organiser_id", "participant_id"
        )
    )
    busy: dict[int, set] = {}
    plans = []
    for manager_id, report_id in pairs:
        slot = next(
            (
                s
                for s in BENCH_SLOTS
                if s not in busy.get(manager_id, ()) and s not in busy.get(report_id, ())
            ),
            None,
        )
        if slot is None:
            continue
        busy.setdefault(manager_id, set()).add(slot)
        busy.setdefault(report_id, set()).add(slot)
        if (manager_id, report_id) not in done:
            plans.append((manager_id, report_id, slot))
    if not plans:
        stdout.write("Meetings: benchmark series already there.")
        return
    year_ago = timezone.localdate() - dt.timedelta(days=365)
    horizon = now + dt.timedelta(days=183)
    with transaction.atomic():
        series_rows = []
        for number, (manager_id, report_id, (weekday, time)) in enumerate(plans):
            pattern = BENCH_PATTERNS[number % len(BENCH_PATTERNS)]
            first_date = year_ago + dt.timedelta(days=(weekday - year_ago.weekday()) % 7)
            series_rows.append(
                MeetingSeries(
                    organiser_id=manager_id,
                    participant_id=report_id,
                    cadence=build_cadence(Picked(pattern, weekday=weekday)),
                    start_time=time,
                    time_zone="UTC",
                    first_date=first_date,
                    generated_until=horizon.date(),
                    format=Format.VIDEO,
                )
            )
        series_rows = MeetingSeries.objects.bulk_create(series_rows, batch_size=batch_size)
        meetings = []
        for number, series in enumerate(series_rows):
            weeks = BENCH_WEEKS[BENCH_PATTERNS[number % len(BENCH_PATTERNS)]]
            first = dt.datetime.combine(series.first_date, series.start_time, tzinfo=dt.UTC)
            for index, start in enumerate(_bench_starts(first, weeks, horizon)):
                past = start + dt.timedelta(minutes=30) < now
                cancelled = past and index % 9 == 4
                meetings.append(
                    Meeting(
                        series_id=series.pk,
                        organiser_id=series.organiser_id,
                        participant_id=series.participant_id,
                        slot=start,
                        starts_at=start,
                        ends_at=start + dt.timedelta(minutes=30),
                        format=Format.VIDEO,
                        status=(
                            Meeting.Status.CANCELLED
                            if cancelled
                            else Meeting.Status.COMPLETED
                            if past
                            else Meeting.Status.SCHEDULED
                        ),
                        cancel_reason=CancelReason.NOTHING_TO_DISCUSS if cancelled else "",
                        cancelled_by_id=series.participant_id if cancelled else None,
                        cancelled_at=start if cancelled else None,
                        completed_at=start + dt.timedelta(minutes=30)
                        if past and not cancelled
                        else None,
                    )
                )
        Meeting.objects.bulk_create(meetings, batch_size=batch_size)
        # Both people's attendance rows in one statement, straight from the new meetings.
        with connection.cursor() as cursor:
            series_ids = [series.pk for series in series_rows]
            cursor.execute(ATTENDANCE_FROM_MEETINGS, [series_ids])
            cursor.execute(REMINDERS_FROM_MEETINGS, [series_ids])
    stdout.write(f"Meetings: {len(series_rows)} benchmark series, {len(meetings)} meetings.")
