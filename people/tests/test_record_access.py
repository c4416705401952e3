"""Who looked: opening someone's records is recorded unless one is them or their line;
the person sees the records, nobody else does, and nobody changes or deletes them."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import ReadOnlyRecord, RecordAccess, User
from people.services import record_access
from people.tests.factories import UserFactory

Kind = RecordAccess.Kind
NOON = dt.datetime(2026, 3, 4, 12, 5, tzinfo=dt.UTC)


def looks(person=None) -> list[tuple[str, str, str]]:
    """(viewer, person, kind) of every record, oldest first."""
    records = RecordAccess.objects.select_related("viewer", "person").order_by("at", "pk")
    if person is not None:
        records = records.filter(person=person)
    return [(r.viewer.full_name, r.person.full_name, r.kind) for r in records]


# --- The service ------------------------------------------------------------------------


def test_the_person_and_their_line_are_never_recorded(employee, manager, grand_manager):
    for viewer in (employee, manager, grand_manager):
        record_access(viewer=viewer, person_ids=[employee.pk], kind=Kind.PROFILE)
    assert looks() == []


def test_anyone_else_is_recorded(employee, grand_manager, hr, other_manager, admin_user):
    for viewer in (hr, other_manager, admin_user):
        record_access(viewer=viewer, person_ids=[employee.pk], kind=Kind.PROFILE)
    assert looks() == [
        ("Hana HR", "Emma Employee", "profile"),
        ("Oscar Other", "Emma Employee", "profile"),
        ("Ada Admin", "Emma Employee", "profile"),
    ]


def test_the_line_is_the_line_of_today(employee, manager, hr):
    """HR who becomes Emma's manager is in her line; a former manager is not."""
    employee.manager = hr
    employee.save(update_fields=["manager"])
    record_access(viewer=hr, person_ids=[employee.pk], kind=Kind.PROFILE)
    record_access(viewer=manager, person_ids=[employee.pk], kind=Kind.PROFILE)
    assert looks() == [("Morgan Manager", "Emma Employee", "profile")]


def test_three_levels_up_is_outside_the_line(employee, manager, grand_manager):
    great = UserFactory(full_name="Greta Great")
    grand_manager.manager = great
    grand_manager.save(update_fields=["manager"])
    record_access(viewer=great, person_ids=[employee.pk, manager.pk], kind=Kind.PROFILE)
    assert looks() == [("Greta Great", "Emma Employee", "profile")]


def test_one_record_per_viewer_person_and_kind_an_hour(employee, hr):
    with time_machine.travel(NOON, tick=False) as traveller:
        record_access(viewer=hr, person_ids=[employee.pk], kind=Kind.PROFILE)
        traveller.shift(dt.timedelta(minutes=50))  # 12:55, the same hour
        record_access(viewer=hr, person_ids=[employee.pk], kind=Kind.PROFILE)
        record_access(viewer=hr, person_ids=[employee.pk], kind=Kind.OBJECTIVE)
        traveller.shift(dt.timedelta(minutes=10))  # 13:05, the next hour
        record_access(viewer=hr, person_ids=[employee.pk, employee.pk], kind=Kind.PROFILE)
    records = list(RecordAccess.objects.order_by("at", "pk").values_list("kind", "at"))
    assert records == [
        ("profile", NOON),
        ("objective", NOON + dt.timedelta(minutes=50)),
        ("profile", NOON + dt.timedelta(minutes=60)),
    ]


def test_a_hundred_people_are_one_insert(hr, manager):
    people = [UserFactory(manager=manager) for _ in range(100)]
    with CaptureQueriesContext(connection) as captured:
        record_access(viewer=hr, person_ids=[p.pk for p in people], kind=Kind.REPORT_GAPS)
    assert len(captured) == 1
    assert captured[0]["sql"].startswith("INSERT INTO")
    assert RecordAccess.objects.filter(viewer=hr).count() == 100


def test_nobody_to_record_is_no_query(hr, employee):
    with CaptureQueriesContext(connection) as captured:
        record_access(viewer=hr, person_ids=[], kind=Kind.REPORT_GAPS)
    assert len(captured) == 0


