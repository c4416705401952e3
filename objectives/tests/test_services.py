import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from objectives import services
from objectives.models import Level, Objective, ObjectiveChange, State
from objectives.tests.factories import GoalFactory, KeyResultFactory, ObjectiveFactory
from oneonones.errors import NotFound, ServiceError
from people.tests.factories import TeamFactory


def fields_changed(objective) -> list[tuple[str, str, str]]:
    return list(
        ObjectiveChange.objects.filter(objective=objective)
        .order_by("at", "pk")
        .values_list("field", "from_value", "to_value")
    )


@pytest.fixture
def proposal(employee):
    return services.objective_propose(
        owner=employee, by=employee, title="Learn SQL", due_date=dt.date(2030, 1, 31)
    )


# --- Creating -------------------------------------------------------------------------


def test_it_lets_an_employee_propose_their_own_objective(employee):
    objective = services.objective_propose(owner=employee, by=employee, title="  Learn SQL ")
    assert objective.state == State.PROPOSED
    assert objective.title == "Learn SQL"
    assert objective.created_by == employee
    assert objective.decided_by is None
    assert fields_changed(objective) == [("state", "", "proposed")]


def test_it_refuses_a_proposal_on_someone_elses_behalf(employee, manager):
    with pytest.raises(ServiceError):
        services.objective_propose(owner=employee, by=manager, title="Yours")
    assert not Objective.objects.exists()


def test_it_refuses_an_objective_without_a_title(employee):
    with pytest.raises(ServiceError, match="title"):
        services.objective_propose(owner=employee, by=employee, title="   ")
    assert not Objective.objects.exists()


def test_it_lets_a_manager_set_an_objective_for_a_report_directly(employee, manager):
    objective = services.objective_set_for_report(owner=employee, by=manager, title="Ship it")
    assert objective.state == State.ACTIVE
    assert objective.decided_by == manager
    assert objective.decided_at is not None
    assert fields_changed(objective) == [("state", "", "active")]


@pytest.mark.parametrize("who", ["employee", "grand_manager", "hr", "other_manager"])
def test_only_the_direct_manager_sets_objectives_for_a_report(request, employee, who):
    request.getfixturevalue("grand_manager")
    with pytest.raises(ServiceError):
        services.objective_set_for_report(
            owner=employee, by=request.getfixturevalue(who), title="Nope"
        )


def test_a_team_goal_belongs_to_the_managers_team(manager, employee, team):
    goal = services.objective_create_goal(by=manager, level=Level.TEAM, title="Faster builds")
    assert (goal.level, goal.team, goal.owner, goal.state) == (
        Level.TEAM,
        team,
        manager,
        State.ACTIVE,
    )


def test_someone_without_reports_cannot_set_a_team_goal(employee):
    with pytest.raises(ServiceError):
        services.objective_create_goal(by=employee, level=Level.TEAM, title="Mine")


def test_only_the_top_of_the_organisation_sets_company_goals(manager, employee, grand_manager):
    with pytest.raises(ServiceError):
        services.objective_create_goal(by=manager, level=Level.COMPANY, title="Grow")
    goal = services.objective_create_goal(by=grand_manager, level=Level.COMPANY, title="Grow")
    assert goal.team is None and goal.level == Level.COMPANY


def test_an_objective_cascades_only_from_an_open_goal_above_it(manager, employee):
    goal = services.objective_create_goal(by=manager, level=Level.TEAM, title="Faster builds")
    child = services.objective_propose(
        owner=employee, by=employee, title="Cache the deps", parent=goal
    )
    assert child.parent == goal
    with pytest.raises(ServiceError, match="above"):
        services.objective_propose(owner=employee, by=employee, title="x", parent=child)
    services.objective_cancel(objective=goal, by=manager)
    goal.refresh_from_db()
    with pytest.raises(ServiceError, match="cancelled"):
        services.objective_propose(owner=employee, by=employee, title="y", parent=goal)


