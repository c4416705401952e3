"""Anonymising a leaver: their words go, the counts stay, nothing else breaks; only a
superuser may, from the admin site, after a confirmation."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from meetings.leavers import REMOVED_TEXT
from meetings.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingFeedback,
    MeetingSeries,
    Note,
)
from notifications.models import Reminder
from objectives.models import Objective, ObjectiveChange, ObjectiveComment
from oneonones.errors import ServiceError
from people.models import PersonChange, RecordAccess, User
from people.services import anonymous_label, record_access
from privacy.services import person_anonymise
from privacy.tests import conftest as planted
from reports.selectors import default_period, manager_rows, report_rows, trend
from reports.sql import COUNT_COLUMNS
from wellbeing.models import CheckIn, WellbeingNote


def anonymise_url(person) -> str:
    return reverse("admin:people_user_anonymise", args=[person.pk])


def test_their_words_go(employee, admin_user, world):
    person_anonymise(person=employee, by=admin_user)
    assert set(AgendaItem.objects.filter(author=employee).values_list("text", flat=True)) == {
        REMOVED_TEXT
    }
    assert not Note.objects.filter(author=employee).exists()
    assert MeetingFeedback.objects.get(meeting=world.held).help_more == ""
    assert not CheckIn.objects.filter(employee=employee).exists()
    assert not WellbeingNote.objects.filter(subject=employee).exists()
    assert not ObjectiveComment.objects.filter(author=employee).exists()
    assert ObjectiveChange.objects.get(by=employee).note == ""
    assert Objective.objects.get(pk=world.objective.pk).description == ""
    assert not Meeting.objects.filter(cancel_note=planted.CANCEL_NOTE).exists()


def test_the_other_persons_words_stay(employee, manager, admin_user, world):
    person_anonymise(person=employee, by=admin_user)
    assert AgendaItem.objects.filter(author=manager, text=planted.MORGAN_AGENDA).exists()
    assert Note.objects.filter(author=manager, body=planted.MORGAN_PRIVATE).exists()
    assert Note.objects.filter(author=manager, body=planted.SHARED_NOTE).exists()
    assert ObjectiveComment.objects.filter(body=planted.COMMENT_MORGAN).exists()


def test_their_account_is_nameless_and_switched_off(employee, admin_user, world):
    employee.set_password("secret-one")
    employee.save()
    person_anonymise(person=employee, by=admin_user)
    employee.refresh_from_db()
    assert employee.full_name == anonymous_label(employee.pk)
    assert "emma" not in employee.email
    assert not employee.is_active
    assert not employee.has_usable_password()
    assert employee.job_title == "" and employee.start_date is None
    assert not employee.check_password("secret-one")


def test_it_is_recorded_and_earlier_values_lose_their_names(employee, admin_user, world):
    PersonChange.objects.create(
        person=employee,
        field=PersonChange.Field.FULL_NAME,
        old_value="Emma Old",
        new_value="Emma Employee",
    )
    person_anonymise(person=employee, by=admin_user)
    changes = PersonChange.objects.filter(person=employee)
    assert changes.filter(
        field=PersonChange.Field.ACCOUNT, new_value="anonymised", changed_by=admin_user
    ).exists()
    assert not changes.filter(old_value__contains="Emma").exists()
    assert not changes.filter(new_value__contains="Emma").exists()


def _figures(manager):
    period = default_period()
    rows = manager_rows(period=period, team=None)
    return (
        [(r.name, r.reports, *(getattr(r, n) for n in COUNT_COLUMNS)) for r in rows],
        [(m.month, m.scheduled, m.held, m.cancelled) for m in trend(team=None)],
        [r.name for r in report_rows(manager=manager, period=period, team=None)],
    )


def test_the_figures_are_those_of_a_leaver_switched_off(employee, manager, admin_user, world):
    """HR's reports count active people; a leaver is switched off, and anonymising then
    changes no figure: the held and cancelled meetings stay, with their counts."""
    employee.is_active = False
    employee.save(update_fields=["is_active"])
    # Past meetings only: the future ones are called off, as for any leaver.
    Meeting.objects.filter(pk=world.future.pk).delete()
    switched_off = _figures(manager)
    assert any(month[2] for month in switched_off[1])  # the held 1:1 is counted
    held = Meeting.objects.get(pk=world.held.pk)
    person_anonymise(person=employee, by=admin_user)
    assert _figures(manager) == switched_off
    again = Meeting.objects.get(pk=world.held.pk)
    assert again.status == Meeting.Status.COMPLETED
    assert (
        (again.agenda_count, again.agenda_by_participant, again.usefulness)
        == (
            held.agenda_count,
            held.agenda_by_participant,
            held.usefulness,
        )
        == (2, 1, 4)
    )


def test_the_future_is_called_off_and_nothing_more_is_sent(employee, admin_user, world):
    person_anonymise(person=employee, by=admin_user)
    assert MeetingSeries.objects.get(pk=world.series.pk).status == MeetingSeries.Status.ENDED
    assert not Meeting.objects.filter(
        participant=employee, status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now()
    ).exists()
    assert not Reminder.objects.filter(recipient=employee, state=Reminder.State.PENDING).exists()


def test_a_future_meeting_with_content_is_cancelled_not_deleted(employee, admin_user, world):
    AgendaItem.objects.create(meeting=world.future, author=employee, text="Next week")
    person_anonymise(person=employee, by=admin_user)
    future = Meeting.objects.get(pk=world.future.pk)
    assert future.status == Meeting.Status.CANCELLED
    assert future.cancelled_by is None


def test_records_of_looks_stay_and_nothing_blocks_it(employee, hr, admin_user, world):
    record_access(viewer=hr, person_ids=[employee.pk], kind=RecordAccess.Kind.PROFILE)
    record_access(viewer=employee, person_ids=[hr.pk], kind=RecordAccess.Kind.PROFILE)
    person_anonymise(person=employee, by=admin_user)
    assert RecordAccess.objects.filter(person=employee).count() == 1
    # Deleting stays impossible; anonymising is the way.
    with pytest.raises(ProtectedError):
        User.objects.get(pk=employee.pk).delete()


def test_actions_they_wrote_say_removed(employee, manager, admin_user, world):
    ActionItem.objects.create(
        meeting=world.held, owner=manager, created_by=employee, description="EMMA-ACTION"
    )
    person_anonymise(person=employee, by=admin_user)
    assert not ActionItem.objects.filter(description="EMMA-ACTION").exists()
    assert ActionItem.objects.filter(description=planted.ACTION).exists()  # Morgan's words


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not_superuser", "Only a superuser may anonymise someone."),
        ("self", "You cannot anonymise your own account."),
        ("manages", "still manages 1 person: give them a new manager first."),
        ("twice", "is anonymised already."),
        ("superuser", "is a superuser"),
    ],
)
def test_refusals_change_nothing(case, message, employee, manager, hr, admin_user, world):
    person, by = employee, admin_user
    if case == "not_superuser":
        by = hr
    elif case == "self":
        person = admin_user
    elif case == "manages":
        person = manager
    elif case == "twice":
        person_anonymise(person=employee, by=admin_user)
    elif case == "superuser":
        employee.is_superuser = True
        employee.save()
    count = PersonChange.objects.count()
    with pytest.raises(ServiceError, match=message):
        person_anonymise(person=person, by=by)
    assert PersonChange.objects.count() == count
    if case != "twice":
        assert AgendaItem.objects.filter(text=planted.EMMA_AGENDA).exists()


# --- The admin site ----------------------------------------------------------------------


def test_a_superuser_confirms_then_anonymises(client, employee, admin_user, world):
    client.force_login(admin_user)
    page = client.get(reverse("admin:people_user_change", args=[employee.pk]))
    assert anonymise_url(employee) in page.content.decode()
    confirm = client.get(anonymise_url(employee))
    assert confirm.status_code == 200
    assert "This cannot be undone." in confirm.content.decode()
    assert User.objects.get(pk=employee.pk).full_name == "Emma Employee"  # a GET changes nothing
    response = client.post(anonymise_url(employee), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:people_user_change", args=[employee.pk])
    text = response.content.decode()
    assert "Emma Employee is anonymised." in text
    assert "emma@example.org" not in text.split("is anonymised.")[1]
    assert User.objects.get(pk=employee.pk).full_name == anonymous_label(employee.pk)


def test_opening_the_confirmation_is_recorded(client, employee, admin_user, world):
    client.force_login(admin_user)
    client.get(anonymise_url(employee))
    assert RecordAccess.objects.filter(
        person=employee, viewer=admin_user, kind=RecordAccess.Kind.ADMIN_ACCOUNT
    ).exists()


def test_a_refusal_is_a_message(client, manager, admin_user, world):
    client.force_login(admin_user)
    response = client.post(anonymise_url(manager), follow=True)
    assert "give them a new manager first" in response.content.decode()
    assert User.objects.get(pk=manager.pk).full_name == "Morgan Manager"


@pytest.fixture
def staff(db):
    from django.contrib.auth.models import Permission

    from people.tests.factories import UserFactory

    person = UserFactory(full_name="Stan Staff", email="stan@example.org", is_staff=True)
    person.user_permissions.set(
        Permission.objects.filter(codename__in=["view_user", "change_user", "delete_user"])
    )
    return person


@pytest.mark.parametrize(
    "role", ["employee", "manager", "grand_manager", "other_manager", "hr", "staff"]
)
def test_nobody_but_a_superuser_reaches_it(client, role, request, employee, world):
    viewer = request.getfixturevalue(role)
    client.force_login(viewer)
    for response in (client.get(anonymise_url(employee)), client.post(anonymise_url(employee))):
        if viewer.is_staff:
            assert response.status_code == 404
        else:
            assert response.status_code == 302
            assert "/admin/login/" in response["Location"]
    assert User.objects.get(pk=employee.pk).full_name == "Emma Employee"
    if viewer.is_staff:
        page = client.get(reverse("admin:people_user_change", args=[employee.pk]))
        assert page.status_code == 200
        assert anonymise_url(employee) not in page.content.decode()


def test_anonymous_is_sent_to_sign_in(client, employee, world):
    response = client.post(anonymise_url(employee))
    assert response.status_code == 302
    assert User.objects.get(pk=employee.pk).full_name == "Emma Employee"


def test_an_unknown_person_is_a_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:people_user_anonymise", args=[987654])).status_code == 404


def test_the_admin_shows_nothing_of_them_afterwards(client, employee, admin_user, world):
    person_anonymise(person=employee, by=admin_user)
    client.force_login(admin_user)
    pages = [
        reverse("admin:people_user_change", args=[employee.pk]),
        reverse("admin:people_user_changelist"),
        reverse("admin:meetings_meeting_changelist"),
        reverse("admin:meetings_meeting_change", args=[world.held.pk]),
        reverse("admin:people_personchange_changelist"),
        reverse("admin:objectives_objective_change", args=[world.objective.pk]),
    ]
    for url in pages:
        text = client.get(url).content.decode()
        assert "Emma Employee" not in text, url
        assert "emma@example.org" not in text, url


def test_their_office_hours_topics_and_mentoring_words_go(
    employee, manager, other_manager, admin_user, world
):
    """Office hours and mentoring hold words of theirs in two places: the topic of each
    sign-up they made (held ones too) and what they wrote in their mentoring check-ins.
    A relationship itself holds no words (who, status and dates), so it stays as HR's
    record, naming a former colleague, ended (``mentoring/tests/test_leavers.py``)."""
    import datetime as dt

    from meetings.models import Kind
    from meetings.tests.factories import AgendaItemFactory, MeetingFactory
    from mentoring.models import Mentorship
    from mentoring.tests.factories import MentorshipFactory
    from officehours.models import OfficeHours, SignUp
    from officehours.tests.factories import SignUpFactory

    now = timezone.now()
    held = Meeting.Status.COMPLETED
    held_slot = SignUpFactory(
        office_hours__host=manager,
        meeting__participant=employee,
        meeting__starts_at=now - dt.timedelta(days=3),
        meeting__status=held,
        topic="EMMA-TOPIC-held",
    ).meeting
    ritas_slot = SignUpFactory(
        office_hours__host=employee,
        meeting__participant=other_manager.reports.get(),
        meeting__starts_at=now - dt.timedelta(days=4),
        meeting__status=held,
        topic="RITA-TOPIC",
    ).meeting
    mentorship = MentorshipFactory(mentor=other_manager, mentee=employee)
    check_in = MeetingFactory(
        organiser=employee,
        participant=other_manager,
        kind=Kind.MENTORING,
        starts_at=now - dt.timedelta(days=5),
        status=Meeting.Status.COMPLETED,
    )
    AgendaItemFactory(meeting=check_in, author=employee, text="EMMA-MENTORING-aspirations")
    AgendaItemFactory(meeting=check_in, author=other_manager, text="OSCAR-MENTORING-advice")

    person_anonymise(person=employee, by=admin_user)

    assert SignUp.objects.get(meeting=held_slot).topic == ""
    assert not OfficeHours.objects.filter(host=employee).exists()
    # Rita's topic is Rita's words, and her record of that meeting.
    assert SignUp.objects.get(meeting=ritas_slot).topic == "RITA-TOPIC"
    assert set(check_in.agenda_items.values_list("text", flat=True)) == {
        REMOVED_TEXT,
        "OSCAR-MENTORING-advice",
    }
    kept = Mentorship.objects.select_related("mentee").get(pk=mentorship.pk)
    assert kept.mentee.full_name == anonymous_label(employee.pk)
    assert kept.created_at == mentorship.created_at
    assert (kept.status, kept.ended_by) == (Mentorship.Status.ENDED, admin_user)
