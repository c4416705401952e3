"""How the meeting page and My 1:1s read what they show (issue 19): the people of each
row are set from the meeting's own two rather than joined to every row, the dates
and titles of related rows come as columns, the forms post to paths built under one
reversed address, and the number of queries is fixed."""

import datetime as dt
import re

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from meetings.models import AgendaItem, Kind
from meetings.record import services as record_services
from meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    MeetingFactory,
    NoteFactory,
)
from meetings.tests.test_record_services import started_meeting
from objectives.tests.factories import ObjectiveFactory
from people.tests.factories import UserFactory

FORM = re.compile(r'<form method="post" action="([^"]*)"(?:\s+hx-post="([^"]*)")?')

# The apps whose forms the meeting page holds (its own, and the panels').
FORM_APPS = ("meetings", "objectives", "wellbeing")


def forms_of(html: str) -> list[tuple[str, str]]:
    """The forms of the page's main part (not the navigation's sign-out)."""
    return FORM.findall(html[html.index("<main") : html.index("</main>")])


def meeting_page(client, user, meeting):
    client.force_login(user)
    response = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def open_meeting(series, manager, employee):
    """A 1:1 under way with something of everything, written by both."""
    meeting = started_meeting(series)
    AgendaItemFactory(meeting=meeting, author=employee, text="Mine")
    AgendaItemFactory(meeting=meeting, author=manager, text="Theirs")
    ActionItemFactory(meeting=meeting, owner=manager, description="Do it")
    NoteFactory(meeting=meeting, author=manager, body="Shared")
    return meeting


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_every_form_posts_to_an_address_of_the_right_view(
    client, request, open_meeting, employee, role
):
    ObjectiveFactory(owner=employee)
    html = meeting_page(client, request.getfixturevalue(role), open_meeting)
    forms = forms_of(html)
    names = set()
    for action, hx_post in forms:
        match = resolve(action)
        names.add(match.view_name)
        assert match.namespace in FORM_APPS, action
        if match.view_name.startswith("meetings:") and "pk" in match.kwargs:
            assert match.kwargs["pk"] == open_meeting.pk, action
        assert hx_post in ("", action)
    for needed in ("agenda_add", "agenda_discussed", "agenda_move", "note_save", "action_add"):
        assert f"meetings:{needed}" in names
    assert "meetings:action_done" in names
    if role == "manager":  # the organiser edits every action; the report their own
        assert {"meetings:action_edit", "meetings:action_delete"} <= names


def test_the_forms_of_an_item_and_an_action_name_them(client, manager, open_meeting):
    item = open_meeting.agenda_items.get(author=manager)
    action = open_meeting.actions.get()
    html = meeting_page(client, manager, open_meeting)
    actions = {action for action, _ in forms_of(html)}
    for name, args in (
        ("meetings:agenda_edit", [open_meeting.pk, item.pk]),
        ("meetings:agenda_discussed", [open_meeting.pk, item.pk]),
        ("meetings:agenda_remove", [open_meeting.pk, item.pk]),
        ("meetings:action_done", [action.pk]),
        ("meetings:action_edit", [open_meeting.pk, action.pk]),
        ("meetings:meeting_complete", [open_meeting.pk]),
    ):
        assert reverse(name, args=args) in actions, name


def test_what_the_page_shows_of_related_rows(client, series, manager, employee):
    """The carried-from date, the objective's title, where an earlier action was
    agreed, and the name of someone who wrote an item but is not one of the two."""
    earlier = started_meeting(series, days_ago=14)
    left_over = AgendaItemFactory(meeting=earlier, author=employee, text="Left over")
    ActionItemFactory(meeting=earlier, owner=employee, description="From before")
    record_services.meeting_complete(meeting=earlier, by=manager)
    meeting = AgendaItem.objects.get(carried_over_from=left_over).meeting
    objective = ObjectiveFactory(owner=employee, title="Ship the thing")
    AgendaItemFactory(meeting=meeting, author=employee, text="About it", objective=objective)
    # Written when someone else organised the series (a handover).
    former = UserFactory(full_name="Fiona Former")
    AgendaItemFactory(meeting=meeting, author=former, text="Handed over")

    html = meeting_page(client, manager, meeting)

    started = timezone.localtime(earlier.starts_at)
    assert f"carried over from {started.day} {started:%b}" in html
    detail = reverse("objectives:detail", args=[objective.pk])
    assert f'objective: <a href="{detail}">Ship the thing</a>' in html
    assert f"· agreed {started.day} {started:%b}" in html
    assert "From before" in html
    assert "Fiona" in html
    # The report's items first, then by position: the former organiser's comes last.
    assert html.index("Left over") < html.index("About it") < html.index("Handed over")