def test_a_team_goal_cannot_hang_under_another_team_goal(manager, employee):
    goal = services.objective_create_goal(by=manager, level=Level.TEAM, title="A")
    with pytest.raises(ServiceError, match="above"):
        services.objective_create_goal(by=manager, level=Level.TEAM, title="B", parent=goal)


def test_an_objective_cannot_contribute_to_a_goal_its_owner_cannot_see(employee, other_manager):
    other_manager.team = TeamFactory(name="Sales")
    other_manager.save()
    elsewhere = GoalFactory(owner=other_manager)
    with pytest.raises(ServiceError, match="cannot see"):
        services.objective_propose(owner=employee, by=employee, title="x", parent=elsewhere)


# --- Transitions ----------------------------------------------------------------------


def test_the_manager_confirms_a_proposal(proposal, manager):
    objective = services.objective_confirm(objective=proposal, by=manager, note="Good idea")
    assert objective.state == State.ACTIVE
    assert objective.decided_by == manager
    assert fields_changed(objective)[-1] == ("state", "proposed", "active")
    assert ObjectiveChange.objects.filter(objective=objective).last().note == "Good idea"


def test_someone_without_a_manager_has_nobody_to_agree_with(hr):
    objective = services.objective_propose(owner=hr, by=hr, title="Mine")
    assert objective.state == State.ACTIVE
    assert (objective.decided_by, objective.created_by) == (hr, hr)


def test_nobody_confirms_their_own_proposal(employee):
    proposal = services.objective_propose(owner=employee, by=employee, title="Mine")
    with pytest.raises(NotFound):
        services.objective_confirm(objective=proposal, by=employee)


@pytest.mark.parametrize("who", ["employee", "grand_manager", "other_manager", "hr", "outsider"])
def test_only_the_manager_decides_a_proposal(request, proposal, who):
    """Not HR either: deciding is reading the proposal and writing why, which is the
    conversation between the owner and their line."""
    request.getfixturevalue("grand_manager")
    by = request.getfixturevalue(who)
    with pytest.raises(NotFound):
        services.objective_confirm(objective=proposal, by=by)
    with pytest.raises(NotFound):
        services.objective_reject(objective=proposal, by=by, reason="No")
    proposal.refresh_from_db()
    assert proposal.state == State.PROPOSED


def test_rejecting_needs_a_reason_and_keeps_it(proposal, manager):
    with pytest.raises(ServiceError, match="why"):
        services.objective_reject(objective=proposal, by=manager, reason="  ")
    proposal.refresh_from_db()
    assert proposal.state == State.PROPOSED
    objective = services.objective_reject(
        objective=proposal, by=manager, reason="Let us talk about it at the 1:1 first."
    )
    assert objective.state == State.REJECTED
    assert objective.rejection_reason == "Let us talk about it at the 1:1 first."
    assert objective.decided_by == manager
    assert fields_changed(objective)[-1] == ("state", "proposed", "rejected")


def test_a_rejected_objective_cannot_be_completed_confirmed_or_reopened(proposal, manager):
    services.objective_reject(objective=proposal, by=manager, reason="No")
    for name in ("complete", "confirm", "reopen", "cancel"):
        with pytest.raises(ServiceError, match="rejected"):
            services.objective_transition(objective=proposal, by=manager, name=name)
    proposal.refresh_from_db()
    assert proposal.state == State.REJECTED


def test_a_proposal_cannot_be_completed_before_it_is_agreed(proposal, employee):
    with pytest.raises(ServiceError, match="proposed"):
        services.objective_complete(objective=proposal, by=employee)


@pytest.mark.parametrize("who", ["employee", "manager"])
def test_completing_sets_progress_to_100(request, employee, manager, who):
    objective = ObjectiveFactory(owner=employee, progress=40)
    done = services.objective_complete(objective=objective, by=request.getfixturevalue(who))
    assert done.state == State.COMPLETED
    assert done.progress == 100
    assert fields_changed(objective) == [
        ("progress", "40", "100"),
        ("state", "active", "completed"),
    ]


