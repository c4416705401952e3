"""Who looks at the pages, and the objects they look at, in a seeded bench database.

The same roles are picked the same way in the small and the large organisation,
so the two query counts of a page are comparable: a line manager with (as near as
possible) ten reports, one of those reports, the head of the organisation (whose
number of reports does grow with the organisation), and from the demo
organisation HR, the admin and the demo manager (who has wellbeing notes and
goals to look at).

Each attribute is one lookup, done once and outside the measured requests. An
attribute that finds nothing raises ``MissingData`` with what to seed.
"""

from functools import cached_property

from django.db.models import Count, F, Q
from django.db.models.functions import Abs
from django.utils import timezone

from meetings.models import AgendaTemplate, Meeting, MeetingSeries
from notifications.models import CalendarFeed
from objectives.models import Level, Objective
from people.demo import BENCH_DOMAIN
from people.models import User
from wellbeing.models import WellbeingNote

TEAM_SIZE = 10


class MissingData(LookupError):
    pass


def _first(queryset, what: str):
    found = queryset.first()
    if found is None:
        raise MissingData(f"No {what} in this database; is it seeded (seed_demo and --people)?")
    return found


class Cast:
    @cached_property
    def manager(self) -> User:
        """A line manager (two levels below the head) with about TEAM_SIZE reports."""
        managers = (
            User.objects.filter(
                email__endswith=f"@{BENCH_DOMAIN}", manager__manager__isnull=False, is_active=True
            )
            .annotate(team_size=Count("reports", filter=Q(reports__is_active=True)))
            .filter(team_size__gt=0)
            .order_by(Abs(F("team_size") - TEAM_SIZE), "pk")
        )
        return _first(managers, "bench line manager")

    @cached_property
    def employee(self) -> User:
        """One of ``manager``'s reports, preferring one with shared check-ins."""
        reports = self.manager.reports.filter(is_active=True)
        sharing = reports.filter(checkins__shared_with_manager=True).distinct().order_by("pk")
        return sharing.first() or _first(reports.order_by("pk"), "report of the bench manager")

    @cached_property
    def head(self) -> User:
        return _first(
            User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}", manager__isnull=True),
            "head of the bench organisation",
        )

    @cached_property
    def hr(self) -> User:
        return _first(User.objects.filter(email="hr@example.com"), "demo HR person")

    @cached_property
    def admin(self) -> User:
        return _first(User.objects.filter(email="admin@example.com"), "demo admin")

    @cached_property
    def demo_manager(self) -> User:
        return _first(User.objects.filter(email="manager@example.com"), "demo manager")

    @cached_property
    def employee_objective(self) -> Objective:
        return _first(
            Objective.objects.filter(owner=self.employee).order_by("pk"),
            "objective of the bench employee",
        )

    @cached_property
    def company_goal(self) -> Objective:
        return _first(Objective.objects.filter(level=Level.COMPANY).order_by("pk"), "company goal")

    @cached_property
    def demo_template(self) -> AgendaTemplate:
        """The demo manager's own agenda template (the demo seeds one)."""
        return _first(
            AgendaTemplate.objects.filter(owner=self.demo_manager).order_by("pk"),
            "agenda template of the demo manager",
        )

    @cached_property
    def wellbeing_note(self) -> WellbeingNote:
        return _first(
            WellbeingNote.objects.filter(author=self.demo_manager).order_by("pk"),
            "wellbeing note by the demo manager",
        )

    @cached_property
    def series(self) -> MeetingSeries:
        """The active series of ``manager`` with ``employee``."""
        return _first(
            MeetingSeries.objects.filter(
                organiser=self.manager,
                participant=self.employee,
                status=MeetingSeries.Status.ACTIVE,
            ).order_by("pk"),
            "active series of the bench manager and employee",
        )

    @cached_property
    def upcoming_meeting(self) -> Meeting:
        return _first(
            Meeting.objects.filter(series=self.series, status=Meeting.Status.SCHEDULED)
            .filter(starts_at__gt=timezone.now())
            .order_by("starts_at"),
            "upcoming 1:1 of the bench manager and employee",
        )

    @cached_property
    def feed_token(self) -> str:
        return CalendarFeed.objects.get_or_create(user=self.manager)[0].token

    @cached_property
    def held_meeting(self) -> Meeting:
        """The latest held 1:1 of ``manager`` with ``employee``: what the meeting page shows."""
        return _first(
            Meeting.objects.filter(
                organiser=self.manager, participant=self.employee, status=Meeting.Status.COMPLETED
            ).order_by("-starts_at"),
            "held 1:1 of the bench manager and employee",
        )
