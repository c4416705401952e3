import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives import selectors, services
from objectives.models import Level, Objective, ObjectiveChange, State
from objectives.tests.factories import (
    CommentFactory,
    GoalFactory,
    KeyResultFactory,
    ObjectiveFactory,
)
from people.tests.factories import UserFactory

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/objectives/team/"}


# Who sees a person's objectives (DESIGN.md): the line above them and HR; else 404.
SEEN_BY = [
    ("employee", 200),
    ("manager", 200),
    ("grand_manager", 200),
    ("hr", 200),
    ("other_manager", 404),
    ("outsider", 404),
]


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def objective(employee):
    return ObjectiveFactory(owner=employee, title="Learn SQL", due_date=dt.date(2030, 1, 31))


# --- Lists ----------------------------------------------------------------------------


def test_my_objectives_lists_mine_and_not_others(client, employee, manager, objective):
    ObjectiveFactory(owner=manager, title="Manager's own")
    client.force_login(employee)
    page = body(client.get(reverse("objectives:mine")))
    assert "Learn SQL" in page
    assert "Manager&#x27;s own" not in page


def test_my_objectives_has_a_friendly_empty_state(client, outsider):
    client.force_login(outsider)
    page = body(client.get(reverse("objectives:mine")))
    assert "You have no objectives yet" in page
    assert "Propose an objective" in page


def test_my_objectives_stays_at_a_few_queries(client, employee, django_assert_max_num_queries):
    goal = GoalFactory(owner=employee.manager)
    for n in range(25):
        ObjectiveFactory(owner=employee, parent=goal if n % 2 else None)
    client.force_login(employee)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("objectives:mine"))
    assert body(response).count('data-testid="objective-row"') == 20
    assert "Page 1 of 2" in body(response)
    assert client.get(reverse("objectives:mine") + "?page=2").status_code == 200


def test_the_team_page_highlights_overdue_and_stale(client, manager, employee):
    ObjectiveFactory(
        owner=employee, title="Late one", due_date=timezone.localdate() - dt.timedelta(days=3)
    )
    ObjectiveFactory(
        owner=employee,
        title="Quiet one",
        last_update_at=timezone.now() - dt.timedelta(days=40),
    )
    ObjectiveFactory(owner=employee, title="Fine one")
    client.force_login(manager)
    page = body(client.get(reverse("objectives:team")))
    assert page.count('data-testid="overdue"') == 1
    assert page.count('data-testid="stale"') == 1
    assert "objective-overdue" in page and "objective-stale" in page
    assert "Fine one" in page


def test_the_team_page_filters_by_person_and_shows_their_panel(client, manager, employee):
    ObjectiveFactory(owner=employee, title="Emma's")
    sam = UserFactory(manager=manager, full_name="Sam Second")
    ObjectiveFactory(owner=sam, title="Sam's")
    client.force_login(manager)
    page = body(client.get(reverse("objectives:team"), {"person": employee.pk}))
    assert "Emma&#x27;s" in page and "Sam&#x27;s" not in page
    assert 'data-testid="objectives-panel"' in page
    assert (
        'hx-post="{}"'.format(
            reverse("objectives:progress", args=[Objective.objects.get(title="Emma's").pk])
        )
        in page
    )


def test_the_team_page_refuses_someone_outside_the_team(client, manager, outsider):
    client.force_login(manager)
    response = client.get(reverse("objectives:team"), {"person": outsider.pk})
    assert response.status_code == 404
    assert client.get(reverse("objectives:team"), {"person": "x"}).status_code == 404


def test_the_team_page_shows_nothing_of_others_to_an_outsider(client, outsider, objective):
    client.force_login(outsider)
    page = body(client.get(reverse("objectives:team")))
    assert "Nobody reports to you" in page
    assert "Learn SQL" not in page


def test_the_team_page_stays_at_a_few_queries(client, manager, django_assert_max_num_queries):
    for _ in range(6):
        report = UserFactory(manager=manager)
        for _ in range(4):
            ObjectiveFactory(owner=report)
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("objectives:team"))
    assert body(response).count('data-testid="objective-row"') == 20


