"""Reads about wellbeing, always from the point of view of the person asking.

Who sees what (DESIGN.md): an employee sees all their own check-ins; their
current manager sees the ones they share, as they are now (unsharing hides them
again); nobody else sees an individual check-in: not the manager's manager, not
another manager, not HR, not admins. HR sees only aggregates of at least
``MIN_GROUP_SIZE`` different people per team and month.
"""

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Avg, Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from people.models import Team, User
from people.selectors import reports_of
from wellbeing.models import CheckIn, WellbeingNote, Workload

# Groups smaller than this are withheld from HR: with fewer people an average
# points at individuals. A constant, not a setting, so nobody lowers it casually.
MIN_GROUP_SIZE = 5
WITHHELD_MESSAGE = "not enough responses to show without identifying anyone"


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


def get_report_for_manager_or_404(*, viewer: User, pk: int) -> User:
    """One of ``viewer``'s current direct reports."""
    try:
        return reports_of(user=viewer).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such person.") from None


def reports_with_latest_shared(*, viewer: User) -> QuerySet[User]:
    """``viewer``'s direct reports, each with ``latest_shared_at`` (or None)."""
    return (
        reports_of(user=viewer)
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
    """One team in one month. When ``shown`` is False it carries no numbers at all,
    so a template cannot reveal a small group by mistake."""

    month: dt.date
    shown: bool
    people: int | None = None
    checked_in_percent: int | None = None
    average_happiness: float | None = None
    average_balance: float | None = None
    workload: tuple[WorkloadShare, ...] = ()


@dataclass
class TeamTrend:
    team: Team
    members: int
    months: list[MonthCell] = field(default_factory=list)


def trend_months(*, count: int, today: dt.date | None = None) -> list[dt.date]:
    """The first days of the last ``count`` calendar months (UTC), newest first."""
    first = (today or timezone.now().astimezone(dt.UTC).date()).replace(day=1)
    return [first - relativedelta(months=back) for back in range(count)]


def team_trends(*, teams: list[Team], months: list[dt.date]) -> list[TeamTrend]:
    """Monthly aggregates per team, over every check-in (shared or private) of the
    team's active members, in one SQL aggregation.

    ``teams`` must carry ``active_members`` (see ``teams_for_trends``). A cell is
    shown only when at least ``MIN_GROUP_SIZE`` different people checked in that
    month. Months are calendar months in UTC, so every HR viewer sees the same
    numbers whatever their own time zone. People count under their current team.
    """
    if not teams or not months:
        return []
    start = dt.datetime.combine(min(months), dt.time.min, tzinfo=dt.UTC)
    workload_counts = {
        f"workload_{level}": Count("pk", filter=Q(workload=level)) for level in Workload.values
    }
    rows = (
        CheckIn.objects.filter(
            created_at__gte=start,
            employee__team__in=teams,
            employee__is_active=True,
        )
        .annotate(month=TruncMonth("created_at", tzinfo=dt.UTC))
        .values("employee__team", "month")
        .annotate(
            people=Count("employee", distinct=True),
            checkins=Count("pk"),
            average_happiness=Avg("happiness"),
            average_balance=Avg("work_life_balance"),
            **workload_counts,
        )
        .order_by()
    )
    by_key = {(row["employee__team"], row["month"].date()): row for row in rows}
    trends = []
    for team in teams:
        trend = TeamTrend(team=team, members=team.active_members)
        for month in months:
            row = by_key.get((team.pk, month))
            if row is None or row["people"] < MIN_GROUP_SIZE:
                trend.months.append(MonthCell(month=month, shown=False))
                continue
            checkins = row["checkins"]
            trend.months.append(
                MonthCell(
                    month=month,
                    shown=True,
                    people=row["people"],
                    checked_in_percent=min(
                        100, round(100 * row["people"] / max(1, team.active_members))
                    ),
                    average_happiness=round(row["average_happiness"], 1),
                    average_balance=round(row["average_balance"], 1),
                    workload=tuple(
                        WorkloadShare(
                            label=label,
                            percent=round(100 * row[f"workload_{level}"] / checkins),
                        )
                        for level, label in Workload.choices
                    ),
                )
            )
        trends.append(trend)
    return trends


def teams_for_trends() -> QuerySet[Team]:
    """Every team with its number of active members, for HR."""
    return Team.objects.annotate(
        active_members=Count("members", filter=Q(members__is_active=True))
    ).order_by("name")


def hr_or_404(*, viewer: User) -> None:
    if not viewer.is_hr:
        raise Http404("No such page.")
