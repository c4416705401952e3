"""Every endpoint, as each role: the API answers exactly what the pages would, and what
someone may not see is a 404, like what does not exist."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import token_revoke
from api.tests.conftest import bearer
from meetings.models import Meeting

ROLES = ["employee", "manager", "grand_manager", "other_manager", "hr", "admin_user"]


def _in_two_days() -> str:
    moment = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=2, hours=1)
    return moment.isoformat()


# name, method, the object whose id is in the path, body, then the status per role.
ENDPOINTS = [
    ("me", "get", None, None, dict.fromkeys(ROLES, 200)),
    ("meetings", "get", None, None, dict.fromkeys(ROLES, 200)),
    (
        "meeting",
        "get",
        "meeting",
        None,
        {"employee": 200, "manager": 200, "grand_manager": 200, "hr": 200},
    ),
    ("agenda", "get", "meeting", None, {"employee": 200, "manager": 200}),
    ("agenda", "post", "meeting", {"text": "From a script"}, {"employee": 201, "manager": 201}),
    (
        "meeting_cancel",
        "post",
        "meeting",
        {"reason": "nothing_to_discuss"},
        {"employee": 200, "manager": 200},
    ),
    ("meeting_move", "post", "meeting", {"starts_at": "soon"}, {"employee": 200, "manager": 200}),
    ("actions", "get", None, None, dict.fromkeys(ROLES, 200)),
    ("action_done", "post", "action", {"done": True}, {"employee": 200, "manager": 200}),
    ("objectives", "get", None, None, dict.fromkeys(ROLES, 200)),
    ("objectives", "post", None, {"title": "Learn Rust"}, dict.fromkeys(ROLES, 201)),
    (
        "objective",
        "get",
        "objective",
        None,
        {"employee": 200, "manager": 200, "grand_manager": 200, "hr": 200},
    ),
    (
        "objective_progress",
        "post",
        "objective",
        {"progress": 40},
        {"employee": 200, "manager": 200},
    ),
    ("checkins", "get", None, None, dict.fromkeys(ROLES, 200)),
    (
        "checkins",
        "post",
        None,
        {"happiness": 4, "workload": 3, "work_life_balance": 3},
        dict.fromkeys(ROLES, 201),
    ),
    ("cadence", "get", None, None, {"hr": 200}),
    # Administrators only (the admin site's right to change people): anyone else a 404.
    ("person_manager", "post", "person", {"manager": None}, {"admin_user": 200}),
]
CASES = [
    pytest.param(name, method, target, body, expected, id=f"{method} {name}")
    for name, method, target, body, expected in ENDPOINTS
]


def _url(name: str, target: str | None, scenario) -> str:
    if target is None:
        return reverse(f"api:{name}")
    return reverse(f"api:{name}", args=[getattr(scenario, target).pk])


def _body(body):
    if body and body.get("starts_at") == "soon":
        return {**body, "starts_at": _in_two_days()}
    return body


def test_the_table_has_every_endpoint():
    """A new endpoint fails here until its access is tested below."""
    from api.urls import urlpatterns

    endpoints = {
        pattern.name
        for pattern in urlpatterns
        if str(pattern.pattern).startswith("v1/") and pattern.name != "no_such_endpoint"
    }
    assert endpoints == {name for name, *_ in ENDPOINTS}


@pytest.mark.parametrize(("name", "method", "target", "body", "expected"), CASES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role(
    request, api, scenario, grand_manager, name, method, target, body, expected, role
):
    person = request.getfixturevalue(role)
    response = getattr(api, method)(
        _url(name, target, scenario), _body(body), **_headers(bearer(person))
    )
    assert response.status_code == expected.get(role, 404), response.content
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]


def _headers(headers: dict[str, str]) -> dict[str, str]:
    return {f"HTTP_{key.upper()}": value for key, value in headers.items()}


@pytest.mark.parametrize(("name", "method", "target", "body", "expected"), CASES)
def test_anonymous_is_asked_for_a_token(api, scenario, name, method, target, body, expected):
    response = getattr(api, method)(_url(name, target, scenario), _body(body))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(("name", "method", "target", "body", "expected"), CASES)
def test_a_revoked_token_is_refused(api, scenario, employee, name, method, target, body, expected):
    headers = bearer(employee)
    token_revoke(token=employee.api_tokens.get(), by=employee)
    response = getattr(api, method)(_url(name, target, scenario), _body(body), **_headers(headers))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


WRITES = [case for case in CASES if case.values[1] == "post"]


@pytest.mark.parametrize(("name", "method", "target", "body", "expected"), WRITES)
def test_a_read_only_token_changes_nothing(
    api, scenario, employee, name, method, target, body, expected
):
    headers = _headers(bearer(employee, scope=ApiToken.Scope.READ))
    before = _snapshot(scenario)
    response = api.post(_url(name, target, scenario), _body(body), **headers)
    assert response.status_code == 403
    assert "read only" in response.json()["detail"]
    assert _snapshot(scenario) == before


def _snapshot(scenario):
    from meetings.models import AgendaItem, ChangeRequest
    from objectives.models import Objective
    from wellbeing.models import CheckIn

    meeting = Meeting.objects.get(pk=scenario.meeting.pk)
    return (
        meeting.status,
        meeting.starts_at,
        AgendaItem.objects.count(),
        ChangeRequest.objects.count(),
        Objective.objects.count(),
        Objective.objects.get(pk=scenario.objective.pk).progress,
        CheckIn.objects.count(),
        scenario.action.__class__.objects.get(pk=scenario.action.pk).done,
    )


READS = [case for case in CASES if case.values[1] == "get"]


@pytest.mark.parametrize(("name", "method", "target", "body", "expected"), READS)
def test_a_read_only_token_reads(api, scenario, employee, hr, name, method, target, body, expected):
    role = "hr" if name == "cadence" else "employee"
    person = hr if role == "hr" else employee
    headers = _headers(bearer(person, scope=ApiToken.Scope.READ))
    response = api.get(_url(name, target, scenario), **headers)
    assert response.status_code == expected[role]