# --- Never changed, never deleted ---------------------------------------------------------


@pytest.fixture
def vera(db):
    return UserFactory(full_name="Vera Viewer", is_hr=True)


@pytest.fixture
def recorded(employee, vera) -> RecordAccess:
    record_access(viewer=vera, person_ids=[employee.pk], kind=Kind.PROFILE)
    return RecordAccess.objects.get()


def test_the_model_refuses_to_change_or_delete(recorded):
    with pytest.raises(ReadOnlyRecord):
        recorded.delete()
    with pytest.raises(ReadOnlyRecord):
        RecordAccess.objects.all().delete()
    with pytest.raises(ReadOnlyRecord):
        RecordAccess.objects.filter(pk=recorded.pk).update(kind=Kind.OBJECTIVE)
    recorded.kind = Kind.OBJECTIVE
    with pytest.raises(ReadOnlyRecord):
        recorded.save()
    assert RecordAccess.objects.get().kind == Kind.PROFILE


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM people_recordaccess",
        "UPDATE people_recordaccess SET kind = 'objective'",
        "UPDATE people_recordaccess SET at = at - interval '1 day'",
    ],
)
def test_the_database_refuses_to_change_or_delete(recorded, statement):
    """Whatever the application does: SQL typed by hand is refused by a trigger."""
    with (
        pytest.raises(IntegrityError, match="never changed or deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert RecordAccess.objects.get().kind == Kind.PROFILE
    assert RecordAccess.objects.get().at == recorded.at


def test_people_with_records_are_not_deleted(recorded, employee, vera):
    """Leavers are switched off, not deleted; their records (and who looked) stay."""
    for person in (employee, vera):
        with pytest.raises(ProtectedError):
            User.objects.get(pk=person.pk).delete()
    assert RecordAccess.objects.count() == 1


# --- The person's page ------------------------------------------------------------------


def test_the_person_sees_who_looked_newest_first(client, employee, hr, admin_user):
    hr.job_title = "HR Partner"
    hr.save(update_fields=["job_title"])
    with time_machine.travel(NOON, tick=False) as traveller:
        record_access(viewer=hr, person_ids=[employee.pk], kind=Kind.PROFILE)
        traveller.shift(dt.timedelta(hours=2))
        record_access(viewer=admin_user, person_ids=[employee.pk], kind=Kind.ADMIN_ACCOUNT)
    client.force_login(employee)
    page = client.get(reverse("people:who_looked", args=[employee.pk])).content.decode()
    assert page.count('data-testid="record-access"') == 2
    newest = page.index("Ada Admin")
    assert newest < page.index("Hana HR") < page.index("HR Partner")
    assert "Your account, in the admin site" in page
    assert "Your page in the people directory" in page
    assert "Wed 4 Mar 2026, 14:05" in page  # in Emma's zone (UTC in the factory)


def test_the_page_is_paginated(client, employee):
    viewers = UserFactory.create_batch(30, is_hr=True)
    for viewer in viewers:
        record_access(viewer=viewer, person_ids=[employee.pk], kind=Kind.PROFILE)
    client.force_login(employee)
    url = reverse("people:who_looked", args=[employee.pk])
    first = client.get(url).content.decode()
    assert first.count('data-testid="record-access"') == 25
    assert "Page 1 of 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('data-testid="record-access"') == 5
    assert client.get(url, {"page": "x"}).status_code == 200


def test_the_page_makes_a_fixed_number_of_queries(client, employee, django_assert_max_num_queries):
    for viewer in UserFactory.create_batch(40, is_hr=True):
        record_access(viewer=viewer, person_ids=[employee.pk], kind=Kind.PROFILE)
    client.force_login(employee)
    # Session, user, navigation; the count and the page of records with their viewers.
    with django_assert_max_num_queries(8):
        client.get(reverse("people:who_looked", args=[employee.pk]))


def test_an_empty_log_says_so(client, employee):
    client.force_login(employee)
    page = client.get(reverse("people:who_looked", args=[employee.pk])).content.decode()
    assert 'data-testid="empty"' in page


def test_the_profile_links_to_it(client, employee):
    client.force_login(employee)
    page = client.get(reverse("people:profile")).content.decode()
    assert reverse("people:who_looked", args=[employee.pk]) in page


@pytest.mark.parametrize(
    "who", ["manager", "grand_manager", "other_manager", "hr", "admin_user", "outsider"]
)
def test_nobody_else_sees_someones_log(client, request, recorded, employee, who):
    request.getfixturevalue("grand_manager")
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("people:who_looked", args=[employee.pk]))
    assert response.status_code == 404
    assert "Vera Viewer" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, recorded, employee):
    response = client.get(reverse("people:who_looked", args=[employee.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The people page and the admin's page of a person, per role ------------------------------


@pytest.mark.parametrize(
    ("who", "status", "recorded"),
    [
        ("employee", 200, False),
        ("manager", 200, False),
        ("grand_manager", 200, False),
        ("hr", 200, True),
        ("other_manager", 404, False),
        ("admin_user", 404, False),  # a superuser who is not HR has no people page
        ("outsider", 404, False),
    ],
)
def test_the_people_page_per_role(client, request, employee, who, status, recorded):
    request.getfixturevalue("grand_manager")
    viewer = request.getfixturevalue(who)
    client.force_login(viewer)
    assert client.get(reverse("people:person", args=[employee.pk])).status_code == status
    expected = [(viewer.full_name, "Emma Employee", "profile")] if recorded else []
    assert looks(employee) == expected


def test_the_people_page_of_someone_anonymous_records_nothing(client, employee):
    assert client.get(reverse("people:person", args=[employee.pk])).status_code == 302
    assert looks() == []


def test_an_administrator_opening_a_persons_account_is_recorded(client, employee, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:people_user_change", args=[employee.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # the same hour: one record
    assert looks(employee) == [("Ada Admin", "Emma Employee", "admin_account")]


def test_an_administrator_in_the_line_is_not_recorded(client, employee, manager):
    manager.is_staff = manager.is_superuser = True
    manager.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(manager)
    assert client.get(reverse("admin:people_user_change", args=[employee.pk])).status_code == 200
    assert looks() == []


def test_the_admin_list_of_people_is_a_directory_not_records(client, employee, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:people_user_changelist")).status_code == 200
    assert looks() == []


# --- No way to change or delete them ------------------------------------------------------


@pytest.mark.parametrize("who", ["admin_user", "hr_admin"])
def test_the_admin_site_has_no_page_for_them(client, request, recorded, who):
    if who == "hr_admin":
        viewer = UserFactory(full_name="Hal HR Admin", is_hr=True, is_staff=True)
        viewer.user_permissions.set(Permission.objects.filter(content_type__app_label="people"))
    else:
        viewer = request.getfixturevalue(who)
    client.force_login(viewer)
    base = "/admin/people/recordaccess/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}{recorded.pk}/change/").status_code == 404
    assert client.get(f"{base}{recorded.pk}/delete/").status_code == 404
    assert client.post(f"{base}{recorded.pk}/delete/", {"post": "yes"}).status_code == 404
    response = client.post(base, {"action": "delete_selected", "_selected_action": [recorded.pk]})
    assert response.status_code == 404
    index = client.get(reverse("admin:index")).content.decode().lower()
    assert "looked" not in index
    assert RecordAccess.objects.filter(pk=recorded.pk).exists()


def test_deleting_a_person_in_the_admin_is_refused_and_tells_nothing(
    client, recorded, employee, admin_user
):
    client.force_login(admin_user)
    url = reverse("admin:people_user_delete", args=[employee.pk])
    page = client.get(url).content.decode()
    assert "Vera Viewer" not in page  # which records protect the account, never whose looks
    client.post(url, {"post": "yes"})
    assert User.objects.filter(pk=employee.pk).exists()
    response = client.post(
        reverse("admin:people_user_changelist"),
        {"action": "delete_selected", "_selected_action": [employee.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert User.objects.filter(pk=employee.pk).exists()
    # The recorded look is still there; opening the delete confirmation was one more.
    assert RecordAccess.objects.exclude(viewer=admin_user).count() == 1
    assert RecordAccess.objects.filter(viewer=admin_user, person=employee).count() == 1
