"""Writes about objectives. Every change of state goes through ``objective_transition``,
and ``TRANSITIONS`` is the one table of what may happen, from which state, by whom.

Each service locks the objective's row, checks who is asking and what state it is
in, changes it, and writes the history entry, all in one transaction. Problems
raise ``ServiceError`` (a message for the person), and ``NotFound`` when the person
may not do this to this objective (a 404, as for an objective they cannot see); see
``oneonones.errors``.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications import outbox
from objectives.models import (
    OPEN_STATES,
    KeyResult,
    Level,
    Objective,
    ObjectiveChange,
    ObjectiveComment,
    State,
    progress_from_key_results,
)
from objectives.selectors import CHANGERS, MANAGER, OWNER, relations_of
from oneonones import limits
from oneonones.errors import NotFound, ServiceError, refused
from people.models import Team, User
from people.selectors import has_reports

LEVEL_RANK = {Level.INDIVIDUAL: 0, Level.TEAM: 1, Level.COMPANY: 2}


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[State, ...]
    target: State
    by: frozenset[str]  # relations (see objectives.selectors) that may do it
    needs_reason: bool = False
    is_decision: bool = False  # confirming or rejecting a proposal: never by its owner


# Only the owner's manager agrees or turns down a proposal. Not HR: deciding means
# reading the proposal and writing the reason, which is the conversation between a
# person and their line, and HR sees an objective's facts only (see selectors).
DECIDERS = frozenset({MANAGER})

TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "confirm",
            "Confirm",
            (State.PROPOSED,),
            State.ACTIVE,
            DECIDERS,
            is_decision=True,
        ),
        Transition(
            "reject",
            "Reject",
            (State.PROPOSED,),
            State.REJECTED,
            DECIDERS,
            needs_reason=True,
            is_decision=True,
        ),
        Transition("complete", "Mark complete", (State.ACTIVE,), State.COMPLETED, CHANGERS),
        Transition("cancel", "Cancel", (State.PROPOSED, State.ACTIVE), State.CANCELLED, CHANGERS),
        Transition("reopen", "Reopen", (State.COMPLETED,), State.ACTIVE, CHANGERS),
    )
}


def _may(transition: Transition, relations: frozenset[str]) -> bool:
    if transition.is_decision and OWNER in relations:
        return False  # nobody confirms their own proposal
    return bool(transition.by & relations)


def transitions_available(*, objective: Objective, viewer: User) -> list[Transition]:
    """What ``viewer`` may do to ``objective`` now (the buttons on its page)."""
    relations = relations_of(viewer=viewer, objective=objective)
    return [t for t in TRANSITIONS.values() if objective.state in t.sources and _may(t, relations)]


def _locked(objective: Objective) -> Objective:
    """The objective's row, locked until the transaction ends, with its owner's line."""
    fresh = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("owner__manager")
        .get(pk=objective.pk)
    )
    return fresh


def _require(relations: frozenset[str], allowed: frozenset[str], what: str) -> None:
    if not relations & allowed:
        raise NotFound(f"You may not {what} this objective.")


def _record(
    objective: Objective,
    *,
    field: str,
    old: object,
    new: object,
    by: User | None,
    note: str = "",
    at: dt.datetime | None = None,
) -> ObjectiveChange:
    at = at or timezone.now()
    change = ObjectiveChange.objects.create(
        objective=objective,
        field=field,
        from_value="" if old is None else str(old),
        to_value="" if new is None else str(new),
        by=by,
        note=note.strip(),
        at=at,
    )
    objective.last_update_at = at
    return change


def _set_progress(objective: Objective, *, progress: int, by: User, note: str = "") -> bool:
    """Set progress and keep the history; the caller saves. False when unchanged."""
    if progress == objective.progress:
        return False
    _record(
        objective,
        field=ObjectiveChange.Field.PROGRESS,
        old=objective.progress,
        new=progress,
        by=by,
        note=note,
    )
    objective.progress = progress
    return True


# --- Creating -------------------------------------------------------------------------


def _check_parent(*, level: str, parent: Objective | None, owner: User) -> None:
    if parent is None:
        return
    if level == Level.COMPANY:
        raise ServiceError("A company goal does not contribute to another goal.", field="parent")
    if LEVEL_RANK[Level(parent.level)] <= LEVEL_RANK[Level(level)]:
        raise ServiceError(
            "An objective can only contribute to a goal above it: "
            "a team or company goal for an individual objective, a company goal for a team goal.",
            field="parent",
        )
    if parent.state not in OPEN_STATES:
        raise ServiceError(
            f"“{parent.title}” is {parent.get_state_display().lower()}; "
            "choose a goal that is still open.",
            field="parent",
        )
    if not relations_of(viewer=owner, objective=parent):
        raise ServiceError(
            f"{owner} cannot see “{parent.title}”; choose another goal.", field="parent"
        )


def _check_due_date(due_date: dt.date | None) -> None:
    if due_date is not None:
        try:
            limits.check_planning_day(due_date, what="a due date")
        except ValidationError as error:
            raise refused(error, field="due_date") from None


TITLE_LENGTH = Objective._meta.get_field("title").max_length or 0


def _check_text(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ServiceError("Give the objective a title.", field="title")
    if len(title) > TITLE_LENGTH:
        raise ServiceError(f"Keep the title to {TITLE_LENGTH} characters or fewer.", field="title")
    return title


def _create(
    *,
    level: str,
    owner: User,
    team: Team | None,
    by: User,
    state: State,
    title: str,
    description: str,
    due_date: dt.date | None,
    parent: Objective | None,
) -> Objective:
    title = _check_text(title)
    _check_due_date(due_date)
    _check_parent(level=level, parent=parent, owner=owner)
    now = timezone.now()
    decided = state == State.ACTIVE
    objective = Objective.objects.create(
        level=level,
        owner=owner,
        team=team,
        parent=parent,
        title=title,
        description=(description or "").strip(),
        due_date=due_date,
        state=state,
        created_by=by,
        created_at=now,
        decided_by=by if decided else None,
        decided_at=now if decided else None,
        last_update_at=now,
    )
    _record(objective, field=ObjectiveChange.Field.STATE, old="", new=state, by=by)
    return objective


@transaction.atomic
def objective_propose(
    *,
    owner: User,
    by: User,
    title: str,
    description: str = "",
    due_date: dt.date | None = None,
    parent: Objective | None = None,
) -> Objective:
    """``by`` proposes an objective of their own; their manager decides. Someone with
    no manager (the head of the organisation) has nobody to agree it with: their
    objective is active at once."""
    if by.pk != owner.pk:
        raise ServiceError("You can only propose objectives for yourself.", field="owner")
    objective = _create(
        level=Level.INDIVIDUAL,
        owner=owner,
        team=None,
        by=by,
        state=State.PROPOSED if owner.manager_id else State.ACTIVE,
        title=title,
        description=description,
        due_date=due_date,
        parent=parent,
    )
    if objective.state == State.PROPOSED:
        _tell(objective, event=outbox.PROPOSED, recipient_id=owner.manager_id, by=by)
    return objective


def _tell(objective: Objective, *, event: str, recipient_id: int | None, by: User) -> None:
    """The other side of a proposal or a decision hears of it by email (their last
    history entry names the change, so each is told once)."""
    change = objective.changes.order_by("-pk").values_list("pk", flat=True).first()
    outbox.objective_changed(
        objective_id=objective.pk,
        change_id=change or 0,
        event=event,
        recipient_id=recipient_id,
        by=by,
    )


@transaction.atomic
def objective_set_for_report(
    *,
    owner: User,
    by: User,
    title: str,
    description: str = "",
    due_date: dt.date | None = None,
    parent: Objective | None = None,
) -> Objective:
    """A manager sets an objective for one of their reports: it is active at once."""
    if owner.manager_id != by.pk or not owner.is_active:
        raise ServiceError(f"{owner} does not report to you.", field="owner")
    return _create(
        level=Level.INDIVIDUAL,
        owner=owner,
        team=None,
        by=by,
        state=State.ACTIVE,
        title=title,
        description=description,
        due_date=due_date,
        parent=parent,
    )


@transaction.atomic
def objective_create_goal(
    *,
    by: User,
    level: str,
    title: str,
    description: str = "",
    due_date: dt.date | None = None,
    parent: Objective | None = None,
) -> Objective:
    """A team goal for ``by``'s own team (``by`` must manage people in it), or a
    company goal (``by`` must be at the top of the organisation: reports, no manager).
    ``by`` becomes the accountable owner; goals are active at once."""
    if level == Level.TEAM:
        if not by.team_id or not has_reports(person=by):
            raise ServiceError("Only a manager in a team can set its team goals.", field="level")
        team = by.team
    elif level == Level.COMPANY:
        if by.manager_id or not has_reports(person=by):
            raise ServiceError(
                "Only the head of the organisation sets company goals.", field="level"
            )
        team = None
    else:
        raise ServiceError("A goal is for a team or for the whole organisation.", field="level")
    return _create(
        level=level,
        owner=by,
        team=team,
        by=by,
        state=State.ACTIVE,
        title=title,
        description=description,
        due_date=due_date,
        parent=parent,
    )


# --- State ----------------------------------------------------------------------------


@transaction.atomic
def objective_transition(*, objective: Objective, by: User, name: str, note: str = "") -> Objective:
    """Move ``objective`` through transition ``name`` (see ``TRANSITIONS``).

    Rejecting needs a reason (``note``); completing sets progress to 100 %.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ServiceError("That is not something an objective can do.")
    objective = _locked(objective)
    if not _may(transition, relations_of(viewer=by, objective=objective)):
        raise NotFound(f"You may not {transition.label.lower()} this objective.")
    if objective.state not in transition.sources:
        raise ServiceError(
            f"“{objective.title}” is {objective.get_state_display().lower()}, "
            f"so it cannot be {transition.target.label.lower()} now."
        )
    note = (note or "").strip()
    if transition.needs_reason and not note:
        raise ServiceError("Say why, so that the owner understands the decision.", field="note")
    if transition.target == State.COMPLETED:
        _set_progress(objective, progress=100, by=by, note="Completed")
    if transition.is_decision:
        objective.decided_by = by
        objective.decided_at = timezone.now()
    if transition.target == State.REJECTED:
        objective.rejection_reason = note
    _record(
        objective,
        field=ObjectiveChange.Field.STATE,
        old=objective.state,
        new=transition.target,
        by=by,
        note=note,
    )
    objective.state = transition.target
    objective.save()
    if transition.is_decision:
        event = outbox.CONFIRMED if transition.target == State.ACTIVE else outbox.REJECTED
        _tell(objective, event=event, recipient_id=objective.owner_id, by=by)
    return objective


