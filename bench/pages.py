"""What `make bench` measures: one line per page (and per background operation).

A page is a URL name, who looks at it (an attribute of ``bench.cast.Cast``: the
bench people ``employee``, ``manager`` (a line manager with about ten reports),
``head`` (the top of the organisation, whose direct reports grow with it: 2 in
the small organisation, 100 in the large one, so a per-report query shows), the
demo people ``hr``, ``admin``, ``demo_manager``, or ``anonymous``), and, when
the URL takes arguments, a function of the cast that returns them. For example::

    Page("meetings:series", "manager", args=lambda c: [c.series.pk]),

An object a page needs (``c.series`` above) is a ``cached_property`` of
``Cast``: one lookup, picked the same way in both organisations.

A URL name that does not exist yet is skipped with a note; mark it ``pending``
to say why (the test suite checks that every other name exists).

Budgets apply to the large organisation: ``budget_ms`` to the median time of a
render, ``budget_mb`` to the peak memory Python allocates during one render.
``extra_queries`` allows a page that many more queries on the large
organisation than on the small one; leave it at 0 unless there is a reason that
is not "it grows with the data".
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

DEFAULT_BUDGET_MS = 1000.0
DEFAULT_BUDGET_MB = 64.0

Resolver = Callable[[Any], Sequence[Any]]


@dataclass(frozen=True)
class Page:
    name: str  # URL name, e.g. "objectives:team"
    viewer: str  # a Cast attribute: who is signed in
    args: Resolver | None = None  # cast -> URL arguments
    query: dict[str, str] | Callable[[Any], dict[str, str]] = field(default_factory=dict)
    label: str = ""  # tells two entries for the same URL name apart
    budget_ms: float = DEFAULT_BUDGET_MS
    budget_mb: float = DEFAULT_BUDGET_MB
    extra_queries: int = 0
    status: int = 200
    pending: str = ""  # why this URL name may not exist yet

    @property
    def title(self) -> str:
        return self.label or f"{self.name} as {self.viewer}"


@dataclass(frozen=True)
class Operation:
    """Work that is not a page (e.g. extending the meeting horizon by a day).

    ``function`` is a dotted path to ``f(cast) -> None``. Each run happens in a
    transaction that is rolled back, so the bench data stays as it was. A path
    that cannot be imported yet is skipped with a note, like a pending page.
    """

    label: str
    function: str
    budget_ms: float = DEFAULT_BUDGET_MS
    budget_mb: float = DEFAULT_BUDGET_MB
    extra_queries: int = 0
    pending: str = ""

    @property
    def title(self) -> str:
        return self.label


PAGES: list[Page] = [
    # --- home: what to do next; its lists are cut in the database, whatever the history ---
    Page("home", "employee"),
    Page("home", "manager"),
    Page("home", "head", label="home as head of the organisation"),
    Page("home", "demo_manager", label="home as a manager with a new starter"),
    Page("home", "hr"),
    # --- people ---
    Page("people:profile", "employee"),
    Page("people:profile", "head", label="people:profile of the head"),
    Page("people:person", "manager", args=lambda c: [c.employee.pk]),
    Page("people:person", "hr", args=lambda c: [c.manager.pk]),
    Page("people:person", "hr", args=lambda c: [c.head.pk], label="people:person of the head"),
    Page("people:who_looked", "manager", args=lambda c: [c.manager.pk]),
    # --- objectives ---
    Page("objectives:mine", "employee"),
    Page("objectives:mine", "manager"),
    Page("objectives:team", "manager"),
    Page("objectives:team", "head"),
    Page(
        "objectives:team",
        "manager",
        query=lambda c: {"person": str(c.employee.pk), "state": "all"},
        label="objectives:team for one report",
    ),
    Page("objectives:proposals", "manager"),
    Page("objectives:proposals", "hr"),
    Page("objectives:goals", "employee"),
    Page("objectives:goals", "hr"),
    Page("objectives:new", "manager"),
    Page("objectives:new_goal", "manager"),
    Page("objectives:detail", "manager", args=lambda c: [c.employee_objective.pk]),
    Page("objectives:edit", "manager", args=lambda c: [c.employee_objective.pk]),
    Page("objectives:cascade", "hr", args=lambda c: [c.company_goal.pk]),
    Page("objectives:review", "manager", args=lambda c: [c.employee.pk]),
    # --- wellbeing ---
    Page("wellbeing:index", "employee"),
    Page("wellbeing:index", "manager"),
    Page("wellbeing:index", "head"),
    Page("wellbeing:checkins_export", "employee"),
    Page("wellbeing:checkins_delete_all", "employee"),
    Page("wellbeing:report", "manager", args=lambda c: [c.employee.pk]),
    Page("wellbeing:note_edit", "demo_manager", args=lambda c: [c.wellbeing_note.pk]),
    Page("wellbeing:trends", "hr"),
    # --- reports (HR) ---
    # The issue asks for "well under a second" at 10,000 people with a year of 1:1s.
    Page("reports:dashboard", "hr", budget_ms=600),
    Page(
        "reports:dashboard",
        "hr",
        query=lambda c: {"team": str(c.manager.team_id)},
        label="reports:dashboard for one team",
    ),
    Page(
        "reports:dashboard",
        "hr",
        query=lambda c: {
            "start": (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=365)).isoformat(),
            "end": dt.datetime.now(dt.UTC).date().isoformat(),
        },
        label="reports:dashboard over the last year",
        # Four times the default 90 days' meetings, counted and their gaps ordered.
        budget_ms=1500,
    ),
    Page("reports:export", "hr", args=lambda c: ["managers"]),
    Page("reports:export", "hr", args=lambda c: ["trend"], label="reports:export of the trend"),
    Page(
        "reports:export",
        "hr",
        args=lambda c: ["new_starters"],
        label="reports:export of the new starters",
    ),
    Page("reports:gaps", "hr", args=lambda c: ["overdue"]),
    Page("reports:gaps", "hr", args=lambda c: ["new_starters"], label="reports:gaps new starters"),
    Page("reports:manager", "hr", args=lambda c: [c.manager.pk]),
    Page("reports:met_everyone", "hr"),
    Page("reports:manager", "hr", args=lambda c: [c.head.pk], label="reports:manager of the head"),
    Page("reports:manager_export", "hr", args=lambda c: [c.head.pk, "meetings"]),
    # --- meetings: booking, series and the lists ---
    Page("meetings:mine", "employee"),
    Page("meetings:mine", "manager"),
    Page(
        "meetings:mine", "manager", query={"when": "past"}, label="meetings:mine, past, as manager"
    ),
    Page("meetings:team", "manager"),
    Page("meetings:team", "head"),
    Page("meetings:met_everyone", "manager"),
    Page("meetings:met_everyone", "head"),
    Page("meetings:bring_to_new_manager", "employee"),
    Page("meetings:series", "manager", args=lambda c: [c.series.pk]),
    Page("meetings:series", "hr", args=lambda c: [c.series.pk]),
    Page("meetings:series_new", "manager"),
    Page("meetings:series_edit", "manager", args=lambda c: [c.series.pk]),
    Page(
        "meetings:series_preview",
        "manager",
        query=lambda c: {
            "participant": str(c.employee.pk),
            "kind": "one_to_one",
            "pattern": "fortnightly",
            "weekday": "1",
            "first_date": timezone.localdate().isoformat(),
            "start_time": "09:30",
            "duration_minutes": "30",
            "time_zone": "Europe/London",
            "format": "video",
        },
    ),
    Page("meetings:meeting_new", "manager"),
    Page("meetings:meeting_cancel", "manager", args=lambda c: [c.upcoming_meeting.pk]),
    Page("meetings:meeting_move", "employee", args=lambda c: [c.upcoming_meeting.pk]),
    Page("meetings:meeting", "hr", args=lambda c: [c.upcoming_meeting.pk]),
    Page("meetings:meeting_ics", "manager", args=lambda c: [c.upcoming_meeting.pk]),
    Page("meetings:calendar_feed", "anonymous", args=lambda c: [c.feed_token]),
    # --- meetings: notification settings ---
    Page("meetings:notifications", "employee"),
    Page("meetings:notifications", "manager"),
    # --- meetings: running and recording a 1:1 ---
    Page("meetings:meeting", "manager", args=lambda c: [c.held_meeting.pk]),
    Page(
        "meetings:meeting",
        "employee",
        args=lambda c: [c.held_meeting.pk],
        label="meetings:meeting as the report",
    ),
    Page("meetings:my_actions", "employee"),
    Page("meetings:my_actions", "manager"),
    Page("meetings:templates", "manager"),
    Page("meetings:template_new", "manager"),
    Page("meetings:template_edit", "demo_manager", args=lambda c: [c.demo_template.pk]),
    # --- admin site ---
    Page("admin:index", "admin"),
    Page("admin:people_user_changelist", "admin"),
    Page("admin:people_user_changelist", "admin", query={"q": "person"}, label="admin: search"),
    Page("admin:people_user_change", "admin", args=lambda c: [c.manager.pk]),
    Page("admin:people_user_change", "admin", args=lambda c: [c.head.pk], label="admin: the head"),
    Page("admin:people_team_changelist", "admin"),
    Page("admin:people_team_change", "admin", args=lambda c: [c.manager.team_id]),
    Page("admin:objectives_objective_changelist", "admin"),
    Page("admin:notifications_reminder_changelist", "admin"),
]

OPERATIONS: list[Operation] = [
    # The daily run, one day later: only the new slot of one series is touched, so
    # its queries must not grow with the organisation.
    Operation("extend one series' horizon by a day", "bench.operations.extend_horizon_by_a_day"),
]

# Named routes that are not pages to measure: they change something (POST only),
# or are about signing in. `make bench` lists any other route missing from PAGES.
NOT_PAGES = {
    "bench_rows",  # the floor of the HTTP part (bench/http.py), off outside the bench
    "healthz",
    "health_status",
    "meetings:calendar_regenerate",
    "meetings:clash_rebook",
    "meetings:clash_skip",
    "meetings:request_accept",
    "meetings:request_decline",
    "meetings:series_end",
    "meetings:series_pause",
    "meetings:series_resume",
    "login",
    "logout",
    "sso_start",
    "sso_callback",
    "admin_login",
    "admin_password_change",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "objectives:transition",
    "objectives:progress",
    "objectives:score",
    "objectives:comment",
    "objectives:key_result_add",
    "objectives:key_result_update",
    "objectives:key_result_remove",
    "wellbeing:checkin_create",
    "wellbeing:checkin_share",
    "wellbeing:checkin_unshare",
    "wellbeing:checkin_delete",
    "wellbeing:note_create",
    "wellbeing:note_delete",
    "meetings:agenda_add",
    "meetings:agenda_move",
    "meetings:agenda_discussed",
    "meetings:agenda_remove",
    "meetings:agenda_edit",
    "meetings:next_time_add",
    "meetings:note_save",
    "meetings:action_add",
    "meetings:action_done",
    "meetings:action_edit",
    "meetings:action_delete",
    "meetings:meeting_complete",
    "meetings:feedback",
    "meetings:objective_discuss",
    "meetings:template_delete",
}


def selected(entries: list, only: list[str]) -> list:
    """The entries whose title contains one of ``only`` (all when ``only`` is empty)."""
    if not only:
        return list(entries)
    return [entry for entry in entries if any(part in entry.title for part in only)]


def unlisted_routes(route_names: set[str]) -> list[str]:
    """Routes outside the admin site that are neither measured nor in NOT_PAGES."""
    listed = {page.name for page in PAGES} | NOT_PAGES
    return sorted(
        name for name in route_names if name not in listed and not name.startswith("admin:")
    )
