import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from home.tests import scenario
from meetings.models import Meeting
from meetings.tests.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory
from people.tests.factories import UserFactory
from wellbeing.tests.factories import CheckInFactory


@pytest.fixture
def pinned(db):
    with time_machine.travel(scenario.NOW, tick=False):
        yield


@pytest.fixture
def s(pinned, manager, employee):
    return scenario.build(manager=manager, employee=employee)


def page(client, person) -> str:
    client.force_login(person)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def block(body: str, testid: str) -> str:
    """The HTML of one block of the page (from its opening tag to the next block)."""
    start = body.index(f'data-testid="{testid}"')
    end = body.find("<section", start)
    return body[start : end if end != -1 else len(body)]


# --- Signing in and the way to one's profile ----------------------------------------------


def test_signing_in_lands_on_home_and_the_profile_card_moved_to_my_profile(client, employee):
    response = client.post(
        reverse("login"), {"username": employee.email, "password": "correct-horse-battery"}
    )
    assert response["Location"] == reverse("home") == "/"
    body = client.get("/").content.decode()
    assert 'data-testid="home-next"' in body
    assert reverse("people:profile") in body
    profile = client.get(reverse("people:profile")).content.decode()
    assert "Your manager" in profile and "Morgan Manager" in profile


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- The employee -------------------------------------------------------------------------


def test_the_employee_sees_their_next_1_1_with_how_prepared_it_is(client, s):
    body = page(client, s.employee)
    next_block = block(body, "home-next")
    assert reverse("meetings:meeting", args=[s.next_meeting.pk]) in next_block
    assert "Fri 20 Nov, 15:00" in next_block  # London is UTC in November
    assert "1:1 with Morgan Manager" in next_block
    assert "3 agenda items: you wrote 1 (33 %)" in next_block
    assert "add what you want to talk about" in next_block
    assert "change requested" in next_block


def test_the_employee_sees_their_open_actions_overdue_first(client, s):
    actions = block(page(client, s.employee), "home-actions")
    assert "2 open, " in actions and "1 overdue" in actions
    assert actions.index("send the draft") < actions.index("book the course")
    assert "overdue: due Mon 16 Nov 2026" in actions
    assert "long done" not in actions


def test_the_employee_is_asked_to_check_in_when_they_have_not_this_month(client, s):
    checkin = block(page(client, s.employee), "home-checkin")
    assert "You have not checked in this month" in checkin
    assert reverse("wellbeing:index") in checkin


def test_the_employee_has_nothing_to_answer_and_is_offered_a_next_step(client, s):
    body = page(client, s.employee)
    waiting = block(body, "home-waiting")
    assert "Nothing waits for your answer." in waiting
    assert reverse("objectives:new") in waiting
    assert 'data-testid="home-team"' not in body
    assert 'data-testid="home-hr"' not in body


# --- The manager --------------------------------------------------------------------------


def test_the_manager_sees_times_in_their_own_zone_and_the_reports_share(client, s):
    next_block = block(page(client, s.manager), "home-next")
    assert "Fri 20 Nov, 10:00" in next_block  # New York
    assert "1:1 with Emma Employee" in next_block
    assert "Emma wrote 1 (33 %)" in next_block
    assert "at least three quarters from Emma" in next_block


def test_the_manager_sees_the_request_and_the_proposal_waiting_for_an_answer(client, s):
    waiting = block(page(client, s.manager), "home-waiting")
    assert "Emma Employee asks to cancel the 1:1 on Fri 20 Nov, 10:00" in waiting
    assert reverse("meetings:meeting", args=[s.next_meeting.pk]) in waiting
    assert "learn Rust" in waiting
    assert "SECRET note" not in waiting  # the note is read where the request is answered


def test_the_manager_sees_new_starters_and_reports_not_met_recently(client, s):
    team = block(page(client, s.manager), "home-team")
    assert "New starters not met yet" in team and "Nina Newstart" in team
    assert "started 8 Nov 2026" in team
    assert f"{reverse('meetings:series_new')}?participant={s.nina.pk}" in team
    assert "No 1:1 in the last 45 days" in team and "Ravi Remote" in team
    assert "last 1:1 19 Sep 2026" in team
    assert "Emma Employee" not in team  # met ten days ago


def test_the_manager_who_checked_in_this_month_is_thanked_not_prompted(client, s):
    checkin = block(page(client, s.manager), "home-checkin")
    assert "You checked in on Sun 15 Nov" in checkin
    assert "not checked in" not in checkin