def objective_confirm(*, objective: Objective, by: User, note: str = "") -> Objective:
    return objective_transition(objective=objective, by=by, name="confirm", note=note)


def objective_reject(*, objective: Objective, by: User, reason: str) -> Objective:
    return objective_transition(objective=objective, by=by, name="reject", note=reason)


def objective_complete(*, objective: Objective, by: User, note: str = "") -> Objective:
    return objective_transition(objective=objective, by=by, name="complete", note=note)


def objective_cancel(*, objective: Objective, by: User, note: str = "") -> Objective:
    return objective_transition(objective=objective, by=by, name="cancel", note=note)


def objective_reopen(*, objective: Objective, by: User, note: str = "") -> Objective:
    return objective_transition(objective=objective, by=by, name="reopen", note=note)


# --- Progress, score, due date, details ------------------------------------------------


@transaction.atomic
def objective_update_progress(
    *, objective: Objective, by: User, progress: int, note: str = ""
) -> Objective:
    objective = _locked(objective)
    _require(relations_of(viewer=by, objective=objective), CHANGERS, "update")
    if objective.state != State.ACTIVE:
        raise ServiceError(
            f"Progress is updated on active objectives; this one is "
            f"{objective.get_state_display().lower()}."
        )
    if not 0 <= progress <= 100:
        raise ServiceError("Progress is a percentage from 0 to 100.", field="progress")
    if objective.key_results.exists():
        raise ServiceError("Progress is worked out from the key results; update those instead.")
    if _set_progress(objective, progress=progress, by=by, note=note):
        objective.save()
    return objective


