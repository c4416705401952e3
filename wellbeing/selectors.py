"""Reads about wellbeing, always from the point of view of the person asking.

Who sees what (DESIGN.md): an employee sees all their own check-ins; their
current manager sees the ones they share, as they are now (unsharing hides them
again); nobody else sees an individual check-in: not the manager's manager, not
another manager, not HR, not admins. HR sees only team figures published under
the rule in ``wellbeing.anonymity``.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from oneonones.db import Read, instances_from_json, table
from people.models import Team, User
from people.selectors import reports_of
from wellbeing import anonymity
from wellbeing.anonymity import GroupFigures
from wellbeing.models import CheckIn, PublishedMonth, TeamMonthFigures, WellbeingNote, Workload

# --- Check-ins -------------------------------------------------------------------------


def checkins_visible_to(*, viewer: User) -> QuerySet[CheckIn]:
    """Every check-in ``viewer`` may read: their own, and the shared ones of the
    people who report to them directly now."""
    return CheckIn.objects.filter(
        Q(employee=viewer)
        | Q(shared_with_manager=True, employee__manager=viewer, employee__is_active=True)
    ).select_related("employee")


def own_checkins(*, viewer: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(employee=viewer)


def own_checkin_count(*, viewer: User) -> int:
    return own_checkins(viewer=viewer).count()


def get_own_checkin_or_404(*, viewer: User, pk: int) -> CheckIn:
    """A check-in ``viewer`` wrote. Only its author may share, unshare or delete it."""
    try:
        return own_checkins(viewer=viewer).get(pk=pk)
    except CheckIn.DoesNotExist:
        raise Http404("No such check-in.") from None


def shared_checkins_of(*, viewer: User, report: User) -> QuerySet[CheckIn]:
    """The check-ins ``report`` shares with ``viewer``; empty unless ``viewer`` is
    ``report``'s manager now."""
    return checkins_visible_to(viewer=viewer).filter(employee=report, shared_with_manager=True)


def latest_shared_checkin_for(*, report: User, viewer: User) -> CheckIn | None:
    """The newest check-in ``report`` has shared with their manager, for a panel on
    a page both people see (the 1:1 meeting page).

    Returns it when ``viewer`` is ``report``'s current manager, or ``report``
    themselves (so they see what their manager sees); ``None`` for anyone else,
    e.g. a mentor who is not the manager, and when nothing is shared.
    """
    if viewer.pk == report.pk:
        checkins = own_checkins(viewer=viewer).filter(shared_with_manager=True)
    else:
        checkins = shared_checkins_of(viewer=viewer, report=report)
    return checkins.first()


# What ``latest_shared_checkin_read`` reads: ``latest_shared_checkin_for`` as one JSON
# value (every column, or null). The rule is ``checkins_visible_to``'s for one report:
# their own, or shared with the viewer as their manager now while they are active.
# Only our models' table names are put in (S608).
LATEST_SHARED_SQL = f"""
SELECT to_jsonb(checkin) FROM {table(CheckIn)} checkin
WHERE checkin.employee_id = %(checkin_report)s AND checkin.shared_with_manager
  AND (checkin.employee_id = %(checkin_viewer)s OR EXISTS (
    SELECT 1 FROM {table(User)} employee
    WHERE employee.id = checkin.employee_id
      AND employee.manager_id = %(checkin_viewer)s AND employee.is_active
  ))
ORDER BY checkin.created_at DESC, checkin.id DESC
LIMIT 1
"""  # noqa: S608


def latest_shared_checkin_read(*, report: User, viewer: User) -> Read[CheckIn | None]:
    """``latest_shared_checkin_for`` as a read to put together with others
    (``oneonones.db.read_together``), its ``employee`` set to ``report``;
    ``test_latest_shared_checkin_read`` compares the two for every role."""

    def decode(row: dict[str, Any] | None) -> CheckIn | None:
        if row is None:
            return None
        checkin = instances_from_json(CheckIn, [row])[0]
        checkin.employee = report
        return checkin

    params = {"checkin_report": report.pk, "checkin_viewer": viewer.pk}
    return Read(LATEST_SHARED_SQL, params, decode)


def reports_with_latest_shared(*, viewer: User) -> QuerySet[User]:
    """``viewer``'s direct reports, each with ``latest_shared_at`` (or None)."""
    return (
        reports_of(manager=viewer)
        .annotate(
            latest_shared_at=Max(
                "checkins__created_at", filter=Q(checkins__shared_with_manager=True)
            )
        )
        .order_by("full_name")
    )


# --- Managers' wellbeing notes ---------------------------------------------------------


def notes_written_by(*, viewer: User) -> QuerySet[WellbeingNote]:
    return WellbeingNote.objects.filter(author=viewer).select_related("subject")