@pytest.mark.parametrize("who", ["grand_manager", "hr", "outsider"])
def test_viewers_who_only_see_cannot_complete(request, employee, who):
    request.getfixturevalue("grand_manager")
    objective = ObjectiveFactory(owner=employee)
    with pytest.raises(NotFound):
        services.objective_complete(objective=objective, by=request.getfixturevalue(who))


def test_the_owner_withdraws_a_proposal_by_cancelling_it(proposal, employee):
    objective = services.objective_cancel(objective=proposal, by=employee, note="Not needed")
    assert objective.state == State.CANCELLED
    assert fields_changed(objective)[-1] == ("state", "proposed", "cancelled")


def test_a_cancelled_objective_stays_cancelled(employee, manager):
    objective = ObjectiveFactory(owner=employee, state=State.CANCELLED)
    for name in ("complete", "reopen", "confirm"):
        with pytest.raises(ServiceError):
            services.objective_transition(objective=objective, by=manager, name=name)


def test_a_completed_objective_can_be_reopened_and_keeps_its_progress(employee, manager):
    objective = ObjectiveFactory(owner=employee, progress=30)
    services.objective_complete(objective=objective, by=employee)
    reopened = services.objective_reopen(objective=objective, by=manager, note="One more bit")
    assert reopened.state == State.ACTIVE
    assert reopened.progress == 100
    assert fields_changed(objective)[-1] == ("state", "completed", "active")


def test_an_unknown_transition_changes_nothing(employee):
    objective = ObjectiveFactory(owner=employee)
    with pytest.raises(ServiceError):
        services.objective_transition(objective=objective, by=employee, name="delete")


def test_transitions_available_follow_the_table(proposal, employee, manager, hr):
    def names(who):
        return [t.name for t in services.transitions_available(objective=proposal, viewer=who)]

    assert names(employee) == ["cancel"]
    assert names(manager) == ["confirm", "reject", "cancel"]
    assert names(hr) == []


def test_a_team_goal_is_changed_by_its_owner_and_the_owners_manager(
    manager, grand_manager, employee
):
    goal = services.objective_create_goal(by=manager, level=Level.TEAM, title="Faster builds")
    services.objective_update_progress(objective=goal, by=grand_manager, progress=20)
    with pytest.raises(NotFound):
        services.objective_update_progress(objective=goal, by=employee, progress=30)
    services.objective_complete(objective=goal, by=manager)


# --- Progress, score, due date --------------------------------------------------------


def test_progress_updates_are_kept_in_the_history(employee, manager):
    objective = ObjectiveFactory(owner=employee)
    services.objective_update_progress(objective=objective, by=employee, progress=25, note="Day 1")
    services.objective_update_progress(objective=objective, by=manager, progress=60)
    services.objective_update_progress(objective=objective, by=manager, progress=60)  # no change
    objective.refresh_from_db()
    assert objective.progress == 60
    changes = list(objective.changes.order_by("pk"))
    assert [(c.from_value, c.to_value, c.by, c.note) for c in changes] == [
        ("0", "25", employee, "Day 1"),
        ("25", "60", manager, ""),
    ]
    assert objective.last_update_at == changes[-1].at


@pytest.mark.parametrize("value", [-1, 101])
def test_progress_outside_0_to_100_is_refused(employee, value):
    objective = ObjectiveFactory(owner=employee, progress=10)
    with pytest.raises(ServiceError, match="0 to 100"):
        services.objective_update_progress(objective=objective, by=employee, progress=value)
    objective.refresh_from_db()
    assert objective.progress == 10


def test_progress_is_only_updated_on_active_objectives(proposal, employee):
    with pytest.raises(ServiceError, match="active"):
        services.objective_update_progress(objective=proposal, by=employee, progress=5)