@transaction.atomic
def objective_set_score(
    *, objective: Objective, by: User, score: int | None, note: str = ""
) -> Objective:
    """The owner's manager scores the objective (1 to 5, see ``SCORE_SCALE``), or clears it."""
    objective = _locked(objective)
    _require(relations_of(viewer=by, objective=objective), frozenset({MANAGER}), "score")
    if objective.state not in (State.ACTIVE, State.COMPLETED):
        raise ServiceError("Only active or completed objectives are scored.")
    if score is not None and not 1 <= score <= 5:
        raise ServiceError("A score is from 1 to 5.", field="score")
    if score != objective.score:
        _record(
            objective,
            field=ObjectiveChange.Field.SCORE,
            old=objective.score,
            new=score,
            by=by,
            note=note,
        )
        objective.score = score
        objective.save()
    return objective


def _change_due_date(
    objective: Objective, *, by: User, due_date: dt.date | None, note: str = ""
) -> bool:
    if due_date == objective.due_date:
        return False
    _check_due_date(due_date)
    _record(
        objective,
        field=ObjectiveChange.Field.DUE_DATE,
        old=objective.due_date.isoformat() if objective.due_date else None,
        new=due_date.isoformat() if due_date else None,
        by=by,
        note=note,
    )
    objective.due_date = due_date
    return True


def _require_open_and_changer(objective: Objective, by: User) -> None:
    _require(relations_of(viewer=by, objective=objective), CHANGERS, "change")
    if objective.state not in OPEN_STATES:
        raise ServiceError(
            f"“{objective.title}” is {objective.get_state_display().lower()}; "
            "reopen it before changing it."
        )


@transaction.atomic
def objective_change_due_date(
    *, objective: Objective, by: User, due_date: dt.date | None, note: str = ""
) -> Objective:
    objective = _locked(objective)
    _require_open_and_changer(objective, by)
    if _change_due_date(objective, by=by, due_date=due_date, note=note):
        objective.save()
    return objective


