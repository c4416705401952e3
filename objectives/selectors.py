"""Reads about objectives, always from the point of view of the person asking.

Who may see what (DESIGN.md): an individual objective is seen by its owner, the
owner's manager, the manager's manager and HR. A team goal is seen by the
team's members, the owner's reporting line and HR; a company goal by everyone.
Anything else looks missing (404).

How much of it they see depends on how they stand to it:

* **The conversation** about an objective (its comments, the notes written with a
  change of progress, score, state or due date, and the reason a proposal was
  rejected) is between the owner and their reporting line: the owner, their manager
  and the manager's manager (``CONVERSATION``), at every level.
* **The details** (description and key results) go to them, to a team goal's team
  and to everyone for a company goal (``DETAILS``).
* **HR** sees the facts only: title, whose it is, the goal it contributes to, state,
  progress, score and dates, and the history of those without its notes (``FACTS``
  in the README). So does the admin site.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone

from objectives.models import (
    OPEN_STATES,
    STALE_AFTER,
    KeyResult,
    Level,
    Objective,
    ObjectiveChange,
    ObjectiveComment,
    State,
)
from oneonones.db import Read, instances_from_json, table
from people.models import User
from people.selectors import has_reports

# The ways a person can stand in relation to an objective.
OWNER, MANAGER, GRAND_MANAGER, HR, TEAM_MEMBER, EVERYONE = (
    "owner",
    "manager",
    "grand_manager",
    "hr",
    "team_member",
    "everyone",
)
CHANGERS = frozenset({OWNER, MANAGER})
# Who reads the comments, the notes of the history and a rejection's reason.
CONVERSATION = frozenset({OWNER, MANAGER, GRAND_MANAGER})
# Who reads the description and the key results.
DETAILS = CONVERSATION | {TEAM_MEMBER, EVERYONE}

# What everyone who may see an objective reads of it, HR and the admin site included:
# its facts, as model field names. The admin's objective page shows exactly these
# (``objectives.admin``), and the page "What HR and my organisation can see about me"
# (``privacy``) lists them from here.
FACT_FIELDS = (
    "level",
    "owner",
    "team",
    "parent",
    "title",
    "state",
    "progress",
    "score",
    "due_date",
    "created_by",
    "created_at",
    "decided_by",
    "decided_at",
    "last_update_at",
)
# What ``DETAILS`` read besides the facts, and what ``CONVERSATION`` read besides those
# (the keys are what the pages show, the values what the privacy page calls them).
DETAIL_PARTS = {"description": "description", "key_results": "key results"}
CONVERSATION_PARTS = {
    "comments": "comments",
    "history_notes": "the notes written with a change of state, progress, score or due date",
    "rejection_reason": "the reason a proposal was rejected",
}


def _visible_q(viewer: User) -> Q:
    q = (
        Q(owner=viewer)
        | Q(owner__manager=viewer)
        | Q(owner__manager__manager=viewer)
        | Q(level=Level.COMPANY)
    )
    if viewer.team_id:
        q |= Q(level=Level.TEAM, team_id=viewer.team_id)
    return q


def objectives_visible_to(*, viewer: User) -> QuerySet[Objective]:
    objectives = Objective.objects.select_related("owner", "team", "parent")
    if viewer.is_hr:
        return objectives
    return objectives.filter(_visible_q(viewer))


def relations_of(*, viewer: User, objective: Objective) -> frozenset[str]:
    """How ``viewer`` stands to ``objective``. Needs ``objective.owner`` loaded."""
    relations = set()
    owner = objective.owner
    if viewer.pk == owner.pk:
        relations.add(OWNER)
    if owner.manager_id and viewer.pk == owner.manager_id:
        relations.add(MANAGER)
    # Only read the manager's row (loaded with the owner by the lookups) when there is one.
    if owner.manager_id and (manager := owner.manager) and manager.manager_id == viewer.pk:
        relations.add(GRAND_MANAGER)
    if viewer.is_hr:
        relations.add(HR)
    if objective.level == Level.TEAM and viewer.team_id and viewer.team_id == objective.team_id:
        relations.add(TEAM_MEMBER)
    if objective.level == Level.COMPANY:
        relations.add(EVERYONE)
    return frozenset(relations)


def reads_conversation(*, viewer: User, objective: Objective) -> bool:
    """Whether ``viewer`` reads the comments, history notes and rejection reason."""
    return bool(relations_of(viewer=viewer, objective=objective) & CONVERSATION)


def reads_details(*, viewer: User, objective: Objective) -> bool:
    """Whether ``viewer`` reads the description and the key results."""
    return bool(relations_of(viewer=viewer, objective=objective) & DETAILS)


def can_change(*, viewer: User, objective: Objective) -> bool:
    """Only the owner and the owner's manager change an objective."""
    return bool(relations_of(viewer=viewer, objective=objective) & CHANGERS)


