"""HR's anonymous aggregates: shown only for groups of at least five people."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from people.tests.factories import TeamFactory, UserFactory
from wellbeing.selectors import MIN_GROUP_SIZE, team_trends, teams_for_trends, trend_months
from wellbeing.tests.factories import CheckInFactory

WITHHELD = "Not enough responses to show without identifying anyone"


def team_with_checkins(name: str, *, people: int, members: int | None = None, **values):
    team = TeamFactory(name=name)
    users = [UserFactory(team=team) for _ in range(members or people)]
    for user in users[:people]:
        CheckInFactory(employee=user, **values)
    return team, users


def current_cell(team):
    trend = team_trends(teams=[teams_for_trends().get(pk=team.pk)], months=trend_months(count=1))
    return trend[0].months[0]


def test_the_threshold_is_five():
    assert MIN_GROUP_SIZE == 5


def test_four_people_are_withheld_and_five_are_shown(db):
    team, users = team_with_checkins("Edge", people=4, members=5)
    cell = current_cell(team)
    assert not cell.shown
    # A withheld cell carries no numbers at all.
    assert (cell.people, cell.average_happiness, cell.checked_in_percent, cell.workload) == (
        None,
        None,
        None,
        (),
    )
    CheckInFactory(employee=users[4])
    cell = current_cell(team)
    assert cell.shown and cell.people == 5


def test_it_counts_people_not_check_ins(db):
    team, users = team_with_checkins("Busy", people=4)
    for user in users:
        CheckInFactory.create_batch(5, employee=user)
    assert not current_cell(team).shown


def test_private_check_ins_count_and_nothing_individual_shows(db):
    team, _ = team_with_checkins("Private", people=5, members=10, happiness=2, workload=5)
    cell = current_cell(team)
    assert cell.shown
    assert cell.average_happiness == 2.0
    assert cell.checked_in_percent == 50
    shares = {share.label: share.percent for share in cell.workload}
    assert shares == {
        "far too little": 0,
        "a bit too little": 0,
        "about right": 0,
        "a bit too much": 0,
        "far too much": 100,
    }


def test_it_averages_and_distributes(db):
    team = TeamFactory(name="Mixed")
    for happiness, workload, balance in [(1, 1, 2), (2, 3, 3), (3, 3, 3), (4, 3, 4), (5, 5, 5)]:
        CheckInFactory(
            employee=UserFactory(team=team),
            happiness=happiness,
            workload=workload,
            work_life_balance=balance,
        )
    cell = current_cell(team)
    assert (cell.average_happiness, cell.average_balance) == (3.0, 3.4)
    assert [share.percent for share in cell.workload] == [20, 0, 60, 0, 20]
    assert cell.checked_in_percent == 100


def test_people_who_left_do_not_count(db):
    team, users = team_with_checkins("Leavers", people=5)
    users[0].is_active = False
    users[0].save()
    assert not current_cell(team).shown


def test_other_teams_do_not_make_up_the_numbers(db):
    small, _ = team_with_checkins("Small", people=3)
    team_with_checkins("Large", people=6)
    assert not current_cell(small).shown


def test_months_are_utc_calendar_months_whatever_the_viewers_zone(db):
    team = TeamFactory(name="Late")
    first_of_month = (
        timezone.now().astimezone(dt.UTC).replace(day=1, hour=0, minute=30, second=0, microsecond=0)
    )
    for _ in range(5):
        # 00:30 UTC on the 1st is still the previous month in New York.
        CheckInFactory(employee=UserFactory(team=team), created_at=first_of_month)
    with timezone.override("America/New_York"):
        assert current_cell(team).shown


def test_hr_sees_shown_and_withheld_teams(client, hr):
    team_with_checkins("Engineering", people=5)
    team_with_checkins("Support", people=4)
    client.force_login(hr)
    response = client.get(reverse("wellbeing:trends"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Engineering" in page and "Support" in page
    assert "100% <span" in page  # Engineering this month
    # Support's current month plus five empty months for each team are withheld.
    assert page.count(WITHHELD) == 6 + 5
    assert "every check-in, shared with a manager or private" in page


def test_hr_sees_an_empty_state(client, hr):
    client.force_login(hr)
    assert "There are no teams yet" in client.get(reverse("wellbeing:trends")).content.decode()


@pytest.mark.parametrize("teams", [2, 14])
def test_the_aggregates_take_a_fixed_number_of_queries(
    client, hr, teams, django_assert_max_num_queries
):
    for number in range(teams):
        team_with_checkins(f"Team {number:02d}", people=5)
    client.force_login(hr)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("wellbeing:trends"))
    assert response.content.decode().count('data-testid="team-trend"') == min(teams, 10)
    if teams > 10:
        second = client.get(reverse("wellbeing:trends"), {"page": 2}).content.decode()
        assert second.count('data-testid="team-trend"') == teams - 10


def test_only_hr_opens_the_aggregates(client, manager, admin_user):
    for user in (manager, admin_user):
        client.force_login(user)
        assert client.get(reverse("wellbeing:trends")).status_code == 404
