"""The median days between held 1:1s read the held meetings the database keeps
(``HeldMeeting``: each with the start of the pair's held meeting before it). They are
the meetings' own after every way of writing meetings, and the medians are those the
dashboard computed before from the meetings themselves (the reference statement here:
every held 1:1 of the period with the one before it, a ``LAG`` per report)."""

import datetime as dt

from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from meetings.models import Kind, Meeting
from meetings.record import services as record_services
from meetings.scheduling import services
from meetings.tests.factories import MeetingFactory, SeriesFactory
from people.models import Team, User
from reports import selectors
from reports.models import HeldMeeting
from reports.selectors import Period
from reports.tests import scenario
from reports.tests.scenario import PERIOD

# The medians as the dashboard counted them before the database kept the held
# meetings: the period's held 1:1s of each report with their current manager, and the
# pair's last held 1:1 before the period, in order; the days between each and the one
# before it in the report's zone; the median per report, and per manager the median of
# their reports' medians.
REFERENCE = """
WITH report AS (
    SELECT u.id, u.manager_id, u.time_zone,
        LEAST(u.id, u.manager_id) AS low, GREATEST(u.id, u.manager_id) AS high
    FROM people_user u
    JOIN people_user boss ON boss.id = u.manager_id AND boss.is_active
    WHERE u.is_active AND (%(team)s::bigint IS NULL OR u.team_id = %(team)s)
),
held AS (
    SELECT LEAST(organiser_id, participant_id) AS low,
        GREATEST(organiser_id, participant_id) AS high, starts_at
    FROM meetings_meeting
    WHERE status = 'completed' AND kind NOT IN ('mentoring', 'office_hours')
),
in_period AS (
    SELECT report.id AS report_id, report.time_zone, held.starts_at
    FROM held JOIN report ON report.low = held.low AND report.high = held.high
    WHERE held.starts_at >= %(start)s AND held.starts_at < %(end)s
),
held_dates AS (
    SELECT report_id, starts_at, (starts_at AT TIME ZONE time_zone)::date AS day
    FROM in_period
    UNION ALL
    SELECT report.id, before.starts_at, (before.starts_at AT TIME ZONE report.time_zone)::date
    FROM report
    CROSS JOIN LATERAL (
        SELECT MAX(held.starts_at) AS starts_at FROM held
        WHERE held.low = report.low AND held.high = report.high
            AND held.starts_at < %(start)s
    ) before
    WHERE before.starts_at IS NOT NULL
        AND EXISTS (SELECT 1 FROM in_period WHERE in_period.report_id = report.id)
),
held_gap AS (
    SELECT report_id, day - LAG(day) OVER (PARTITION BY report_id ORDER BY starts_at) AS gap
    FROM held_dates
),
report_gap AS (
    SELECT report.id AS report_id, report.manager_id,
        (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) FROM held_gap
         WHERE held_gap.report_id = report.id AND gap IS NOT NULL) AS median_gap
    FROM report
)
SELECT report_id, manager_id, median_gap,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY median_gap)
        OVER (PARTITION BY manager_id) AS manager_median
FROM report_gap
"""


def reference_medians(*, period: Period, team: Team | None) -> tuple[dict, dict]:
    """(report id: median, manager id: median of medians), as the selectors round them."""
    with connection.cursor() as cursor:
        # A window can't take an ordered-set aggregate: per manager, group instead.
        statement = REFERENCE.replace(
            """SELECT report_id, manager_id, median_gap,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY median_gap)
        OVER (PARTITION BY manager_id) AS manager_median
FROM report_gap""",
            "SELECT report_id, manager_id, median_gap FROM report_gap",
        )
        params = {"start": period.start, "end": period.end, "team": team.pk if team else None}
        cursor.execute(statement, params)
        reports = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
        cursor.execute(
            f"SELECT manager_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY median_gap)"  # noqa: S608
            f" FROM ({statement}) medians GROUP BY manager_id",
            params,
        )
        managers = {row[0]: selectors._days(row[1]) for row in cursor.fetchall()}
    return {pk: selectors._days(median) for pk, (_, median) in reports.items()}, managers


def medians_now(*, period: Period, team: Team | None) -> tuple[dict, dict]:
    managers = selectors.manager_rows(period=period, team=team)
    reports = {
        row.report_id: row.median_gap_days
        for manager in managers
        for row in selectors.report_rows(
            manager=User.objects.get(pk=manager.manager_id), period=period, team=team
        )
    }
    return reports, {row.manager_id: row.median_gap_days for row in managers}


