from django.conf import settings
from django.core.management import call_command

from people.models import Team, User
from wellbeing.models import CheckIn, WellbeingNote
from wellbeing.selectors import team_trends, teams_for_trends, trend_months


def test_the_demo_has_check_ins_and_is_idempotent(db):
    call_command("seed_demo")
    counts = (CheckIn.objects.count(), WellbeingNote.objects.count())
    assert counts[0] > 20 and counts[1] == 2
    call_command("seed_demo")
    assert (CheckIn.objects.count(), WellbeingNote.objects.count()) == counts


def test_the_demo_employee_has_shared_and_private_check_ins(db):
    call_command("seed_demo")
    employee = User.objects.get(email="employee@example.com")
    mine = CheckIn.objects.filter(employee=employee)
    assert mine.filter(shared_with_manager=True).exists()
    assert mine.filter(shared_with_manager=False).exists()


def test_the_demo_publishes_its_ended_months_for_hr(db):
    call_command("seed_demo")
    teams = list(teams_for_trends().filter(name__in=["Engineering", "Customer Success"]))
    trends = {
        trend.team.name: trend for trend in team_trends(teams=teams, months=trend_months(count=3))
    }
    assert all(cell.published for cell in trends["Engineering"].months)
    assert any(cell.shown for cell in trends["Engineering"].months)
    assert not any(cell.shown for cell in trends["Customer Success"].months)
    assert Team.objects.get(name="Customer Success").members.count() == 4
    assert not CheckIn.objects.filter(team=None, employee__team__isnull=False).exists()


def test_the_benchmark_organisation_gets_check_ins_once(db, django_assert_max_num_queries):
    # Publishing HR's six ended months takes a handful of queries a month, however
    # many people there are.
    with django_assert_max_num_queries(70):
        call_command("seed_demo", people=60)
    count = CheckIn.objects.filter(employee__email__endswith="@bench.example.com").count()
    assert count == 60 * settings.WELLBEING_RETENTION_MONTHS
    call_command("seed_demo", people=60)
    assert CheckIn.objects.filter(employee__email__endswith="@bench.example.com").count() == count
