"""The declared pages exist, and the harness measures them on a (tiny) seeded org.

Nothing here asserts a time: speed and memory are judged by `make bench` alone.
"""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string

from bench.cast import Cast
from bench.measure import ANONYMOUS, measure_all, route_exists, route_names
from bench.pages import NOT_PAGES, OPERATIONS, PAGES, Operation, Page, unlisted_routes
from bench.seed import SeedMismatch, ensure_seeded, read_record
from people.models import Team, User


def test_every_page_names_a_route_or_is_marked_pending():
    missing = [page.name for page in PAGES if not page.pending and not route_exists(page.name)]
    assert missing == []


def test_every_operation_can_be_imported_or_is_marked_pending():
    for operation in OPERATIONS:
        if not operation.pending:
            import_string(operation.function)


def test_titles_are_unique_and_viewers_are_roles_of_the_cast():
    assert [title for title, n in Counter(p.title for p in PAGES).items() if n > 1] == []
    assert {p.viewer for p in PAGES} - {ANONYMOUS} <= set(vars(Cast))


def test_route_exists_knows_namespaces_and_the_admin_site():
    assert route_exists("home")
    assert route_exists("objectives:detail")
    assert route_exists("admin:people_user_changelist")
    assert not route_exists("nowhere:page")
    assert not route_exists("objectives:nothing")
    assert not route_exists("nothing")


def test_every_route_of_people_objectives_wellbeing_and_reports_is_measured_or_not_a_page():
    assert route_names() >= NOT_PAGES
    ours = [
        name
        for name in unlisted_routes(route_names())
        if ":" not in name or name.split(":")[0] in {"people", "objectives", "wellbeing", "reports"}
    ]
    assert ours == []


@pytest.fixture
def small_org(db):
    """The demo organisation and 40 bench people, as `make bench` seeds them."""
    return ensure_seeded(people=40, stdout=io.StringIO())


@pytest.fixture
def bench_people(db):
    """Only the 40 bench people: enough for pages seen by the bench roles."""
    call_command("seed_demo", people=40, stdout=io.StringIO())


def test_it_seeds_once_and_refuses_another_size(small_org):
    assert small_org.seeded_now
    assert User.objects.filter(email__endswith="@bench.example.com").count() == 40
    assert read_record().people == 40
    assert not ensure_seeded(people=40, stdout=io.StringIO()).seeded_now
    with pytest.raises(SeedMismatch, match="40 people and 1 year of history, not 50 people"):
        ensure_seeded(people=50, stdout=io.StringIO())
    with pytest.raises(SeedMismatch, match="1 year of history, not 40 people and 3 years"):
        ensure_seeded(people=40, years=3, stdout=io.StringIO())


def test_it_measures_every_page_on_a_seeded_organisation(small_org):
    results = measure_all(PAGES, OPERATIONS, runs=1, timing=False)
    for page in PAGES:
        result = results[page.title]
        if page.pending and result.get("skipped"):
            continue
        assert not result.get("error"), (page.title, result["error"])
        assert result["queries"] == len(result["sql"]) > 0


def test_with_timing_it_also_times_and_traces_memory(bench_people):
    (result,) = measure_all([Page("home", "manager")], [], runs=3, timing=True).values()
    assert result["queries"] > 0
    assert len(result["times_ms"]) == 3
    assert result["peak_mb"] > 0


def test_a_page_that_answers_another_status_is_an_error(bench_people):
    page = Page("objectives:detail", "employee", args=lambda c: [10**9])
    (result,) = measure_all([page], [], runs=1, timing=False).values()
    assert "answered 404, expected 200" in result["error"]


def test_a_missing_route_is_skipped_with_a_note(bench_people):
    page = Page("nowhere:page", "employee", pending="a later app")
    (result,) = measure_all([page], [], runs=1, timing=False).values()
    assert result == {"skipped": "no URL named nowhere:page yet (a later app)"}


def add_a_team(cast):
    Team.objects.create(name=f"Made for {cast.manager.email}")


def test_an_operation_is_measured_and_rolled_back(bench_people):
    operation = Operation("add a team", "bench.tests.test_pages.add_a_team")
    missing = Operation("extend the horizon", "meetings.bench.nothing", pending="meetings app")
    teams = Team.objects.count()
    results = measure_all([], [operation, missing], runs=2, timing=True)
    assert results["add a team"]["queries"] >= 1
    assert len(results["add a team"]["times_ms"]) == 2
    assert Team.objects.count() == teams
    assert results["extend the horizon"] == {
        "skipped": "meetings.bench.nothing does not exist yet (meetings app)"
    }
