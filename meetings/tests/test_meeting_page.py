"""The meeting page and its content, per role: who sees and changes what."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem, AgendaItem, AgendaTemplate, Meeting, MeetingFeedback, Note
from meetings.record import services as record_services
from meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    NoteFactory,
)
from meetings.tests.test_record_services import started_meeting
from notifications import services as notification_services

AGENDA_SECRET = "AGENDA-only-the-two"
SHARED_SECRET = "SHARED-note-only-the-two"
MANAGER_PRIVATE = "PRIVATE-of-the-manager"
EMPLOYEE_PRIVATE = "PRIVATE-of-the-employee"
ACTION_SECRET = "ACTION-only-the-two"
FEEDBACK_SECRET = "FEEDBACK-only-the-two"
ALL_SECRETS = [
    AGENDA_SECRET,
    SHARED_SECRET,
    MANAGER_PRIVATE,
    EMPLOYEE_PRIVATE,
    ACTION_SECRET,
    FEEDBACK_SECRET,
]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting(series):
    return started_meeting(series)


@pytest.fixture
def held(series, manager, employee):
    """A held meeting with one of everything."""
    meeting = started_meeting(series, days_ago=7)
    AgendaItemFactory(meeting=meeting, author=employee, text=AGENDA_SECRET)
    NoteFactory(meeting=meeting, author=manager, body=SHARED_SECRET)
    NoteFactory(meeting=meeting, author=manager, visibility="private", body=MANAGER_PRIVATE)
    NoteFactory(meeting=meeting, author=employee, visibility="private", body=EMPLOYEE_PRIVATE)
    ActionItemFactory(meeting=meeting, owner=manager, description=ACTION_SECRET)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.COMPLETED, completed_at=timezone.now(), completed_by=manager
    )
    MeetingFeedback.objects.create(meeting=meeting, usefulness=4, help_more=FEEDBACK_SECRET)
    return meeting


def page_of(client, user, meeting):
    client.force_login(user)
    return client.get(reverse("meetings:meeting", args=[meeting.pk]))


# --- Who sees what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "own_private", "others_private"),
    [
        ("manager", MANAGER_PRIVATE, EMPLOYEE_PRIVATE),
        ("employee", EMPLOYEE_PRIVATE, MANAGER_PRIVATE),
    ],
)
def test_the_two_see_the_content_and_only_their_own_private_note(
    client, request, held, role, own_private, others_private
):
    body = page_of(client, request.getfixturevalue(role), held).content.decode()
    for secret in (AGENDA_SECRET, SHARED_SECRET, ACTION_SECRET, FEEDBACK_SECRET, own_private):
        assert secret in body
    assert others_private not in body


@pytest.mark.parametrize("role", ["grand_manager", "hr"])
def test_the_line_above_and_hr_see_time_and_status_only(client, request, held, role):
    response = page_of(client, request.getfixturevalue(role), held)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="status"' in body
    for secret in ALL_SECRETS:
        assert secret not in body
    assert 'id="agenda"' not in body and "objectives-panel" not in body
    assert "checkin-panel" not in body


@pytest.mark.parametrize("role", ["other_manager", "outsider", "admin_user"])
def test_anyone_else_gets_404(client, request, held, role):
    assert page_of(client, request.getfixturevalue(role), held).status_code == 404


def post_routes(meeting, item, action):
    return [
        (reverse("meetings:agenda_add", args=[meeting.pk]), {"text": "x"}),
        (reverse("meetings:agenda_move", args=[meeting.pk, item.pk]), {"direction": "up"}),
        (reverse("meetings:agenda_discussed", args=[meeting.pk, item.pk]), {"discussed": "1"}),
        (reverse("meetings:agenda_remove", args=[meeting.pk, item.pk]), {}),
        (reverse("meetings:agenda_edit", args=[meeting.pk, item.pk]), {"text": "Changed"}),
        (reverse("meetings:next_time_add", args=[meeting.pk]), {"text": "x"}),
        (
            reverse("meetings:note_save", args=[meeting.pk]),
            {"visibility": "shared", "version": "0", "body": "x"},
        ),
        (
            reverse("meetings:action_add", args=[meeting.pk]),
            {"owner": meeting.participant_id, "description": "x"},
        ),
        (reverse("meetings:action_done", args=[action.pk]), {"done": "1"}),
        (
            reverse("meetings:action_edit", args=[meeting.pk, action.pk]),
            {"owner": meeting.participant_id, "description": "Changed", "due_date": ""},
        ),
        (reverse("meetings:action_delete", args=[meeting.pk, action.pk]), {}),
        (reverse("meetings:meeting_complete", args=[meeting.pk]), {}),
        (reverse("meetings:feedback", args=[meeting.pk]), {"usefulness": "5"}),
    ]


@pytest.mark.parametrize("role", ["grand_manager", "hr", "other_manager", "outsider", "admin_user"])
def test_nobody_but_the_two_can_change_anything(client, request, meeting, role):
    item = AgendaItemFactory(meeting=meeting, text="Before")
    action = ActionItemFactory(meeting=meeting)
    client.force_login(request.getfixturevalue(role))
    for url, data in post_routes(meeting, item, action):
        assert client.post(url, data).status_code == 404, url
        assert client.post(url, data, **HTMX).status_code == 404, url
    item.refresh_from_db()
    meeting.refresh_from_db()
    assert (item.discussed, item.position, meeting.status) == (False, item.position, "scheduled")
    assert AgendaItem.objects.count() == 1 and not Note.objects.exists()
    assert item.text == "Before"
    assert ActionItem.objects.get(pk=action.pk).description == action.description
    assert ActionItem.objects.filter(done=True).count() == 0


def test_changes_are_post_only(client, employee, meeting):
    client.force_login(employee)
    assert client.get(reverse("meetings:agenda_add", args=[meeting.pk])).status_code == 405
    assert client.get(reverse("meetings:meeting_complete", args=[meeting.pk])).status_code == 405


def test_private_notes_stay_out_of_calendar_files(client, manager, held, employee):
    client.force_login(manager)
    ics = client.get(reverse("meetings:meeting_ics", args=[held.pk])).content.decode()
    feed_token = notification_services.calendar_feed_for(user=employee).token
    feed = client.get(reverse("meetings:calendar_feed", args=[feed_token])).content.decode()
    for secret in ALL_SECRETS:
        assert secret not in ics and secret not in feed


# --- The admin site is no side door --------------------------------------------------------


def test_the_admin_cannot_read_notes_or_agenda(client, admin_user, held, employee):
    client.force_login(admin_user)
    note = Note.objects.filter(visibility="private").first()
    pages = [
        reverse("admin:index"),
        "/admin/meetings/",
        reverse("admin:meetings_meeting_changelist"),
        # Searching for parts of what was written finds nothing (whole texts would
        # only be echoed back by the search box).
        reverse("admin:meetings_meeting_changelist") + "?q=PRIVATE",
        reverse("admin:meetings_meeting_changelist") + "?q=only-the-two",
        reverse("admin:meetings_meeting_change", args=[held.pk]),
        reverse("admin:meetings_meeting_history", args=[held.pk]),
        reverse("admin:meetings_meeting_delete", args=[held.pk]),
        reverse("admin:people_user_delete", args=[employee.pk]),
        reverse("admin:people_user_changelist") + "?q=PRIVATE",
    ]
    for path in pages:
        body = client.get(path).content.decode()
        if "?q=" in path:
            assert "0 results" in body or "0 people" in body or "0 users" in body, path
        for secret in ALL_SECRETS:
            assert secret not in body, path
    for path in [
        "/admin/meetings/note/",
        f"/admin/meetings/note/?q={MANAGER_PRIVATE}",
        f"/admin/meetings/note/{note.pk}/change/",
        f"/admin/meetings/note/{note.pk}/history/",
        "/admin/meetings/agendaitem/",
        "/admin/meetings/actionitem/",
        "/admin/meetings/meetingfeedback/",
    ]:
        assert client.get(path).status_code == 404, path


# --- Agenda with htmx ------------------------------------------------------------------------


def test_adding_with_htmx_answers_with_the_agenda_fragment(client, manager, employee, meeting):
    AgendaItemFactory(meeting=meeting, author=manager, text="Manager's topic")
    client.force_login(employee)
    url = reverse("meetings:agenda_add", args=[meeting.pk])
    response = client.post(url, {"text": "My topic"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="agenda"' in body
    assert body.index("My topic") < body.index("Manager&#x27;s topic")
    assert "You wrote 1 of 2 items (50 %)" in body


def test_the_page_says_how_much_the_report_wrote(client, manager, employee, meeting):
    for text in ("One", "Two", "Three"):
        AgendaItemFactory(meeting=meeting, author=employee, text=text)
    AgendaItemFactory(meeting=meeting, author=manager, text="Four")
    body = page_of(client, manager, meeting).content.decode()
    assert "Emma wrote 3 of 4 items (75 %) — the practice aims for at least three quarters" in body


def test_a_blank_item_is_refused_with_a_message(client, employee, meeting):
    client.force_login(employee)
    response = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]), {"text": "  "}, **HTMX
    )
    assert "alert" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_without_javascript_a_post_redirects_back(client, employee, meeting):
    client.force_login(employee)
    response = client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"text": "Plain"})
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting", args=[meeting.pk])
    assert meeting.agenda_items.get().text == "Plain"


def test_moving_and_ticking_with_htmx(client, manager, employee, meeting):
    first = AgendaItemFactory(meeting=meeting, author=employee, text="First", position=0)
    second = AgendaItemFactory(meeting=meeting, author=employee, text="Second", position=1)
    client.force_login(manager)
    body = client.post(
        reverse("meetings:agenda_move", args=[meeting.pk, second.pk]), {"direction": "up"}, **HTMX
    ).content.decode()
    assert body.index("Second") < body.index("First")
    assert f'id="up-{second.pk}" class="btn btn-sm btn-outline-secondary" data-autofocus' in body
    body = client.post(
        reverse("meetings:agenda_discussed", args=[meeting.pk, first.pk]),
        {"discussed": "1"},
        **HTMX,
    ).content.decode()
    first.refresh_from_db()
    assert first.discussed and 'aria-pressed="true"' in body


def test_an_item_of_another_meeting_is_404(client, employee, meeting, series):
    other = AgendaItemFactory(meeting=series.meetings.exclude(pk=meeting.pk).first())
    client.force_login(employee)
    url = reverse("meetings:agenda_discussed", args=[meeting.pk, other.pk])
    assert client.post(url, {"discussed": "1"}).status_code == 404


def test_prompts_of_the_series_template_can_be_added_by_the_report(
    client, series, employee, meeting
):
    series.default_template = AgendaTemplate.objects.get(builtin_key="wellbeing_chat")
    series.save()
    body = page_of(client, employee, meeting).content.decode()
    assert "What&#x27;s going well?" in body and 'data-testid="prompts"' in body
    assert not AgendaItem.objects.exists()  # prompts are not items
    client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"text": "How are you?"}, **HTMX)
    assert meeting.agenda_items.get().author == employee


# --- Next time ---------------------------------------------------------------------------


def test_next_time_from_the_meeting_page(client, employee, meeting, series):
    client.force_login(employee)
    response = client.post(
        reverse("meetings:next_time_add", args=[meeting.pk]), {"text": "Conference"}, **HTMX
    )
    item = AgendaItem.objects.get(text="Conference")
    assert item.meeting.starts_at > meeting.starts_at
    assert "Added to the next 1:1, on" in response.content.decode()


# --- Notes -------------------------------------------------------------------------------


def test_a_stale_note_save_shows_the_newer_text_and_keeps_it(client, manager, employee, meeting):
    note = NoteFactory(meeting=meeting, author=manager, body="Morgan's version", version=3)
    client.force_login(employee)
    response = client.post(
        reverse("meetings:note_save", args=[meeting.pk]),
        {"visibility": "shared", "version": "2", "body": "Emma's edit"},
        **HTMX,
    )
    body = response.content.decode()
    assert "saved a newer version" in body and "Morgan&#x27;s version" in body
    assert "Emma&#x27;s edit" in body  # her text is still in the box
    assert 'name="version" value="3"' in body  # saving again now succeeds
    note.refresh_from_db()
    assert (note.body, note.version) == ("Morgan's version", 3)
    client.post(
        reverse("meetings:note_save", args=[meeting.pk]),
        {"visibility": "shared", "version": "3", "body": "Both merged"},
        **HTMX,
    )
    note.refresh_from_db()
    assert (note.body, note.version, note.updated_by) == ("Both merged", 4, employee)


def test_a_private_note_is_saved_for_its_author_only(client, manager, employee, meeting):
    client.force_login(employee)
    client.post(
        reverse("meetings:note_save", args=[meeting.pk]),
        {"visibility": "private", "version": "0", "body": EMPLOYEE_PRIVATE},
    )
    assert Note.objects.get().author == employee
    assert EMPLOYEE_PRIVATE in page_of(client, employee, meeting).content.decode()
    assert EMPLOYEE_PRIVATE not in page_of(client, manager, meeting).content.decode()


# --- Actions -----------------------------------------------------------------------------


def test_adding_an_action_defaults_to_the_next_meeting(client, manager, employee, meeting, series):
    client.force_login(manager)
    response = client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"owner": employee.pk, "description": "Write the plan", "due_date": ""},
        **HTMX,
    )
    assert "Write the plan" in response.content.decode()
    action = ActionItem.objects.get()
    following = series.meetings.filter(starts_at__gt=meeting.starts_at).order_by("starts_at")[0]
    assert action.due_date == timezone.localtime(following.starts_at, series.zone).date()
    assert (action.owner, action.series, action.meeting) == (employee, series, meeting)


def test_an_action_for_someone_else_is_refused(client, manager, outsider, meeting):
    client.force_login(manager)
    client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"owner": outsider.pk, "description": "Not theirs"},
        **HTMX,
    )
    assert not ActionItem.objects.exists()


def test_either_person_ticks_an_action_from_the_meeting_page(client, manager, employee, meeting):
    action = ActionItemFactory(meeting=meeting, owner=manager)
    client.force_login(employee)
    response = client.post(
        reverse("meetings:action_done", args=[action.pk]),
        {"done": "1", "meeting": meeting.pk},
        **HTMX,
    )
    assert 'id="actions"' in response.content.decode()
    action.refresh_from_db()
    assert action.done and action.done_by == employee


def test_my_actions_lists_mine_open_first(client, employee, manager, meeting, held):
    ActionItemFactory(meeting=meeting, owner=employee, description="Open one")
    ActionItemFactory(
        meeting=held, owner=employee, description="Done one", done=True, done_at=timezone.now()
    )
    ActionItemFactory(meeting=meeting, owner=manager, description="Not mine")
    client.force_login(employee)
    body = client.get(reverse("meetings:my_actions")).content.decode()
    assert body.index("Open one") < body.index("Done one")
    assert "Not mine" not in body and ACTION_SECRET not in body


def test_my_actions_is_paginated_with_few_queries(
    client, employee, meeting, django_assert_max_num_queries
):
    for number in range(45):
        ActionItemFactory(meeting=meeting, owner=employee, description=f"Task {number:02d}")
    client.force_login(employee)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("meetings:my_actions"), {"page": 2})
    assert "Page 2 of 3" in response.content.decode()
    assert response.content.decode().count('data-testid="my-action"') == 20


def test_my_actions_ticks_with_htmx_and_has_an_empty_state(client, employee, outsider, meeting):
    action = ActionItemFactory(meeting=meeting, owner=employee)
    client.force_login(employee)
    response = client.post(reverse("meetings:action_done", args=[action.pk]), {"done": "1"}, **HTMX)
    assert 'aria-pressed="true"' in response.content.decode()
    client.force_login(outsider)
    assert 'data-testid="no-actions"' in client.get(reverse("meetings:my_actions")).content.decode()
    assert client.post(reverse("meetings:action_done", args=[action.pk])).status_code == 404


def test_navigation_has_my_actions_for_everyone(client, employee):
    client.force_login(employee)
    body = client.get(reverse("meetings:mine")).content.decode()
    assert f'href="{reverse("meetings:my_actions")}"' in body


# --- Query counts ------------------------------------------------------------------------


def fill(meeting, manager, employee, n):
    for number in range(n):
        AgendaItemFactory(meeting=meeting, author=employee if number % 4 else manager)
        ActionItemFactory(meeting=meeting, owner=employee if number % 2 else manager)
    NoteFactory(meeting=meeting, author=manager, body="x" * n)
    NoteFactory(meeting=meeting, author=manager, visibility="private", body="y")


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_the_meeting_page_does_not_grow_with_its_content(
    client, request, series, manager, employee, role
):
    from objectives.tests.factories import ObjectiveFactory
    from wellbeing.tests.factories import CheckInFactory

    viewer = request.getfixturevalue(role)
    small = started_meeting(series, days_ago=14)
    big = started_meeting(series)
    fill(small, manager, employee, 1)
    fill(big, manager, employee, 25)
    for _ in range(5):
        ObjectiveFactory(owner=employee)
    CheckInFactory(employee=employee, shared_with_manager=True)
    client.force_login(viewer)
    counts = []
    for meeting in (small, big):
        client.get(reverse("meetings:meeting", args=[meeting.pk]))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("meetings:meeting", args=[meeting.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 30


# --- Wrap-up -----------------------------------------------------------------------------


def test_completing_from_the_page(
    client, employee, meeting, series, django_capture_on_commit_callbacks
):
    AgendaItemFactory(meeting=meeting, author=employee, text="Left over")
    client.force_login(employee)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("meetings:meeting_complete", args=[meeting.pk]), follow=True)
    body = response.content.decode()
    assert "Completed." in body and 'data-testid="completed"' in body
    assert AgendaItem.objects.filter(text="Left over").count() == 2
    again = client.post(reverse("meetings:meeting_complete", args=[meeting.pk]), follow=True)
    assert "Already completed" in again.content.decode()
    assert AgendaItem.objects.filter(text="Left over").count() == 2


def test_a_meeting_in_the_future_cannot_be_completed_yet(client, manager, series):
    future = series.meetings.filter(starts_at__gt=timezone.now()).first()
    body = page_of(client, manager, future).content.decode()
    assert "once it has started" in body and "Complete the 1:1" not in body
    response = client.post(reverse("meetings:meeting_complete", args=[future.pk]), follow=True)
    assert "once it has started" in response.content.decode()
    future.refresh_from_db()
    assert future.status == "scheduled" and mail.outbox == []


# --- Feedback ----------------------------------------------------------------------------


def test_the_report_gives_feedback_and_the_manager_sees_it_on_the_series(
    client, employee, manager, grand_manager, hr, held, series
):
    MeetingFeedback.objects.all().delete()
    client.force_login(employee)
    assert "How useful was this 1:1?" in page_of(client, employee, held).content.decode()
    client.post(
        reverse("meetings:feedback", args=[held.pk]),
        {"usefulness": "5", "help_more": "More career talk", "preferred_frequency": "monthly"},
    )
    client.post(reverse("meetings:feedback", args=[held.pk]), {"usefulness": "4"})
    feedback = MeetingFeedback.objects.get()
    assert (feedback.usefulness, feedback.help_more) == (4, "")
    client.force_login(manager)
    manager_view = client.get(reverse("meetings:series", args=[series.pk])).content.decode()
    assert "4 (very useful)" in manager_view
    client.post(reverse("meetings:feedback", args=[held.pk]), {"usefulness": "1"})
    assert MeetingFeedback.objects.get().usefulness == 4
    for person in (grand_manager, hr):
        client.force_login(person)
        body = client.get(reverse("meetings:series", args=[series.pk])).content.decode()
        assert "very useful" not in body and "series-feedback" not in body


def test_feedback_waits_for_completion(client, employee, meeting):
    client.force_login(employee)
    response = client.post(reverse("meetings:feedback", args=[meeting.pk]), {"usefulness": "5"})
    assert response.status_code == 302
    assert not MeetingFeedback.objects.exists()


# --- Templates ---------------------------------------------------------------------------


def test_the_built_in_templates_follow_the_practice(db):
    names = dict(AgendaTemplate.objects.filter(owner=None).values_list("builtin_key", "name"))
    assert names == {
        "regular_monthly": "Regular monthly 1:1",
        "wellbeing_chat": "Wellbeing chat",
        "mentoring_check_in": "Mentoring check-in",
        "new_starter": "New-starter check-in",
    }
    monthly = AgendaTemplate.objects.get(builtin_key="regular_monthly")
    assert set(monthly.items.values_list("section", flat=True)) == {
        "Feedback",
        "Career development",
    }
    assert "How happy were you this month?" in monthly.items.values_list("text", flat=True)
    mentoring = AgendaTemplate.objects.get(builtin_key="mentoring_check_in")
    assert set(mentoring.items.values_list("section", flat=True)) == {
        "Strategic goals",
        "Connect and update",
        "Two-way coaching",
        "Aspirations",
    }


def test_the_data_migration_is_idempotent(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("meetings.migrations.0003_builtin_agenda_templates")
    before = list(AgendaTemplate.objects.filter(owner=None).values_list("pk", "name"))
    items = AgendaTemplate.objects.get(builtin_key="wellbeing_chat").items.count()
    migration.create_builtins(apps, None)
    migration.create_builtins(apps, None)
    assert list(AgendaTemplate.objects.filter(owner=None).values_list("pk", "name")) == before
    assert AgendaTemplate.objects.get(builtin_key="wellbeing_chat").items.count() == items == 3


def test_a_manager_makes_a_template_only_they_see(client, manager, other_manager, employee):
    client.force_login(manager)
    response = client.post(
        reverse("meetings:template_new"),
        {
            "name": "Sprint retro",
            "description": "",
            "prompts": "# Looking back\nWhat went well?\nWhat not?",
        },
    )
    assert response.status_code == 302
    template = AgendaTemplate.objects.get(name="Sprint retro")
    assert list(template.items.values_list("section", "text")) == [
        ("Looking back", "What went well?"),
        ("Looking back", "What not?"),
    ]
    assert "Sprint retro" in client.get(reverse("meetings:templates")).content.decode()
    client.force_login(other_manager)
    assert "Sprint retro" not in client.get(reverse("meetings:templates")).content.decode()
    assert "Sprint retro" not in client.get(reverse("meetings:series_new")).content.decode()
    edit = reverse("meetings:template_edit", args=[template.pk])
    assert client.get(edit).status_code == 404
    assert client.post(reverse("meetings:template_delete", args=[template.pk])).status_code == 404
    builtin = AgendaTemplate.objects.get(builtin_key="wellbeing_chat")
    assert client.get(reverse("meetings:template_edit", args=[builtin.pk])).status_code == 404


def test_a_template_needs_a_prompt(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("meetings:template_new"), {"name": "Empty", "prompts": "# Only a heading"}
    )
    assert "Add at least one prompt" in response.content.decode()
    assert not AgendaTemplate.objects.filter(name="Empty").exists()


def test_the_series_form_offers_built_ins_and_my_own_templates(
    client, manager, employee, other_manager
):
    mine = record_services.template_create(owner=manager, name="Mine", prompts=[("", "Q?")])
    theirs = record_services.template_create(
        owner=other_manager, name="Theirs", prompts=[("", "Q?")]
    )
    client.force_login(manager)
    from meetings.tests.test_views import booking_data

    response = client.post(
        reverse("meetings:series_new"), booking_data(employee, default_template=theirs.pk)
    )
    assert response.status_code == 200  # refused: not one of mine
    response = client.post(
        reverse("meetings:series_new"), booking_data(employee, default_template=mine.pk)
    )
    assert response.status_code == 302
    series = employee.attended_series.get()
    assert series.default_template == mine
    edit = client.get(reverse("meetings:series_edit", args=[series.pk])).content.decode()
    assert "Regular monthly 1:1" in edit and f'value="{mine.pk}" selected' in edit


def test_a_new_series_offers_the_monthly_template_first(client, manager, employee):
    client.force_login(manager)
    body = client.get(reverse("meetings:series_new")).content.decode()
    monthly = AgendaTemplate.objects.get(builtin_key="regular_monthly")
    assert f'value="{monthly.pk}" selected' in body


def test_template_pages_keep_to_few_queries(client, manager, django_assert_num_queries):
    for number in range(6):
        record_services.template_create(
            owner=manager, name=f"T{number}", prompts=[("A", "one"), ("B", "two")]
        )
    client.force_login(manager)
    # Session, user, whether they have reports (once, for the page and the menu), the
    # templates and their prompts.
    with django_assert_num_queries(5):
        assert client.get(reverse("meetings:templates")).status_code == 200
    # Session, user and the menu's question.
    with django_assert_num_queries(3):
        assert client.get(reverse("meetings:template_new")).status_code == 200


def test_an_ended_template_leaves_its_series_without_prompts(client, manager, series, meeting):
    template = record_services.template_create(owner=manager, name="Gone", prompts=[("", "Q?")])
    series.default_template = template
    series.save()
    client.force_login(manager)
    client.post(reverse("meetings:template_delete", args=[template.pk]))
    series.refresh_from_db()
    assert series.default_template is None
    assert page_of(client, manager, meeting).status_code == 200
