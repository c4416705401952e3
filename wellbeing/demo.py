"""Demo check-ins and a few wellbeing notes (called by `manage.py seed_demo`).

A few months of check-ins for the demo people, some shared, some private, and
the ended months published for HR as the hourly job would. Engineering (six
people) has enough people checking in for HR's figures to show; Customer
Success (four) stays below the threshold, so HR sees why nothing is shown there. Check-ins fall on fixed days of each
calendar month, so running this again adds nothing (a new month adds that
month's check-ins) and the retention job trims the oldest as usual.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from wellbeing.anonymity import closed_months
from wellbeing.models import CheckIn, PublishedMonth, WellbeingNote
from wellbeing.services import PUBLISH_WINDOW_MONTHS, months_publish, publish_closed_months

DEMO_MONTHS = 4
DAYS_OF_MONTH = (4, 18)
CHECKIN_PEOPLE = (
    "director",
    "manager",
    "employee",
    "sam",
    "priya",
    "leo",
    "manager2",
    "aisha",
    "tom",
    "nina",
    "hr",
)
DEMO_NOTES = (
    "Busy sprint, but the team is great.",
    "On-call week was rough.",
    "",
    "Enjoying the new project.",
    "",
    "Too many meetings this month.",
)
WORKLOADS = (3, 4, 3, 2, 5, 3, 4)
MANAGER_NOTES = (
    (
        "manager",
        "employee",
        "Agreed a lighter load for the release month; revisit next 1:1.",
        False,
    ),
    ("manager", "sam", "Moved you off the on-call rota for a month, as we agreed.", True),
)


def _moments(now: dt.datetime) -> list[dt.datetime]:
    first = now.astimezone(dt.UTC).replace(day=1, hour=9, minute=30, second=0, microsecond=0)
    moments: list[dt.datetime] = []
    for back in range(DEMO_MONTHS - 1, -1, -1):
        month = first - relativedelta(months=back)
        moments.extend(month.replace(day=day) for day in DAYS_OF_MONTH)
    return [moment for moment in moments if moment <= now]


def _demo_checkin(user, index: int, slot: int, moment: dt.datetime) -> CheckIn:
    seed = index + slot
    shared = seed % 3 != 0 and user.manager_id is not None
    return CheckIn(
        employee=user,
        team_id=user.team_id,
        created_at=moment,
        happiness=2 + seed % 4,
        workload=WORKLOADS[(index * 2 + slot) % len(WORKLOADS)],
        work_life_balance=1 + (index * 3 + slot * 2) % 5,
        note=DEMO_NOTES[seed % len(DEMO_NOTES)],
        shared_with_manager=shared,
        shared_at=moment + dt.timedelta(minutes=5) if shared else None,
    )


@transaction.atomic
def seed_demo(*, org, stdout) -> None:
    now = timezone.now()
    moments = _moments(now)
    people = [org.people[key] for key in CHECKIN_PEOPLE]
    existing = set(
        CheckIn.objects.filter(employee__in=people, created_at__in=moments).values_list(
            "employee_id", "created_at"
        )
    )
    new = []
    for index, user in enumerate(people):
        started = (
            dt.datetime.combine(user.start_date, dt.time.min, tzinfo=dt.UTC)
            if user.start_date
            else None
        )
        for slot, moment in enumerate(moments):
            if (user.pk, moment) in existing or (started and moment < started):
                continue
            new.append(_demo_checkin(user, index, slot, moment))
    CheckIn.objects.bulk_create(new)
    for author, subject, text, shared in MANAGER_NOTES:
        WellbeingNote.objects.get_or_create(
            author=org.people[author],
            subject=org.people[subject],
            text=text,
            defaults={"shared_with_subject": shared},
        )
    published = publish_closed_months(now=now)
    stdout.write(
        f"Wellbeing: {len(new)} demo check-ins added, {len(published)} months published for HR."
    )


# One check-in a month for each benchmark person without any, in one statement: the
# same values the demo's Python wrote, a fixed hour of the first day of each month.
BENCH_CHECKINS = """
    INSERT INTO wellbeing_checkin (employee_id, team_id, created_at, happiness, workload,
                                   work_life_balance, note, shared_with_manager, shared_at)
    SELECT person.id, person.team_id, month.at, 1 + (person.id + month.back) %% 5,
           1 + (person.id * 3 + month.back) %% 5, 1 + (person.id * 7 + month.back) %% 5, '',
           person.id %% 2 = 0, CASE WHEN person.id %% 2 = 0 THEN month.at END
    FROM people_user person
    CROSS JOIN LATERAL (
        SELECT back, %(first)s - back * interval '1 month' + (person.id %% 24) * interval '1 hour'
        FROM generate_series(0, %(months)s - 1) AS back
    ) AS month(back, at)
    WHERE person.id = ANY(%(people)s)
      AND NOT EXISTS (SELECT FROM wellbeing_checkin c WHERE c.employee_id = person.id)
"""


def seed_bench(*, user_ids: list[int], stdout, years: int = 1, months: int | None = None) -> None:
    """One check-in a month for each benchmark person over the last ``months``
    (by default the whole retention window: the history a real organisation keeps,
    whatever its ``years`` of 1:1s). People who already have check-ins are left
    alone, so it is idempotent."""
    months = months or settings.WELLBEING_RETENTION_MONTHS
    # The first of this month, 10:00 UTC (the session's zone is UTC, so the month
    # arithmetic in SQL is calendar months, as relativedelta's).
    first = timezone.now().astimezone(dt.UTC).replace(day=1, hour=10, minute=0, second=0)
    first = first.replace(microsecond=0)
    with connection.cursor() as cursor:
        cursor.execute(BENCH_CHECKINS, {"first": first, "months": months, "people": user_ids})
        added = cursor.rowcount
    published = []
    if added:
        # Seeding writes into months gone by, which no real check-in can. Those
        # months may already be published (by the demo seed, run first): publish
        # them again with the benchmark's check-ins in, in a database nobody reads.
        window = closed_months(now=timezone.now(), count=PUBLISH_WINDOW_MONTHS)
        PublishedMonth.objects.filter(month__in=window).delete()
        published = months_publish(months=window)
    stdout.write(
        f"Wellbeing: {added} benchmark check-ins added, {len(published)} months published."
    )
