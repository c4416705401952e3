from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.demo import DEMO_PASSWORD, bench_plan
from people.demo_accounts import DEMO_SIGN_INS
from people.models import Team, User


def test_it_creates_the_demo_sign_ins(db):
    call_command("seed_demo")
    manager = User.objects.get(email="manager@example.com")
    employee = User.objects.get(email="employee@example.com")
    hr = User.objects.get(email="hr@example.com")
    assert employee.manager == manager
    assert hr.is_hr
    for email, _ in DEMO_SIGN_INS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD), email
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


def test_seeding_says_each_step_and_again_only_checks_writing_nothing(db):
    now = timezone.now()
    first, second = StringIO(), StringIO()
    with mock.patch.object(timezone, "now", return_value=now):  # the same day twice
        call_command("seed_demo", stdout=first)
        with CaptureQueriesContext(connection) as queries:
            call_command("seed_demo", stdout=second)
    said = first.getvalue()
    for step in ("1:1 meetings", "Objectives", "Wellbeing", "HR cadence reports"):
        assert f"{step}: checking the demo data…" in said
    assert "Meetings: 9 new recurring 1:1 series" in said
    sign_ins = said.split("Sign in with the password oneonone-demo as:")[1]
    assert [line.split()[0] for line in sign_ins.strip().splitlines()] == [
        email for email, _ in DEMO_SIGN_INS
    ]
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].split(None, 1)[0] in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert len(queries) < 250  # a check per person and series, not per meeting
    assert "Meetings: 0 new recurring 1:1 series" in second.getvalue()


def test_a_bench_organisation_needs_a_year_of_history_at_least(db):
    with pytest.raises(CommandError, match="--years must be at least 1"):
        call_command("seed_demo", people=10, years=0)
    assert not User.objects.filter(email__endswith="@bench.example.com").exists()