def periods() -> list[Period]:
    today = selectors.utc_today()
    return [
        PERIOD,
        selectors.default_period(),
        Period(first=today - dt.timedelta(days=400), last=today),
        Period(first=today - dt.timedelta(days=20), last=today + dt.timedelta(days=30)),
        Period(first=dt.date(2025, 4, 10), last=dt.date(2025, 4, 16)),
    ]


def assert_medians_as_before() -> int:
    """The medians of every report and manager, for every period and team, equal the
    reference's; how many were not empty."""
    found = 0
    for team in [None, *Team.objects.all()]:
        for period in periods():
            reports, managers = medians_now(period=period, team=team)
            expected_reports, expected_managers = reference_medians(period=period, team=team)
            # The drill-down lists the reports of managers with a row; the reference, all.
            assert reports == {pk: expected_reports[pk] for pk in reports}
            assert managers == expected_managers
            found += sum(median is not None for median in reports.values())
    return found


def kept() -> set[tuple]:
    return set(
        HeldMeeting.objects.values_list(
            "meeting_id",
            "low",
            "high",
            "starts_at",
            "previous_starts_at",
            "gap_days_low",
            "gap_days_high",
        )
    )


def rebuilt() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_rebuild_held_meetings()")
    return kept()


def test_the_medians_are_those_counted_from_the_meetings_in_the_scenario(s):
    assert selectors.held_meetings_kept_wrong() == []
    assert assert_medians_as_before() > 0


def test_the_medians_are_those_counted_from_the_meetings_in_the_demo(db):
    call_command("seed_demo")
    assert selectors.held_meetings_kept_wrong() == []
    assert assert_medians_as_before() > 10


def test_each_held_meeting_has_the_pairs_held_meeting_before_it(s):
    rob = sorted(
        Meeting.objects.filter(
            organiser=s.mara, participant=s.rob, status=Meeting.Status.COMPLETED
        ).values_list("pk", "starts_at"),
        key=lambda pk_start: (pk_start[1], pk_start[0]),
    )
    low, high = sorted([s.mara.pk, s.rob.pk])
    expected = {
        (pk, low, high, starts_at, rob[number - 1][1] if number else None)
        for number, (pk, starts_at) in enumerate(rob)
    }
    assert expected <= {row[:5] for row in kept()}
    assert len(kept()) == Meeting.objects.filter(status=Meeting.Status.COMPLETED).count()