def test_a_manager_whose_reports_are_all_met_is_told_so(client, pinned, manager, employee):
    MeetingFactory(
        organiser=manager,
        participant=employee,
        starts_at=scenario.NOW - dt.timedelta(days=3),
        status=Meeting.Status.COMPLETED,
    )
    team = block(page(client, manager), "home-team")
    assert "All 1 of your reports had a 1:1 with you in the last 45 days" in team
    assert reverse("meetings:team") in team


def test_a_manager_with_no_reports_yet_sees_the_empty_states(client, pinned, grand_manager):
    """Gina manages nobody yet (her report's line is not set) and has a manager of
    her own: every block says what comes next, none is about a team."""
    newly = UserFactory(full_name="Paula Promoted", manager=grand_manager)
    body = page(client, newly)
    assert 'data-testid="home-team"' not in body
    next_block = block(body, "home-next")
    assert "No 1:1 is booked for you." in next_block
    assert f"{reverse('meetings:meeting_new')}?participant={grand_manager.pk}" in next_block
    assert "Nothing waits for your answer." in block(body, "home-waiting")
    assert "You have no open actions." in block(body, "home-actions")
    assert "You have not checked in this month" in block(body, "home-checkin")


def test_a_manager_with_nothing_booked_is_offered_to_book(client, pinned, manager, employee):
    next_block = block(page(client, manager), "home-next")
    assert "No 1:1 is booked for you." in next_block
    assert reverse("meetings:series_new") in next_block


# --- HR and a new user --------------------------------------------------------------------


def test_hr_gets_the_way_into_the_reports_and_nothing_of_anyone_elses_1_1s(client, s, hr):
    body = page(client, hr)
    hr_block = block(body, "home-hr")
    for name in ("reports:dashboard", "wellbeing:trends"):
        assert reverse(name) in hr_block
    assert reverse("reports:gaps", args=["new_starters"]) in hr_block
    assert "SECRET" not in body
    for person in (s.employee, s.manager, s.ravi, s.nina):
        assert person.full_name not in body
    assert 'data-testid="home-team"' not in body


def test_a_new_user_with_nothing_sees_a_next_step_in_every_block(client, pinned):
    newcomer = UserFactory(full_name="Nadia Nobody")
    body = page(client, newcomer)
    next_block = block(body, "home-next")
    assert "nobody to meet" in next_block and reverse("people:profile") in next_block
    waiting = block(body, "home-waiting")
    assert "Nothing waits for your answer." in waiting and reverse("objectives:new") in waiting
    actions = block(body, "home-actions")
    assert "You have no open actions." in actions and reverse("meetings:my_actions") in actions
    assert reverse("wellbeing:index") in block(body, "home-checkin")


# --- Nobody sees anyone else's things -----------------------------------------------------


@pytest.mark.parametrize("who", ["grand_manager", "other_manager", "outsider", "admin_user"])
def test_people_around_them_see_none_of_emmas_and_morgans_things(client, s, request, who):
    viewer = request.getfixturevalue(who)
    body = page(client, viewer)
    assert "SECRET" not in body
    assert "Emma Employee" not in body
    assert "Nina Newstart" not in body


def test_the_report_does_not_see_the_managers_other_reports(client, s):
    body = page(client, s.employee)
    assert "Nina Newstart" not in body and "Ravi Remote" not in body
    assert "learn Rust" not in body  # their own proposal waits for Morgan, not for them


# --- Queries ------------------------------------------------------------------------------


def queries_for(client, person) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def add_history(s, *, weeks: int) -> None:
    """A long past: held 1:1s with agendas, done and open actions, check-ins."""
    for week in range(1, weeks + 1):
        held = MeetingFactory(
            organiser=s.manager,
            participant=s.employee,
            starts_at=scenario.NOW - dt.timedelta(weeks=week, hours=1),
            status=Meeting.Status.COMPLETED,
        )
        AgendaItemFactory(meeting=held)
        ActionItemFactory(meeting=held, owner=s.employee, done=True, done_at=held.starts_at)
        ActionItemFactory(meeting=held, owner=s.manager, due_date=scenario.TODAY)
        ActionItemFactory(meeting=held, owner=s.employee, due_date=scenario.TODAY)
        CheckInFactory(employee=s.employee, created_at=held.starts_at)
        UserFactory(manager=s.manager)


def test_the_query_count_does_not_grow_with_history(client, s):
    before = {person: queries_for(client, person) for person in (s.manager, s.employee)}
    add_history(s, weeks=20)
    after = {person: queries_for(client, person) for person in (s.manager, s.employee)}
    assert after == before
    # Session, user, the team, the next 1:1s (both sides in one statement), requests,
    # proposals, actions with their counts, the check-in, new reports by a change of
    # manager, a change of manager to choose; the menu asks nothing more (the team says
    # whether there are reports) and the manager is read only for the empty state.
    assert before == {s.manager: 10, s.employee: 8}
