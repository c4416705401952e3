"""HR's team wellbeing figures: published once per ended month, read as stored.

The attacks on them are in test_anonymity_attacks.py; the rule's arithmetic in
test_anonymity.py.
"""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from meetings.tests.concurrency import run_at_once
from oneonones.celery import app
from people.tests.factories import TeamFactory, UserFactory
from wellbeing import services
from wellbeing.models import CheckIn, PublishedMonth, TeamMonthFigures
from wellbeing.selectors import team_trends, trend_months
from wellbeing.tasks import publish_wellbeing_months
from wellbeing.tests.factories import CheckInFactory

APRIL = dt.date(2026, 4, 1)
WITHHELD = "Fewer than 5 people checked in, so nothing is shown for this month"


def utc(month, day, hour=9):
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def clock(db):
    """Pinned in May 2026: April has ended, May is the open month."""
    with time_machine.travel(utc(5, 6), tick=False) as traveller:
        yield traveller


def team_with_checkins(name, *, people, members=None, at=None, values=(1, 2, 3, 4, 5, 3, 2)):
    team = TeamFactory(name=name)
    users = [UserFactory(team=team) for _ in range(members or people)]
    for index, user in enumerate(users[:people]):
        value = values[index % len(values)]
        CheckInFactory(
            employee=user,
            created_at=at or utc(4, 10),
            happiness=value,
            workload=value,
            work_life_balance=value,
        )
    return team, users


def april_cell(team):
    [trend] = team_trends(teams=[team], months=[APRIL])
    return trend.months[0]


def test_a_check_in_keeps_the_team_its_author_is_in_when_they_make_it(employee, team):
    checkin = services.checkin_create(
        employee=employee, happiness=3, workload=3, work_life_balance=3
    )
    employee.team = TeamFactory(name="Elsewhere")
    employee.save()
    checkin.refresh_from_db()
    assert checkin.team == team


def test_the_migration_counts_existing_check_ins_under_their_authors_current_team(employee, team):
    checkin = CheckInFactory(employee=employee)
    CheckIn.objects.update(team=None)
    migration = importlib.import_module(
        "wellbeing.migrations.0002_checkin_team_and_published_figures"
    )
    migration.backfill_team_from_current(apps, None)
    checkin.refresh_from_db()
    assert checkin.team == team


def test_an_ended_month_is_published_once(clock):
    team, _ = team_with_checkins("Alpha", people=5)
    assert services.publish_closed_months() == sorted(trend_months(count=6))
    assert services.publish_closed_months() == []
    figures = TeamMonthFigures.objects.get()
    assert (figures.team, figures.month.month, figures.people, figures.members) == (
        team,
        APRIL,
        5,
        5,
    )
    assert (figures.average_happiness, figures.average_balance) == (Decimal("3.0"),) * 2
    assert figures.workload_shares == [20, 20, 20, 20, 20]
    assert PublishedMonth.objects.count() == 6  # the last six ended months, empty or not


def test_four_people_are_withheld_and_five_are_shown(clock):
    four, _ = team_with_checkins("Four", people=4, members=5)
    five, _ = team_with_checkins("Five", people=5)
    services.publish_closed_months()
    withheld = april_cell(four)
    assert withheld.published and not withheld.shown
    assert (withheld.figures, withheld.workload) == (None, ())
    assert april_cell(five).figures.people == 5


def test_it_counts_people_once_with_their_last_check_in_of_the_month(clock):
    team, users = team_with_checkins("Busy", people=4)
    for _ in range(5):
        CheckInFactory(employee=users[0], created_at=utc(4, 2), happiness=1)
    assert services.publish_closed_months()
    assert not april_cell(team).shown  # four people, however many check-ins

    # One busy person cannot outweigh the others: only their last answer counts.
    other, others = team_with_checkins("Others", people=5, at=utc(3, 20))
    for _ in range(20):
        CheckInFactory(employee=others[0], created_at=utc(3, 2), happiness=5)
    PublishedMonth.objects.filter(month=dt.date(2026, 3, 1)).delete()
    services.months_publish(months=[dt.date(2026, 3, 1)])
    [trend] = team_trends(teams=[other], months=[dt.date(2026, 3, 1)])
    assert trend.months[0].figures.average_happiness == Decimal("3.0")


def test_private_and_shared_check_ins_both_count(clock):
    team = TeamFactory(name="Mixed")
    for index, value in enumerate((1, 1, 2, 3, 3)):
        CheckInFactory(
            employee=UserFactory(team=team),
            created_at=utc(4, 10),
            happiness=value,
            shared_with_manager=index % 2 == 0,
        )
    services.publish_closed_months()
    assert april_cell(team).figures.average_happiness == Decimal("2.0")


def test_people_who_left_count_for_the_months_they_checked_in(clock):
    team, users = team_with_checkins("Leavers", people=5)
    users[0].is_active = False
    users[0].save()
    services.publish_closed_months()
    figures = april_cell(team).figures
    assert (figures.people, figures.members, figures.checked_in_percent) == (5, 4, 100)