def test_only_line_meetings_are_kept(s):
    """A held mentoring check-in or office-hours sign-up between a manager and their
    report is no line 1:1: it is not kept, so no gap is counted from it, and a line 1:1
    after it reads the line 1:1 before it as its previous one."""
    before = kept()
    now = timezone.now()
    for days, kind in ((6, Kind.OFFICE_HOURS), (5, Kind.MENTORING)):
        other = MeetingFactory(
            organiser=s.mara, participant=s.rob, kind=kind, starts_at=now - dt.timedelta(days)
        )
        Meeting.objects.filter(pk=other.pk).update(status=Meeting.Status.COMPLETED)
    assert kept() == before
    line = MeetingFactory(organiser=s.mara, participant=s.rob, starts_at=now - dt.timedelta(4))
    record_services.meeting_complete(meeting=line, by=s.mara)
    held = HeldMeeting.objects.get(meeting_id=line.pk)
    last_line = (
        Meeting.objects.filter(
            organiser=s.mara,
            participant=s.rob,
            status=Meeting.Status.COMPLETED,
            kind=Kind.ONE_TO_ONE,
            starts_at__lt=line.starts_at,
        )
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    assert held.previous_starts_at == last_line
    assert selectors.held_meetings_kept_wrong() == []
    assert rebuilt() == kept()


def test_every_way_of_writing_meetings_keeps_them(s):
    mara, rob, sue, milo = s.mara, s.rob, s.sue, s.milo
    now = timezone.now()
    # Services: hold one in the middle of a pair's history, move and cancel others.
    held = MeetingFactory(organiser=mara, participant=rob, starts_at=now - dt.timedelta(days=3))
    record_services.meeting_complete(meeting=held, by=mara)
    assert selectors.held_meetings_kept_wrong() == []
    booked = MeetingFactory(organiser=milo, participant=sue, starts_at=now + dt.timedelta(days=4))
    services.meeting_move(meeting=booked, by=milo, starts_at=booked.starts_at + dt.timedelta(2))
    services.meeting_cancel(meeting=booked, by=milo, reason="nothing_to_discuss")
    assert selectors.held_meetings_kept_wrong() == []
    # Generation, and ending the series.
    series = SeriesFactory(organiser=milo, participant=s.ben, first_date=timezone.localdate())
    services.series_generate(series_id=series.pk)
    services.series_end(series=series, by=milo)
    assert selectors.held_meetings_kept_wrong() == []
    # A held meeting moved, one un-held, one given to another pair, some deleted.
    first = Meeting.objects.filter(status=Meeting.Status.COMPLETED).order_by("starts_at").first()
    later = now - dt.timedelta(days=1) - first.starts_at
    Meeting.objects.filter(pk=first.pk).update(
        starts_at=F("starts_at") + later, ends_at=F("ends_at") + later
    )
    Meeting.objects.filter(pk=held.pk).update(status=Meeting.Status.SCHEDULED)
    moved = Meeting.objects.filter(organiser=milo, status=Meeting.Status.COMPLETED).first()
    Meeting.objects.filter(pk=moved.pk).update(participant=s.lou)
    Meeting.objects.filter(participant=sue, status=Meeting.Status.COMPLETED)[:1].get().delete()
    assert selectors.held_meetings_kept_wrong() == []
    # Bulk statements across many pairs, and a bulk insert of held meetings.
    week = dt.timedelta(days=7)
    Meeting.objects.filter(organiser=mara).update(
        starts_at=F("starts_at") + week, ends_at=F("ends_at") + week
    )
    Meeting.objects.filter(organiser=milo).update(status=Meeting.Status.COMPLETED)
    scenario.insert_meetings_in_sql(mara, s.rita, status="completed", years=(-2, -1))
    Meeting.objects.filter(participant=rob).delete()
    assert selectors.held_meetings_kept_wrong() == []
    assert kept() == rebuilt()
    assert assert_medians_as_before() > 0


def test_rows_written_around_the_triggers_are_found_out(s):
    assert selectors.held_meetings_kept_wrong() == []
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_heldmeeting SET previous_starts_at = NULL")
    wrong = selectors.held_meetings_kept_wrong()
    assert wrong and {row["side"] for row in wrong} == {"kept", "meetings"}
    rebuilt()
    assert selectors.held_meetings_kept_wrong() == []


def days_of(meeting_id: int, person: User) -> int | None:
    """The days a kept held meeting counts since the one before, in ``person``'s zone."""
    held = HeldMeeting.objects.get(meeting_id=meeting_id)
    return held.gap_days_low if person.pk == held.low else held.gap_days_high


def test_the_days_are_counted_in_each_persons_zone_and_again_when_it_changes(s):
    """Rob's 1:1 of 3 April (09:30 London, after the clock change: 08:30 UTC) is 7 days
    after 27 March (09:30 GMT) in London; at UTC-9 (Pacific/Gambier, no summer time) the
    first is 00:30 on 27 March and the second 23:30 on 2 April: 6 days."""
    april = Meeting.objects.get(
        organiser=s.mara, participant=s.rob, starts_at=scenario.local("2025-04-03", "09:30")
    )
    assert (days_of(april.pk, s.rob), days_of(april.pk, s.mara)) == (7, 7)
    s.rob.time_zone = "Pacific/Gambier"
    s.rob.save()
    assert (days_of(april.pk, s.rob), days_of(april.pk, s.mara)) == (6, 7)
    assert selectors.held_meetings_kept_wrong() == []
    assert assert_medians_as_before() > 0
    # A bulk change of zones, the manager's side too; other updates of people write nothing.
    User.objects.filter(pk__in=[s.mara.pk, s.sue.pk]).update(time_zone="Pacific/Gambier")
    assert days_of(april.pk, s.mara) == 6
    User.objects.filter(pk=s.rob.pk).update(time_zone="Europe/London")
    assert (days_of(april.pk, s.rob), days_of(april.pk, s.mara)) == (7, 6)
    before = kept()
    User.objects.update(full_name=F("full_name"), last_login=timezone.now())
    assert kept() == before == rebuilt()
    assert selectors.held_meetings_kept_wrong() == []
    assert assert_medians_as_before() > 0


def test_anonymising_a_leaver_keeps_their_held_meetings(s, admin_user):
    from privacy.services import person_anonymise

    before = {row for row in kept() if s.rob.pk in row[1:3]}
    person_anonymise(person=s.rob, by=admin_user)
    assert {row for row in kept() if s.rob.pk in row[1:3]} == before
    assert selectors.held_meetings_kept_wrong() == []
    assert kept() == rebuilt()
