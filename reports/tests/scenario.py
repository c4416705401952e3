"""A small organisation whose every report figure is known, worked out by hand.

The period is March and April 2025 (UTC days); Europe/London moves its clocks on
30 March 2025, inside it. Figures "as of now" (overdue, booked, new starters)
use meetings placed relative to today.

People (manager: reports):

* Mara Moss (Platform, no manager): Rob Reed (Platform, weekly series, London),
  Rita Rowe (Platform, New York, paused series, books her own one-offs with Mara),
  Ned North (Sales, nothing at all, started 1 January 2024).
* Milo Mint (Sales, no manager): Sue Sand (Sales, fortnightly series), Nia Noor
  (started 20 days ago, not met), Ben Bell (started 100 days ago, met on day 30),
  Lou Lane (started 150 days ago, met on day 50).
* Mo Moon (no manager): a mentee of Milo's; their meeting is not one of Milo's
  reports' 1:1s, but it is a 1:1 in the trend.
* Hana HR (HR, no manager).

What was said in them (never shown, only counted): Rob rated his held 1:1s 4, 5
and 3 (the fourth not rated), Rita hers 2, Sue her first 5; of the agenda items
on Mara's held 1:1s in the period, 5 of 7 were written by the report (items on a
cancelled 1:1 and before the period do not count).
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from meetings.models import CancelReason, Meeting, MeetingFeedback, MeetingSeries
from meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory, weekly
from people.tests.factories import TeamFactory, UserFactory
from reports import selectors
from reports.selectors import Period

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
PERIOD = Period(first=dt.date(2025, 3, 1), last=dt.date(2025, 4, 30))
TREND_TODAY = dt.date(2025, 5, 15)


def local(day: str, time: str, zone=LONDON) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), zone)


@dataclass
class Scenario:
    people: dict = field(default_factory=dict)
    teams: dict = field(default_factory=dict)
    meetings: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.people[name]
        except KeyError:
            raise AttributeError(name) from None


def meet(organiser, participant, starts_at, status=Meeting.Status.COMPLETED, **fields):
    """A meeting in a given state, written directly (as history is)."""
    extra = {}
    if status == Meeting.Status.COMPLETED:
        extra = {"completed_at": starts_at + dt.timedelta(minutes=30), "completed_by": organiser}
    elif status == Meeting.Status.CANCELLED:
        extra = {"cancelled_at": starts_at - dt.timedelta(days=1)}
    return MeetingFactory(
        organiser=organiser,
        participant=participant,
        starts_at=starts_at,
        status=status,
        **extra,
        **fields,
    )


def build() -> Scenario:
    s = Scenario()
    today = timezone.localdate()
    now = timezone.now()
    platform = s.teams["platform"] = TeamFactory(name="Platform")
    sales = s.teams["sales"] = TeamFactory(name="Sales")
    p = s.people
    p["hr"] = UserFactory(full_name="Hana HR", is_hr=True)
    p["mara"] = UserFactory(full_name="Mara Moss", team=platform)
    p["milo"] = UserFactory(full_name="Milo Mint", team=sales)
    p["mo"] = UserFactory(full_name="Mo Moon")
    p["rob"] = UserFactory(full_name="Rob Reed", team=platform, manager=p["mara"])
    p["rita"] = UserFactory(
        full_name="Rita Rowe", team=platform, manager=p["mara"], time_zone="America/New_York"
    )
    p["ned"] = UserFactory(
        full_name="Ned North", team=sales, manager=p["mara"], start_date=dt.date(2024, 1, 1)
    )
    p["sue"] = UserFactory(full_name="Sue Sand", team=sales, manager=p["milo"])
    p["nia"] = UserFactory(
        full_name="Nia Noor", team=sales, manager=p["milo"], start_date=today - dt.timedelta(20)
    )
    p["ben"] = UserFactory(
        full_name="Ben Bell", team=sales, manager=p["milo"], start_date=today - dt.timedelta(100)
    )
    p["lou"] = UserFactory(
        full_name="Lou Lane", team=sales, manager=p["milo"], start_date=today - dt.timedelta(150)
    )

    # Rob: weekly on Thursdays 09:30 London, across the clock change of 30 March.
    rob_series = SeriesFactory(
        organiser=p["mara"],
        participant=p["rob"],
        cadence=weekly(1, 3),
        first_date=dt.date(2025, 2, 27),
    )
    m = s.meetings
    cancelled = Meeting.Status.CANCELLED

    def rob(day, status=Meeting.Status.COMPLETED, **fields):
        return meet(p["mara"], p["rob"], local(day, "09:30"), status, series=rob_series,
                    slot=local(day, "09:30"), **fields)  # fmt: skip

    m["rob_before"] = rob("2025-02-27")
    m["rob_1"] = rob("2025-03-06")
    m["rob_cancelled_by_mara"] = rob(
        "2025-03-13", cancelled, cancelled_by=p["mara"], cancel_reason=CancelReason.CLASH
    )
    m["rob_nothing"] = rob(
        "2025-03-20",
        cancelled,
        cancelled_by=p["rob"],
        cancel_reason=CancelReason.NOTHING_TO_DISCUSS,
    )
    m["rob_2"] = rob("2025-03-27")  # GMT
    m["rob_moved"] = rob("2025-04-03", rescheduled_from=local("2025-04-02", "09:30"))  # BST
    m["rob_3"] = rob("2025-04-10")
    m["rob_after"] = rob("2025-05-01")
    m["rob_next"] = meet(
        p["mara"], p["rob"], now + dt.timedelta(days=3), Meeting.Status.SCHEDULED,
        series=rob_series, slot=now + dt.timedelta(days=3),
    )  # fmt: skip

    # Rita books her own one-offs with Mara (she is the organiser); her series is paused.
    SeriesFactory(
        organiser=p["mara"], participant=p["rita"], status=MeetingSeries.Status.PAUSED,
        time_zone="America/New_York", first_date=dt.date(2025, 1, 1),
    )  # fmt: skip
    m["rita_1"] = meet(p["rita"], p["mara"], local("2025-03-10", "10:00", NEW_YORK))
    m["rita_cancelled"] = meet(
        p["rita"], p["mara"], local("2025-04-14", "10:00", NEW_YORK), cancelled,
        cancelled_by=p["rita"], cancel_reason=CancelReason.AWAY,
    )  # fmt: skip

    # Sue: fortnightly with Milo; 14 and 28 days between her held 1:1s in the period.
    sue_series = SeriesFactory(
        organiser=p["milo"],
        participant=p["sue"],
        cadence=weekly(2, 1),
        first_date=dt.date(2025, 3, 4),
    )
    for key, day in (("sue_1", "2025-03-04"), ("sue_2", "2025-03-18"), ("sue_3", "2025-04-15")):
        m[key] = meet(p["milo"], p["sue"], local(day, "11:00"), series=sue_series,
                      slot=local(day, "11:00"))  # fmt: skip
    m["sue_recent"] = meet(p["milo"], p["sue"], now - dt.timedelta(days=5))

    # Milo mentors Mo, who is not his report.
    m["mo_mentoring"] = meet(p["milo"], p["mo"], local("2025-03-25", "15:00"))

    # New starters: Ben met on day 30 and has a 1:1 booked; Lou met on day 50; Nia not yet.
    def on_day(person, days, hour=10):
        return dt.datetime.combine(person.start_date + dt.timedelta(days), dt.time(hour), dt.UTC)

    m["ben_first"] = meet(p["milo"], p["ben"], on_day(p["ben"], 30))
    m["ben_next"] = meet(p["milo"], p["ben"], now + dt.timedelta(days=2), Meeting.Status.SCHEDULED)
    m["lou_first"] = meet(p["milo"], p["lou"], on_day(p["lou"], 50))

    # Feedback and agenda items, counted but never read.
    for key, usefulness in (("rob_1", 4), ("rob_2", 5), ("rob_moved", 3), ("rita_1", 2),
                            ("sue_1", 5), ("rob_before", 1)):  # fmt: skip
        MeetingFeedback.objects.create(meeting=m[key], usefulness=usefulness)
    for key, authors in (
        ("rob_1", ["rob", "rob", "rob", "mara"]),
        ("rob_2", ["rob"]),
        ("rita_1", ["rita", "mara"]),
        ("rob_nothing", ["rob", "rob"]),  # cancelled
        ("rob_before", ["mara"]),  # before the period
    ):
        for author in authors:
            AgendaItemFactory(meeting=m[key], author=p[author])
    return s


def everything(s: Scenario) -> list:
    """Every figure of every statement, for the scenario's period, the last 90 days and
    a week, for everyone and for one team."""
    week = Period(first=dt.date(2025, 4, 10), last=dt.date(2025, 4, 16))
    figures = []
    for period in (PERIOD, selectors.default_period(), week):
        figures += [
            selectors.manager_rows(period=period, team=None),
            [
                selectors.report_rows(manager=boss, period=period, team=None)
                for boss in (s.mara, s.milo)
            ],
            selectors.dashboard(period=period, team=None, gap_limit=10),
        ]
    platform, sales = s.teams["platform"], s.teams["sales"]
    return [
        *figures,
        selectors.gap_rows(team=None),
        selectors.dashboard(period=PERIOD, team=sales, gap_limit=10),
        selectors.report_rows(manager=s.mara, period=PERIOD, team=platform),
        selectors.gap_rows(team=sales, category="new_starters", offset=1, limit=1),
        selectors.trend(team=None, today=TREND_TODAY),
        selectors.trend(team=sales, today=TREND_TODAY),
    ]


def insert_meetings_in_sql(organiser, participant, *, status: str, years: tuple[int, int]) -> None:
    """Meetings of the two every nine days from ``years[0]`` to ``years[1]`` years from
    now, in one INSERT: a bulk write that no service makes, which the triggers see too."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO meetings_meeting (organiser_id, participant_id, kind, starts_at, ends_at,"
            " format, location, status, cancel_reason, cancel_note, reschedule_note, sequence,"
            " created_at, updated_at)"
            " SELECT %s, %s, 'one_to_one', day, day + interval '30 minutes', 'video', '',"
            " %s, '', '', '', 0, now(), now()"
            " FROM generate_series(now() + %s * interval '1 year', now() + %s * interval '1 year',"
            " interval '9 days') AS day",
            [organiser.pk, participant.pk, status, *years],
        )
