"""Opening someone's objectives is recorded for them, unless one is them or their line."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import Level
from objectives.tests.factories import GoalFactory, ObjectiveFactory
from people.models import RecordAccess
from people.tests.factories import UserFactory


def looks() -> list[tuple[str, str, str]]:
    return [
        (r.viewer.full_name, r.person.full_name, r.kind)
        for r in RecordAccess.objects.select_related("viewer", "person").order_by("pk")
    ]


@pytest.fixture
def objective(employee):
    return ObjectiveFactory(owner=employee, title="Learn SQL")


# Who opens Emma's objective and her quarterly review: the answer, and whether it is
# recorded for her.
ROLES = [
    ("employee", 200, False),
    ("manager", 200, False),
    ("grand_manager", 200, False),
    ("hr", 200, True),
    ("other_manager", 404, False),
    ("admin_user", 404, False),
    ("outsider", 404, False),
]


@pytest.mark.parametrize(("who", "status", "recorded"), ROLES)
def test_the_objective_page_per_role(client, request, objective, who, status, recorded):
    request.getfixturevalue("grand_manager")
    viewer = request.getfixturevalue(who)
    client.force_login(viewer)
    assert client.get(reverse("objectives:detail", args=[objective.pk])).status_code == status
    assert looks() == ([(viewer.full_name, "Emma Employee", "objective")] if recorded else [])


@pytest.mark.parametrize(("who", "status", "recorded"), ROLES)
def test_the_quarterly_review_per_role(client, request, employee, objective, who, status, recorded):
    request.getfixturevalue("grand_manager")
    viewer = request.getfixturevalue(who)
    client.force_login(viewer)
    assert client.get(reverse("objectives:review", args=[employee.pk])).status_code == status
    expected = [(viewer.full_name, "Emma Employee", "objectives_review")]
    assert looks() == (expected if recorded else [])


def test_anonymous_visitors_record_nothing(client, employee, objective):
    assert client.get(reverse("objectives:detail", args=[objective.pk])).status_code == 302
    assert client.get(reverse("objectives:review", args=[employee.pk])).status_code == 302
    assert looks() == []


def test_a_goal_is_nobodys_personal_record(client, hr, manager):
    goal = GoalFactory(owner=manager)
    company = ObjectiveFactory(owner=manager, level=Level.COMPANY)
    client.force_login(hr)
    for pk in (goal.pk, company.pk):
        assert client.get(reverse("objectives:detail", args=[pk])).status_code == 200
    assert looks() == []


def test_hr_opening_a_cascade_is_recorded_for_each_person_in_it(
    client, hr, manager, employee, django_assert_max_num_queries
):
    company = ObjectiveFactory(owner=manager, level=Level.COMPANY, title="Grow")
    team_goal = GoalFactory(owner=manager, parent=company)
    ObjectiveFactory(owner=employee, parent=team_goal)
    others = [UserFactory(manager=manager) for _ in range(12)]
    for person in others:
        ObjectiveFactory(owner=person, parent=company)
    client.force_login(hr)
    # The cascade's two queries and one INSERT for all thirteen people.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("objectives:cascade", args=[company.pk]))
    assert response.status_code == 200
    recorded = RecordAccess.objects.filter(viewer=hr, kind="objectives_cascade")
    assert set(recorded.values_list("person_id", flat=True)) == {
        employee.pk,
        *(p.pk for p in others),
    }
    # The team goal's owner (the manager) is not recorded: a goal is the team's.
    assert not recorded.filter(person=manager).exists()


def test_the_line_opening_a_cascade_is_not_recorded(client, grand_manager, manager, employee):
    goal = GoalFactory(owner=manager)
    ObjectiveFactory(owner=employee, parent=goal)
    client.force_login(grand_manager)
    assert client.get(reverse("objectives:cascade", args=[goal.pk])).status_code == 200
    assert looks() == []


def test_the_admin_site_records_the_list_and_the_page(
    client, admin_user, employee, manager, objective, django_assert_max_num_queries
):
    GoalFactory(owner=manager)
    for _ in range(30):
        ObjectiveFactory(owner=UserFactory(manager=manager))
    client.force_login(admin_user)
    changelist = reverse("admin:objectives_objective_changelist")
    with django_assert_max_num_queries(12):
        assert client.get(changelist).status_code == 200
    listed = RecordAccess.objects.filter(viewer=admin_user, kind="admin_objectives")
    assert listed.count() == 31  # every person with an individual objective on the page
    assert not listed.filter(person=manager).exists()  # only a team goal of theirs
    client.get(reverse("admin:objectives_objective_change", args=[objective.pk]))
    assert listed.filter(person=employee).count() == 1  # the same hour, the same kind


def test_an_administrator_in_the_line_is_not_recorded(client, manager, objective):
    manager.is_staff = manager.is_superuser = True
    manager.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(manager)
    client.get(reverse("admin:objectives_objective_changelist"))
    client.get(reverse("admin:objectives_objective_change", args=[objective.pk]))
    assert looks() == []


@pytest.mark.parametrize("who", ["employee", "manager", "grand_manager"])
def test_the_line_costs_no_query(client, request, employee, objective, who):
    request.getfixturevalue("grand_manager")
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("objectives:detail", args=[objective.pk]),
        reverse("objectives:review", args=[employee.pk]),
        reverse("people:person", args=[employee.pk]),
    ):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert not [q for q in captured if "people_recordaccess" in q["sql"]], url