def notes_about_report(*, viewer: User, report: User) -> QuerySet[WellbeingNote]:
    """The notes ``viewer`` wrote about ``report`` (nobody else's, ever)."""
    return notes_written_by(viewer=viewer).filter(subject=report)


def notes_about_former_reports(*, viewer: User) -> QuerySet[WellbeingNote]:
    """Notes ``viewer`` wrote about people who no longer report to them. They stay
    with their author (a later manager never sees them), so the author can still
    read and delete them."""
    return (
        notes_written_by(viewer=viewer)
        .exclude(subject__manager=viewer, subject__is_active=True)
        .order_by("subject__full_name", "-created_at")
    )


def notes_shared_with(*, viewer: User) -> QuerySet[WellbeingNote]:
    """Notes a manager chose to share with ``viewer`` about ``viewer``."""
    return WellbeingNote.objects.filter(subject=viewer, shared_with_subject=True).select_related(
        "author"
    )


def get_own_note_or_404(*, viewer: User, pk: int) -> WellbeingNote:
    try:
        return notes_written_by(viewer=viewer).get(pk=pk)
    except WellbeingNote.DoesNotExist:
        raise Http404("No such note.") from None


# --- HR: anonymous aggregates ----------------------------------------------------------


@dataclass(frozen=True)
class WorkloadShare:
    label: str
    percent: int


@dataclass(frozen=True)
class MonthCell:
    """One team in one month. ``figures`` is None unless the month is published
    and the team had at least five people, so a template cannot show a withheld
    group's numbers by mistake; a withheld measure is None inside ``figures``."""

    month: dt.date
    published: bool
    figures: GroupFigures | None = None

    @property
    def shown(self) -> bool:
        return self.figures is not None

    @property
    def workload(self) -> tuple[WorkloadShare, ...]:
        if self.figures is None or self.figures.workload_shares is None:
            return ()
        return tuple(
            WorkloadShare(label=label, percent=percent)
            for (_, label), percent in zip(
                Workload.choices, self.figures.workload_shares, strict=True
            )
        )


@dataclass
class TeamTrend:
    team: Team
    months: list[MonthCell] = field(default_factory=list)


def trend_months(*, count: int, now: dt.datetime | None = None) -> list[dt.date]:
    """The first days of the last ``count`` ended calendar months (UTC), newest
    first. The current month is never among them: see ``wellbeing.anonymity``."""
    return anonymity.closed_months(now=now or timezone.now(), count=count)


def team_trends(*, teams: list[Team], months: list[dt.date]) -> list[TeamTrend]:
    """Each team's published figures for ``months``, in two queries whatever the data.

    Figures are read as they were stored when their month was published, never
    worked out again from the check-ins (``wellbeing.services.months_publish``), so
    later check-ins, deletions or people moving between teams change nothing here.
    """
    if not teams or not months:
        return []
    published = set(PublishedMonth.objects.filter(month__in=months).values_list("month", flat=True))
    stored = {
        (row.team_id, row.month.month): row
        for row in TeamMonthFigures.objects.filter(
            team__in=teams, month__month__in=published
        ).select_related("month")
    }
    trends = []
    for team in teams:
        trend = TeamTrend(team=team)
        for month in months:
            row = stored.get((team.pk, month))
            figures = None if row is None else row.as_figures()
            trend.months.append(
                MonthCell(month=month, published=month in published, figures=figures)
            )
        trends.append(trend)
    return trends


def teams_for_trends() -> QuerySet[Team]:
    """Every team, for HR's wellbeing page."""
    return Team.objects.order_by("name", "pk")


def hr_or_404(*, viewer: User) -> None:
    if not viewer.is_hr:
        raise Http404("No such page.")


# What HR's figures are made of (``TeamMonthFigures``), as the team wellbeing page shows
# them: a team's month, how many people checked in of how many members, the two
# averages and the split of workload answers. Listed on the page "What HR and my
# organisation can see about me" (``privacy``).
HR_FIGURES = (
    "how many people checked in, of the team's members",
    "average happiness",
    "average work-life balance",
    "the split of workload answers",
)


def published_figures_counting(*, viewer: User) -> QuerySet[TeamMonthFigures]:
    """The published team months whose figures HR sees and ``viewer``'s check-ins
    count in (each check-in counts for the team the viewer was in when they made it),
    newest first. Check-ins deleted since are not looked at: the figures stay, but
    nothing here says the viewer was in them any more."""
    counted = (
        own_checkins(viewer=viewer)
        .filter(team__isnull=False)
        .annotate(month_of=TruncMonth("created_at", tzinfo=dt.UTC))
        .values("month_of", "team_id")
    )
    months = Q(pk__in=[])
    for row in counted.distinct():
        months |= Q(month__month=row["month_of"].date(), team_id=row["team_id"])
    return (
        TeamMonthFigures.objects.filter(months)
        .select_related("month", "team")
        .order_by("-month__month", "team__name")
    )
