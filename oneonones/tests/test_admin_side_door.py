"""No page of the admin site shows what people wrote in confidence.

Private and shared meeting notes, agenda items, actions, the notes written when
cancelling or moving a meeting, feedback, check-ins (shared or not), wellbeing
notes and what is said about an objective (its description, key results, comments
and history notes), a person's chat webhook address (a secret), the topic of a sign-up
to office hours and what a mentoring pair wrote in a check-in are planted, then every
page of every model registered in the admin site is
opened as a superuser: lists, searches, change, history and delete pages. A model
registered later is covered without touching this file.
"""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from meetings.models import ChangeRequest, Kind, Meeting, MeetingFeedback, Note
from meetings.tests.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory
from mentoring.tests.factories import MentorshipFactory
from notifications import outbox as reminders
from notifications.models import NotificationPreferences
from objectives.tests.factories import CommentFactory, KeyResultFactory, ObjectiveFactory
from officehours.models import SignUp
from officehours.tests.factories import SignUpFactory
from people.tests.factories import UserFactory
from wellbeing.tests.factories import CheckInFactory, WellbeingNoteFactory

SECRET = "SIDEDOOR"
PLANTED = {
    "private note": f"{SECRET}-private-note",
    "shared note": f"{SECRET}-shared-note",
    "agenda item": f"{SECRET}-agenda-item",
    "action": f"{SECRET}-action",
    "cancel note": f"{SECRET}-cancel-note",
    "reschedule note": f"{SECRET}-reschedule-note",
    "change request": f"{SECRET}-change-request",
    "feedback": f"{SECRET}-feedback",
    "unshared check-in": f"{SECRET}-unshared-checkin",
    "shared check-in": f"{SECRET}-shared-checkin",
    "wellbeing note": f"{SECRET}-wellbeing-note",
    "objective description": f"{SECRET}-objective-description",
    "objective comment": f"{SECRET}-objective-comment",
    "objective history note": f"{SECRET}-objective-history-note",
    "key result": f"{SECRET}-key-result",
    "chat webhook": f"{SECRET}-chat-webhook",
    "office hours topic": f"{SECRET}-office-hours-topic",
    "mentoring agenda item": f"{SECRET}-mentoring-agenda-item",
    "mentoring note": f"{SECRET}-mentoring-note",
}


@pytest.fixture
def planted(manager, employee):
    now = timezone.now().replace(second=0, microsecond=0)
    held = MeetingFactory(
        organiser=manager,
        participant=employee,
        starts_at=now - dt.timedelta(days=2),
        status=Meeting.Status.COMPLETED,
    )
    Note.objects.create(
        meeting=held,
        author=employee,
        visibility=Note.Visibility.PRIVATE,
        body=PLANTED["private note"],
    )
    Note.objects.create(
        meeting=held, author=manager, visibility=Note.Visibility.SHARED, body=PLANTED["shared note"]
    )
    AgendaItemFactory(meeting=held, author=employee, text=PLANTED["agenda item"])
    ActionItemFactory(meeting=held, description=PLANTED["action"])
    MeetingFeedback.objects.create(meeting=held, usefulness=2, help_more=PLANTED["feedback"])
    MeetingFactory(
        organiser=manager,
        participant=employee,
        starts_at=now + dt.timedelta(days=5),
        status=Meeting.Status.CANCELLED,
        cancelled_by=employee,
        cancelled_at=now,
        cancel_note=PLANTED["cancel note"],
    )
    upcoming = MeetingFactory(
        organiser=manager,
        participant=employee,
        starts_at=now + dt.timedelta(days=9),
        rescheduled_from=now + dt.timedelta(days=8),
        reschedule_note=PLANTED["reschedule note"],
    )
    ChangeRequest.objects.create(
        meeting=upcoming,
        requested_by=employee,
        action=ChangeRequest.Action.CANCEL,
        note=PLANTED["change request"],
    )
    NotificationPreferences.objects.create(
        user=employee,
        chat_for=["starting_soon"],
        chat_service="slack",
        chat_webhook_url=f"https://hooks.slack.com/services/T0/B0/{PLANTED['chat webhook']}",
    )
    reminders.sync_meetings([upcoming])  # outbox rows about the upcoming meeting, chat too
    CheckInFactory(employee=employee, note=PLANTED["unshared check-in"], happiness=1)
    CheckInFactory(
        employee=employee, note=PLANTED["shared check-in"], shared_with_manager=True, workload=5
    )
    WellbeingNoteFactory(author=manager, subject=employee, text=PLANTED["wellbeing note"])
    objective = ObjectiveFactory(owner=employee, description=PLANTED["objective description"])
    CommentFactory(objective=objective, body=PLANTED["objective comment"])
    KeyResultFactory(objective=objective, title=PLANTED["key result"])
    objective.changes.create(
        field="progress", from_value="0", to_value="10", note=PLANTED["objective history note"]
    )
    SignUpFactory(
        office_hours__host=manager,
        meeting__participant=employee,
        meeting__starts_at=now + dt.timedelta(days=12),
        topic=PLANTED["office hours topic"],
    )
    mentor = UserFactory(full_name="Max Mentor")
    MentorshipFactory(mentor=mentor, mentee=employee)
    check_in = MeetingFactory(
        organiser=employee,
        participant=mentor,
        kind=Kind.MENTORING,
        starts_at=now - dt.timedelta(days=4),
        status=Meeting.Status.COMPLETED,
    )
    AgendaItemFactory(meeting=check_in, author=employee, text=PLANTED["mentoring agenda item"])
    Note.objects.create(
        meeting=check_in,
        author=employee,
        visibility=Note.Visibility.SHARED,
        body=PLANTED["mentoring note"],
    )


def admin_pages():
    """Every list, search, change, history and delete page of the registered models."""
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        changelist = reverse(f"{name}_changelist")
        yield changelist
        if model_admin.search_fields:
            yield f"{changelist}?q={SECRET}"
            yield f"{changelist}?q=Emma"
        for pk in model._default_manager.values_list("pk", flat=True)[:25]:
            for page in ("change", "history", "delete"):
                yield reverse(f"{name}_{page}", args=[pk])


def test_the_planted_text_is_really_there(planted):
    # The check below would pass on an empty database; make sure every secret exists.
    assert Note.objects.filter(body__startswith=SECRET).count() == 3
    assert Meeting.objects.filter(cancel_note__startswith=SECRET).exists()
    assert Meeting.objects.filter(reschedule_note__startswith=SECRET).exists()
    assert SignUp.objects.filter(topic__startswith=SECRET).exists()


def test_no_admin_page_shows_what_people_wrote_in_confidence(client, admin_user, planted):
    client.force_login(admin_user)
    pages = list(admin_pages())
    assert len(pages) > 40  # people, teams, meetings, outbox, objectives, groups, the record…
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 302, 403), url
        body = response.content.decode()
        for what, text in PLANTED.items():
            assert text not in body, f"{url} shows the {what}"


def test_the_admin_index_lists_no_confidential_model(client, admin_user):
    client.force_login(admin_user)
    body = client.get(reverse("admin:index")).content.decode().lower()
    for word in ("note", "agenda", "check-in", "checkin", "wellbeing", "feedback"):
        assert word not in body, word
