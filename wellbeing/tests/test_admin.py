"""The admin site is not a side door to check-ins or wellbeing notes."""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from people.models import User
from wellbeing.models import CheckIn, PublishedMonth, TeamMonthFigures, WellbeingNote
from wellbeing.tests.factories import CheckInFactory, WellbeingNoteFactory

CHECKIN_NOTE = "ADMIN-must-not-see-this-checkin"
NOTE_TEXT = "ADMIN-must-not-see-this-note"


@pytest.fixture
def secrets(employee, manager):
    checkin = CheckInFactory(
        employee=employee, note=CHECKIN_NOTE, happiness=1, workload=5, shared_with_manager=True
    )
    note = WellbeingNoteFactory(author=manager, subject=employee, text=NOTE_TEXT)
    return checkin, note


def assert_no_secret(response):
    body = response.content.decode()
    assert CHECKIN_NOTE not in body
    assert NOTE_TEXT not in body


def test_no_wellbeing_model_is_registered():
    for model in (CheckIn, WellbeingNote, PublishedMonth, TeamMonthFigures):
        assert not admin.site.is_registered(model)


def test_the_admin_index_does_not_list_wellbeing(client, admin_user, secrets):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    body = response.content.decode().lower()
    assert "check-in" not in body and "wellbeing" not in body
    assert client.get("/admin/wellbeing/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/admin/wellbeing/checkin/",
        "/admin/wellbeing/checkin/?q=ADMIN",
        "/admin/wellbeing/checkin/{checkin}/change/",
        "/admin/wellbeing/checkin/{checkin}/history/",
        "/admin/wellbeing/checkin/{checkin}/delete/",
        "/admin/wellbeing/checkin/add/",
        "/admin/wellbeing/wellbeingnote/",
        "/admin/wellbeing/wellbeingnote/{note}/change/",
        "/admin/wellbeing/wellbeingnote/{note}/history/",
        "/admin/wellbeing/teammonthfigures/",
        "/admin/wellbeing/publishedmonth/",
    ],
)
def test_the_admin_has_no_pages_for_them(client, admin_user, secrets, path):
    checkin, note = secrets
    client.force_login(admin_user)
    response = client.get(path.format(checkin=checkin.pk, note=note.pk))
    assert response.status_code == 404
    assert_no_secret(response)


def test_the_admin_cannot_reach_them_through_shortcuts(client, admin_user, secrets):
    checkin, note = secrets
    client.force_login(admin_user)
    for obj in (checkin, note):
        content_type = ContentType.objects.get_for_model(obj)
        response = client.get(f"/admin/r/{content_type.pk}/{obj.pk}/")
        assert response.status_code == 404
        assert_no_secret(response)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "wellbeing", "model_name": "checkin", "field_name": "employee", "term": ""},
    )
    # Django answers with the *User* admin's search (the remote model): people the
    # admin sees anyway, never a check-in.
    assert_no_secret(response)
    if response.status_code == 200:
        ids = {int(result["id"]) for result in response.json()["results"]}
        assert ids <= set(User.objects.values_list("pk", flat=True))


def test_people_pages_in_the_admin_show_no_wellbeing_content(
    client, admin_user, employee, manager, secrets
):
    client.force_login(admin_user)
    # First, before the administrator opens Emma's page: from then on the record that
    # they looked protects her account, and the page only says it cannot be deleted.
    delete_page = client.get(reverse("admin:people_user_delete", args=[employee.pk]))
    assert "Check-in #" in delete_page.content.decode()  # counted, never shown
    assert_no_secret(delete_page)
    pages = [
        reverse("admin:people_user_changelist"),
        reverse("admin:people_user_changelist") + "?q=ADMIN-must-not",
        reverse("admin:people_user_change", args=[employee.pk]),
        reverse("admin:people_user_history", args=[employee.pk]),
        reverse("admin:people_user_change", args=[manager.pk]),
        reverse("admin:people_team_change", args=[employee.team_id]),
        # Deleting a person lists their related objects: they must say nothing.
        reverse("admin:people_user_delete", args=[employee.pk]),
        reverse("admin:people_user_delete", args=[manager.pk]),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_secret(response)


def test_the_admin_searching_people_does_not_match_wellbeing_text(client, admin_user, secrets):
    client.force_login(admin_user)
    response = client.get(reverse("admin:people_user_changelist"), {"q": CHECKIN_NOTE})
    assert "0 users" in response.content.decode() or "0 people" in response.content.decode()
