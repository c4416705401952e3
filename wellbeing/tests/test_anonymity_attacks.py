"""An HR analyst tries to work out individual answers from the team wellbeing page.

Each test plays one attack through the real page: look, let something happen
(someone moves team, checks in, deletes a check-in, leaves), look again, and
compare. The attacker must learn nothing: every figure shown in both views is the
same figure, or one of the two views withholds it. The clock is pinned, so the
tests pass on any date.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from people.tests.factories import TeamFactory, UserFactory
from wellbeing import services
from wellbeing.anonymity import comparable_pairs, month_bounds
from wellbeing.models import CheckIn, TeamMonthFigures
from wellbeing.selectors import team_trends, teams_for_trends, trend_months
from wellbeing.tests.hr_view import hr_figures, shown

APRIL = "2026-04"
MAY = "2026-05"
VARIED = (1, 1, 2, 3, 3)  # average 2.0, as in the report that started this


def utc(month, day, hour=9, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def clock(db):
    with time_machine.travel(utc(4, 6), tick=False) as traveller:
        yield traveller


@pytest.fixture
def analyst(client, hr):
    client.force_login(hr)
    return client


def people(team, count):
    return [UserFactory(team=team) for _ in range(count)]


def check_in(person, happiness, workload=None, balance=None):
    """A check-in through the service, as the person makes it, at the pinned time."""
    return services.checkin_create(
        employee=person,
        happiness=happiness,
        workload=workload or 1 + happiness % 5,
        work_life_balance=balance or 1 + (happiness + 2) % 5,
    )


def month_ends_and_is_published(clock, month=5):
    clock.move_to(utc(month, 1, 0, 13))
    services.publish_closed_months()


def test_moving_one_person_between_teams_changes_no_published_figure(analyst, clock):
    alpha, beta = TeamFactory(name="Alpha"), TeamFactory(name="Beta")
    alpha_people, beta_people = people(alpha, 5), people(beta, 5)
    for person, happiness in zip(alpha_people, VARIED, strict=True):
        check_in(person, happiness)
    for person, happiness in zip(beta_people, (4, 4, 5, 3, 4), strict=True):
        check_in(person, happiness)
    month_ends_and_is_published(clock)
    before = hr_figures(analyst)
    assert "(5 of 5 members)" in before[(alpha.pk, APRIL)]
    assert "2.0" in before[(alpha.pk, APRIL)]

    mover = beta_people[0]
    mover.team = alpha
    mover.save()
    check_in(mover, 4)
    services.publish_closed_months()  # the hourly job runs again
    clock.move_to(utc(5, 20))

    after = hr_figures(analyst)
    assert after == before


def test_a_check_in_stays_with_the_team_its_author_was_in(analyst, clock):
    """The report's own numbers: a team of 5 at 2.0, one person moves in from a
    team of 4. Under the old rule HR then saw 6 people and 2.3."""
    alpha, beta = TeamFactory(name="Alpha"), TeamFactory(name="Beta")
    for person, happiness in zip(people(alpha, 5), VARIED, strict=True):
        check_in(person, happiness)
    beta_people = people(beta, 4)
    for person in beta_people:
        check_in(person, 4)
    clock.move_to(utc(4, 20))
    mover = beta_people[0]
    mover.team = alpha
    mover.save()

    month_ends_and_is_published(clock)
    figures = hr_figures(analyst)
    assert "(5 of 6 members)" in figures[(alpha.pk, APRIL)]
    assert "2.0" in figures[(alpha.pk, APRIL)]
    assert "2.3" not in figures[(alpha.pk, APRIL)]
    assert figures[(beta.pk, APRIL)] is None


def test_the_current_month_cannot_be_watched_growing(analyst, clock):
    team = TeamFactory(name="Alpha")
    members = people(team, 7)
    for person, happiness in zip(members[:5], VARIED, strict=True):
        check_in(person, happiness)
    before = hr_figures(analyst)
    assert not any(month == APRIL for _, month in before)  # the open month is not on the page

    clock.move_to(utc(4, 7))
    check_in(members[5], 4)  # 6 people, average 2.33: the newcomer's 4 would show
    assert hr_figures(analyst) == before
    with pytest.raises(ValueError, match="has not ended"):
        services.months_publish(months=[dt.date(2026, 4, 1)])

    month_ends_and_is_published(clock)
    published = hr_figures(analyst)
    assert "(6 of 7 members)" in published[(team.pk, APRIL)]
    clock.move_to(utc(5, 2))
    check_in(members[6], 5)  # the next check-in lands in May, never in April
    assert hr_figures(analyst) == published


def test_deleting_check_ins_after_publication_changes_nothing(analyst, hr, clock, settings):
    team = TeamFactory(name="Alpha")
    members = people(team, 7)
    for person, happiness in zip(members, (1, 1, 2, 3, 3, 4, 5), strict=True):
        check_in(person, happiness)
    month_ends_and_is_published(clock)
    before = hr_figures(analyst)
    assert "(7 of 7 members)" in before[(team.pk, APRIL)]

    # One author deletes a check-in, another deletes all of theirs.
    analyst.force_login(members[0])
    own = CheckIn.objects.get(employee=members[0])
    analyst.post(reverse("wellbeing:checkin_delete", args=[own.pk]))
    analyst.force_login(members[1])
    analyst.post(reverse("wellbeing:checkins_delete_all"), {"confirm": "on"})
    # Retention, set short, deletes the rest of April's check-ins.
    settings.WELLBEING_RETENTION_MONTHS = 1
    clock.move_to(utc(5, 20))
    assert services.checkins_delete_expired() == 5
    assert not CheckIn.objects.exists()

    analyst.force_login(hr)
    assert hr_figures(analyst) == before


def test_no_page_filter_or_selection_of_teams_and_months_changes_a_figure(analyst, clock):
    teams = [TeamFactory(name=f"Team {number:02d}") for number in range(12)]
    for number, team in enumerate(teams):
        for person, happiness in zip(
            people(team, 5 + number % 2), (1, 2, 3, 4, 5, 2), strict=False
        ):
            check_in(person, happiness)
    clock.move_to(utc(5, 6))
    for team in teams:  # May: the same people again, and their answers have changed
        for person in team.members.all():
            check_in(person, 1 + (person.pk + team.pk) % 5)
    month_ends_and_is_published(clock, month=6)

    full = hr_figures(analyst)
    assert len(shown(full)) == 24  # twelve teams, April and May, over two pages
    # Options the page does not offer are ignored rather than narrowing a figure.
    assert hr_figures(analyst, team=teams[0].pk, months=1, people=4, since=APRIL) == full
    # Any selection of teams and months, shrunk by one, gives the same cells.
    every = list(teams_for_trends())
    months = trend_months(count=6)
    whole = {
        (trend.team.pk, cell.month): cell
        for trend in team_trends(teams=every, months=months)
        for cell in trend.months
    }
    for fewer_teams, fewer_months in ((every[1:], months), (every, months[:-1])):
        for trend in team_trends(teams=fewer_teams, months=fewer_months):
            for cell in trend.months:
                assert cell == whole[(trend.team.pk, cell.month)]


def test_no_two_published_figures_are_a_few_check_ins_apart(clock):
    """Whatever happens in a month (people move mid-month, check in several times,
    leave), the published figures cover disjoint check-ins of five people or more,
    so no sum or difference of them isolates fewer than five."""
    alpha, beta = TeamFactory(name="Alpha"), TeamFactory(name="Beta")
    alpha_people, beta_people = people(alpha, 6), people(beta, 5)
    for person in alpha_people + beta_people:
        check_in(person, 1 + person.pk % 5)
    clock.move_to(utc(4, 15))
    for person in alpha_people[:3]:
        check_in(person, 1 + (person.pk + 2) % 5)  # a second check-in in the month
    movers = alpha_people[:2]
    for mover in movers:
        mover.team = beta
        mover.save()
        check_in(mover, 5)
    alpha_people[5].is_active = False
    alpha_people[5].save()
    clock.move_to(utc(5, 3))
    for person in alpha_people[2:5] + beta_people + movers:
        check_in(person, 1 + (person.pk * 3) % 5)
    month_ends_and_is_published(clock, month=6)

    populations = {}
    for row in TeamMonthFigures.objects.select_related("month"):
        start, end = month_bounds(row.month.month)
        last = (
            CheckIn.objects.filter(team=row.team_id, created_at__gte=start, created_at__lt=end)
            .order_by("employee_id", "-created_at", "-pk")
            .distinct("employee_id")
        )
        populations[(row.team_id, row.month.month)] = set(last.values_list("pk", flat=True))
        assert len(populations[(row.team_id, row.month.month)]) == row.people >= 5
    # Alpha and Beta in April (the movers count in both), Beta in May; Alpha's three
    # in May are withheld.
    assert len(populations) == 3
    assert comparable_pairs(populations) == []
    everything = set().union(*populations.values())
    assert sum(len(population) for population in populations.values()) == len(everything)


def test_no_total_gives_away_a_withheld_team(analyst, clock):
    """A company-wide figure minus the teams shown would be the withheld team: the
    page has none, and nothing on it moves when the withheld team's answers do."""
    alpha, beta, gamma = (TeamFactory(name=name) for name in ("Alpha", "Beta", "Gamma"))
    groups = [(people(alpha, 6), (1, 2, 3, 4, 5, 3)), (people(beta, 5), (2, 2, 4, 4, 5))]
    gamma_people = people(gamma, 4)
    for month, gamma_answer in ((3, 1), (4, 5)):
        clock.move_to(utc(month, 6))
        for members, answers in groups:
            for person, happiness in zip(members, answers, strict=True):
                check_in(person, happiness)
        for person in gamma_people:
            check_in(person, gamma_answer)
    month_ends_and_is_published(clock)

    figures = hr_figures(analyst)
    assert {team for team, _ in figures} == {alpha.pk, beta.pk, gamma.pk}
    assert figures[(gamma.pk, "2026-03")] is None and figures[(gamma.pk, APRIL)] is None
    for team in (alpha, beta):
        march = figures[(team.pk, "2026-03")].replace("March 2026", "")
        april = figures[(team.pk, APRIL)].replace("April 2026", "")
        assert march == april  # Gamma said 1 in March and 5 in April: no trace of it
    page = analyst.get(reverse("wellbeing:trends")).content.decode()
    assert "All teams" not in page and "Company" not in page