def test_open_actions_come_first_soonest_due_first(client, manager, employee, series):
    meeting = started_meeting(series)
    today = timezone.localdate()
    done = ActionItemFactory(meeting=meeting, owner=employee, description="Done one")
    record_services.action_set_done(action=done, by=employee, done=True)
    ActionItemFactory(meeting=meeting, owner=employee, description="No date")
    ActionItemFactory(
        meeting=meeting, owner=employee, description="Later", due_date=today + dt.timedelta(9)
    )
    ActionItemFactory(
        meeting=meeting, owner=employee, description="Sooner", due_date=today + dt.timedelta(2)
    )
    html = meeting_page(client, manager, meeting)
    order = [html.index(text) for text in ("Sooner", "Later", "No date", "Done one")]
    assert order == sorted(order)


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_the_meeting_page_reads_a_fixed_number_of_queries(
    client, request, series, manager, employee, role, django_assert_num_queries
):
    """Session, user, the meeting; its record and the panels in one statement (agenda
    with the next-time list, notes, actions, feedback, change requests, the prompts of
    an open agenda, the check-in, objectives with their key results); the
    navigation's roles."""
    viewer = request.getfixturevalue(role)
    meeting = started_meeting(series)
    for n in range(5):
        AgendaItemFactory(meeting=meeting, author=employee if n % 2 else manager)
        ActionItemFactory(meeting=meeting, owner=manager if n % 2 else employee)
    NoteFactory(meeting=meeting, author=manager, body="Shared")
    NoteFactory(meeting=meeting, author=viewer, visibility="private", body="Mine")
    ObjectiveFactory(owner=employee)
    client.force_login(viewer)
    url = reverse("meetings:meeting", args=[meeting.pk])
    client.get(url)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


# --- My 1:1s -----------------------------------------------------------------------------


def test_my_1_1s_names_the_other_person_of_each(client, manager, employee, series):
    boss = UserFactory(full_name="Bea Boss")
    MeetingFactory(
        organiser=boss,
        participant=manager,
        starts_at=timezone.now() + dt.timedelta(days=1),
        kind=Kind.MENTORING,
    )
    client.force_login(manager)
    html = client.get(reverse("meetings:mine")).content.decode()
    assert "Mentoring check-in with Bea Boss" in html
    assert "1:1 with Emma Employee" in html
    assert "with Morgan Manager" not in html


def test_my_1_1s_reads_a_fixed_number_of_queries(
    client, manager, employee, series, django_assert_num_queries
):
    """Session, user, the count, the page (with the names), requests, calendar
    address, the navigation's roles: however many people the page names."""
    for n in range(6):
        for days in (n + 1, -n - 1):
            MeetingFactory(
                organiser=UserFactory(),
                participant=manager,
                starts_at=timezone.now() + dt.timedelta(days=days, hours=3),
            )
    client.force_login(manager)
    url = reverse("meetings:mine")
    client.get(url)
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(url + "?when=past").status_code == 200


def test_my_1_1s_rows_link_to_their_meeting_at_my_time(client, manager, employee, clock):
    """The row's link and times are written by the view and selector, not by {% url %}
    and the date filters: the same address and the same words in the viewer's zone."""
    manager.time_zone = "America/New_York"
    manager.save(update_fields=["time_zone"])
    meeting = MeetingFactory(
        organiser=manager,
        participant=employee,
        starts_at=dt.datetime(2027, 1, 5, 9, 30, tzinfo=dt.UTC),
    )
    client.force_login(manager)
    html = client.get(reverse("meetings:mine")).content.decode()
    link = f'<a href="{reverse("meetings:meeting", args=[meeting.pk])}" class="fw-semibold">'
    assert link in html
    assert (
        '<time datetime="2027-01-05T04:30:00-05:00">Tue 5 Jan 2027, 04:30\u201305:00</time>' in html
    )
