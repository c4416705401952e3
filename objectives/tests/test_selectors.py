import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404

from objectives import selectors, services
from objectives.models import Level, Objective, ObjectiveChange, State
from objectives.selectors import Quarter
from objectives.tests.factories import GoalFactory, KeyResultFactory, ObjectiveFactory
from oneonones.db import read_together
from people.tests.factories import TeamFactory, UserFactory

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("employee", True),
        ("manager", True),
        ("grand_manager", True),
        ("hr", True),
        ("other_manager", False),
        ("outsider", False),
    ],
)
def test_an_individual_objective_is_seen_by_the_line_and_hr(request, employee, viewer, visible):
    request.getfixturevalue("grand_manager")
    objective = ObjectiveFactory(owner=employee)
    user = request.getfixturevalue(viewer)
    assert (objective in selectors.objectives_visible_to(viewer=user)) is visible
    if not visible:
        with pytest.raises(Http404):
            selectors.get_objective_for_user_or_404(viewer=user, pk=objective.pk)


@pytest.mark.parametrize(
    ("viewer", "writable"),
    [("employee", True), ("manager", True), ("grand_manager", False), ("hr", False)],
)
def test_only_owner_and_manager_get_an_objective_for_writing(request, employee, viewer, writable):
    request.getfixturevalue("grand_manager")
    objective = ObjectiveFactory(owner=employee)
    user = request.getfixturevalue(viewer)
    if writable:
        assert selectors.get_objective_to_change_or_404(viewer=user, pk=objective.pk)
    else:
        with pytest.raises(Http404):
            selectors.get_objective_to_change_or_404(viewer=user, pk=objective.pk)


def test_a_team_goal_is_seen_by_its_team_and_a_company_goal_by_everyone(
    manager, employee, outsider, hr
):
    team_goal = GoalFactory(owner=manager)
    company_goal = ObjectiveFactory(owner=manager, level=Level.COMPANY)
    teammate = UserFactory(team=employee.team)  # same team, other manager
    for user in (manager, employee, teammate, hr):
        assert team_goal in selectors.objectives_visible_to(viewer=user)
    assert team_goal not in selectors.objectives_visible_to(viewer=outsider)
    assert company_goal in selectors.objectives_visible_to(viewer=outsider)


def test_my_objectives_are_mine_open_first(employee, manager):
    done = ObjectiveFactory(owner=employee, state=State.COMPLETED, due_date=dt.date(2020, 1, 1))
    later = ObjectiveFactory(owner=employee, due_date=dt.date(2031, 1, 1))
    sooner = ObjectiveFactory(owner=employee, due_date=dt.date(2030, 1, 1))
    ObjectiveFactory(owner=manager)
    GoalFactory(owner=manager)
    assert list(selectors.my_objectives(viewer=employee)) == [sooner, later, done]


def test_team_objectives_are_the_direct_reports_open_ones(manager, employee, grand_manager):
    open_one = ObjectiveFactory(owner=employee)
    proposed = ObjectiveFactory(owner=employee, state=State.PROPOSED)
    ObjectiveFactory(owner=employee, state=State.CANCELLED)
    managers_own = ObjectiveFactory(owner=manager)
    assert set(selectors.team_objectives_for(manager=manager)) == {open_one, proposed}
    assert list(selectors.team_objectives_for(manager=manager, state="proposed")) == [proposed]
    assert selectors.team_objectives_for(manager=manager, state="all").count() == 3
    # One level only: the manager's manager sees the manager's objectives here.
    assert list(selectors.team_objectives_for(manager=grand_manager)) == [managers_own]


def test_proposals_awaiting_are_the_reports_of_a_manager_and_none_for_hr(
    manager, employee, hr, other_manager
):
    mine = services.objective_propose(owner=employee, by=employee, title="A")
    rita = other_manager.reports.get()
    theirs = services.objective_propose(owner=rita, by=rita, title="B")
    assert list(selectors.proposals_awaiting(viewer=manager)) == [mine]
    assert list(selectors.proposals_awaiting(viewer=other_manager)) == [theirs]
    assert list(selectors.proposals_awaiting(viewer=hr)) == []