def test_near_unanimous_answers_show_no_average_or_split(analyst, clock):
    unanimous, all_but_one, varied = (
        TeamFactory(name=name) for name in ("Unanimous", "All but one", "Varied")
    )
    for person in people(unanimous, 5):
        check_in(person, 3, workload=3, balance=3)
    UserFactory.create_batch(2, team=unanimous)  # seven members, five checked in
    for index, person in enumerate(people(all_but_one, 5)):
        check_in(person, 5 if index == 0 else 3, workload=5 if index == 0 else 3, balance=3)
    for person, value in zip(people(varied, 5), (3, 3, 3, 4, 5), strict=True):
        check_in(person, value, workload=value, balance=value)
    month_ends_and_is_published(clock)

    figures = hr_figures(analyst)
    for team in (unanimous, all_but_one):
        row = figures[(team.pk, APRIL)]
        assert "3.0" not in row and "3.4" not in row and "100%" not in row.split(")", 1)[1]
        assert row.count("Not shown: too few different answers") == 3
    assert "71% (5 of 7 members)" in figures[(unanimous.pk, APRIL)]
    varied_row = figures[(varied.pk, APRIL)]
    assert "3.6" in varied_row and "about right: 60%" in varied_row
    assert "Not shown" not in varied_row


def test_people_joining_or_leaving_later_do_not_move_the_checked_in_share(analyst, clock):
    team, elsewhere = TeamFactory(name="Alpha"), TeamFactory(name="Beta")
    members = people(team, 7)
    for person, happiness in zip(members[:5], VARIED, strict=True):
        check_in(person, happiness)
    month_ends_and_is_published(clock)
    before = hr_figures(analyst)
    assert "71% (5 of 7 members)" in before[(team.pk, APRIL)]

    people(team, 2)
    members[0].is_active = False
    members[0].save()
    members[1].team = elsewhere
    members[1].save()
    clock.move_to(utc(5, 25))
    assert hr_figures(analyst) == before
