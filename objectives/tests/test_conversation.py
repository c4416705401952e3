"""HR sees objectives, not the conversation about them.

The comments, the notes written with a change, a rejection's reason (the
conversation) are for the owner, their manager and the manager's manager; the
description and key results for them too (and for a goal's team). HR and the admin
site see an objective's facts: title, whose, state, progress, score, dates. Marked
text is planted in everything that is not a fact and looked for on every page HR,
an administrator or anyone else can open.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from objectives import services
from objectives.models import Level, Objective, State
from objectives.tests.factories import CommentFactory, GoalFactory, ObjectiveFactory
from people.tests.factories import UserFactory

SECRET = "TALKED-ABOUT"
PLANTED = {
    "description": f"{SECRET} description",
    "key result": f"{SECRET} key result",
    "owner's comment": f"{SECRET} comment by the owner",
    "manager's comment": f"{SECRET} comment by the manager",
    "progress note": f"{SECRET} progress note",
    "score note": f"{SECRET} score note",
    "decision note": f"{SECRET} decision note",
    "rejection reason": f"{SECRET} rejection reason",
}
CONVERSATION = (
    "owner's comment",
    "manager's comment",
    "progress note",
    "score note",
    "decision note",
)
FACTS = ("Learn SQL", "Active", "40 %", "3 · Got most of the way", "31 Jan 2030")


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def objective(employee, manager, grand_manager):
    """Emma's objective, agreed, updated, scored and talked about, with everything that
    is not a fact planted."""
    proposal = services.objective_propose(
        owner=employee,
        by=employee,
        title="Learn SQL",
        description=PLANTED["description"],
        due_date=dt.date(2030, 1, 31),
    )
    services.objective_confirm(objective=proposal, by=manager, note=PLANTED["decision note"])
    services.objective_update_progress(
        objective=proposal, by=employee, progress=40, note=PLANTED["progress note"]
    )
    services.key_result_add(
        objective=proposal, by=employee, title=PLANTED["key result"], target=10, current=4
    )
    services.objective_set_score(
        objective=proposal, by=manager, score=3, note=PLANTED["score note"]
    )
    CommentFactory(objective=proposal, author=employee, body=PLANTED["owner's comment"])
    CommentFactory(objective=proposal, author=manager, body=PLANTED["manager's comment"])
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def rejected(employee, manager):
    proposal = services.objective_propose(owner=employee, by=employee, title="Go to the moon")
    return services.objective_reject(
        objective=proposal, by=manager, reason=PLANTED["rejection reason"]
    )


def planted_in(page: str) -> list[str]:
    return [what for what, text in PLANTED.items() if text in page]


def test_the_planted_text_is_really_there(objective, rejected):
    # The checks below would pass on an empty objective.
    assert objective.description == PLANTED["description"]
    assert objective.comments.count() == 2
    assert objective.key_results.get().title == PLANTED["key result"]
    notes = set(objective.changes.values_list("note", flat=True))
    assert {PLANTED[n] for n in ("progress note", "score note", "decision note")} <= notes
    assert (objective.progress, objective.score, objective.state) == (40, 3, State.ACTIVE)
    assert rejected.rejection_reason == PLANTED["rejection reason"]


# --- The objective's page, per role ----------------------------------------------------


@pytest.mark.parametrize("who", ["employee", "manager", "grand_manager"])
def test_the_owner_and_their_line_read_the_conversation(client, request, objective, who):
    client.force_login(request.getfixturevalue(who))
    page = body(client.get(reverse("objectives:detail", args=[objective.pk])))
    assert set(planted_in(page)) == set(PLANTED) - {"rejection reason"}
    assert 'data-testid="comment"' in page


@pytest.mark.parametrize("who", ["employee", "manager", "grand_manager"])
def test_the_line_reads_the_reason_of_a_rejection(client, request, rejected, who):
    client.force_login(request.getfixturevalue(who))
    page = body(client.get(reverse("objectives:detail", args=[rejected.pk])))
    assert PLANTED["rejection reason"] in page


def test_hr_sees_the_facts_and_nothing_of_the_conversation(client, hr, objective, rejected):
    client.force_login(hr)
    response = client.get(reverse("objectives:detail", args=[objective.pk]))
    assert response.status_code == 200
    page = body(response)
    assert planted_in(page) == []
    for fact in (*FACTS, "Emma Employee", "Morgan Manager"):
        assert fact in page, fact
    # The history's facts stay (from, to, when, by whom); its notes do not.
    assert "0 % → 40 %" in page and 'data-testid="history"' in page
    assert 'data-testid="comment"' not in page and "Key results" not in page
    assert 'data-testid="facts-only"' in page
    page = body(client.get(reverse("objectives:detail", args=[rejected.pk])))
    assert planted_in(page) == [] and "Rejected" in page


@pytest.mark.parametrize("who", ["other_manager", "outsider", "admin_user"])
def test_anyone_else_gets_404(client, request, objective, who):
    """A superuser who is not HR is nobody special in the app."""
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("objectives:detail", args=[objective.pk]))
    assert response.status_code == 404
    assert planted_in(body(response)) == []


def test_anonymous_visitors_are_sent_to_sign_in(client, objective):
    response = client.get(reverse("objectives:detail", args=[objective.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert planted_in(body(response)) == []


def test_hr_cannot_decide_comment_or_update(client, hr, employee):
    """Every change, htmx fragments included, is for the owner and their manager."""
    proposal = services.objective_propose(owner=employee, by=employee, title="Idea")
    active = ObjectiveFactory(owner=employee)
    client.force_login(hr)
    htmx = {"HTTP_HX_REQUEST": "true"}
    for name, pk, data in (
        ("transition", proposal.pk, {"action": "confirm"}),
        ("transition", proposal.pk, {"action": "reject", "note": "No"}),
        ("comment", active.pk, {"body": "From HR"}),
        ("progress", active.pk, {"progress": "50"}),
        ("score", active.pk, {"score": "2"}),
    ):
        response = client.post(reverse(f"objectives:{name}", args=[pk]), data, **htmx)
        assert response.status_code == 404, name
    proposal.refresh_from_db()
    active.refresh_from_db()
    assert proposal.state == State.PROPOSED
    assert (active.comments.count(), active.progress, active.score) == (0, 0, None)


# --- Goals: the details for their audience, the conversation for the line ---------------


def test_a_team_goal_shows_its_team_the_details_but_not_the_conversation(
    client, manager, employee, hr
):
    goal = GoalFactory(owner=manager, title="Faster builds", description=PLANTED["description"])
    CommentFactory(objective=goal, author=manager, body=PLANTED["manager's comment"])
    client.force_login(employee)  # in the team, not in the manager's line
    page = body(client.get(reverse("objectives:detail", args=[goal.pk])))
    assert planted_in(page) == ["description"]
    assert 'data-testid="no-conversation"' in page
    client.force_login(manager)
    assert set(planted_in(body(client.get(reverse("objectives:detail", args=[goal.pk]))))) == {
        "description",
        "manager's comment",
    }
    client.force_login(hr)
    assert planted_in(body(client.get(reverse("objectives:detail", args=[goal.pk])))) == []


def test_a_company_goal_shows_everyone_the_details_but_not_the_conversation(
    client, manager, outsider
):
    goal = ObjectiveFactory(
        owner=manager, level=Level.COMPANY, title="Grow", description=PLANTED["description"]
    )
    CommentFactory(objective=goal, author=manager, body=PLANTED["manager's comment"])
    client.force_login(outsider)
    assert planted_in(body(client.get(reverse("objectives:detail", args=[goal.pk])))) == [
        "description"
    ]


# --- Every other page HR can open -------------------------------------------------------


def hr_pages(objective: Objective, employee) -> list[str]:
    goal = objective.parent
    assert goal is not None
    return [
        reverse("objectives:mine"),
        reverse("objectives:team"),
        reverse("objectives:proposals"),
        reverse("objectives:goals"),
        reverse("objectives:detail", args=[goal.pk]),
        reverse("objectives:cascade", args=[goal.pk]),
        reverse("objectives:cascade", args=[objective.pk]),  # redirects to the goal's
        reverse("objectives:review", args=[employee.pk]),
        reverse("people:person", args=[employee.pk]),
        reverse("reports:dashboard"),
        reverse("reports:manager", args=[employee.manager_id]),
        reverse("reports:manager_export", args=[employee.manager_id, "reports"]),
        reverse("reports:manager_export", args=[employee.manager_id, "meetings"]),
        *(reverse("reports:gaps", args=[c]) for c in ("overdue", "no_series", "new_starters")),
        *(reverse("reports:export", args=[t]) for t in ("managers", "trend", "no_series")),
        reverse("wellbeing:trends"),
    ]


def test_no_page_or_file_hr_opens_shows_the_conversation(
    client, hr, manager, employee, objective, rejected
):
    goal = GoalFactory(owner=manager, title="Team thing")
    Objective.objects.filter(pk=objective.pk).update(parent=goal)
    objective.refresh_from_db()
    services.objective_propose(owner=employee, by=employee, title="Waiting", description="x")
    client.force_login(hr)
    for url in hr_pages(objective, employee):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert planted_in(body(response)) == [], url
    review = body(client.get(reverse("objectives:review", args=[employee.pk])))
    assert "Learn SQL" in review and "40 %" in review  # the facts are there


# --- The admin site ---------------------------------------------------------------------


def admin_pages(objectives: list[Objective]) -> list[str]:
    changelist = reverse("admin:objectives_objective_changelist")
    pages = [changelist, f"{changelist}?q={SECRET}", f"{changelist}?q=Emma"]
    for objective in objectives:
        for page in ("change", "history", "delete"):
            pages.append(reverse(f"admin:objectives_objective_{page}", args=[objective.pk]))
    return pages


def test_no_admin_page_of_objectives_shows_the_conversation(
    client, admin_user, employee, objective, rejected
):
    client.force_login(admin_user)
    for url in admin_pages([objective, rejected]):
        response = client.get(url)
        assert response.status_code == 200, url
        assert planted_in(body(response)) == [], url
    change = body(client.get(reverse("admin:objectives_objective_change", args=[objective.pk])))
    assert "Learn SQL" in change and "Emma Employee" in change
    # The bulk "delete selected" confirmation lists no key results or comments either.
    response = client.post(
        reverse("admin:objectives_objective_changelist"),
        {"action": "delete_selected", "_selected_action": [objective.pk, rejected.pk]},
    )
    assert response.status_code == 200 and "Are you sure" in body(response)
    assert planted_in(body(response)) == []
    assert Objective.objects.filter(pk=objective.pk).exists()


def test_saving_in_the_admin_keeps_what_it_does_not_show(client, admin_user, objective):
    client.force_login(admin_user)
    url = reverse("admin:objectives_objective_change", args=[objective.pk])
    response = client.post(
        url,
        {
            "owner": objective.owner_id,
            "title": "Learn SQL properly",
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, body(response)[:2000]
    objective.refresh_from_db()
    assert objective.title == "Learn SQL properly"
    assert objective.description == PLANTED["description"]
    assert objective.comments.count() == 2


def test_admin_staff_without_a_superuser_see_no_more(client, objective):
    from django.contrib.auth.models import Permission

    staff = UserFactory(full_name="Sam Staff", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_objective", "change_objective"])
    )
    staff = get_user_model().objects.get(pk=staff.pk)
    client.force_login(staff)
    for url in admin_pages([objective]):
        response = client.get(url)
        assert response.status_code in (200, 403), url
        assert planted_in(body(response)) == [], url