def test_the_manager_scores_with_the_scale_and_it_is_kept(employee, manager):
    objective = ObjectiveFactory(owner=employee)
    services.objective_complete(objective=objective, by=employee)
    services.objective_set_score(objective=objective, by=manager, score=4, note="Well done")
    services.objective_set_score(objective=objective, by=manager, score=5)
    objective.refresh_from_db()
    assert objective.score == 5
    assert objective.score_label == "Went above and beyond"
    assert fields_changed(objective)[-2:] == [("score", "", "4"), ("score", "4", "5")]


def test_the_owner_does_not_score_their_own_objective(employee):
    objective = ObjectiveFactory(owner=employee)
    with pytest.raises(NotFound):
        services.objective_set_score(objective=objective, by=employee, score=5)


@pytest.mark.parametrize("score", [0, 6])
def test_a_score_outside_the_scale_is_refused(employee, manager, score):
    objective = ObjectiveFactory(owner=employee)
    with pytest.raises(ServiceError, match="1 to 5"):
        services.objective_set_score(objective=objective, by=manager, score=score)


def test_a_proposal_is_not_scored(proposal, manager):
    with pytest.raises(ServiceError, match="scored"):
        services.objective_set_score(objective=proposal, by=manager, score=3)


def test_due_date_changes_are_kept_in_the_history(employee, manager):
    objective = ObjectiveFactory(owner=employee, due_date=dt.date(2030, 3, 31))
    services.objective_change_due_date(
        objective=objective, by=manager, due_date=dt.date(2030, 6, 30), note="Scope grew"
    )
    services.objective_edit(
        objective=objective,
        by=employee,
        title="Renamed",
        description="",
        due_date=None,
        parent=None,
    )
    objective.refresh_from_db()
    assert objective.title == "Renamed"
    assert objective.due_date is None
    assert fields_changed(objective) == [
        ("due_date", "2030-03-31", "2030-06-30"),
        ("due_date", "2030-06-30", ""),
    ]


def test_a_closed_objective_is_not_edited(employee):
    objective = ObjectiveFactory(owner=employee, state=State.COMPLETED)
    with pytest.raises(ServiceError, match="reopen"):
        services.objective_change_due_date(
            objective=objective, by=employee, due_date=dt.date(2030, 1, 1)
        )


# --- Comments -------------------------------------------------------------------------


def test_both_people_comment_and_others_cannot(request, employee, manager, hr, grand_manager):
    objective = ObjectiveFactory(owner=employee)
    services.objective_comment(objective=objective, by=employee, body="Started")
    services.objective_comment(objective=objective, by=manager, body="Great")
    for other in (hr, grand_manager):
        with pytest.raises(NotFound):
            services.objective_comment(objective=objective, by=other, body="Hi")
    with pytest.raises(ServiceError, match="Write"):
        services.objective_comment(objective=objective, by=employee, body=" ")
    assert list(objective.comments.values_list("author__full_name", "body")) == [
        ("Emma Employee", "Started"),
        ("Morgan Manager", "Great"),
    ]


# --- Key results ----------------------------------------------------------------------


def test_key_results_drive_progress_and_each_change_is_in_the_history(employee, manager):
    objective = ObjectiveFactory(owner=employee)
    customers = services.key_result_add(
        objective=objective, by=manager, title="Customers", target=Decimal(10), unit="customers"
    )
    hours = services.key_result_add(
        objective=objective,
        by=manager,
        title="Response time",
        start=Decimal(10),
        target=Decimal(2),
        unit="hours",
    )
    services.key_result_update(key_result=customers, by=employee, current=Decimal(5))
    objective.refresh_from_db()
    assert objective.progress == 25  # (50 % + 0 %) / 2
    services.key_result_update(key_result=hours, by=employee, current=Decimal(4), note="Cache")
    objective.refresh_from_db()
    assert objective.progress == 63  # (50 % + 75 %) / 2, rounded
    last = objective.changes.order_by("pk").last()
    assert (last.field, last.from_value, last.to_value) == ("progress", "25", "63")
    assert last.note == "Response time: 10 hours → 4 hours. Cache"
    with pytest.raises(ServiceError, match="key results"):
        services.objective_update_progress(objective=objective, by=employee, progress=90)


