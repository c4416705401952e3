from django.core.management import call_command

from people.demo import DEMO_PASSWORD, bench_plan
from people.models import Team, User


def test_it_creates_the_demo_sign_ins(db):
    call_command("seed_demo")
    manager = User.objects.get(email="manager@example.com")
    employee = User.objects.get(email="employee@example.com")
    hr = User.objects.get(email="hr@example.com")
    assert employee.manager == manager
    assert hr.is_hr
    for user in (manager, employee, hr):
        assert user.check_password(DEMO_PASSWORD)
    assert Team.objects.count() == 2
    managers = User.objects.filter(reports__isnull=False, team__isnull=False).distinct()
    for boss in managers:
        assert 3 <= boss.reports.count() <= 5
    assert User.objects.filter(start_date__gte=employee.start_date.replace(year=2000)).exists()


def test_it_is_idempotent(db):
    call_command("seed_demo")
    counts = (User.objects.count(), Team.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Team.objects.count()) == counts


def test_it_includes_a_new_starter(db):
    from django.utils import timezone

    call_command("seed_demo")
    recent = timezone.localdate().toordinal() - 42
    assert (
        User.objects.filter(start_date__gte=timezone.localdate().fromordinal(recent)).count() == 1
    )


def test_bench_plan_has_about_one_manager_in_ten():
    plan = bench_plan(1000)
    managers = {manager for _, manager, _ in plan if manager is not None}
    assert 90 <= len(managers) <= 101
    assert sum(1 for _, manager, _ in plan if manager is None) == 1
    # Every manager comes before the people who report to them.
    assert all(manager is None or manager < index for index, manager, _ in plan)


def test_it_creates_a_large_organisation_idempotently(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        call_command("seed_demo", people=500)
    assert User.objects.filter(email__endswith="@bench.example.com").count() == 500
    call_command("seed_demo", people=500)
    assert User.objects.filter(email__endswith="@bench.example.com").count() == 500
    assert (
        User.objects.filter(manager__isnull=True, email__endswith="@bench.example.com").count() == 1
    )
