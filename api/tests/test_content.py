"""What the API shows each person: the same as the pages, and never the content HR or
anyone outside the two people may not read (planted text, looked for in every answer)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.tests.conftest import bearer
from meetings.models import ChangeRequest, Meeting
from meetings.tests.factories import NoteFactory
from objectives.tests.factories import KeyResultFactory
from people.models import RecordAccess

PLANTED = ["Planted agenda", "Planted action", "Planted note", "Planted check-in"]


def _get(person, url, **params):
    return Client().get(url, params, HTTP_AUTHORIZATION=bearer(person)["Authorization"])


def _post(person, url, body):
    return Client().post(
        url,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=bearer(person)["Authorization"],
    )


def test_my_meetings_are_mine_upcoming_then_past(employee, manager, outsider, scenario):
    NoteFactory(meeting=scenario.meeting, body="Planted note")
    past = Meeting.objects.create(
        organiser=manager,
        participant=employee,
        starts_at=timezone.now() - dt.timedelta(days=7),
        ends_at=timezone.now() - dt.timedelta(days=7) + dt.timedelta(minutes=30),
    )
    upcoming = _get(employee, reverse("api:meetings")).json()
    assert [m["id"] for m in upcoming["results"]] == [scenario.meeting.pk]
    assert upcoming["results"][0]["organiser"] == {"id": manager.pk, "name": "Morgan Manager"}
    assert [
        m["id"] for m in _get(manager, reverse("api:meetings"), when="past").json()["results"]
    ] == [past.pk]
    assert _get(outsider, reverse("api:meetings")).json()["count"] == 0
    for text in PLANTED:
        assert text not in str(upcoming)


@pytest.mark.parametrize("when", ["", "Past", "yesterday", "past\x00"])
def test_my_meetings_refuse_any_other_when(employee, scenario, when):
    answer = _get(employee, reverse("api:meetings"), when=when)
    assert answer.status_code == 400
    assert answer.json()["field"] == "when"
    assert "not a valid choice" in answer.json()["detail"]


@pytest.mark.parametrize("role", ["grand_manager", "hr"])
def test_those_who_see_when_see_no_content(request, role, scenario):
    NoteFactory(meeting=scenario.meeting, body="Planted note")
    person = request.getfixturevalue(role)
    answers = [
        _get(person, reverse("api:meeting", args=[scenario.meeting.pk])),
        _get(person, reverse("api:agenda", args=[scenario.meeting.pk])),
        _get(person, reverse("api:actions")),
        _get(person, reverse("api:checkins")),
        _get(person, reverse("api:objective", args=[scenario.objective.pk])),
    ]
    assert answers[0].status_code == 200
    assert answers[1].status_code == 404
    for answer in answers:
        for text in PLANTED:
            assert text not in answer.content.decode()


def test_the_agenda_puts_the_report_first_and_takes_new_items(employee, manager, scenario):
    url = reverse("api:agenda", args=[scenario.meeting.pk])
    assert _post(manager, url, {"text": "Manager's topic"}).status_code == 201
    added = _post(employee, url, {"text": "  Career next year  "})
    assert added.status_code == 201
    assert added.json()["text"] == "Career next year"
    texts = [item["text"] for item in _get(manager, url).json()]
    assert texts == ["Planted agenda", "Career next year", "Manager's topic"]
    empty = _post(employee, url, {"text": "   "})
    assert empty.status_code == 400
    assert empty.json() == {"detail": "Write what you want to talk about."}


def test_the_participant_asks_and_the_organiser_does(employee, manager, scenario):
    url = reverse("api:meeting_cancel", args=[scenario.meeting.pk])
    asked = _post(employee, url, {"reason": "away", "note": "On leave"})
    assert asked.json()["outcome"] == "asked"
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.PENDING
    again = _post(employee, url, {"reason": "away"})
    assert again.status_code == 400
    assert "already a request" in again.json()["detail"]
    done = _post(manager, url, {"reason": "other"})
    assert done.status_code == 400
    assert done.json()["detail"] == "Say briefly why, so the other person knows."
    done = _post(manager, url, {"reason": "clash", "note": "Off-site"})
    assert (done.json()["outcome"], done.json()["meeting"]["status"]) == ("done", "cancelled")


def test_moving_into_the_past_is_refused_in_words(manager, scenario):
    url = reverse("api:meeting_move", args=[scenario.meeting.pk])
    response = _post(manager, url, {"starts_at": "2001-01-01T10:00:00Z"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Pick a time in the future."}
    bad = _post(manager, url, {"starts_at": "not a date"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "starts_at"


def test_actions_are_marked_done_by_either_of_the_two(employee, manager, scenario):
    url = reverse("api:action_done", args=[scenario.action.pk])
    assert _post(manager, url, {"done": True}).json()["done"] is True
    assert _post(employee, url, {"done": False}).json()["done"] is False
    mine = _get(employee, reverse("api:actions")).json()["results"]
    assert [a["description"] for a in mine] == ["Planted action"]
    assert _get(manager, reverse("api:actions")).json()["count"] == 0  # not theirs to do


def test_an_objective_shows_its_details_to_its_line_and_facts_to_hr(
    employee, manager, hr, scenario
):
    KeyResultFactory(objective=scenario.objective, title="Planted key result")
    url = reverse("api:objective", args=[scenario.objective.pk])
    mine = _get(employee, url).json()
    assert mine["description"] == "Planted description"
    assert [kr["title"] for kr in mine["key_results"]] == ["Planted key result"]
    facts = _get(hr, url).json()
    assert (facts["title"], facts["description"], facts["key_results"]) == (
        "Ship the API",
        None,
        None,
    )
    assert RecordAccess.objects.filter(
        viewer=hr, person=employee, kind=RecordAccess.Kind.OBJECTIVE
    ).exists()


def test_proposing_and_updating_objectives_go_through_the_rules(employee, manager, scenario):
    proposed = _post(employee, reverse("api:objectives"), {"title": "Learn Rust"}).json()
    assert (proposed["state"], proposed["owner"]["id"]) == ("proposed", employee.pk)
    not_yet = _post(
        employee, reverse("api:objective_progress", args=[proposed["id"]]), {"progress": 10}
    )
    assert not_yet.status_code == 400
    assert "active objectives" in not_yet.json()["detail"]
    updated = _post(
        manager, reverse("api:objective_progress", args=[scenario.objective.pk]), {"progress": 60}
    )
    assert updated.json()["progress"] == 60
    too_much = _post(
        employee, reverse("api:objective_progress", args=[scenario.objective.pk]), {"progress": 101}
    )
    assert (too_much.status_code, too_much.json()["field"]) == (400, "progress")


def test_check_ins_are_one_s_own(employee, manager):
    url = reverse("api:checkins")
    made = _post(
        employee, url, {"happiness": 4, "workload": 2, "work_life_balance": 3, "share": True}
    )
    assert made.status_code == 201
    assert made.json()["shared_with_manager"] is True
    assert _get(employee, url).json()["count"] == 1
    assert _get(manager, url).json()["count"] == 0  # a manager reads shared ones on the page
    no_manager = _post(
        manager, url, {"happiness": 4, "workload": 2, "work_life_balance": 3, "share": True}
    )
    assert no_manager.status_code == 400
    assert no_manager.json()["field"] == "share"


def test_hr_reads_cadence_figures_and_it_is_recorded(hr, manager, employee, scenario):
    response = _get(hr, reverse("api:cadence"))
    assert response.status_code == 200
    body = response.json()
    row = next(row for row in body["managers"] if row["manager_id"] == manager.pk)
    assert (row["reports"], row["not_booked"]) == (1, 0)
    assert set(body["period"]) == {"first", "last"}
    for text in [*PLANTED, "Planted description"]:
        assert text not in response.content.decode()
    assert RecordAccess.objects.filter(
        viewer=hr, person=manager, kind=RecordAccess.Kind.REPORT_DASHBOARD
    ).exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-05-01", "end": "2026-01-01"}, "on or before"),
        ({"start": "1999-01-01"}, ""),
        ({"start": "9999-12-30"}, ""),
        ({"start": "2010-01-01", "end": "2020-01-01"}, "three years"),
        ({"start": "yesterday"}, ""),
    ],
)
def test_hr_is_told_what_is_wrong_with_a_period(hr, params, message):
    response = _get(hr, reverse("api:cadence"), **params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_an_unknown_team_is_not_found(hr):
    assert _get(hr, reverse("api:cadence"), team=999999).status_code == 404