def test_proposals_lists_what_the_viewer_decides(client, manager, employee, hr, outsider):
    services.objective_propose(owner=employee, by=employee, title="Proposed thing")
    for viewer, shown in ((manager, True), (hr, False), (outsider, False), (employee, False)):
        client.force_login(viewer)
        page = body(client.get(reverse("objectives:proposals")))
        assert ("Proposed thing" in page) is shown, viewer


def test_proposals_stay_at_a_few_queries(client, manager, django_assert_max_num_queries):
    for _ in range(15):
        report = UserFactory(manager=manager)
        ObjectiveFactory(owner=report, state=State.PROPOSED)
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("objectives:proposals"))
    assert body(response).count('data-testid="proposal"') == 15


def test_goals_lists_the_visible_goals(client, manager, employee, outsider):
    GoalFactory(owner=manager, title="Team thing")
    ObjectiveFactory(owner=manager, level=Level.COMPANY, title="Company thing")
    client.force_login(employee)
    page = body(client.get(reverse("objectives:goals")))
    assert "Team thing" in page and "Company thing" in page
    client.force_login(outsider)
    page = body(client.get(reverse("objectives:goals")))
    assert "Team thing" not in page and "Company thing" in page


def test_goals_stay_at_a_few_queries(client, manager, employee, django_assert_max_num_queries):
    for _ in range(15):
        GoalFactory(owner=manager)
    client.force_login(employee)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("objectives:goals"))
    assert body(response).count('data-testid="goal"') == 15


# --- Creating -------------------------------------------------------------------------


def test_an_employee_proposes_through_the_form(client, employee, manager):
    goal = GoalFactory(owner=manager, title="Faster builds")
    client.force_login(employee)
    assert "Contributes to" in body(client.get(reverse("objectives:new")))
    response = client.post(
        reverse("objectives:new"),
        {"owner": "self", "title": "Cache deps", "due_date": "2030-02-01", "parent": goal.pk},
    )
    objective = Objective.objects.get(title="Cache deps")
    assert response.status_code == 302
    assert response["Location"] == reverse("objectives:detail", args=[objective.pk])
    assert (objective.state, objective.owner, objective.parent) == (State.PROPOSED, employee, goal)


def test_someone_without_a_manager_sets_their_own_objective(client, outsider):
    client.force_login(outsider)
    response = client.post(
        reverse("objectives:new"), {"owner": "self", "title": "Plan"}, follow=True
    )
    assert "it needs nobody" in body(response)
    assert Objective.objects.get(title="Plan").state == State.ACTIVE


def test_a_manager_sets_an_objective_for_a_report_through_the_form(client, manager, employee):
    client.force_login(manager)
    page = body(client.get(reverse("objectives:new"), {"for": employee.pk}))
    assert f'<option value="{employee.pk}" selected>' in page
    client.post(reverse("objectives:new"), {"owner": str(employee.pk), "title": "Ship it"})
    objective = Objective.objects.get(title="Ship it")
    assert (objective.owner, objective.state) == (employee, State.ACTIVE)


def test_the_form_refuses_someone_who_is_not_a_report(client, manager, employee, outsider):
    client.force_login(manager)
    response = client.post(reverse("objectives:new"), {"owner": str(outsider.pk), "title": "X"})
    assert response.status_code == 200
    assert "Select a valid choice" in body(response)
    assert not Objective.objects.exists()


def test_the_form_explains_a_missing_title(client, employee):
    client.force_login(employee)
    response = client.post(reverse("objectives:new"), {"title": ""})
    assert "This field is required" in body(response)
    assert not Objective.objects.exists()


def test_a_manager_sets_a_team_goal(client, manager, employee):
    client.force_login(manager)
    assert client.get(reverse("objectives:new_goal")).status_code == 200
    client.post(reverse("objectives:new_goal"), {"level": "team", "title": "Faster builds"})
    goal = Objective.objects.get(title="Faster builds")
    assert (goal.level, goal.team, goal.state) == (Level.TEAM, manager.team, State.ACTIVE)


