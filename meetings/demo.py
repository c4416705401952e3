"""Demo and benchmark 1:1s (called by `manage.py seed_demo`; both are idempotent).

Past meetings are written directly: generation only ever books forward.
"""

import datetime as dt
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from meetings.cadence import Picked, build_cadence, series_starts
from meetings.models import (
    ActionItem,
    AgendaItem,
    AgendaTemplate,
    CancelReason,
    ChangeRequest,
    Format,
    Kind,
    Meeting,
    MeetingFeedback,
    MeetingSeries,
    Note,
    PreferredFrequency,
)
from meetings.record import services as record_services
from meetings.scheduling import services
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
     "Europe/Paris", Format.WALK, Kind.ONE_TO_ONE, True),
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
        meeting.summary_sent_at = meeting.ends_at  # history: the summary went out then
    return meeting


def add_history(series: MeetingSeries, now: dt.datetime, *, past_meeting=_past_meeting) -> int:
    """Past meetings of ``series`` up to ``now``, each made by ``past_meeting(series,
    slot, number)``; a slot that would double-book someone is left out."""
    created = 0
    since = dt.datetime.combine(series.first_date, dt.time.min, tzinfo=dt.UTC)
    for number, slot in enumerate(series_starts(series, after=since, before=now)):
        meeting = past_meeting(series, slot, number)
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
        add_history(series, now)
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
    seed_records(org=org, stdout=stdout)


# --- What was said: agenda, notes, actions, feedback, templates ------------------------------

DEFAULT_TEMPLATES = {
    Kind.ONE_TO_ONE: "regular_monthly",
    Kind.MENTORING: "mentoring_check_in",
    Kind.WELLBEING: "wellbeing_chat",
}
REPORT_TOPICS = [
    "How the release went, and what I would do differently",
    "I'd like more time for code review training",
    "Workload in the next sprint feels heavy",
    "Feedback on my design doc",
    "Could I lead the next incident review?",
    "Conference budget for this year",
    "Pairing with the new joiner: how is it going?",
    "Progress on my objectives",
    "Something on my mind: the on-call rota",
    "Career: what would the next step look like?",
]
MANAGER_TOPICS = [
    "Company update: the new office plans",
    "Feedback from the customer workshop",
    "Team offsite dates",
]
SHARED_NOTES = [
    "Good progress this month. Agreed to protect Friday afternoons for focus time.",
    "Talked through the release. Next time: look at the on-call rota together.",
    "Happy with the new project; training request approved in principle.",
]
PRIVATE_NOTE = "Seemed tired; check in about workload again next time, gently."
ACTIONS = [
    ("participant", "Draft the proposal for the incident review"),
    ("organiser", "Ask finance about the conference budget"),
    ("participant", "Book the code review training"),
    ("organiser", "Share the offsite agenda"),
]
UPCOMING_TOPICS = [
    ("participant", "Follow-up on the training request"),
    ("participant", "Ideas for the team retro"),
    ("organiser", "Quarterly objectives check"),
]
CUSTOM_TEMPLATES = [
    (
        "manager",
        "Engineering 1:1",
        "Morgan's short version for weekly catch-ups.",
        [
            ("How are you?", "How are you, really?"),
            ("Work", "What are you proud of since last time?"),
            ("Work", "What is blocking you, and how can I help?"),
            ("Growth", "One thing you want to learn this quarter"),
        ],
    ),
    (
        "manager",
        "Quarterly career chat",
        "Once a quarter, instead of the usual agenda.",
        [
            ("Looking back", "What went well this quarter? What would you change?"),
            ("Looking ahead", "Where do you want to be in a year?"),
            ("Looking ahead", "Which responsibility would you like to take on next?"),
        ],
    ),
]


def _seed_templates(org) -> None:
    for owner_key, name, description, prompts in CUSTOM_TEMPLATES:
        owner = org.people[owner_key]
        if not AgendaTemplate.objects.filter(owner=owner, name=name).exists():
            record_services.template_create(
                owner=owner, name=name, description=description, prompts=prompts
            )
    builtins = dict(AgendaTemplate.objects.exclude(builtin_key="").values_list("builtin_key", "pk"))
    for series in MeetingSeries.objects.filter(
        organiser__in=org.people.values(), default_template__isnull=True
    ).select_related("participant"):
        key = DEFAULT_TEMPLATES[Kind(series.kind)]
        if series.participant_id == org.people["nina"].pk:
            key = "new_starter"
        series.default_template_id = builtins.get(key)
        series.save(update_fields=["default_template", "updated_at"])


