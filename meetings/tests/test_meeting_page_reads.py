"""How the meeting page and My 1:1s read what they show (issue 19): the people of each
row are set from the meeting's own two rather than joined to every row, the dates
and titles of related rows come as columns, the forms post to paths built under one
reversed address, and the number of queries is fixed."""

import datetime as dt
import re

import pytest
from django.http import Http404
from django.urls import resolve, reverse
from django.utils import timezone

from meetings import selectors
from meetings.models import AgendaItem, Kind, Meeting, MeetingSeries
from meetings.record import services as record_services
from meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    MeetingFactory,
    NoteFactory,
)
from meetings.tests.test_record_services import started_meeting
from objectives.tests.factories import ObjectiveFactory
from people.models import User
from people.tests.factories import UserFactory

HREF = re.compile(r'<a [^>]*href="(/[^"]*)"')
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


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_the_links_to_move_cancel_and_the_ics_go_to_their_views(client, request, series, role):
    """Written under the meeting's one reversed address, they resolve to their views."""
    meeting = Meeting.objects.filter(series=series, starts_at__gt=timezone.now()).earliest(
        "starts_at"
    )
    html = meeting_page(client, request.getfixturevalue(role), meeting)
    main = html[html.index("<main") : html.index("</main>")]
    paths = [href.partition("?")[0] for href in HREF.findall(main)]
    links = {resolve(path).view_name: resolve(path).kwargs for path in paths}
    for name in ("meetings:meeting_move", "meetings:meeting_cancel", "meetings:meeting_ics"):
        assert links[name] == {"pk": meeting.pk}, name


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
    """Session, user, the meeting; its record, the panels and whether the viewer has
    reports (the navigation's roles) in one statement (agenda with the next-time list,
    notes, actions, feedback, change requests, the prompts of an open agenda, the
    check-in, objectives with their key results)."""
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
    with django_assert_num_queries(4):
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
    """Session, user, the page with the names and how many there are and whether a
    request of mine waits (one statement), calendar address, the navigation's roles:
    however many people the page names."""
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
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(5):
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


# --- The meeting lookup --------------------------------------------------------------------


def test_the_meeting_lookup_is_meetings_visible_to(
    series, manager, employee, grand_manager, other_manager, hr, outsider
):
    """``get_meeting_for_user_or_404`` is written by hand; it finds what
    ``meetings_visible_to`` finds, for every role and kind, with the same columns, people
    and series (its cadence read as the field reads it), and a 404 otherwise."""
    line = started_meeting(series)
    Meeting.objects.filter(pk=line.pk).update(
        status=Meeting.Status.COMPLETED, completed_at=timezone.now(), completed_by=manager
    )
    soon = timezone.now().replace(microsecond=0) + dt.timedelta(days=1, minutes=7)
    one_off = MeetingFactory(organiser=manager, participant=employee, starts_at=soon)
    mentor = UserFactory()
    # A mentoring check-in either way round: nobody of either line sees it, HR does.
    mentoring = MeetingFactory(
        organiser=employee,
        participant=mentor,
        kind=Kind.MENTORING,
        starts_at=soon + dt.timedelta(hours=1),
    )
    mentee_up = MeetingFactory(
        organiser=mentor,
        participant=employee,
        kind=Kind.MENTORING,
        starts_at=soon + dt.timedelta(hours=2),
    )
    viewers = (manager, employee, grand_manager, other_manager, hr, outsider, mentor)
    for meeting in (line, one_off, mentoring, mentee_up):
        for viewer in viewers:
            visible = selectors.meetings_visible_to(viewer=viewer).filter(pk=meeting.pk).first()
            if visible is None:
                with pytest.raises(Http404):
                    selectors.get_meeting_for_user_or_404(viewer=viewer, pk=meeting.pk)
                continue
            found = selectors.get_meeting_for_user_or_404(viewer=viewer, pk=meeting.pk)
            for model, mine, theirs in (
                (Meeting, found, visible),
                (User, found.organiser, visible.organiser),
                (User, found.participant, visible.participant),
            ):
                for field in model._meta.concrete_fields:
                    assert getattr(mine, field.attname) == getattr(theirs, field.attname)
            if visible.series_id is None:
                assert found.series is None
            else:
                for field in MeetingSeries._meta.concrete_fields:
                    mine, theirs = (
                        getattr(found.series, field.attname),
                        getattr(visible.series, field.attname),
                    )
                    if field.name == "cadence":
                        mine, theirs = str(mine), str(theirs)
                    assert mine == theirs, field.name
                assert found.series.cadence_text == visible.series.cadence_text
    with pytest.raises(Http404):
        selectors.get_meeting_for_user_or_404(viewer=hr, pk=0)


def test_an_id_beyond_any_key_is_not_found(client, manager):
    client.force_login(manager)
    for pk in (2**63 - 1, 2**63, 10**30):
        assert client.get(reverse("meetings:meeting", args=[pk])).status_code == 404
    with pytest.raises(Http404):
        selectors.get_meeting_for_user_or_404(viewer=manager, pk=0)