def test_removing_the_last_key_result_keeps_progress(employee):
    objective = ObjectiveFactory(owner=employee)
    key_result = services.key_result_add(
        objective=objective, by=employee, title="Talks", target=Decimal(4)
    )
    services.key_result_update(key_result=key_result, by=employee, current=Decimal(2))
    services.key_result_remove(key_result=key_result, by=employee)
    objective.refresh_from_db()
    assert objective.progress == 50
    assert not objective.key_results.exists()


def test_a_key_result_needs_a_target_other_than_its_start(employee):
    objective = ObjectiveFactory(owner=employee)
    with pytest.raises(ServiceError, match="differ"):
        services.key_result_add(
            objective=objective, by=employee, title="x", start=Decimal(3), target=Decimal(3)
        )


def test_key_results_are_not_updated_by_viewers(employee, hr):
    key_result = KeyResultFactory(objective=ObjectiveFactory(owner=employee))
    with pytest.raises(NotFound):
        services.key_result_update(key_result=key_result, by=hr, current=Decimal(3))


def test_stale_and_overdue_follow_the_last_update_and_due_date(employee):
    objective = ObjectiveFactory(
        owner=employee,
        due_date=timezone.localdate() - dt.timedelta(days=1),
        last_update_at=timezone.now() - dt.timedelta(days=31),
    )
    assert objective.is_overdue and objective.is_stale
    services.objective_update_progress(objective=objective, by=employee, progress=10)
    objective.refresh_from_db()
    assert not objective.is_stale
    assert objective.is_overdue


@pytest.mark.parametrize("due_date", [dt.date.max, dt.date.min, dt.date(1999, 12, 31)])
def test_due_dates_are_kept_within_bounds(employee, manager, due_date):
    with pytest.raises(ServiceError, match="Pick a due date from 1 January 2000 to "):
        services.objective_propose(owner=employee, by=employee, title="X", due_date=due_date)
    objective = ObjectiveFactory(owner=employee, due_date=dt.date(2030, 3, 31))
    with pytest.raises(ServiceError, match="Pick a due date"):
        services.objective_change_due_date(objective=objective, by=manager, due_date=due_date)
    objective.refresh_from_db()
    assert objective.due_date == dt.date(2030, 3, 31)


# --- Rules the forms also check: the service holds them itself -------------------------


def test_a_company_goal_contributes_to_no_other_goal(grand_manager, employee):
    top = services.objective_create_goal(by=grand_manager, level=Level.COMPANY, title="Grow")
    with pytest.raises(ServiceError, match="does not contribute to another goal") as refused:
        services.objective_create_goal(
            by=grand_manager, level=Level.COMPANY, title="Grow more", parent=top
        )
    assert refused.value.field == "parent"
    assert Objective.objects.count() == 1


def test_it_sets_no_objective_for_a_report_who_has_left(employee, manager):
    employee.is_active = False
    employee.save()
    with pytest.raises(ServiceError, match="does not report to you"):
        services.objective_set_for_report(owner=employee, by=manager, title="Too late")
    assert not Objective.objects.exists()


def test_a_title_longer_than_the_database_holds_is_refused_in_words(employee):
    with pytest.raises(ServiceError, match="200 characters or fewer"):
        services.objective_propose(owner=employee, by=employee, title="x" * 201)
    assert not Objective.objects.exists()


def test_changing_someone_elses_objective_is_not_found_not_a_message(employee, other_manager):
    objective = ObjectiveFactory(owner=employee, state=State.ACTIVE)
    with pytest.raises(NotFound):
        services.objective_update_progress(objective=objective, by=other_manager, progress=50)