def test_someone_without_reports_gets_404_for_a_new_goal(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("objectives:new_goal")).status_code == 404


def test_the_owner_edits_and_an_outsider_gets_404(client, employee, outsider, objective):
    client.force_login(employee)
    response = client.post(
        reverse("objectives:edit", args=[objective.pk]),
        {"title": "Learn SQL well", "description": "Joins", "due_date": "2030-03-01"},
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert (objective.title, objective.due_date) == ("Learn SQL well", dt.date(2030, 3, 1))
    assert objective.changes.get(field="due_date").to_value == "2030-03-01"
    client.force_login(outsider)
    assert client.get(reverse("objectives:edit", args=[objective.pk])).status_code == 404


def test_hr_may_see_but_not_edit(client, hr, objective):
    client.force_login(hr)
    assert client.get(reverse("objectives:detail", args=[objective.pk])).status_code == 200
    assert client.get(reverse("objectives:edit", args=[objective.pk])).status_code == 404


# --- One objective --------------------------------------------------------------------


@pytest.mark.parametrize(("viewer", "status"), SEEN_BY)
def test_the_objective_page_per_role(client, request, objective, viewer, status):
    request.getfixturevalue("grand_manager")
    client.force_login(request.getfixturevalue(viewer))
    assert client.get(reverse("objectives:detail", args=[objective.pk])).status_code == status


def test_the_objective_page_shows_history_and_comments_in_order(
    client, employee, manager, objective
):
    services.objective_update_progress(objective=objective, by=employee, progress=30)
    CommentFactory(objective=objective, author=employee, body="First from Emma")
    CommentFactory(objective=objective, author=manager, body="Then Morgan")
    client.force_login(manager)
    page = body(client.get(reverse("objectives:detail", args=[objective.pk])))
    assert page.index("First from Emma") < page.index("Then Morgan")
    assert "Emma Employee" in page and "Morgan Manager" in page
    assert "0 % → 30 %" in page
    assert "Went above and beyond" in page  # the scale, for the manager's score form


def test_a_missing_objective_is_404(client, employee):
    client.force_login(employee)
    assert client.get(reverse("objectives:detail", args=[999999])).status_code == 404


def test_the_manager_confirms_from_the_page(client, employee, manager):
    proposal = services.objective_propose(owner=employee, by=employee, title="Idea")
    client.force_login(manager)
    page = body(client.get(reverse("objectives:detail", args=[proposal.pk])))
    assert "Confirm" in page and "Reason for the decision" in page
    response = client.post(
        reverse("objectives:transition", args=[proposal.pk]), {"action": "confirm"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == State.ACTIVE


def test_rejecting_without_a_reason_explains_and_changes_nothing(client, employee, manager):
    proposal = services.objective_propose(owner=employee, by=employee, title="Idea")
    client.force_login(manager)
    response = client.post(
        reverse("objectives:transition", args=[proposal.pk]),
        {"action": "reject", "note": ""},
        follow=True,
    )
    assert "Say why" in body(response)
    proposal.refresh_from_db()
    assert proposal.state == State.PROPOSED


@pytest.mark.parametrize("viewer", ["grand_manager", "outsider"])
def test_a_transition_by_someone_who_may_not_is_404(client, request, employee, viewer):
    request.getfixturevalue("grand_manager")
    proposal = services.objective_propose(owner=employee, by=employee, title="Idea")
    client.force_login(request.getfixturevalue(viewer))
    response = client.post(
        reverse("objectives:transition", args=[proposal.pk]), {"action": "confirm"}
    )
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == State.PROPOSED


def test_transitions_need_post(client, manager, objective):
    client.force_login(manager)
    assert client.get(reverse("objectives:transition", args=[objective.pk])).status_code == 405


def test_a_quick_progress_update_over_htmx_returns_the_fragment(client, employee, objective):
    client.force_login(employee)
    response = client.post(
        reverse("objectives:progress", args=[objective.pk]), {"progress": "35"}, **HTMX
    )
    page = body(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert f'id="objective-quick-{objective.pk}"' in page
    assert "Progress saved: 35 %." in page
    assert 'name="next" value="/objectives/team/"' in page
    objective.refresh_from_db()
    assert objective.progress == 35


def test_a_bad_quick_progress_value_explains_and_changes_nothing(client, employee, objective):
    client.force_login(employee)
    response = client.post(
        reverse("objectives:progress", args=[objective.pk]), {"progress": "150"}, **HTMX
    )
    assert "Progress is a percentage from 0 to 100." in body(response)
    objective.refresh_from_db()
    assert objective.progress == 0


def test_a_progress_update_without_htmx_goes_back(client, employee, objective):
    client.force_login(employee)
    response = client.post(
        reverse("objectives:progress", args=[objective.pk]),
        {"progress": "10", "next": reverse("objectives:mine")},
    )
    assert response["Location"] == reverse("objectives:mine")
    response = client.post(
        reverse("objectives:progress", args=[objective.pk]),
        {"progress": "20", "next": "https://evil.example.com/"},
    )
    assert response["Location"] == reverse("objectives:detail", args=[objective.pk])


@pytest.mark.parametrize("viewer", ["hr", "outsider"])
def test_progress_by_someone_who_may_not_change_is_404(client, request, objective, viewer):
    client.force_login(request.getfixturevalue(viewer))
    response = client.post(reverse("objectives:progress", args=[objective.pk]), {"progress": "9"})
    assert response.status_code == 404
    assert not ObjectiveChange.objects.exists()


def test_key_results_are_added_updated_over_htmx_and_removed(client, employee, objective):
    client.force_login(employee)
    client.post(
        reverse("objectives:key_result_add", args=[objective.pk]),
        {"title": "Queries written", "start": "0", "target": "20", "unit": "queries"},
    )
    key_result = objective.key_results.get()
    response = client.post(
        reverse("objectives:key_result_update", args=[key_result.pk]), {"current": "5"}, **HTMX
    )
    assert "“Queries written” updated." in body(response)
    objective.refresh_from_db()
    assert objective.progress == 25
    client.post(reverse("objectives:key_result_remove", args=[key_result.pk]))
    assert not objective.key_results.exists()


def test_a_key_result_with_the_target_at_its_start_is_explained(client, employee, objective):
    client.force_login(employee)
    response = client.post(
        reverse("objectives:key_result_add", args=[objective.pk]),
        {"title": "Nothing", "start": "3", "target": "3"},
        follow=True,
    )
    assert "The target must differ from the starting value." in body(response)
    assert not objective.key_results.exists()


@pytest.mark.parametrize("viewer", ["hr", "outsider"])
def test_key_results_of_others_are_404(client, request, objective, viewer):
    key_result = KeyResultFactory(objective=objective)
    client.force_login(request.getfixturevalue(viewer))
    update = reverse("objectives:key_result_update", args=[key_result.pk])
    assert client.post(update, {"current": "3"}).status_code == 404
    remove = reverse("objectives:key_result_remove", args=[key_result.pk])
    assert client.post(remove).status_code == 404
    add = reverse("objectives:key_result_add", args=[objective.pk])
    assert client.post(add, {"title": "x", "start": "0", "target": "1"}).status_code == 404
    assert objective.key_results.count() == 1


def test_the_manager_scores_from_the_page(client, manager, objective):
    client.force_login(manager)
    client.post(reverse("objectives:score", args=[objective.pk]), {"score": "4", "note": "Good"})
    objective.refresh_from_db()
    assert objective.score == 4


def test_a_score_by_the_owner_is_404_and_by_an_outsider_too(client, employee, outsider, objective):
    for viewer in (employee, outsider):
        client.force_login(viewer)
        assert (
            client.post(
                reverse("objectives:score", args=[objective.pk]), {"score": "5"}
            ).status_code
            == 404
        )
    objective.refresh_from_db()
    assert objective.score is None


def test_comments_by_both_people_and_404_for_others(
    client, employee, manager, hr, outsider, objective
):
    for author, text in ((employee, "Started"), (manager, "Nice")):
        client.force_login(author)
        client.post(reverse("objectives:comment", args=[objective.pk]), {"body": text})
    for other in (hr, outsider):
        client.force_login(other)
        url = reverse("objectives:comment", args=[objective.pk])
        assert client.post(url, {"body": "Hi"}).status_code == 404
    assert list(objective.comments.values_list("body", flat=True)) == ["Started", "Nice"]


# --- Cascade and review ---------------------------------------------------------------


def test_the_cascade_page_shows_the_goal_and_its_objectives(client, manager, employee, outsider):
    goal = GoalFactory(owner=manager, title="Faster builds")
    ObjectiveFactory(owner=employee, parent=goal, title="Cache deps")
    client.force_login(employee)
    page = body(client.get(reverse("objectives:cascade", args=[goal.pk])))
    assert "Faster builds" in page and "Cache deps" in page
    client.force_login(outsider)
    assert client.get(reverse("objectives:cascade", args=[goal.pk])).status_code == 404


def test_the_cascade_page_stays_at_a_few_queries(
    client, manager, grand_manager, django_assert_max_num_queries
):
    company = ObjectiveFactory(owner=grand_manager, level=Level.COMPANY)
    for _ in range(3):
        goal = GoalFactory(owner=manager, parent=company)
        for _ in range(5):
            ObjectiveFactory(owner=UserFactory(manager=manager), parent=goal)
    client.force_login(grand_manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("objectives:cascade", args=[company.pk]))
    assert body(response).count('data-testid="cascade-item"') == 18


def test_the_cascade_of_an_individual_objective_leads_to_its_goal(client, manager, employee):
    goal = GoalFactory(owner=manager)
    child = ObjectiveFactory(owner=employee, parent=goal)
    lone = ObjectiveFactory(owner=employee)
    client.force_login(employee)
    response = client.get(reverse("objectives:cascade", args=[child.pk]))
    assert response["Location"] == reverse("objectives:cascade", args=[goal.pk])
    assert client.get(reverse("objectives:cascade", args=[lone.pk])).status_code == 404


@pytest.mark.parametrize(("viewer", "status"), SEEN_BY)
def test_the_quarterly_review_per_role(client, request, employee, viewer, status):
    request.getfixturevalue("grand_manager")
    ObjectiveFactory(owner=employee, title="Reviewed", due_date=timezone.localdate())
    client.force_login(request.getfixturevalue(viewer))
    response = client.get(reverse("objectives:review", args=[employee.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Reviewed" in body(response)


def test_the_quarterly_review_pages_through_quarters(
    client, employee, django_assert_max_num_queries
):
    for _ in range(10):
        ObjectiveFactory(
            owner=employee,
            due_date=dt.date(2025, 5, 1),
            created_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
        )
    client.force_login(employee)
    url = reverse("objectives:review", args=[employee.pk])
    with django_assert_max_num_queries(8):
        page = body(client.get(url, {"quarter": "2025-Q2"}))
    assert "Q2 2025" in page and "Q1 2025" in page and "Q3 2025" in page
    assert page.count('data-testid="review-row"') == 10
    assert "No objectives were due or updated in Q1 2025" in body(
        client.get(url, {"quarter": "2025-Q1"})
    )
    assert client.get(url, {"quarter": "nonsense"}).status_code == 200


# --- The reusable panel ---------------------------------------------------------------


def test_the_panel_renders_for_a_meeting_page_with_quick_updates(
    manager, employee, django_assert_max_num_queries
):
    with_kr = ObjectiveFactory(owner=employee, title="Measured")
    KeyResultFactory(objective=with_kr, title="Talks given", target=4)
    ObjectiveFactory(owner=employee, title="Plain")
    request = RequestFactory().get("/meetings/1/")
    request.user = manager
    with django_assert_max_num_queries(3):
        objectives = list(selectors.active_objectives_for(owner=employee, viewer=manager))
        html = render_to_string(
            "objectives/includes/panel.html#panel",
            {"objectives": objectives, "panel_owner": employee, "user": manager},
            request=request,
        )
    assert "Emma Employee\N{RIGHT SINGLE QUOTATION MARK}s active objectives" in html
    assert html.count('data-testid="objective-quick"') == 2
    assert 'name="current"' in html and 'name="progress"' in html
    assert 'value="/meetings/1/"' in html


def test_the_panel_offers_no_update_to_a_viewer_who_only_sees(hr, employee):
    ObjectiveFactory(owner=employee, title="Plain")
    request = RequestFactory().get("/")
    request.user = hr
    html = render_to_string(
        "objectives/includes/panel.html#panel",
        {
            "objectives": selectors.active_objectives_for(owner=employee, viewer=hr),
            "panel_owner": employee,
            "user": hr,
        },
        request=request,
    )
    assert "Plain" in html and "<form" not in html


def test_navigation_shows_objectives_to_all_and_team_objectives_to_managers(
    client, manager, employee
):
    client.force_login(employee)
    page = body(client.get(reverse("home")))
    assert reverse("objectives:mine") in page and reverse("objectives:team") not in page
    client.force_login(manager)
    page = body(client.get(reverse("home")))
    assert reverse("objectives:team") in page


# --- Input out of bounds ----------------------------------------------------------------


@pytest.mark.parametrize("due_date", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_the_form_explains_a_due_date_out_of_bounds(client, employee, objective, due_date):
    client.force_login(employee)
    response = client.post(reverse("objectives:new"), {"title": "Far", "due_date": due_date})
    assert response.status_code == 200
    assert "Pick a due date from 1 January 2000 to " in body(response)
    response = client.post(
        reverse("objectives:edit", args=[objective.pk]), {"title": "X", "due_date": due_date}
    )
    assert "Pick a due date from 1 January 2000 to " in body(response)
    objective.refresh_from_db()
    assert (objective.title, Objective.objects.count()) == ("Learn SQL", 1)


@pytest.mark.parametrize("next_url", ["objectives", "a\x00b", "//evil.example/", "2147483648"])
def test_a_next_that_is_not_a_path_here_goes_back_to_the_objective(
    client, employee, objective, next_url
):
    client.force_login(employee)
    detail = reverse("objectives:detail", args=[objective.pk])
    for name, data in [
        ("progress", {"progress": "10"}),
        ("comment", {"body": "Done"}),
        ("transition", {"action": "nonsense"}),
        ("key_result_add", {"title": "KR", "start": "0", "target": "5"}),
    ]:
        response = client.post(
            reverse(f"objectives:{name}", args=[objective.pk]), {**data, "next": next_url}
        )
        assert response["Location"] == detail, name


@pytest.mark.parametrize("person", ["²", "٣", "9" * 30, "-1"])
def test_the_team_page_refuses_a_person_that_is_not_an_id(client, manager, person):
    client.force_login(manager)
    assert client.get(reverse("objectives:team"), {"person": person}).status_code == 404


def test_the_detail_page_reads_the_key_results_once(client, manager, employee):
    """The page lists them and its quick-update panel offers each one again: one read."""
    objective = ObjectiveFactory(owner=employee, title="Ship it", state=State.ACTIVE)
    results = [KeyResultFactory(objective=objective, title=t) for t in ("First", "Second", "Third")]
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        page = body(client.get(reverse("objectives:detail", args=[objective.pk])))
    assert sum('"objectives_keyresult"' in query["sql"] for query in queries) == 1
    assert page.index("First") < page.index("Second") < page.index("Third")
    for result in results:  # the panel's update form of each
        assert reverse("objectives:key_result_update", args=[result.pk]) in page