def _objective_or_404(*, viewer: User, pk: int) -> Objective:
    try:
        return objectives_visible_to(viewer=viewer).select_related("owner__manager").get(pk=pk)
    except Objective.DoesNotExist:
        raise Http404("No such objective.") from None


def get_objective_for_user_or_404(*, viewer: User, pk: int) -> Objective:
    """The objective if ``viewer`` may see it, else 404."""
    return _objective_or_404(viewer=viewer, pk=pk)


def get_objective_to_change_or_404(*, viewer: User, pk: int) -> Objective:
    """The objective if ``viewer`` may change it (its owner or the owner's manager), else
    404: the same answer as for one they cannot see."""
    objective = _objective_or_404(viewer=viewer, pk=pk)
    if not can_change(viewer=viewer, objective=objective):
        raise Http404("No such objective.")
    return objective


def get_key_result_to_change_or_404(*, viewer: User, pk: int) -> KeyResult:
    """A key result of an objective ``viewer`` may change, else 404."""
    objectives = objectives_visible_to(viewer=viewer).select_related("owner__manager")
    try:
        key_result = KeyResult.objects.select_related(
            "objective__owner__manager", "objective__team", "objective__parent"
        ).get(pk=pk, objective__in=objectives.values("pk"))
    except KeyResult.DoesNotExist:
        raise Http404("No such key result.") from None
    if not can_change(viewer=viewer, objective=key_result.objective):
        raise Http404("No such key result.")
    return key_result


def _with_key_results(objectives: QuerySet[Objective]) -> QuerySet[Objective]:
    return objectives.prefetch_related(
        Prefetch("key_results", queryset=KeyResult.objects.order_by("pk"))
    )


def get_objective_for_quick_update(*, viewer: User, pk: int) -> Objective:
    """The objective as its quick-update fragment shows it to ``viewer`` (owner's line and
    key results loaded), else 404."""
    objectives = objectives_visible_to(viewer=viewer).select_related("owner__manager")
    try:
        return _with_key_results(objectives).get(pk=pk)
    except Objective.DoesNotExist:
        raise Http404("No such objective.") from None


def key_results_for(*, objective: Objective, viewer: User) -> list[KeyResult]:
    """The objective's key results, oldest first, for those who read its details; none
    for anyone else (HR reads the facts only)."""
    if not reads_details(viewer=viewer, objective=objective):
        return []
    # Read into the objective (by pk, their order): the quick-update panel of the same page
    # lists them again from there instead of asking a second time.
    prefetch_related_objects([objective], "key_results")
    return list(objective.key_results.all())


def contributions_count(*, goal: Objective) -> int:
    """How many objectives contribute to ``goal`` directly (0 for an individual one)."""
    return goal.children.count() if goal.is_goal else 0


def proposal_count(*, viewer: User) -> int:
    """How many proposals wait for ``viewer``'s decision (the badge on the tabs)."""
    return proposals_awaiting(viewer=viewer).count()


def goal_levels_for(*, viewer: User) -> list[Level]:
    """Which kinds of goal ``viewer`` may set: a team goal for a manager in a team, a
    company goal for the head of the organisation (see ``services.objective_create_goal``)."""
    if not has_reports(person=viewer):
        return []
    levels = [Level.TEAM] if viewer.team_id else []
    if not viewer.manager_id:
        levels.append(Level.COMPANY)
    return levels


