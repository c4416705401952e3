"""A change of manager keeps the thread (issue 16, point 4), whichever way it is made.

The scene: Emma's weekly 1:1s with Morgan, the first one held (an agenda item carried
to the next, notes, actions), then Emma's manager becomes Nina through the admin site,
the CSV import or the API. The old series ends and all three are told; Emma chooses
what to bring; Nina books and gets exactly that, nothing else of the old pair.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from meetings.models import ActionItem, AgendaItem, ManagerHandover, Meeting, MeetingSeries, Note
from meetings.record import services as record_services
from meetings.record.selectors import meeting_record_for
from meetings.scheduling import services
from meetings.tests.factories import weekly
from notifications.models import Reminder
from notifications.sending import send_due_reminders
from objectives.selectors import objectives_visible_to
from objectives.tests.factories import ObjectiveFactory
from people.models import PersonChange, User
from people.services import people_import_csv
from people.tests.admin_forms import admin_form_data
from people.tests.factories import UserFactory

HELD_AT = dt.datetime(2027, 1, 5, 10, 0, tzinfo=dt.UTC)  # after Tuesday's 09:30 1:1
CHANGED_AT = dt.datetime(2027, 1, 6, 12, 0, tzinfo=dt.UTC)
PLANTED = [
    "Planted discussed item",
    "Planted Morgan point",
    "Planted shared note",
    "Planted Emma private",
    "Planted Morgan private",
    "Planted done action",
]


@pytest.fixture
def new_manager(db):
    return UserFactory(full_name="Nina New", email="nina@example.org")


@pytest.fixture
def old_pair(clock, tuesday_series, manager, employee):
    """The first 1:1 held on Tue 5 Jan with content; the clock then at ``CHANGED_AT``."""
    first = tuesday_series.meetings.order_by("starts_at").first()
    record_services.agenda_item_add(meeting=first, by=employee, text="Planted discussed item")
    undiscussed = record_services.agenda_item_add(
        meeting=first, by=employee, text="Emma: my training budget"
    )
    record_services.agenda_item_add(meeting=first, by=manager, text="Planted Morgan point")
    clock.move_to(HELD_AT)
    discussed = AgendaItem.objects.get(text="Planted discussed item")
    record_services.agenda_item_set_discussed(item=discussed, by=employee, discussed=True)
    record_services.note_save(
        meeting=first, by=manager, visibility="shared", body="Planted shared note", base_version=0
    )
    record_services.note_save(
        meeting=first,
        by=employee,
        visibility="private",
        body="Planted Emma private",
        base_version=0,
    )
    record_services.note_save(
        meeting=first,
        by=manager,
        visibility="private",
        body="Planted Morgan private",
        base_version=0,
    )
    record_services.action_add(
        meeting=first, by=employee, owner=employee, description="Emma: draft the proposal"
    )
    record_services.action_add(
        meeting=first, by=manager, owner=manager, description="Morgan: ask about the budget"
    )
    done = record_services.action_add(
        meeting=first, by=manager, owner=manager, description="Planted done action"
    )
    record_services.action_set_done(action=done, by=manager, done=True)
    # Morgan's point is carried too (undiscussed), but it is Morgan's, not Emma's to bring.
    record_services.meeting_complete(meeting=first, by=manager)
    clock.move_to(CHANGED_AT)
    return {"first": first, "undiscussed": undiscussed}


def change_by_admin(client: Client, admin_user, employee, new_manager):
    url = reverse("admin:people_user_change", args=[employee.pk])
    client.force_login(admin_user)
    form_page = client.get(url)
    response = client.post(url, admin_form_data(form_page, manager=str(new_manager.pk)))
    assert response.status_code == 302, response.content[:2000]


def change_by_import(employee, new_manager):
    people_import_csv(
        lines=[
            "email,full_name,manager_email",
            f"{employee.email},{employee.full_name},{new_manager.email}",
        ]
    )


def _token_of(person) -> str:
    from api.tests.conftest import bearer

    return bearer(person)["Authorization"]


def change_by_api(client: Client, admin_user, employee, new_manager):
    response = client.post(
        reverse("api:person_manager", args=[employee.pk]),
        {"manager": new_manager.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=_token_of(admin_user),
    )
    assert response.status_code == 200, response.content
    assert response.json()["manager"]["id"] == new_manager.pk


PATHS = ["admin", "import", "api"]


@pytest.fixture
def change(client, admin_user, employee, new_manager):
    def run(path: str) -> None:
        if path == "admin":
            change_by_admin(client, admin_user, employee, new_manager)
        elif path == "import":
            change_by_import(employee, new_manager)
        else:
            change_by_api(client, admin_user, employee, new_manager)
        client.logout()

    return run


def book(organiser, participant) -> MeetingSeries:
    """The new manager books weekly Thursdays from 7 Jan (the report read afresh)."""
    return services.series_create(
        organiser=organiser,
        participant=User.objects.get(pk=participant.pk),
        cadence=weekly(weekday=3),
        start_time=dt.time(10, 0),
        time_zone="Europe/London",
        first_date=dt.date(2027, 1, 7),
        format="video",
    )


def _pair_meetings(manager, employee):
    return Meeting.objects.filter(organiser=manager, participant=employee)


# --- The handover happens, whatever the path ---------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_it_ends_the_old_series_and_calls_off_what_was_to_come(
    path, change, old_pair, tuesday_series, manager, employee, new_manager
):
    to_come = _pair_meetings(manager, employee).filter(starts_at__gt=CHANGED_AT).count()
    assert to_come > 20

    change(path)

    employee.refresh_from_db()
    assert employee.manager == new_manager
    tuesday_series.refresh_from_db()
    assert tuesday_series.status == MeetingSeries.Status.ENDED
    future = _pair_meetings(manager, employee).filter(starts_at__gt=CHANGED_AT)
    assert not future.filter(status=Meeting.Status.SCHEDULED).exists()
    # The one with the carried items is cancelled (kept, with its content); the rest went.
    assert list(future.values_list("status", flat=True)) == [Meeting.Status.CANCELLED]
    # The held 1:1 stays as it was.
    old_pair["first"].refresh_from_db()
    assert old_pair["first"].status == Meeting.Status.COMPLETED
    handover = ManagerHandover.objects.get(person=employee)
    assert (handover.old_manager, handover.new_manager) == (manager, new_manager)
    assert handover.meetings_called_off == to_come
    assert handover.chosen_at is None  # Emma has something to choose
    # Nothing was copied to Nina.
    assert not AgendaItem.objects.filter(series__organiser=new_manager).exists()
    assert not ActionItem.objects.filter(owner=new_manager).exists()


@pytest.mark.parametrize("path", PATHS)
def test_all_three_are_told_by_email_through_the_outbox(
    path, change, old_pair, manager, employee, new_manager, settings
):
    settings.SITE_URL = "https://1on1.example.org"
    change(path)
    rows = Reminder.objects.filter(kind=Reminder.Kind.MANAGER_CHANGED)
    assert set(rows.values_list("recipient_id", flat=True)) == {
        employee.pk,
        manager.pk,
        new_manager.pk,
    }
    mail.outbox.clear()
    send_due_reminders()
    by_address = {message.to[0]: message for message in mail.outbox}
    to_emma = by_address[f"{employee.full_name} <{employee.email}>"]
    to_morgan = by_address[f"{manager.full_name} <{manager.email}>"]
    to_nina = by_address[f"{new_manager.full_name} <{new_manager.email}>"]
    assert to_emma.subject == "Your manager is now Nina New"
    assert "https://1on1.example.org/meetings/new-manager/" in to_emma.body
    assert "Your 1:1 series with Morgan Manager has ended" in to_emma.body
    assert to_morgan.subject == "Emma Employee no longer reports to you"
    assert "nothing of them is shared with Nina New" in to_morgan.body
    assert to_nina.subject == "Emma Employee now reports to you: book a first 1:1"
    assert f"/meetings/series/new/?participant={employee.pk}" in to_nina.body
    for message in (to_emma, to_morgan, to_nina):
        for planted in [*PLANTED, "training budget", "draft the proposal"]:
            assert planted not in message.body
    # Sent once: a second sweep sends nothing more.
    mail.outbox.clear()
    send_due_reminders()
    assert not [m for m in mail.outbox if "report" in m.subject]


def test_no_change_of_manager_no_handover(client, admin_user, old_pair, employee, manager):
    url = reverse("admin:people_user_change", args=[employee.pk])
    client.force_login(admin_user)
    response = client.post(url, admin_form_data(client.get(url), job_title="Analyst"))
    assert response.status_code == 302
    assert not ManagerHandover.objects.exists()
    assert _pair_meetings(manager, employee).filter(status=Meeting.Status.SCHEDULED).exists()


def test_a_first_manager_is_asked_to_book_and_nobody_chooses(db, new_manager):
    loner = UserFactory(full_name="Lou Loner", email="lou@example.org")
    change_by_import(loner, new_manager)
    handover = ManagerHandover.objects.get(person=loner)
    assert handover.old_manager is None
    assert handover.chosen_at is not None  # nothing to offer: not asked
    assert set(
        Reminder.objects.filter(kind=Reminder.Kind.MANAGER_CHANGED).values_list(
            "recipient_id", flat=True
        )
    ) == {loner.pk, new_manager.pk}


def test_the_api_refuses_a_loop_and_changes_nothing(client, admin_user, manager, employee):
    response = client.post(
        reverse("api:person_manager", args=[manager.pk]),
        {"manager": employee.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=_token_of(admin_user),
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "That would make a loop in the reporting lines.",
        "field": "manager",
    }
    manager.refresh_from_db()
    assert manager.manager_id is None
    assert not ManagerHandover.objects.exists()
    assert not PersonChange.objects.exists()


def test_the_api_records_and_tells_the_change(
    client, admin_user, employee, new_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change_by_api(client, admin_user, employee, new_manager)
    change = PersonChange.objects.get(person=employee)
    assert change.field == PersonChange.Field.MANAGER
    assert change.via == PersonChange.Via.API
    assert change.by_text == "Ada Admin (ada@example.org) (API)"
    assert any(m.subject == "Changes to your oneonones account" for m in mail.outbox)


# --- The report chooses ---------------------------------------------------------------------


def _choice_page(client, person):
    client.force_login(person)
    return client.get(reverse("meetings:bring_to_new_manager"))


def _offered_ids(response) -> tuple[set[int], set[int]]:
    body = response.content.decode()
    items = {int(pk) for pk in re.findall(r'name="items" value="(\d+)"', body)}
    actions = {int(pk) for pk in re.findall(r'name="actions" value="(\d+)"', body)}
    return items, actions


def test_the_report_is_offered_their_undiscussed_items_and_the_open_actions(
    client, change, old_pair, employee
):
    change("import")
    response = _choice_page(client, employee)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Emma: my training budget" in body
    assert "Emma: draft the proposal" in body
    assert "Morgan: ask about the budget" in body
    for planted in PLANTED:
        assert planted not in body
    items, actions = _offered_ids(response)
    # The carried copy on the cancelled 1:1 is offered once, not the held original too.
    carried = AgendaItem.objects.get(carried_over_from=old_pair["undiscussed"])
    assert items == {carried.pk}
    assert len(actions) == 2


@pytest.mark.parametrize("who", ["manager", "new_manager", "outsider", "hr", "admin_user"])
def test_nobody_else_sees_or_sends_the_choice(request, client, change, old_pair, employee, who):
    change("import")
    handover = ManagerHandover.objects.get(person=employee)
    someone = request.getfixturevalue(who)
    response = _choice_page(client, someone)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Emma: my training budget" not in body
    assert "draft the proposal" not in body
    offered = AgendaItem.objects.get(
        text="Emma: my training budget", carried_over_from__isnull=False
    )
    response = client.post(
        reverse("meetings:bring_to_new_manager"),
        {"handover": handover.pk, "items": [offered.pk]},
    )
    assert response.status_code == 404
    handover.refresh_from_db()
    assert handover.chosen_at is None


def test_what_is_chosen_before_booking_lands_on_the_first_1_1(
    client, change, old_pair, employee, manager, new_manager
):
    change("import")
    items, _actions = _offered_ids(_choice_page(client, employee))
    morgans = ActionItem.objects.get(description="Morgan: ask about the budget")
    response = client.post(
        reverse("meetings:bring_to_new_manager"),
        {
            "handover": ManagerHandover.objects.get().pk,
            "items": list(items),
            "actions": [morgans.pk],
        },
        follow=True,
    )
    assert "Brought 2 to your 1:1s with Nina New" in response.content.decode()
    # Kept, not copied: no series with Nina yet.
    assert not AgendaItem.objects.filter(author=employee, series__organiser=new_manager).exists()

    series = book(new_manager, employee)
    first = series.meetings.order_by("starts_at").first()
    brought = list(first.agenda_items.values_list("text", "author_id"))
    assert brought == [("Emma: my training budget", employee.pk)]
    action = ActionItem.objects.get(series=series)
    assert (action.description, action.owner, action.meeting) == (
        "Morgan: ask about the budget",
        new_manager,
        first,
    )
    # Emma's own action was not chosen: not brought.
    assert not ActionItem.objects.filter(series=series, owner=employee).exists()
    # Run again (the daily job): nothing twice.
    services.series_generate(series_id=series.pk)
    assert first.agenda_items.count() == 1
    assert ActionItem.objects.filter(series=series).count() == 1
    # And Nina sees only what was brought.
    client.force_login(new_manager)
    page = client.get(reverse("meetings:meeting", args=[first.pk])).content.decode()
    assert "Emma: my training budget" in page
    assert "Morgan: ask about the budget" in page
    assert "draft the proposal" not in page


def test_what_is_chosen_after_booking_lands_at_once(
    client, change, old_pair, employee, new_manager
):
    change("admin")
    series = book(new_manager, employee)
    first = series.meetings.order_by("starts_at").first()
    assert not first.agenda_items.exists()  # nothing silently copied on booking
    emmas = ActionItem.objects.get(description="Emma: draft the proposal")
    _choice_page(client, employee)
    client.post(
        reverse("meetings:bring_to_new_manager"),
        {"handover": ManagerHandover.objects.get().pk, "actions": [emmas.pk]},
    )
    action = ActionItem.objects.get(series=series)
    assert (action.description, action.owner, action.meeting) == (
        "Emma: draft the proposal",
        employee,
        first,
    )
    assert not first.agenda_items.exists()


def test_choosing_nothing_is_a_choice_and_the_prompt_goes(client, change, old_pair, employee):
    change("api")
    client.force_login(employee)
    assert "home-to-choose" in client.get(reverse("home")).content.decode()
    client.post(
        reverse("meetings:bring_to_new_manager"), {"handover": ManagerHandover.objects.get().pk}
    )
    handover = ManagerHandover.objects.get()
    assert handover.chosen_at is not None
    assert "home-to-choose" not in client.get(reverse("home")).content.decode()
    assert "Nothing waits for you to choose" in _choice_page(client, employee).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"items": ["abc"]},  # not a number
        {"items": ["999999"]},  # not offered
        {"items": "own-manager-point"},  # Morgan's own point: not Emma's to bring
    ],
)
def test_bad_choices_change_nothing(client, change, old_pair, employee, data):
    change("import")
    handover = ManagerHandover.objects.get()
    if data["items"] == "own-manager-point":
        data = {"items": [AgendaItem.objects.filter(text="Planted Morgan point").first().pk]}
    _choice_page(client, employee)
    response = client.post(
        reverse("meetings:bring_to_new_manager"), {"handover": handover.pk, **data}, follow=True
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "nothing was" in body.lower()
    handover.refresh_from_db()
    assert handover.chosen_at is None
    assert not handover.chosen_items.exists()


def test_a_second_choice_is_refused(client, change, old_pair, employee):
    change("import")
    handover = ManagerHandover.objects.get()
    record_services.handover_choose(handover=handover, by=employee, item_ids=[], action_ids=[])
    with pytest.raises(Exception, match="already chose"):
        record_services.handover_choose(handover=handover, by=employee, item_ids=[], action_ids=[])


def test_a_second_change_before_booking_takes_the_choice_along(
    client, change, old_pair, employee, new_manager
):
    change("import")
    handover = ManagerHandover.objects.get()
    items, _ = _offered_ids(_choice_page(client, employee))
    record_services.handover_choose(
        handover=handover, by=employee, item_ids=list(items), action_ids=[]
    )
    third = UserFactory(full_name="Theo Third", email="theo@example.org")
    change_by_import(employee, third)
    handover.refresh_from_db()
    assert handover.new_manager == third
    series = book(third, employee)
    first = series.meetings.order_by("starts_at").first()
    assert list(first.agenda_items.values_list("text", flat=True)) == ["Emma: my training budget"]


# --- Who sees the old pair's content ------------------------------------------------------


def test_the_new_manager_never_sees_the_old_pairs_content(
    client, change, old_pair, employee, manager, new_manager
):
    first = old_pair["first"]
    client.force_login(new_manager)
    assert client.get(reverse("meetings:meeting", args=[first.pk])).status_code == 404  # before
    change("admin")
    # After: their report's meeting time and status (DESIGN: "their manager"), no content.
    assert meeting_record_for(meeting=first, viewer=new_manager) is None
    client.force_login(new_manager)
    response = client.get(reverse("meetings:meeting", args=[first.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for planted in [*PLANTED, "training budget", "draft the proposal", "ask about the budget"]:
        assert planted not in body
    assert client.get(reverse("meetings:my_actions")).content.decode().count("budget") == 0
    series_page = client.get(reverse("meetings:series", args=[first.series_id]))
    for planted in [*PLANTED, "training budget", "draft the proposal", "ask about the budget"]:
        assert planted not in series_page.content.decode()


def test_the_old_pair_keep_their_past_and_private_notes_stay_with_their_author(
    client, change, old_pair, employee, manager
):
    change("import")
    first = old_pair["first"]
    client.force_login(manager)
    morgan_sees = client.get(reverse("meetings:meeting", args=[first.pk])).content.decode()
    assert "Planted shared note" in morgan_sees
    assert "Planted Morgan private" in morgan_sees
    assert "Planted Emma private" not in morgan_sees
    client.force_login(employee)
    emma_sees = client.get(reverse("meetings:meeting", args=[first.pk])).content.decode()
    assert "Planted shared note" in emma_sees
    assert "Planted Emma private" in emma_sees
    assert "Planted Morgan private" not in emma_sees
    assert Note.objects.filter(visibility=Note.Visibility.PRIVATE).count() == 2


def test_objectives_move_to_the_new_line(change, old_pair, employee, manager, new_manager):
    objective = ObjectiveFactory(owner=employee, title="Ship the import")
    assert objective in objectives_visible_to(viewer=manager)
    assert objective not in objectives_visible_to(viewer=new_manager)
    change("api")
    assert objective in objectives_visible_to(viewer=User.objects.get(pk=new_manager.pk))
    assert objective not in objectives_visible_to(viewer=User.objects.get(pk=manager.pk))


def test_the_new_manager_is_asked_to_book_until_a_series_exists(
    client, change, old_pair, employee, new_manager
):
    change("import")
    client.force_login(new_manager)
    home = client.get(reverse("home")).content.decode()
    assert "home-new-report" in home
    assert f"/meetings/series/new/?participant={employee.pk}" in home
    book(new_manager, employee)
    assert "home-new-report" not in client.get(reverse("home")).content.decode()