def test_active_objectives_for_a_person_respect_the_viewer(employee, manager, outsider):
    active = ObjectiveFactory(owner=employee)
    ObjectiveFactory(owner=employee, state=State.PROPOSED)
    assert list(selectors.active_objectives_for(owner=employee, viewer=manager)) == [active]
    assert list(selectors.active_objectives_for(owner=employee, viewer=outsider)) == []


def test_the_cascade_shows_what_contributes_as_the_viewer_may_see(
    manager, employee, grand_manager, other_manager, django_assert_num_queries
):
    company = ObjectiveFactory(owner=grand_manager, level=Level.COMPANY, title="Grow")
    team_goal = GoalFactory(owner=manager, parent=company, title="Ship faster")
    emma = ObjectiveFactory(owner=employee, parent=team_goal, title="Cache builds")
    rita = other_manager.reports.get()
    rita.team = employee.team
    rita.save()
    ritas = ObjectiveFactory(owner=rita, parent=team_goal, title="Fix flaky tests")
    ObjectiveFactory(owner=employee, parent=team_goal, state=State.REJECTED)
    ObjectiveFactory(owner=employee, title="Unrelated")

    with django_assert_num_queries(1):
        tree = selectors.cascade_for(goal=company, viewer=manager)
    assert [node.objective for node in tree.children] == [team_goal]
    assert [node.objective for node in tree.children[0].children] == [emma]

    hr = UserFactory(is_hr=True)
    tree = selectors.cascade_for(goal=team_goal, viewer=hr)
    assert {node.objective for node in tree.children} == {emma, ritas}


def test_parent_choices_are_open_goals_above(manager, employee, grand_manager):
    company = ObjectiveFactory(owner=grand_manager, level=Level.COMPANY)
    team_goal = GoalFactory(owner=manager)
    GoalFactory(owner=manager, state=State.COMPLETED)
    assert set(selectors.parent_choices_for(viewer=employee, level=Level.INDIVIDUAL)) == {
        company,
        team_goal,
    }
    assert list(selectors.parent_choices_for(viewer=manager, level=Level.TEAM)) == [company]


# --- Quarters ------------------------------------------------------------------------


def test_quarters_parse_step_and_bound():
    q = Quarter.parse("2025-q4", default=Quarter(2000, 1))
    assert q == Quarter(2025, 4)
    assert (q.first_day, q.last_day) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert q.next == Quarter(2026, 1) and q.previous == Quarter(2025, 3)
    assert Quarter(2026, 1).previous == Quarter(2025, 4)
    assert Quarter.parse("rubbish", default=q) == q
    assert Quarter.containing(dt.date(2025, 5, 20)) == Quarter(2025, 2)
    start, end = Quarter(2025, 2).bounds(LONDON)
    assert start == dt.datetime(2025, 4, 1, tzinfo=LONDON)
    assert end.utcoffset() == dt.timedelta(hours=1)  # British Summer Time


def _progress(objective, by, value, at):
    services.objective_update_progress(objective=objective, by=by, progress=value)
    ObjectiveChange.objects.filter(objective=objective, to_value=str(value)).update(at=at)


