""" "Met everyone" (issue 16, point 3; seed 002: a new head meets every member of staff
within the first term, six weeks): the manager sees who they have met since a day and
who is still to meet; HR sees only the figure per manager."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory
from people.models import User
from people.tests.factories import UserFactory
from reports.selectors import met_everyone_rows

NOW = dt.datetime(2027, 3, 15, 12, 0, tzinfo=dt.UTC)  # six weeks back: Mon 1 Feb 2027


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def team_of_three(pinned, manager, employee):
    """Emma met on 20 Feb; Ben met only on 10 Jan; Cleo never (a cancelled 1:1, one
    not marked as held, and one booked ahead)."""
    ben = UserFactory(full_name="Ben Before", email="ben@example.org", manager=manager)
    cleo = UserFactory(full_name="Cleo Coming", email="cleo@example.org", manager=manager)

    def held(person, day, status=Meeting.Status.COMPLETED, **extra):
        return MeetingFactory(
            organiser=manager,
            participant=person,
            starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
            status=status,
            **extra,
        )

    held(employee, dt.date(2027, 2, 20))
    held(ben, dt.date(2027, 1, 10))
    held(cleo, dt.date(2027, 2, 10), status=Meeting.Status.CANCELLED)
    held(cleo, dt.date(2027, 3, 1), status=Meeting.Status.SCHEDULED)
    held(cleo, dt.date(2027, 3, 20), status=Meeting.Status.SCHEDULED)
    return {"emma": employee, "ben": ben, "cleo": cleo}


def _page(client, person, **params):
    client.force_login(person)
    return client.get(reverse("meetings:met_everyone"), params)


def test_a_manager_sees_who_they_met_in_the_last_six_weeks(client, manager, team_of_three):
    response = _page(client, manager)
    assert response.status_code == 200
    body = response.content.decode()
    assert "You have met <strong>1 of 3</strong> of your reports since Mon 1 Feb 2027" in body
    rows = response.context["reports"]
    # Those still to meet first.
    assert [(row.full_name, bool(row.last_met_at)) for row in rows] == [
        ("Ben Before", False),
        ("Cleo Coming", False),
        ("Emma Employee", True),
    ]
    ben = team_of_three["ben"]
    assert f'/meetings/series/new/?participant={ben.pk}"' in body


def test_the_manager_chooses_the_day(client, manager, team_of_three):
    response = _page(client, manager, since="2027-01-01")
    assert "You have met <strong>2 of 3</strong> of your reports since Fri 1 Jan 2027" in (
        response.content.decode()
    )


@pytest.mark.parametrize("since", ["2099-01-01", "not a day", "1990-01-01"])
def test_a_day_that_makes_no_sense_says_so_and_shows_the_default(
    client, manager, team_of_three, since
):
    response = _page(client, manager, since=since)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert "Showing since 1 Feb 2027 instead" in body
    assert "<strong>1 of 3</strong>" in body


@pytest.mark.parametrize("who", ["employee", "hr", "outsider", "admin_user", "grand_manager"])
def test_only_the_manager_sees_their_page(client, request, team_of_three, who):
    """Anyone with no reports gets a 404; a manager's manager sees their own team only."""
    person = request.getfixturevalue(who)
    response = _page(client, person)
    if who == "grand_manager":
        assert [row.full_name for row in response.context["reports"]] == ["Morgan Manager"]
        assert "Ben Before" not in response.content.decode()
    else:
        assert response.status_code == 404


def test_another_manager_sees_only_their_own(client, other_manager, team_of_three):
    body = _page(client, other_manager).content.decode()
    assert "Rita Report" in body
    assert "Emma Employee" not in body


def test_the_page_asks_the_same_number_of_queries_for_a_bigger_team(
    client, manager, team_of_three, django_assert_max_num_queries
):
    for n in range(5):
        UserFactory(full_name=f"Extra {n}", email=f"extra{n}@example.org", manager=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        client.get(reverse("meetings:met_everyone"))


# --- HR: the figure per manager, never who ------------------------------------------------


def _hr_page(client, person, **params):
    client.force_login(person)
    return client.get(reverse("reports:met_everyone"), params)


def test_hr_sees_the_figure_per_manager(client, hr, manager, other_manager, team_of_three):
    response = _hr_page(client, hr)
    assert response.status_code == 200
    body = response.content.decode()
    figures = {row.name: (row.met, row.reports) for row in response.context["page"].object_list}
    assert figures["Morgan Manager"] == (1, 3)
    assert figures["Oscar Other"] == (0, 1)
    assert "met 1 of 3" in body
    # Figures, not people: the reports' names are not on the page.
    for name in ("Emma Employee", "Ben Before", "Cleo Coming", "Rita Report"):
        assert name not in body
    response = _hr_page(client, hr, since="2027-01-01")
    figures = {row.name: (row.met, row.reports) for row in response.context["page"].object_list}
    assert figures["Morgan Manager"] == (2, 3)


@pytest.mark.parametrize("who", ["manager", "employee", "grand_manager", "admin_user", "outsider"])
def test_only_hr_sees_the_figures(client, request, team_of_three, who):
    assert _hr_page(client, request.getfixturevalue(who)).status_code == 404


def test_the_hr_page_is_one_aggregation(
    client, hr, team_of_three, other_manager, django_assert_max_num_queries
):
    for n in range(4):
        boss = UserFactory(full_name=f"Boss {n}", email=f"boss{n}@example.org")
        UserFactory(full_name=f"Report {n}", email=f"report{n}@example.org", manager=boss)
    client.force_login(hr)
    with django_assert_max_num_queries(10):
        client.get(reverse("reports:met_everyone"))


def test_the_hr_figure_on_the_demo_organisation(db, pinned):
    call_command("seed_demo", stdout=io.StringIO())
    morgan = User.objects.get(email="manager@example.com")
    since = dt.date(2027, 2, 1)
    since_at = dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
    # Counted here straight from the meetings, report by report.
    met = sum(
        1
        for report in User.objects.filter(manager=morgan, is_active=True)
        if Meeting.objects.filter(
            Q(organiser=morgan, participant=report) | Q(organiser=report, participant=morgan),
            status=Meeting.Status.COMPLETED,
            starts_at__gte=since_at,
            starts_at__lte=NOW,
        ).exists()
    )
    rows = {row.manager_id: row for row in met_everyone_rows(since=since)}
    assert (rows[morgan.pk].met, rows[morgan.pk].reports) == (met, 4)
    assert met >= 1  # the demo holds 1:1s: the figure is not trivially zero
