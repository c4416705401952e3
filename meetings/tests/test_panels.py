"""The objectives and wellbeing panels on the meeting page, and "Discuss at next 1:1"."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Meeting
from meetings.tests.factories import AgendaItemFactory, SeriesFactory, weekly
from meetings.tests.test_record_services import started_meeting
from objectives.tests.factories import ObjectiveFactory
from wellbeing.models import CheckIn
from wellbeing.tests.factories import CheckInFactory

SHARED_CHECKIN = "CHECKIN-shared-with-the-manager"
PRIVATE_CHECKIN = "CHECKIN-kept-private"


@pytest.fixture
def upcoming(series):
    return series.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()


@pytest.fixture
def objective(employee):
    return ObjectiveFactory(owner=employee, title="Ship the billing API")


def page(client, user, meeting):
    client.force_login(user)
    return client.get(reverse("meetings:meeting", args=[meeting.pk]))


# --- Objectives ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_the_two_see_the_reports_active_objectives(client, request, upcoming, objective, role):
    body = page(client, request.getfixturevalue(role), upcoming).content.decode()
    assert 'data-testid="objectives-panel"' in body
    assert "Ship the billing API" in body and "Discuss in this 1:1" in body
    assert "css/objectives.css" in body


@pytest.mark.parametrize("role", ["grand_manager", "hr"])
def test_the_line_above_and_hr_get_no_panels(client, request, upcoming, objective, role):
    body = page(client, request.getfixturevalue(role), upcoming).content.decode()
    assert "objectives-panel" not in body and "Ship the billing API" not in body


def test_a_quick_progress_update_from_the_meeting_page(client, manager, upcoming, objective):
    client.force_login(manager)
    response = client.post(
        reverse("objectives:progress", args=[objective.pk]),
        {"progress": "40", "note": "", "next": reverse("meetings:meeting", args=[upcoming.pk])},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver/meetings/{upcoming.pk}/",
    )
    assert "Progress saved: 40 %" in response.content.decode()
    objective.refresh_from_db()
    assert objective.progress == 40


def test_a_held_meetings_panel_offers_the_next_1_1(client, manager, series, objective):
    held = started_meeting(series, days_ago=7)
    Meeting.objects.filter(pk=held.pk).update(status=Meeting.Status.COMPLETED)
    body = page(client, manager, held).content.decode()
    assert "Discuss at next 1:1" in body and "Discuss in this 1:1" not in body


def test_discuss_in_this_1_1_from_the_panel_adds_one_linked_item(
    client, employee, upcoming, objective
):
    client.force_login(employee)
    url = reverse("meetings:objective_discuss", args=[objective.pk])
    data = {"meeting": upcoming.pk, "next": reverse("meetings:meeting", args=[upcoming.pk])}
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert "already on the agenda" in response.content.decode()
    item = AgendaItem.objects.get()
    assert (item.meeting, item.objective, item.author) == (upcoming, objective, employee)
    assert "objective: <a" in response.content.decode()


def test_discuss_at_next_1_1_from_the_objective_page(
    client, manager, employee, series, upcoming, objective
):
    client.force_login(manager)
    detail = client.get(reverse("objectives:detail", args=[objective.pk])).content.decode()
    assert "Discuss at next 1:1" in detail and "Not discussed at a 1:1 yet" in detail
    response = client.post(reverse("meetings:objective_discuss", args=[objective.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("meetings:meeting", args=[upcoming.pk])
    assert "is on the agenda of the 1:1 on" in response.content.decode()
    assert upcoming.agenda_items.get().objective == objective


def test_discuss_says_clearly_when_no_1_1_is_booked(client, manager, employee, objective):
    client.force_login(employee)
    response = client.post(reverse("meetings:objective_discuss", args=[objective.pk]), follow=True)
    assert "No 1:1 between Emma Employee and their manager is booked yet" in (
        response.content.decode()
    )
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("role", ["grand_manager", "hr", "other_manager", "outsider"])
def test_only_the_owner_and_manager_can_put_it_on_the_agenda(
    client, request, upcoming, objective, role
):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("meetings:objective_discuss", args=[objective.pk]))
    assert response.status_code == 404
    assert not AgendaItem.objects.exists()


def test_the_objective_lists_meetings_where_it_was_discussed_to_the_two_only(
    client, manager, employee, grand_manager, hr, series, upcoming, objective
):
    held = started_meeting(series, days_ago=7)
    AgendaItemFactory(meeting=held, objective=objective, text="About billing")
    Meeting.objects.filter(pk=held.pk).update(status=Meeting.Status.COMPLETED)
    # On the agenda of a future meeting, not discussed yet: not listed.
    AgendaItemFactory(meeting=upcoming, objective=objective)
    url = reverse("objectives:detail", args=[objective.pk])
    held_link = reverse("meetings:meeting", args=[held.pk])
    for person in (manager, employee):
        client.force_login(person)
        body = client.get(url).content.decode()
        assert held_link in body
        assert reverse("meetings:meeting", args=[upcoming.pk]) not in body
    for person in (grand_manager, hr):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200  # they may see the objective itself
        assert held_link not in response.content.decode()


# --- Wellbeing -------------------------------------------------------------------------------


@pytest.fixture
def checkins(employee):
    CheckInFactory(employee=employee, note=PRIVATE_CHECKIN)
    CheckInFactory(
        employee=employee,
        note=SHARED_CHECKIN,
        shared_with_manager=True,
        created_at=timezone.now() - dt.timedelta(days=1),
    )


def test_the_participant_gets_the_check_in_form(client, employee, upcoming, checkins):
    body = page(client, employee, upcoming).content.decode()
    assert "Check in before your 1:1" in body
    assert f'name="next" value="/meetings/{upcoming.pk}/"' in body
    assert SHARED_CHECKIN in body and PRIVATE_CHECKIN not in body


def test_a_check_in_from_the_meeting_page_comes_back_to_it(client, employee, upcoming):
    client.force_login(employee)
    response = client.post(
        reverse("wellbeing:checkin_create"),
        {
            "happiness": "4",
            "workload": "3",
            "work_life_balance": "4",
            "note": "",
            "share": "on",
            "next": reverse("meetings:meeting", args=[upcoming.pk]),
        },
    )
    assert response["Location"] == reverse("meetings:meeting", args=[upcoming.pk])
    assert CheckIn.objects.get().shared_with_manager


def test_the_manager_sees_the_latest_shared_check_in_only(client, manager, upcoming, checkins):
    body = page(client, manager, upcoming).content.decode()
    assert 'data-testid="checkin-panel"' in body
    assert SHARED_CHECKIN in body and PRIVATE_CHECKIN not in body
    assert "Check in before your 1:1" not in body


@pytest.mark.parametrize("role", ["grand_manager", "hr"])
def test_the_line_above_and_hr_never_see_a_check_in(client, request, upcoming, checkins, role):
    body = page(client, request.getfixturevalue(role), upcoming).content.decode()
    assert SHARED_CHECKIN not in body and "checkin-panel" not in body


@pytest.mark.parametrize("role", ["other_manager", "outsider", "admin_user"])
def test_others_cannot_open_the_page_at_all(client, request, upcoming, checkins, role):
    assert page(client, request.getfixturevalue(role), upcoming).status_code == 404


def test_a_mentor_who_is_not_the_manager_sees_no_check_in(client, employee, other_manager):
    mentoring = SeriesFactory(
        organiser=other_manager, participant=employee, cadence=weekly(), kind="mentoring"
    )
    meeting = started_meeting(mentoring)
    CheckInFactory(employee=employee, note=SHARED_CHECKIN, shared_with_manager=True)
    body = page(client, other_manager, meeting).content.decode()
    assert SHARED_CHECKIN not in body
