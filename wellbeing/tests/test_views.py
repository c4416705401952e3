import csv
import io

import pytest
from django.urls import reverse

from people.tests.factories import UserFactory
from wellbeing.models import CheckIn, WellbeingNote
from wellbeing.tests.factories import CheckInFactory, WellbeingNoteFactory

VALID = {"happiness": "4", "workload": "5", "work_life_balance": "2", "note": "Release week."}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- The employee's own page -----------------------------------------------------------


def test_it_shows_an_empty_state_and_the_privacy_statement(client, employee):
    client.force_login(employee)
    response = client.get(reverse("wellbeing:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "You have no check-ins yet" in page
    assert "private unless you share it" in page
    assert "at least 5 different people" in page
    # Radio groups are fieldsets with a legend, and every input has a label.
    assert page.count("<legend") >= 3
    assert 'for="id_checkin_note"' in page
    assert 'for="id_checkin_share"' in page


def test_it_records_a_private_check_in(client, employee):
    client.force_login(employee)
    response = client.post(reverse("wellbeing:checkin_create"), VALID, follow=True)
    checkin = CheckIn.objects.get()
    assert (checkin.employee, checkin.happiness, checkin.workload) == (employee, 4, 5)
    assert checkin.work_life_balance == 2
    assert checkin.note == "Release week."
    assert not checkin.shared_with_manager and checkin.shared_at is None
    assert messages_of(response) == ["Your check-in is saved. Only you can see it."]
    page = response.content.decode()
    assert 'data-testid="checkin-chart"' in page
    assert "far too much" in page


def test_it_records_and_shares_in_one_go(client, employee, manager):
    client.force_login(employee)
    response = client.post(
        reverse("wellbeing:checkin_create"), {**VALID, "share": "on"}, follow=True
    )
    checkin = CheckIn.objects.get()
    assert checkin.shared_with_manager and checkin.shared_at is not None
    assert messages_of(response) == [f"Your check-in is saved and shared with {manager.full_name}."]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({**VALID, "happiness": ""}, "Choose how happy you are"),
        ({**VALID, "happiness": "6"}, "Select a valid choice"),
        ({**VALID, "workload": "0"}, "Select a valid choice"),
        ({**VALID, "work_life_balance": "x"}, "Select a valid choice"),
        ({**VALID, "note": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_it_explains_bad_input_and_saves_nothing(client, employee, data, error):
    client.force_login(employee)
    response = client.post(reverse("wellbeing:checkin_create"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_will_not_share_without_a_manager(client, outsider):
    client.force_login(outsider)
    response = client.post(reverse("wellbeing:checkin_create"), {**VALID, "share": "on"})
    assert response.status_code == 400
    assert "nobody to share it with" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_shares_unshares_and_deletes_a_check_in(client, employee):
    checkin = CheckInFactory(employee=employee)
    client.force_login(employee)

    response = client.post(reverse("wellbeing:checkin_share", args=[checkin.pk]), follow=True)
    checkin.refresh_from_db()
    assert checkin.shared_with_manager and checkin.shared_at
    assert "Shared with Morgan Manager" in messages_of(response)[0]

    response = client.post(reverse("wellbeing:checkin_unshare", args=[checkin.pk]), follow=True)
    checkin.refresh_from_db()
    assert not checkin.shared_with_manager and checkin.shared_at is None
    assert messages_of(response) == ["No longer shared. Only you can see this check-in."]

    response = client.post(reverse("wellbeing:checkin_delete", args=[checkin.pk]), follow=True)
    assert not CheckIn.objects.exists()
    assert messages_of(response) == ["The check-in is deleted."]


def test_sharing_without_a_manager_changes_nothing(client, outsider):
    checkin = CheckInFactory(employee=outsider)
    client.force_login(outsider)
    response = client.post(reverse("wellbeing:checkin_share", args=[checkin.pk]), follow=True)
    checkin.refresh_from_db()
    assert not checkin.shared_with_manager
    assert "nobody to share it with" in messages_of(response)[0]


def test_changes_need_post(client, employee):
    checkin = CheckInFactory(employee=employee)
    client.force_login(employee)
    for name in ("checkin_share", "checkin_unshare", "checkin_delete"):
        assert client.get(reverse(f"wellbeing:{name}", args=[checkin.pk])).status_code == 405
    assert client.get(reverse("wellbeing:checkin_create")).status_code == 405
    assert CheckIn.objects.filter(pk=checkin.pk, shared_with_manager=False).exists()


def test_it_pages_through_a_long_history(client, employee, django_assert_max_num_queries):
    CheckInFactory.create_batch(45, employee=employee)
    client.force_login(employee)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("wellbeing:index"))
    assert response.content.decode().count('data-testid="checkin-row"') == 20
    response = client.get(reverse("wellbeing:index"), {"page": 3})
    assert response.content.decode().count('data-testid="checkin-row"') == 5
    # Out-of-range and junk page numbers show a page rather than an error.
    assert client.get(reverse("wellbeing:index"), {"page": "x"}).status_code == 200
    assert client.get(reverse("wellbeing:index"), {"page": 99}).status_code == 200


def test_the_page_has_no_inline_styles_or_scripts(client, employee):
    CheckInFactory.create_batch(3, employee=employee)
    client.force_login(employee)
    page = client.get(reverse("wellbeing:index")).content.decode()
    assert "style=" not in page
    assert "<script>" not in page and "<script " not in page.replace('<script src="', "")


# --- Coming back to another page (the 1:1 meeting page) --------------------------------


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/people/me/?tab=1", "/people/me/?tab=1"),
        ("https://evil.example.com/", "/wellbeing/"),
        ("//evil.example.com/", "/wellbeing/"),
        ("/\\evil.example.com/", "/wellbeing/"),
        ("javascript:alert(1)", "/wellbeing/"),
        ("", "/wellbeing/"),
        ("wellbeing", "/wellbeing/"),  # a bare word, which redirect() would take for a URL name
        ("a\x00b", "/wellbeing/"),
    ],
)
def test_it_returns_only_to_a_page_on_this_site(client, employee, next_url, expected):
    client.force_login(employee)
    response = client.post(reverse("wellbeing:checkin_create"), {**VALID, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_bad_input_from_another_page_keeps_the_way_back(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("wellbeing:checkin_create"), {**VALID, "happiness": "", "next": "/people/me/"}
    )
    assert response.status_code == 400
    assert 'name="next" value="/people/me/"' in response.content.decode()


# --- Export and delete all -------------------------------------------------------------


def test_it_exports_only_the_signed_in_persons_check_ins(client, employee, manager):
    CheckInFactory(employee=employee, note='=HYPERLINK("x")', workload=1)
    CheckInFactory(employee=employee, note="second", shared_with_manager=True)
    CheckInFactory(employee=manager, note="the manager's own")
    client.force_login(employee)
    response = client.get(reverse("wellbeing:checkins_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="my-wellbeing')
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["note"] for row in rows] == ['\'=HYPERLINK("x")', "second"]
    assert rows[0]["workload_label"] == "far too little"
    assert [row["shared_with_manager"] for row in rows] == ["no", "yes"]


def test_an_empty_export_is_just_the_header(client, outsider):
    client.force_login(outsider)
    body = client.get(reverse("wellbeing:checkins_export")).content.decode()
    assert body.strip().splitlines() == [
        "recorded_at,happiness,workload,workload_label,work_life_balance,note,"
        "shared_with_manager,shared_at"
    ]


def test_delete_all_asks_first_then_deletes_only_ones_own(client, employee, manager):
    CheckInFactory.create_batch(3, employee=employee)
    CheckInFactory(employee=manager)
    client.force_login(employee)
    page = client.get(reverse("wellbeing:checkins_delete_all"))
    assert "This deletes all <strong>3</strong> check-ins" in page.content.decode()
    response = client.post(reverse("wellbeing:checkins_delete_all"), {})
    assert response.status_code == 400
    assert "nothing was deleted" in response.content.decode()
    assert CheckIn.objects.filter(employee=employee).count() == 3
    response = client.post(reverse("wellbeing:checkins_delete_all"), {"confirm": "on"}, follow=True)
    assert messages_of(response) == ["All your check-ins are deleted (3). This cannot be undone."]
    assert not CheckIn.objects.filter(employee=employee).exists()
    assert CheckIn.objects.filter(employee=manager).count() == 1


def test_delete_all_with_nothing_to_delete(client, outsider):
    client.force_login(outsider)
    page = client.get(reverse("wellbeing:checkins_delete_all")).content.decode()
    assert "nothing to delete" in page


# --- The manager's view of a report ----------------------------------------------------


def test_the_manager_sees_shared_check_ins_of_a_report_only(client, employee, manager):
    CheckInFactory(employee=employee, note="shared one", shared_with_manager=True)
    CheckInFactory(employee=employee, note="private one")
    client.force_login(manager)
    index = client.get(reverse("wellbeing:index")).content.decode()
    assert "Emma Employee" in index and "last shared" in index
    page = client.get(reverse("wellbeing:report", args=[employee.pk])).content.decode()
    assert "shared one" in page
    assert "private one" not in page
    assert "Unshare" not in page and "Delete" not in page  # no owner actions for the manager


def test_the_manager_sees_an_empty_state(client, employee, manager):
    CheckInFactory(employee=employee, note="private one")
    client.force_login(manager)
    page = client.get(reverse("wellbeing:report", args=[employee.pk])).content.decode()
    assert "has not shared any check-ins with you" in page
    assert "private one" not in page


def test_the_report_page_has_a_fixed_number_of_queries(
    client, employee, manager, django_assert_max_num_queries
):
    CheckInFactory.create_batch(30, employee=employee, shared_with_manager=True)
    WellbeingNoteFactory.create_batch(5, author=manager, subject=employee)
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("wellbeing:report", args=[employee.pk]))
    assert response.content.decode().count('data-testid="checkin-row"') == 20


def test_the_manager_index_lists_reports_in_a_fixed_number_of_queries(
    client, manager, django_assert_max_num_queries
):
    for _ in range(8):
        CheckInFactory(employee=UserFactory(manager=manager), shared_with_manager=True)
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("wellbeing:index"))
    assert response.content.decode().count("last shared") == 8


def test_the_report_page_is_404_for_anyone_but_the_manager(client, employee, outsider):
    for viewer in (employee, outsider):
        client.force_login(viewer)
        assert client.get(reverse("wellbeing:report", args=[employee.pk])).status_code == 404
    assert client.get(reverse("wellbeing:report", args=[999999])).status_code == 404


# --- Managers' wellbeing notes ---------------------------------------------------------


def test_a_manager_keeps_a_private_note_and_can_share_it(client, employee, manager):
    client.force_login(manager)
    response = client.post(
        reverse("wellbeing:note_create", args=[employee.pk]),
        {"text": "Agreed a lighter load for March."},
        follow=True,
    )
    note = WellbeingNote.objects.get()
    assert (note.author, note.subject, note.shared_with_subject) == (manager, employee, False)
    assert messages_of(response) == ["Note saved. Only you can see it."]
    assert "Agreed a lighter load for March." in response.content.decode()

    client.force_login(employee)
    assert "lighter load" not in client.get(reverse("wellbeing:index")).content.decode()

    client.force_login(manager)
    response = client.post(
        reverse("wellbeing:note_edit", args=[note.pk]),
        {"text": "Agreed a lighter load for March and April.", "shared_with_subject": "on"},
        follow=True,
    )
    assert messages_of(response) == ["Note updated."]
    client.force_login(employee)
    page = client.get(reverse("wellbeing:index")).content.decode()
    assert "Agreed a lighter load for March and April." in page
    assert "Notes your manager shared with you" in page


def test_a_note_must_have_text(client, employee, manager):
    client.force_login(manager)
    response = client.post(reverse("wellbeing:note_create", args=[employee.pk]), {"text": " "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    note = WellbeingNoteFactory(author=manager, subject=employee)
    response = client.post(reverse("wellbeing:note_edit", args=[note.pk]), {"text": ""})
    assert response.status_code == 400
    note.refresh_from_db()
    assert note.text == "Agreed a lighter load for March."


def test_a_manager_deletes_a_note(client, employee, manager):
    note = WellbeingNoteFactory(author=manager, subject=employee)
    client.force_login(manager)
    response = client.post(reverse("wellbeing:note_delete", args=[note.pk]))
    assert response["Location"] == reverse("wellbeing:report", args=[employee.pk])
    assert not WellbeingNote.objects.exists()


def test_a_note_stays_with_its_author_when_the_report_moves(client, employee, manager):
    note = WellbeingNoteFactory(author=manager, subject=employee, text="Follow up on leave.")
    new_manager = UserFactory(full_name="Nora New")
    employee.manager = new_manager
    employee.save()

    client.force_login(new_manager)
    assert (
        "Follow up on leave."
        not in client.get(reverse("wellbeing:report", args=[employee.pk])).content.decode()
    )
    assert client.get(reverse("wellbeing:note_edit", args=[note.pk])).status_code == 404

    client.force_login(manager)
    assert client.get(reverse("wellbeing:report", args=[employee.pk])).status_code == 404
    index = client.get(reverse("wellbeing:index")).content.decode()
    assert "people who no longer report to you" in index
    assert "Follow up on leave." in index
    # The author cannot add new notes about someone who is no longer their report.
    response = client.post(reverse("wellbeing:note_create", args=[employee.pk]), {"text": "x"})
    assert response.status_code == 404
    response = client.post(reverse("wellbeing:note_delete", args=[note.pk]))
    assert response["Location"] == reverse("wellbeing:index")
    assert not WellbeingNote.objects.exists()


def test_someone_without_a_manager_is_not_offered_sharing(client, outsider):
    CheckInFactory(employee=outsider)
    client.force_login(outsider)
    page = client.get(reverse("wellbeing:index")).content.decode()
    assert "Private" in page and ">Share<" not in page