def _fill_held(meeting: Meeting, number: int) -> None:
    """Mostly the report's items, most discussed; notes, actions and feedback."""
    people = {"participant": meeting.participant, "organiser": meeting.organiser}
    texts = [REPORT_TOPICS[(number + k) % len(REPORT_TOPICS)] for k in range(3)]
    items = [(meeting.participant, text) for text in texts]
    items.append((meeting.organiser, MANAGER_TOPICS[number % len(MANAGER_TOPICS)]))
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            series_id=meeting.series_id,
            author=author,
            text=text,
            position=position,
            discussed=position != 2 or number % 2 == 0,
            discussed_at=meeting.starts_at + dt.timedelta(minutes=5 + position * 5),
        )
        for position, (author, text) in enumerate(items)
    )
    Note.objects.create(
        meeting=meeting,
        author=meeting.organiser,
        updated_by=meeting.participant,
        visibility=Note.Visibility.SHARED,
        body=SHARED_NOTES[number % len(SHARED_NOTES)],
        version=2,
    )
    if number % 3 == 0:
        Note.objects.create(
            meeting=meeting,
            author=meeting.organiser,
            updated_by=meeting.organiser,
            visibility=Note.Visibility.PRIVATE,
            body=PRIVATE_NOTE,
        )
    for index in range(2):
        who, description = ACTIONS[(number + index) % len(ACTIONS)]
        done = index == 0 or number > 2
        ActionItem.objects.create(
            meeting=meeting,
            series_id=meeting.series_id,
            owner=people[who],
            created_by=meeting.organiser,
            description=description,
            due_date=(meeting.starts_at + dt.timedelta(days=14)).date(),
            done=done,
            done_at=meeting.starts_at + dt.timedelta(days=7) if done else None,
            done_by=people[who] if done else None,
        )
    if number % 4 != 1:
        MeetingFeedback.objects.get_or_create(
            meeting=meeting,
            defaults={
                "usefulness": 3 + number % 3,
                "help_more": "More time on career, please." if number % 3 == 0 else "",
                "preferred_frequency": PreferredFrequency.AS_NOW,
            },
        )


@transaction.atomic
def seed_records(*, org, stdout) -> None:
    """Fill the demo 1:1s with what people wrote in them. Idempotent: a meeting
    that already has an agenda is left alone."""
    _seed_templates(org)
    now = timezone.now()
    series_list = MeetingSeries.objects.filter(organiser__in=org.people.values())
    filled = 0
    for series in series_list.select_related("organiser", "participant"):
        held = list(
            series.meetings.filter(status=Meeting.Status.COMPLETED, agenda_items__isnull=True)
            .select_related("organiser", "participant")
            .order_by("-starts_at")
        )
        # Oldest first, so the latest meetings have the open actions.
        for number, meeting in enumerate(reversed(held)):
            _fill_held(meeting, len(held) - 1 - number)
            filled += 1
        upcoming = list(
            series.meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now)
            .select_related("organiser", "participant")
            .order_by("starts_at")[:2]
        )
        # The next 1:1 has three items already, the one after two.
        for index, meeting in enumerate(upcoming):
            if meeting.agenda_items.exists():
                continue
            people = {"participant": meeting.participant, "organiser": meeting.organiser}
            AgendaItem.objects.bulk_create(
                AgendaItem(
                    meeting=meeting,
                    series_id=series.pk,
                    author=people[who],
                    text=text,
                    position=position,
                )
                for position, (who, text) in enumerate(UPCOMING_TOPICS[: 3 - index])
            )
    stdout.write(f"Meetings: filled {filled} held 1:1s with agendas, notes and actions.")


# --- Benchmark organisation ------------------------------------------------------------
#
# Written in SQL, a statement per table: building half a million Meeting objects in
# Python and sending them in batches took most of the bench's seeding time. The rows
# are the same as the services would write (see the tests in meetings/tests/test_demo.py).

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

