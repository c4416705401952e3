from django.urls import reverse

from objectives.models import State
from objectives.tests.factories import (
    CommentFactory,
    GoalFactory,
    KeyResultFactory,
    ObjectiveFactory,
)


def test_the_admin_lists_and_opens_objectives(client, admin_user, employee, manager):
    objective = ObjectiveFactory(owner=employee, title="Learn SQL")
    KeyResultFactory(objective=objective)
    CommentFactory(objective=objective, body="Going well")
    GoalFactory(owner=manager, title="Team thing")
    client.force_login(admin_user)
    page = client.get(reverse("admin:objectives_objective_changelist")).content.decode()
    assert "Learn SQL" in page and "Team thing" in page
    response = client.get(reverse("admin:objectives_objective_change", args=[objective.pk]))
    assert response.status_code == 200
    assert "Learn SQL" in response.content.decode()


def test_the_admin_does_not_change_tracked_fields_or_add_objectives(client, admin_user, employee):
    objective = ObjectiveFactory(owner=employee, title="Learn SQL", progress=10)
    client.force_login(admin_user)
    assert client.get(reverse("admin:objectives_objective_add")).status_code == 403
    url = reverse("admin:objectives_objective_change", args=[objective.pk])
    response = client.post(
        url,
        {
            "owner": employee.pk,
            "title": "Learn SQL properly",
            "state": State.COMPLETED,
            "progress": 100,
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    objective.refresh_from_db()
    assert objective.title == "Learn SQL properly"
    assert (objective.state, objective.progress) == (State.ACTIVE, 10)


def test_people_without_admin_access_are_kept_out(client, hr, employee):
    ObjectiveFactory(owner=employee)
    client.force_login(hr)
    response = client.get(reverse("admin:objectives_objective_changelist"))
    assert response.status_code == 302