@transaction.atomic
def objective_edit(
    *,
    objective: Objective,
    by: User,
    title: str,
    description: str,
    due_date: dt.date | None,
    parent: Objective | None,
) -> Objective:
    """Change what the objective says; a new due date is kept in the history."""
    objective = _locked(objective)
    _require_open_and_changer(objective, by)
    if parent is not None and parent.pk != objective.parent_id:
        _check_parent(level=objective.level, parent=parent, owner=objective.owner)
    objective.title = _check_text(title)
    objective.description = (description or "").strip()
    objective.parent = parent
    _change_due_date(objective, by=by, due_date=due_date)
    objective.save()
    return objective


# --- Comments -------------------------------------------------------------------------


@transaction.atomic
def objective_comment(*, objective: Objective, by: User, body: str) -> ObjectiveComment:
    """The owner and their manager talk about the objective."""
    _require(relations_of(viewer=by, objective=objective), CHANGERS, "comment on")
    body = (body or "").strip()
    if not body:
        raise ServiceError("Write something before posting the comment.", field="body")
    return ObjectiveComment.objects.create(objective=objective, author=by, body=body)


# --- Key results ----------------------------------------------------------------------


def _recompute_progress(objective: Objective, *, by: User, note: str) -> None:
    key_results = list(objective.key_results.all())
    if key_results:
        _set_progress(objective, progress=progress_from_key_results(key_results), by=by, note=note)
    objective.save()


def _format_amount(value: Decimal, unit: str) -> str:
    text = f"{value.normalize():f}"
    return f"{text} {unit}".strip() if unit != "%" else f"{text} %"


@transaction.atomic
def key_result_add(
    *,
    objective: Objective,
    by: User,
    title: str,
    target: Decimal,
    start: Decimal = Decimal(0),
    current: Decimal | None = None,
    unit: str = "",
) -> KeyResult:
    objective = _locked(objective)
    _require_open_and_changer(objective, by)
    title = (title or "").strip()
    if not title:
        raise ServiceError("Say what the key result measures.", field="title")
    if target == start:
        raise ServiceError("The target must differ from the starting value.", field="target")
    key_result = KeyResult.objects.create(
        objective=objective,
        title=title,
        start=start,
        target=target,
        current=start if current is None else current,
        unit=(unit or "").strip(),
    )
    _recompute_progress(objective, by=by, note=f"Key result added: {title}")
    return key_result


@transaction.atomic
def key_result_update(
    *, key_result: KeyResult, by: User, current: Decimal, note: str = ""
) -> KeyResult:
    """Record where a key result stands now; the objective's progress follows."""
    objective = _locked(key_result.objective)
    _require(relations_of(viewer=by, objective=objective), CHANGERS, "update")
    if objective.state != State.ACTIVE:
        raise ServiceError(
            f"Key results are updated on active objectives; this one is "
            f"{objective.get_state_display().lower()}."
        )
    key_result = KeyResult.objects.select_for_update().get(pk=key_result.pk)
    if current == key_result.current:
        return key_result
    summary = (
        f"{key_result.title}: {_format_amount(key_result.current, key_result.unit)} → "
        f"{_format_amount(current, key_result.unit)}"
    )
    key_result.current = current
    key_result.save(update_fields=["current"])
    _recompute_progress(objective, by=by, note=f"{summary}. {note}".strip() if note else summary)
    key_result.objective = objective
    return key_result


@transaction.atomic
def key_result_remove(*, key_result: KeyResult, by: User) -> None:
    objective = _locked(key_result.objective)
    _require_open_and_changer(objective, by)
    title = key_result.title
    KeyResult.objects.filter(pk=key_result.pk).delete()
    _recompute_progress(objective, by=by, note=f"Key result removed: {title}")


@transaction.atomic
def objectives_remove_words_of(*, person: User) -> int:
    """Remove what ``person`` wrote in the conversation about objectives, and the
    description of their own objectives, for anonymising a leaver
    (``privacy.services``): their comments go, the notes they wrote with a change and
    the reasons they gave for rejecting a proposal are emptied. The facts stay (title,
    state, progress, score, dates and the history of those), as HR sees them, so goals
    that their objectives contributed to still add up. Returns how many rows changed."""
    comments, _ = ObjectiveComment.objects.filter(author=person).delete()
    notes = ObjectiveChange.objects.filter(by=person).exclude(note="").update(note="")
    reasons = (
        Objective.objects.filter(decided_by=person)
        .exclude(rejection_reason="")
        .update(rejection_reason="")
    )
    descriptions = (
        Objective.objects.filter(owner=person, level=Level.INDIVIDUAL)
        .exclude(description="")
        .update(description="")
    )
    return comments + notes + reasons + descriptions