# Every meeting of the new series, from its first date up to the horizon, every
# ``weeks`` weeks. Past ones were held, one in nine cancelled by the report ("nothing
# to discuss"); the rest are scheduled. Ids are drawn first so that a held meeting's
# rating (MEETINGS_FEEDBACK, one in three has none) can be written on it at once.
MEETINGS_FROM_SERIES = """
    WITH planned AS (
        SELECT nextval(pg_get_serial_sequence('meetings_meeting', 'id')) AS id,
               s.id AS series_id, s.organiser_id, s.participant_id, starts.at AS starts_at,
               starts.at + interval '30 minutes' < %(now)s AS past, starts.number
        FROM unnest(%(series)s::bigint[], %(weeks)s::integer[]) AS plan(series_id, weeks)
        JOIN meetings_meetingseries s ON s.id = plan.series_id
        CROSS JOIN LATERAL (
            SELECT number, (s.first_date + s.start_time) AT TIME ZONE 'UTC'
                           + number * plan.weeks * interval '1 week' AS at
            FROM generate_series(0, 53 * %(years)s + 30) AS number
        ) AS starts
        WHERE starts.at < %(horizon)s
    ), meetings AS (
        SELECT *, CASE WHEN NOT past THEN 'scheduled'
                       WHEN number %% 9 = 4 THEN 'cancelled'
                       ELSE 'completed' END AS status
        FROM planned
    )
    INSERT INTO meetings_meeting (
        id, series_id, organiser_id, participant_id, kind, slot, starts_at, ends_at, format,
        location, status, cancelled_at, cancel_reason, cancel_note, cancelled_by_id,
        rescheduled_from, reschedule_note, completed_at, completed_by_id, summary_sent_at,
        sequence, created_at, updated_at, agenda_count, agenda_by_organiser,
        agenda_by_participant, usefulness)
    SELECT id, series_id, organiser_id, participant_id, 'one_to_one', starts_at, starts_at,
        starts_at + interval '30 minutes', 'video', '', status,
        CASE WHEN status = 'cancelled' THEN starts_at END,
        CASE WHEN status = 'cancelled' THEN 'nothing_to_discuss' ELSE '' END, '',
        CASE WHEN status = 'cancelled' THEN participant_id END,
        NULL, '',
        CASE WHEN status = 'completed' THEN starts_at + interval '30 minutes' END, NULL,
        -- History: its summaries went out long ago.
        CASE WHEN status = 'completed' THEN starts_at + interval '30 minutes' END,
        0, %(now)s, %(now)s,
        -- What the record triggers count (meetings_agenda_count_statement,
        -- meetings_feedback_usefulness) for BENCH_RECORDS' rows, when they are off.
        CASE WHEN %(counted)s AND status = 'completed' THEN 2 ELSE 0 END,
        CASE WHEN %(counted)s AND status = 'completed' THEN 1 ELSE 0 END,
        CASE WHEN %(counted)s AND status = 'completed' THEN 1 ELSE 0 END,
        CASE WHEN %(counted)s AND status = 'completed' AND id %% 3 <> 0 THEN 1 + id %% 5 END
    FROM meetings
"""

ATTENDANCE_FROM_MEETINGS = """
    INSERT INTO meetings_attendance (meeting_id, person_id, during, active)
    SELECT m.id, person.id, tstzrange(m.starts_at, m.ends_at), m.status <> 'cancelled'
    FROM meetings_meeting m
    CROSS JOIN LATERAL (VALUES (m.organiser_id), (m.participant_id)) AS person(id)
    WHERE m.series_id = ANY(%(series)s)
"""

# The bench outbox, in one statement: each upcoming meeting's starting-soon reminder for
# both people, as the services would write them (the defaults: an hour before). "Now" is
# the app's, as everywhere, never the database server's.
REMINDERS_FROM_MEETINGS = """
    INSERT INTO meetings_reminder (kind, recipient_id, meeting_id, subject, payload, due_at,
                                   state, reason, attempts, last_error, created_at, updated_at)
    SELECT 'starting_soon', person.id, m.id, 'meeting:' || m.id || '@' || to_char(m.starts_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
           '{}'::jsonb,
           m.starts_at - interval '1 hour', 'pending', '', 0, '', %(now)s, %(now)s
    FROM meetings_meeting m
    CROSS JOIN LATERAL (VALUES (m.organiser_id), (m.participant_id)) AS person(id)
    WHERE m.series_id = ANY(%(series)s) AND m.status = 'scheduled'
      AND m.starts_at > %(now)s + interval '1 hour'
    ON CONFLICT DO NOTHING
"""


