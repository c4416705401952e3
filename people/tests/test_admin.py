import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.tests.factories import TeamFactory, UserFactory


def _queries(client, url: str) -> int:
    client.get(url)  # the first request also fills per-process caches (content types)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url_name", "owner", "add_row"),
    [
        # A manager's page lists their reports, each with a team.
        (
            "admin:people_user_change",
            "manager",
            lambda m: UserFactory(manager=m, team=TeamFactory()),
        ),
        # A team's page lists its members, each with a manager.
        ("admin:people_team_change", "team", lambda t: UserFactory(team=t, manager=UserFactory())),
    ],
)
def test_a_change_page_takes_as_many_queries_for_many_rows_as_for_few(
    client, admin_user, request, url_name, owner, add_row
):
    owner = request.getfixturevalue(owner)
    client.force_login(admin_user)
    url = reverse(url_name, args=[owner.pk])
    add_row(owner)
    few = _queries(client, url)
    for _ in range(6):
        add_row(owner)
    assert _queries(client, url) == few


def test_a_persons_page_lists_the_permissions_without_a_query_each(client, admin_user, employee):
    """The permissions list shows each one as "app | model | name": its content type is
    read with it (four permissions a model, over 180 queries otherwise)."""
    client.force_login(admin_user)
    url = reverse("admin:people_user_change", args=[employee.pk])
    assert "Notifications | reminder | Can view reminder" in client.get(url).content.decode()
    assert _queries(client, url) <= 15
