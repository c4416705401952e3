"""Everyday edits on the meeting page (issue 14, point 7): the author rewrites an agenda
item; the owner or the organiser changes or deletes an action; overdue actions are
marked; a video link is a link, for http and https only.

The clock is pinned to Monday 4 January 2027, 08:00 UTC.
"""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from meetings.models import ActionItem, AgendaItem, Format
from meetings.record import services as record_services
from meetings.tests.factories import ActionItemFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def series(tuesday_series):
    return tuesday_series


@pytest.fixture
def meeting(series):
    return series.meetings.order_by("starts_at").first()


def edit_item(client, meeting, item, text, **headers):
    url = reverse("meetings:agenda_edit", args=[meeting.pk, item.pk])
    return client.post(url, {"text": text}, **headers)


def edit_action(client, meeting, action, **data):
    url = reverse("meetings:action_edit", args=[meeting.pk, action.pk])
    return client.post(url, data, **HTMX)


def delete_action(client, meeting, action):
    return client.post(reverse("meetings:action_delete", args=[meeting.pk, action.pk]), **HTMX)


# --- Agenda text ----------------------------------------------------------------------------


def test_the_author_rewrites_their_item(client, meeting, employee):
    item = record_services.agenda_item_add(meeting=meeting, by=employee, text="Promtion")
    client.force_login(employee)
    response = edit_item(client, meeting, item, "Promotion criteria", **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="agenda"' in body
    assert "Promotion criteria" in body and "Saved the new text." in body
    item.refresh_from_db()
    assert item.text == "Promotion criteria"
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert 'data-testid="agenda-edit"' in page


def test_the_other_person_cannot_rewrite_it(client, meeting, manager, employee):
    item = record_services.agenda_item_add(meeting=meeting, by=employee, text="Mine")
    client.force_login(manager)
    body = edit_item(client, meeting, item, "Theirs", **HTMX).content.decode()
    assert "Only the person who added an item can change its text." in body
    item.refresh_from_db()
    assert item.text == "Mine"
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert 'data-testid="agenda-edit"' not in page


def test_an_empty_or_long_text_is_refused_and_nothing_changes(client, meeting, employee):
    item = record_services.agenda_item_add(meeting=meeting, by=employee, text="Kept")
    client.force_login(employee)
    assert "alert" in edit_item(client, meeting, item, "  ", **HTMX).content.decode()
    edit_item(client, meeting, item, "x" * 501, **HTMX)
    response = edit_item(client, meeting, item, "", follow=True)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.text == "Kept"


def test_a_held_meetings_items_stay_as_they_were(client, meeting, employee, clock):
    item = record_services.agenda_item_add(meeting=meeting, by=employee, text="Record")
    clock.move_to(meeting.starts_at + dt.timedelta(minutes=5))
    record_services.meeting_complete(meeting=meeting, by=employee)
    client.force_login(employee)
    body = edit_item(client, meeting, item, "Rewritten", **HTMX).content.decode()
    assert "This 1:1 is completed" in body
    item.refresh_from_db()
    assert item.text == "Record"


# --- Actions -----------------------------------------------------------------------------------


@pytest.fixture
def action(meeting, manager, employee):
    return record_services.action_add(
        meeting=meeting,
        by=manager,
        owner=employee,
        description="Send the plan",
        due_date=dt.date(2027, 1, 8),
    )


def test_the_owner_changes_what_who_and_when(client, meeting, action, employee, manager):
    client.force_login(employee)
    response = edit_action(
        client,
        meeting,
        action,
        description="Send the revised plan",
        owner=manager.pk,
        due_date="2027-01-15",
    )
    body = response.content.decode()
    assert 'id="actions"' in body and "Action saved." in body
    action.refresh_from_db()
    assert (action.description, action.owner, action.due_date) == (
        "Send the revised plan",
        manager,
        dt.date(2027, 1, 15),
    )


def test_the_organiser_changes_the_reports_action_and_may_clear_its_date(
    client, meeting, action, manager, employee
):
    client.force_login(manager)
    edit_action(client, meeting, action, description="Plan", owner=employee.pk, due_date="")
    action.refresh_from_db()
    assert (action.description, action.due_date) == ("Plan", None)


def test_the_report_cannot_change_the_managers_action(client, meeting, manager, employee):
    theirs = ActionItemFactory(meeting=meeting, owner=manager, description="Book the room")
    client.force_login(employee)
    body = edit_action(
        client, meeting, theirs, description="Nope", owner=employee.pk, due_date=""
    ).content.decode()
    assert "Only the action&#x27;s owner or the organiser can change it." in body
    assert "Only the action" in delete_action(client, meeting, theirs).content.decode()
    theirs.refresh_from_db()
    assert theirs.description == "Book the room" and theirs.owner == manager
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert page.count('data-testid="action-edit"') == 0


def test_bad_edits_are_refused_and_change_nothing(client, meeting, action, employee, outsider):
    client.force_login(employee)
    cases = [
        {"description": "", "owner": employee.pk, "due_date": ""},
        {"description": "x", "owner": outsider.pk, "due_date": ""},
        {"description": "x", "owner": employee.pk, "due_date": "2099-01-01"},
        {"description": "x", "owner": employee.pk, "due_date": "not a date"},
    ]
    for data in cases:
        response = edit_action(client, meeting, action, **data)
        assert response.status_code == 200 and "alert" in response.content.decode(), data
    action.refresh_from_db()
    assert (action.description, action.due_date) == ("Send the plan", dt.date(2027, 1, 8))


def test_the_owner_or_the_organiser_deletes_an_action(client, meeting, action, manager):
    client.force_login(manager)
    body = delete_action(client, meeting, action).content.decode()
    assert "Action deleted." in body
    assert not ActionItem.objects.filter(pk=action.pk).exists()


def test_an_action_from_an_earlier_meeting_is_edited_from_a_later_page(
    client, series, action, employee
):
    later = series.meetings.order_by("starts_at")[1]
    client.force_login(employee)
    edit_action(client, later, action, description="Moved on", owner=employee.pk, due_date="")
    assert ActionItem.objects.get(pk=action.pk).description == "Moved on"


@pytest.mark.parametrize("role", ["grand_manager", "hr", "other_manager", "outsider"])
def test_nobody_else_edits_or_deletes(client, request, meeting, action, role):
    client.force_login(request.getfixturevalue(role))
    item = AgendaItem.objects.create(
        meeting=meeting, series=meeting.series, author=meeting.participant, text="Theirs"
    )
    assert edit_item(client, meeting, item, "Mine now").status_code == 404
    assert (
        edit_action(client, meeting, action, description="x", owner=action.owner_id).status_code
        == 404
    )
    assert delete_action(client, meeting, action).status_code == 404
    item.refresh_from_db()
    assert item.text == "Theirs"
    assert ActionItem.objects.get(pk=action.pk).description == "Send the plan"


def test_anonymous_visitors_are_sent_to_sign_in(client, meeting, action):
    item = AgendaItem.objects.create(
        meeting=meeting, series=meeting.series, author=meeting.participant, text="Theirs"
    )
    for response in (
        edit_item(client, meeting, item, "x"),
        client.post(reverse("meetings:action_edit", args=[meeting.pk, action.pk]), {}),
        client.post(reverse("meetings:action_delete", args=[meeting.pk, action.pk])),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert ActionItem.objects.filter(pk=action.pk).exists()


# --- Overdue -----------------------------------------------------------------------------------


def test_overdue_actions_are_marked_on_my_actions_and_the_meeting_page(
    client, meeting, employee, manager
):
    overdue = ActionItemFactory(
        meeting=meeting, owner=employee, description="Late one", due_date=dt.date(2027, 1, 3)
    )
    ActionItemFactory(
        meeting=meeting, owner=employee, description="Due today", due_date=dt.date(2027, 1, 4)
    )
    record_services.action_set_done(
        action=ActionItemFactory(
            meeting=meeting, owner=employee, description="Done late", due_date=dt.date(2027, 1, 1)
        ),
        by=employee,
        done=True,
    )
    client.force_login(employee)
    mine = client.get(reverse("meetings:my_actions")).content.decode()
    assert mine.count('data-testid="overdue"') == 1
    row = mine[mine.index(f'id="action-{overdue.pk}"') :]
    assert row.index('data-testid="overdue"') < row.index("</li>")
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert page.count('data-testid="overdue"') == 1
    client.force_login(manager)  # the other person sees it too
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert page.count('data-testid="overdue"') == 1


# --- Video links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format", "location", "linked"),
    [
        (Format.VIDEO, "https://video.example.org/emma", True),
        (Format.VIDEO, "http://meet.example.org/room-4", True),
        (Format.VIDEO, "javascript:alert(1)", False),
        (Format.VIDEO, "ftp://files.example.org/x", False),
        (Format.VIDEO, "https://", False),
        (Format.VIDEO, "Teams, link in the invite", False),
        (Format.ROOM, "https://rooms.example.org/4", False),
    ],
)
def test_a_video_link_is_a_link_for_http_and_https_only(
    client, meeting, employee, format, location, linked
):
    meeting.format, meeting.location = format, location
    meeting.save(update_fields=["format", "location"])
    client.force_login(employee)
    body = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert ('data-testid="video-link"' in body) is linked
    if linked:
        assert f'href="{location}"' in body
    assert 'href="javascript:' not in body


def test_without_javascript_a_refused_edit_is_said_after_the_redirect(
    client, meeting, manager, employee
):
    theirs = ActionItemFactory(meeting=meeting, owner=manager, description="Book the room")
    client.force_login(employee)
    url = reverse("meetings:action_edit", args=[meeting.pk, theirs.pk])
    data = {"description": "Nope", "owner": employee.pk, "due_date": ""}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("meetings:meeting", args=[meeting.pk])
    assert "Only the action&#x27;s owner or the organiser can change it." in (
        response.content.decode()
    )