# What the meeting pages, "My actions" and the HR reports see at scale: every held
# meeting gets two agenda items (the report's first) and, two in three, the report's
# rating; those of the last 90 days also a shared note and an action.
BENCH_RECORDS = [
    """
    INSERT INTO meetings_agendaitem
        (meeting_id, series_id, author_id, text, position, discussed, created_at, updated_at)
    SELECT m.id, m.series_id, who.author_id, who.text, who.position, true, m.ends_at, m.ends_at
    FROM meetings_meeting m
    CROSS JOIN LATERAL (VALUES
        (m.participant_id, 'What I have been working on', 0),
        (m.organiser_id, 'Team news', 1)) AS who(author_id, text, position)
    WHERE m.series_id = ANY(%(series)s) AND m.status = 'completed'
    """,
    """
    INSERT INTO meetings_meetingfeedback
        (meeting_id, usefulness, help_more, preferred_frequency, created_at, updated_at)
    SELECT m.id, 1 + m.id %% 5, '', '', m.ends_at, m.ends_at
    FROM meetings_meeting m
    WHERE m.series_id = ANY(%(series)s) AND m.status = 'completed' AND m.id %% 3 <> 0
    """,
    """
    INSERT INTO meetings_note
        (meeting_id, author_id, visibility, body, version, updated_by_id, created_at, updated_at)
    SELECT m.id, m.organiser_id, 'shared', 'Good progress; agreed next steps.', 1,
           m.organiser_id, m.ends_at, m.ends_at
    FROM meetings_meeting m
    WHERE m.series_id = ANY(%(series)s) AND m.status = 'completed' AND m.starts_at >= %(since)s
    """,
    """
    INSERT INTO meetings_actionitem
        (meeting_id, series_id, owner_id, description, due_date, done, done_at, created_by_id,
         created_at)
    SELECT m.id, m.series_id, m.participant_id, 'Follow up on what we agreed',
           (m.starts_at + interval '14 days')::date, m.starts_at < %(since_done)s,
           CASE WHEN m.starts_at < %(since_done)s THEN m.ends_at + interval '7 days' END,
           m.organiser_id, m.ends_at
    FROM meetings_meeting m
    WHERE m.series_id = ANY(%(series)s) AND m.status = 'completed' AND m.starts_at >= %(since)s
    """,
]


def without_triggers(cursor) -> bool:
    """Turn this transaction's triggers off, foreign-key checks included, when the
    database lets us (a superuser's ``session_replication_role``): the bench rows are
    consistent by construction, and the record counts are then written with the
    meetings instead of by a trigger per feedback row. Returns whether they are off;
    if not, the triggers count as usual."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


@contextmanager
def exclusion_built_after(cursor, table: str):
    """Drop ``table``'s exclusion constraints for the block and add them back after it,
    as they were defined (``pg_get_constraintdef``). Checking and indexing a million
    rows one by one in a GiST index took twice as long as building it once; the
    constraint is still checked, over every row, when it is added back. Call inside a
    transaction with no checks pending (PostgreSQL refuses to alter a table that has
    some) and write nothing that leaves some: an error leaves the constraints as they
    were."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'x'",
        [table],
    )
    constraints = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    yield
    for name, definition in constraints:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def _bench_plans(user_ids) -> list[tuple[int, int, tuple]]:
    """(manager, report, weekly slot) of each manager-report pair among ``user_ids``
    without a series yet; each gets a slot free for both people."""
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
    return plans


def seed_bench(*, user_ids, stdout, years: int = 1, batch_size: int = 10_000) -> None:
    """A series for every manager-report pair among ``user_ids`` with ``years`` of
    history and six months ahead, written with a handful of set-based inserts. Bench
    series are in UTC so that no two of one person's series drift into each other
    across DST."""
    now = timezone.now()
    plans = _bench_plans(user_ids)
    if not plans:
        stdout.write("Meetings: benchmark series already there.")
        return
    history_from = timezone.localdate() - dt.timedelta(days=365 * years)
    horizon = now + dt.timedelta(days=183)
    inside_a_transaction = connection.in_atomic_block
    with transaction.atomic():
        series_rows, weeks = [], []
        for number, (manager_id, report_id, (weekday, time)) in enumerate(plans):
            pattern = BENCH_PATTERNS[number % len(BENCH_PATTERNS)]
            first_date = history_from + dt.timedelta(days=(weekday - history_from.weekday()) % 7)
            weeks.append(BENCH_WEEKS[pattern])
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
        params: dict[str, Any] = {
            "series": [series.pk for series in series_rows],
            "weeks": weeks,
            "years": years,
            "now": now,
            "horizon": horizon,
            "since": now - dt.timedelta(days=90),
            "since_done": now - dt.timedelta(days=30),
        }
        with connection.cursor() as cursor:
            params["counted"] = without_triggers(cursor)
            cursor.execute(MEETINGS_FROM_SERIES, params)
            meetings = cursor.rowcount
            # Both people's attendance rows in one statement, straight from the new meetings.
            # Only in a transaction of its own with the triggers off: no deferred
            # checks can be pending, from before or from the new rows.
            if params["counted"] and not inside_a_transaction:
                with exclusion_built_after(cursor, "meetings_attendance"):
                    cursor.execute(ATTENDANCE_FROM_MEETINGS, params)
            else:
                cursor.execute(ATTENDANCE_FROM_MEETINGS, params)
            cursor.execute(REMINDERS_FROM_MEETINGS, params)
            for statement in BENCH_RECORDS:
                cursor.execute(statement, params)
            if params["counted"]:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    stdout.write(f"Meetings: {len(series_rows)} benchmark series, {meetings} meetings.")