def test_the_quarterly_review_takes_progress_at_start_and_end_from_history(
    employee, django_assert_max_num_queries
):
    at = lambda *args: dt.datetime(*args, tzinfo=LONDON)  # noqa: E731
    old = ObjectiveFactory(owner=employee, title="Old", created_at=at(2025, 1, 10))
    _progress(old, employee, 20, at(2025, 2, 1))
    _progress(old, employee, 50, at(2025, 5, 1))
    _progress(old, employee, 80, at(2025, 7, 15))  # after Q2

    new = ObjectiveFactory(owner=employee, title="New", created_at=at(2025, 4, 20))
    _progress(new, employee, 30, at(2025, 6, 1))

    due_only = ObjectiveFactory(
        owner=employee, title="Due", created_at=at(2024, 1, 1), due_date=dt.date(2025, 6, 30)
    )
    ObjectiveFactory(owner=employee, title="Elsewhere", created_at=at(2024, 1, 1))
    ObjectiveFactory(
        owner=employee,
        title="Rejected",
        state=State.REJECTED,
        rejection_reason="No",
        due_date=dt.date(2025, 5, 1),
    )
    rejected_only_in_q3 = ObjectiveFactory(owner=employee, created_at=at(2025, 7, 2))
    _progress(rejected_only_in_q3, employee, 10, at(2025, 7, 3))

    with django_assert_max_num_queries(2):
        rows = selectors.quarter_review_for(person=employee, quarter=Quarter(2025, 2))
    figures = {
        row.objective.title: (row.progress_at_start, row.progress_at_end, row.changes_in_quarter)
        for row in rows
    }
    assert figures == {
        "Old": (20, 50, 1),
        "New": (None, 30, 1),
        "Due": (0, 0, 0),
    }
    assert [row.progress_gained for row in rows if row.objective == due_only] == [0]


def test_the_review_of_the_current_quarter_ends_now(employee):
    objective = ObjectiveFactory(owner=employee)
    services.objective_update_progress(objective=objective, by=employee, progress=45)
    quarter = Quarter.containing(objective.created_at.astimezone(LONDON).date())
    [row] = selectors.quarter_review_for(person=employee, quarter=quarter)
    assert row.progress_at_end == 45


def test_teammates_from_another_team_do_not_see_the_team_goal(manager):
    goal = GoalFactory(owner=manager)
    stranger = UserFactory(team=TeamFactory(name="Elsewhere"))
    assert goal not in selectors.objectives_visible_to(viewer=stranger)


def test_active_objectives_read_is_active_objectives_for(
    employee, manager, grand_manager, other_manager, hr, outsider
):
    """What the meeting page reads in its one statement is the selector's answer for
    every role: the same objectives in the same order, the same columns, the same key
    results, and the owner's line loaded for ``changeable_by``."""
    team_goal = GoalFactory(level=Level.TEAM, team=employee.team, owner=manager)
    later = ObjectiveFactory(owner=employee, due_date=dt.date(2031, 5, 1), parent=team_goal)
    sooner = ObjectiveFactory(owner=employee, due_date=dt.date(2031, 2, 1))
    ObjectiveFactory(owner=employee, due_date=None)
    ObjectiveFactory(owner=employee, state=State.PROPOSED)
    ObjectiveFactory(owner=manager)
    KeyResultFactory(objective=later, start=Decimal("1.50"), target=10, current=Decimal("2.25"))
    KeyResultFactory(objective=later, unit="%")
    KeyResultFactory(objective=sooner)
    for viewer in (employee, manager, grand_manager, other_manager, hr, outsider):
        expected = list(selectors.active_objectives_for(owner=employee, viewer=viewer))
        read = read_together(
            {"read": selectors.active_objectives_read(owner=employee, viewer=viewer)}
        )["read"]
        assert read == expected, viewer
        for mine, theirs in zip(read, expected, strict=True):
            for field in Objective._meta.concrete_fields:
                assert getattr(mine, field.attname) == getattr(theirs, field.attname)
            assert mine.owner == theirs.owner
            assert mine.owner.manager == theirs.owner.manager
            mine_results = list(mine.key_results.all())
            assert mine_results == list(theirs.key_results.all())
            assert [(kr.start, kr.target, kr.current, kr.unit) for kr in mine_results] == [
                (kr.start, kr.target, kr.current, kr.unit) for kr in theirs.key_results.all()
            ]
            assert selectors.can_change(viewer=viewer, objective=mine) == selectors.can_change(
                viewer=viewer, objective=theirs
            )