def test_other_teams_do_not_make_up_the_numbers(clock):
    small, _ = team_with_checkins("Small", people=3)
    team_with_checkins("Large", people=6)
    services.publish_closed_months()
    assert not april_cell(small).shown


def test_months_are_utc_calendar_months(clock):
    team = TeamFactory(name="Late")
    for value in (1, 2, 3, 4, 5):
        # 00:30 UTC on 1 April is still March in New York; it counts for April.
        CheckInFactory(
            employee=UserFactory(team=team, time_zone="America/New_York"),
            created_at=dt.datetime(2026, 4, 1, 0, 30, tzinfo=dt.UTC),
            happiness=value,
        )
    services.publish_closed_months()
    assert april_cell(team).shown


def test_only_ended_months_are_listed_and_published(clock):
    assert trend_months(count=2) == [APRIL, dt.date(2026, 3, 1)]
    with pytest.raises(ValueError, match="has not ended"):
        services.months_publish(months=[dt.date(2026, 5, 1)])


def test_publishing_a_month_twice_at_once_stores_it_once(transactional_db):
    team, _ = team_with_checkins("Racing", people=5)
    with time_machine.travel(utc(5, 6), tick=False):
        results, errors = run_at_once(
            lambda: services.months_publish(months=[dt.date(2026, 3, 1), APRIL]), times=2
        )
    assert errors == []
    assert sorted(results) == [[], [dt.date(2026, 3, 1), APRIL]]
    assert TeamMonthFigures.objects.filter(team=team).count() == 1


def test_the_job_publishes_hourly_from_beat(clock):
    team_with_checkins("Alpha", people=5)
    assert publish_wellbeing_months.apply().get() == 6
    entry = app.conf.beat_schedule["wellbeing-publish-months"]
    assert entry["task"] == publish_wellbeing_months.name
    assert entry["schedule"].minute == {13}
    assert len(entry["schedule"].hour) == 24


def test_retention_removes_the_figures_of_months_before_it_but_never_republishes(clock, settings):
    team_with_checkins("Alpha", people=5, at=utc(3, 10))
    services.publish_closed_months()
    settings.WELLBEING_RETENTION_MONTHS = 1  # the cutoff is 6 April: March ended before it
    services.checkins_delete_expired()
    assert not TeamMonthFigures.objects.exists()
    assert PublishedMonth.objects.filter(month=dt.date(2026, 3, 1)).exists()
    assert services.publish_closed_months() == []


def test_a_deleted_team_takes_its_figures_and_keeps_its_check_ins(clock):
    team, _ = team_with_checkins("Gone", people=5)
    services.publish_closed_months()
    team.delete()
    assert not TeamMonthFigures.objects.exists()
    assert CheckIn.objects.filter(team=None).count() == 5


def test_hr_sees_shown_withheld_and_unpublished_months(client, hr, clock):
    team_with_checkins("Engineering", people=5, members=7)
    team_with_checkins("Support", people=4)
    services.months_publish(months=[APRIL])
    client.force_login(hr)
    response = client.get(reverse("wellbeing:trends"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Engineering" in page and "Support" in page
    assert "71% <span" in page and "(5 of 7 members)" in page
    assert page.count(WITHHELD) == 1  # Support, April
    assert page.count('data-testid="not-published"') == 2 * 5  # the job has not run yet
    assert "May 2026" not in page  # the open month
    assert "every check-in, shared with a manager or private" in page
    assert "The rule of 5" in page and "A month appears only after it has ended" in page


def test_hr_sees_an_empty_state(client, hr):
    client.force_login(hr)
    assert "There are no teams yet" in client.get(reverse("wellbeing:trends")).content.decode()


@pytest.mark.parametrize("teams", [2, 14])
def test_the_page_takes_a_fixed_number_of_queries(
    client, hr, clock, teams, django_assert_max_num_queries
):
    for number in range(teams):
        team_with_checkins(f"Team {number:02d}", people=5 + number % 3, at=utc(3, 10))
        team_with_checkins(f"Other {number:02d}", people=4 + number % 3)
    services.publish_closed_months()
    client.force_login(hr)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("wellbeing:trends"))
    assert response.content.decode().count('data-testid="team-trend"') == min(2 * teams, 10)
    with django_assert_max_num_queries(7):
        last = client.get(reverse("wellbeing:trends"), {"page": 2 * teams // 10 + 1})
    assert last.status_code == 200


def test_only_hr_opens_the_figures(client, manager, employee, outsider, admin_user):
    for user in (manager, employee, outsider, admin_user):
        client.force_login(user)
        assert client.get(reverse("wellbeing:trends")).status_code == 404
    client.logout()
    assert client.get(reverse("wellbeing:trends")).status_code == 302


def test_the_employee_page_says_what_hr_sees(client, employee):
    client.force_login(employee)
    page = client.get(reverse("wellbeing:index")).content.decode()
    assert "What HR sees of your check-ins" in page
    assert "The rule of 5:" in page
    assert "Only after the month ends:" in page
    assert "the team's figures for that month stay as they were" in page