def my_objectives(*, viewer: User) -> QuerySet[Objective]:
    """The viewer's own individual objectives: open ones first, then by due date."""
    return (
        Objective.objects.filter(owner=viewer, level=Level.INDIVIDUAL)
        .select_related("owner", "parent")
        .order_by(_open_first(), "due_date", "pk")
    )


def goals_led_by(*, viewer: User) -> QuerySet[Objective]:
    """Team and company goals the viewer is accountable for."""
    return (
        Objective.objects.filter(owner=viewer)
        .exclude(level=Level.INDIVIDUAL)
        .select_related("owner", "team", "parent")
        .order_by(_open_first(), "due_date", "pk")
    )


def _open_first() -> Case:
    return Case(
        When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def team_objectives_for(
    *,
    manager: User,
    state: str = "open",
    person_id: int | None = None,
) -> QuerySet[Objective]:
    """Individual objectives of ``manager``'s direct reports.

    ``state``: "open" (proposed or active, the default), "all", or one state.
    Overdue and stale are properties of each row (``is_overdue``, ``is_stale``).
    """
    objectives = Objective.objects.filter(
        owner__manager=manager, owner__is_active=True, level=Level.INDIVIDUAL
    ).select_related("owner", "parent")
    if state == "open":
        objectives = objectives.filter(state__in=OPEN_STATES)
    elif state in State.values:
        objectives = objectives.filter(state=state)
    if person_id:
        objectives = objectives.filter(owner_id=person_id)
    return objectives.order_by(_open_first(), "due_date", "owner__full_name", "pk")


def team_attention_counts(*, manager: User) -> dict[str, int]:
    """How many of the team's open objectives are overdue, stale, or waiting for a decision."""
    today = timezone.localdate()
    stale_before = timezone.now() - STALE_AFTER
    return Objective.objects.filter(
        owner__manager=manager, owner__is_active=True, level=Level.INDIVIDUAL
    ).aggregate(
        overdue=Count("pk", filter=Q(state__in=OPEN_STATES, due_date__lt=today)),
        stale=Count("pk", filter=Q(state=State.ACTIVE, last_update_at__lt=stale_before)),
        proposed=Count("pk", filter=Q(state=State.PROPOSED)),
    )


def proposals_awaiting(*, viewer: User) -> QuerySet[Objective]:
    """Proposals ``viewer`` may confirm or reject: their reports'."""
    proposals = Objective.objects.filter(state=State.PROPOSED, owner__manager=viewer)
    return proposals.select_related("owner", "parent").order_by("created_at", "pk")


def active_objectives_for(*, owner: User, viewer: User) -> QuerySet[Objective]:
    """``owner``'s active individual objectives as ``viewer`` may see them, key results
    prefetched: what a 1:1 page shows in its objectives panel. Empty when ``viewer``
    may not see ``owner``'s objectives."""
    objectives = objectives_visible_to(viewer=viewer).filter(
        owner=owner, level=Level.INDIVIDUAL, state=State.ACTIVE
    )
    return _with_key_results(objectives.select_related("owner__manager")).order_by("due_date", "pk")


# What ``active_objectives_read`` reads: ``active_objectives_for`` as one JSON value,
# the objectives (every column) each with its key results in their order, and the row of
# the owner's manager (``relations_of`` reads whether the viewer is above them). The
# rule is ``_visible_q`` for one owner's individual objectives: the owner, their
# manager, the manager's manager, or HR. Only our models' table names are put in (S608).
ACTIVE_OBJECTIVES_SQL = f"""
SELECT jsonb_build_object(
  'objectives', to_jsonb(ARRAY(
    SELECT to_jsonb(objective) || jsonb_build_object('key_results', to_jsonb(ARRAY(
      SELECT to_jsonb(key_result) FROM {table(KeyResult)} key_result
      WHERE key_result.objective_id = objective.id ORDER BY key_result.id
    )))
    FROM {table(Objective)} objective
    WHERE objective.owner_id = %(objectives_owner)s
      AND objective.level = %(objectives_level)s AND objective.state = %(objectives_state)s
      AND (%(objectives_hr)s OR objective.owner_id = %(objectives_viewer)s OR EXISTS (
        SELECT 1 FROM {table(User)} owner
        LEFT JOIN {table(User)} manager ON manager.id = owner.manager_id
        WHERE owner.id = objective.owner_id
          AND (owner.manager_id = %(objectives_viewer)s OR manager.manager_id = %(objectives_viewer)s)
      ))
    ORDER BY objective.due_date, objective.id
  )),
  'owner_manager', (SELECT to_jsonb(manager) FROM {table(User)} manager
                    WHERE manager.id = %(objectives_owner_manager)s)
)
"""  # noqa: S608


def active_objectives_read(*, owner: User, viewer: User) -> Read[list[Objective]]:
    """``active_objectives_for`` as a read to put together with others
    (``oneonones.db.read_together``): the same objectives in the same order, each with
    ``owner`` (this ``owner``, with their manager set) and its key results loaded.
    ``test_active_objectives_read`` compares the two for every role."""
    params = {
        "objectives_owner": owner.pk,
        "objectives_owner_manager": owner.manager_id,
        "objectives_viewer": viewer.pk,
        "objectives_hr": viewer.is_hr,
        "objectives_level": Level.INDIVIDUAL,
        "objectives_state": State.ACTIVE,
    }

    def decode(read: dict[str, Any]) -> list[Objective]:
        if read["owner_manager"] is not None:
            owner.manager = instances_from_json(User, [read["owner_manager"]])[0]
        objectives = instances_from_json(Objective, read["objectives"])
        for objective, row in zip(objectives, read["objectives"], strict=True):
            objective.owner = owner
            # As ``prefetch_related`` leaves it: ``objective.key_results.all()`` reads this.
            key_results = objective.key_results.get_queryset()
            key_results._result_cache = instances_from_json(KeyResult, row["key_results"])
            setattr(key_results, "_prefetch_done", True)  # noqa: B010 (Django's own, untyped)
            setattr(objective, "_prefetched_objects_cache", {"key_results": key_results})  # noqa: B010
        return objectives

    return Read(ACTIVE_OBJECTIVES_SQL, params, decode)


def goals_visible_to(*, viewer: User) -> QuerySet[Objective]:
    """Team and company goals the viewer may see, company goals first."""
    return (
        objectives_visible_to(viewer=viewer)
        .exclude(level=Level.INDIVIDUAL)
        .order_by("level", _open_first(), "team__name", "due_date", "pk")
    )


def parent_choices_for(*, viewer: User, level: str) -> QuerySet[Objective]:
    """Open goals an objective at ``level`` may contribute to."""
    levels = [Level.COMPANY] if level == Level.TEAM else [Level.COMPANY, Level.TEAM]
    if level == Level.COMPANY:
        levels = []
    return goals_visible_to(viewer=viewer).filter(level__in=levels, state__in=OPEN_STATES)


@dataclass
class CascadeNode:
    objective: Objective
    children: list["CascadeNode"]

    def objectives(self) -> list[Objective]:
        """Every objective below this node (not the node's own)."""
        below = []
        for child in self.children:
            below.append(child.objective)
            below.extend(child.objectives())
        return below


def cascade_for(*, goal: Objective, viewer: User) -> CascadeNode:
    """``goal`` with what contributes to it, two levels down (company → team →
    individual is as deep as it goes), keeping only what ``viewer`` may see.
    Two queries whatever the size."""
    below = list(
        objectives_visible_to(viewer=viewer)
        .filter(Q(parent=goal) | Q(parent__parent=goal))
        .exclude(state__in=[State.REJECTED])
        .order_by("level", "owner__full_name", "due_date", "pk")
    )
    nodes = {obj.pk: CascadeNode(objective=obj, children=[]) for obj in below}
    root = CascadeNode(objective=goal, children=[])
    for obj in below:
        parent = root if obj.parent_id == goal.pk else nodes.get(obj.parent_id or 0)
        if parent is not None:
            parent.children.append(nodes[obj.pk])
    return root


def individual_owners(*, objectives: Iterable[Objective]) -> list[int]:
    """The owners of the individual objectives among ``objectives``: whose records a
    page showing them opens (a team or company goal is the team's or everyone's)."""
    return [obj.owner_id for obj in objectives if obj.level == Level.INDIVIDUAL]


def history_for(*, objective: Objective, viewer: User) -> QuerySet[ObjectiveChange]:
    """The objective's history, oldest first. Each entry's ``shown_note`` is its note for
    the owner's reporting line and empty for anyone else: the note never leaves the
    database for them (it is deferred, not just left out of the page)."""
    changes = objective.changes.select_related("by").order_by("at", "pk")
    if reads_conversation(viewer=viewer, objective=objective):
        return changes.annotate(shown_note=F("note"))
    return changes.defer("note").annotate(shown_note=Value(""))


def comments_for(*, objective: Objective, viewer: User) -> QuerySet[ObjectiveComment]:
    """The comments, oldest first, for the owner's reporting line; none for anyone else."""
    if not reads_conversation(viewer=viewer, objective=objective):
        return ObjectiveComment.objects.none()
    return objective.comments.select_related("author").order_by("created_at", "pk")


# --- Quarterly review -----------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    PATTERN = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)

    @classmethod
    def containing(cls, day: dt.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str | None, *, default: "Quarter") -> "Quarter":
        match = cls.PATTERN.match((text or "").strip())
        if not match or not 1970 <= int(match.group(1)) <= 2999:
            return default
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next.first_day - dt.timedelta(days=1)

    @property
    def next(self) -> "Quarter":
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def previous(self) -> "Quarter":
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def bounds(self, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """The quarter's start and end as aware datetimes, midnight in ``zone``."""
        start = dt.datetime.combine(self.first_day, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(self.next.first_day, dt.time(), tzinfo=zone)
        return start, end


def progress_at(
    *, objective: Objective, changes: list[ObjectiveChange], moment: dt.datetime
) -> int | None:
    """The objective's progress at ``moment``, from its progress history.

    ``changes`` are the objective's progress changes in time order. None when the
    objective did not exist yet.
    """
    if objective.created_at > moment:
        return None
    before = [change for change in changes if change.at <= moment]
    if before:
        return int(before[-1].to_value or 0)
    if changes:
        return int(changes[0].from_value or 0)
    return objective.progress


@dataclass
class ReviewRow:
    objective: Objective
    progress_at_start: int | None
    progress_at_end: int | None
    changes_in_quarter: int

    @property
    def progress_gained(self) -> int | None:
        if self.progress_at_end is None:
            return None
        return self.progress_at_end - (self.progress_at_start or 0)


def quarter_review_for(*, person: User, quarter: Quarter) -> list[ReviewRow]:
    """``person``'s individual objectives due or updated in ``quarter``, with progress
    at its start and at its end (or now, for the quarter in progress).

    The quarter runs midnight to midnight in the person's own time zone. Rejected
    proposals are left out: there was nothing to review. Three queries.
    """
    start, end = quarter.bounds(person.zone)
    moment_end = min(end, timezone.now())
    changed_ids = ObjectiveChange.objects.filter(
        objective__owner=person, at__gte=start, at__lt=end
    ).values("objective_id")
    objectives = list(
        Objective.objects.filter(owner=person, level=Level.INDIVIDUAL, created_at__lt=end)
        .filter(
            Q(due_date__gte=quarter.first_day, due_date__lte=quarter.last_day)
            | Q(pk__in=changed_ids)
        )
        .exclude(state=State.REJECTED)
        .select_related("parent")
        .order_by("due_date", "pk")
    )
    progress_changes: dict[int, list[ObjectiveChange]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    for change in ObjectiveChange.objects.filter(
        objective__in=[obj.pk for obj in objectives]
    ).order_by("at", "pk"):
        if change.field == ObjectiveChange.Field.PROGRESS:
            progress_changes[change.objective_id].append(change)
        if start <= change.at < end:
            counts[change.objective_id] += 1
    return [
        ReviewRow(
            objective=obj,
            progress_at_start=progress_at(
                objective=obj, changes=progress_changes[obj.pk], moment=start
            ),
            progress_at_end=progress_at(
                objective=obj, changes=progress_changes[obj.pk], moment=moment_end
            ),
            changes_in_quarter=counts[obj.pk],
        )
        for obj in objectives
    ]
