"""The admin site cannot set anyone's password, and what it changes is recorded and told."""

import logging
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from people.models import PersonChange, User
from people.tests.admin_forms import admin_form_data
from people.tests.factories import PASSWORD, UserFactory

LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/\S+/)")


@pytest.fixture
def staff(db):
    """May sign in to the admin site and look after people, but is no superuser."""
    user = UserFactory(full_name="Sam Staff", email="sam@example.org", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="people",
            codename__in=["view_user", "add_user", "change_user", "view_personchange"],
        )
    )
    return user


@pytest.fixture
def second_admin_account(admin_user):
    """The superuser's own second account (a different address, the same person)."""
    return UserFactory(
        full_name="Ada Admin", email="ada.alt@example.org", is_staff=True, is_superuser=True
    )


def change_url(person: User) -> str:
    return reverse("admin:people_user_change", args=[person.pk])


def reset_url(person: User) -> str:
    return reverse("admin:people_user_send_password_reset", args=[person.pk])


def post_change(client, person: User, **changes):
    form_page = client.get(change_url(person))
    assert form_page.status_code == 200
    return client.post(change_url(person), admin_form_data(form_page, **changes))


def signs_in(client, email: str, password: str) -> bool:
    """Through the real sign-in page (brute-force protection included)."""
    client.logout()
    response = client.post(reverse("login"), {"username": email, "password": password})
    return response.status_code == 302 and "/accounts/login/" not in response["Location"]


def choose_password_from(client, message, new_password: str) -> None:
    """Follow the link in ``message`` and choose ``new_password``, as its reader would."""
    found = LINK.search(message.body)
    assert found, message.body
    link = found.group(1)
    client.logout()
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302


# --- Nobody sets a password in the admin site ---------------------------------------------


@pytest.mark.parametrize("whose", ["employee", "admin_user", "second_admin_account", "staff"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_the_password_page_to_a_superuser_for_anyone(
    client, admin_user, request, whose, method
):
    person = request.getfixturevalue(whose)
    before = User.objects.get(pk=person.pk).password
    client.force_login(admin_user)
    url = f"/admin/people/user/{person.pk}/password/"
    data = {"password1": "taken-over-123", "password2": "taken-over-123"}
    response = getattr(client, method)(url, data)
    assert response.status_code == 404
    assert User.objects.get(pk=person.pk).password == before
    assert not signs_in(client, person.email, "taken-over-123")


def test_it_refuses_the_password_page_to_staff_too(client, staff, employee):
    client.force_login(staff)
    response = client.post(
        f"/admin/people/user/{employee.pk}/password/",
        {"password1": "taken-over-123", "password2": "taken-over-123"},
    )
    assert response.status_code == 404
    employee.refresh_from_db()
    assert employee.check_password(PASSWORD)


def test_it_sends_someone_not_signed_in_to_the_login_page(client, employee):
    response = client.get(f"/admin/people/user/{employee.pk}/password/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_change_page_shows_neither_the_hash_nor_a_way_to_set_a_password(
    client, admin_user, employee
):
    client.force_login(admin_user)
    body = client.get(change_url(employee)).content.decode()
    hash_parts = employee.password.split("$")
    assert not any(part and part in body for part in hash_parts[1:])
    assert "../password/" not in body and 'name="password' not in body
    assert "Nobody can set it for them here" in body
    assert reset_url(employee) in body


def test_the_add_form_has_no_password_and_the_new_person_chooses_their_own(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    form_page = client.get(reverse("admin:people_user_add"))
    assert form_page.status_code == 200
    assert set(form_page.context["adminform"].form.fields) == {"email", "full_name"}
    body = form_page.content.decode()
    assert 'name="password' not in body and "usable_password" not in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:people_user_add"),
            admin_form_data(
                form_page,
                email="Nia.New@Example.org",
                full_name="Nia New",
                usable_password="true",
                password1="set-by-admin-9",
                password2="set-by-admin-9",
            ),
        )
    assert response.status_code == 302
    nia = User.objects.get(email="nia.new@example.org")
    assert not nia.has_usable_password()
    assert not signs_in(client, nia.email, "set-by-admin-9")
    (change,) = PersonChange.objects.filter(person=nia)
    assert (change.field, change.new_value, change.changed_by) == ("account", "created", admin_user)
    (message,) = mail.outbox
    assert message.to == ["Nia New <nia.new@example.org>"]
    assert message.subject == "Choose your oneonones password"
    assert "Ada Admin (ada@example.org) created a oneonones account for you" in message.body
    change.refresh_from_db()
    assert change.told_at is not None

    choose_password_from(client, message, "nia-chose-this-1")
    assert signs_in(client, "nia.new@example.org", "nia-chose-this-1")


def test_staff_without_the_change_permission_cannot_add_people(client, db):
    # Django's rule: adding people needs "change" too, or the adder could make superusers.
    adder = UserFactory(is_staff=True)
    adder.user_permissions.set(Permission.objects.filter(codename__in=["add_user", "view_user"]))
    client.force_login(adder)
    response = client.post(
        reverse("admin:people_user_add"), {"email": "x@example.org", "full_name": "X"}
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.org").exists()


# --- A password-reset email instead ------------------------------------------------------------


def test_a_superuser_sends_a_reset_email_from_the_change_page(
    client, admin_user, employee, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    confirm = client.get(reset_url(employee))
    assert confirm.status_code == 200
    assert "emma@example.org" in confirm.content.decode()
    assert mail.outbox == [] and not PersonChange.objects.exists()  # a GET sends nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reset_url(employee))
    assert response.status_code == 302
    assert response["Location"] == change_url(employee)
    (message,) = mail.outbox
    assert message.to == ["Emma Employee <emma@example.org>"]
    assert "Ada Admin (ada@example.org) sent you this link" in message.body
    (change,) = PersonChange.objects.filter(person=employee)
    assert (change.field, change.old_value, change.new_value) == (
        "password",
        "",
        "password reset email sent",
    )
    assert change.told_at is not None
    employee.refresh_from_db()
    assert employee.check_password(PASSWORD)  # unchanged until they choose

    choose_password_from(client, message, "emma-chose-this-2")
    assert signs_in(client, employee.email, "emma-chose-this-2")


def test_the_admin_action_sends_each_chosen_person_a_reset_email(
    client, admin_user, employee, manager, django_capture_on_commit_callbacks
):
    left = UserFactory(full_name="Lee Left", is_active=False)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:people_user_changelist"),
            {
                "action": "send_password_reset",
                "_selected_action": [employee.pk, manager.pk, left.pk],
            },
            follow=True,
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sent a password-reset email to" in body and "Lee Left (not active)" in body
    assert sorted(message.to[0] for message in mail.outbox) == [
        "Emma Employee <emma@example.org>",
        "Morgan Manager <morgan@example.org>",
    ]
    assert set(PersonChange.objects.values_list("person__email", "field")) == {
        ("emma@example.org", "password"),
        ("morgan@example.org", "password"),
    }


def test_staff_may_reset_an_employee_but_not_a_superuser(
    client, staff, employee, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    assert client.get(reset_url(admin_user)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reset_url(admin_user)).status_code == 404
        client.post(
            reverse("admin:people_user_changelist"),
            {"action": "send_password_reset", "_selected_action": [admin_user.pk]},
        )
        assert client.post(reset_url(employee)).status_code == 302
    assert [message.to for message in mail.outbox] == [["Emma Employee <emma@example.org>"]]
    assert list(PersonChange.objects.values_list("person", "changed_by")) == [
        (employee.pk, staff.pk)
    ]


@pytest.mark.parametrize("who", ["employee", "manager", "outsider"])
def test_people_without_admin_access_cannot_send_reset_emails(client, request, who, employee):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reset_url(employee))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert mail.outbox == [] and not PersonChange.objects.exists()


def test_it_refuses_a_reset_email_for_someone_who_has_left(client, admin_user):
    left = UserFactory(is_active=False)
    client.force_login(admin_user)
    response = client.post(reset_url(left), follow=True)
    assert "not active" in response.content.decode()
    assert mail.outbox == [] and not PersonChange.objects.exists()


def test_a_missing_person_has_no_reset_page(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/people/user/999999/send-password-reset/").status_code == 404
    assert client.post("/admin/people/user/nonsense/send-password-reset/").status_code == 404


# --- What an administrator changes is recorded and told --------------------------------------


def test_a_superusers_changes_are_recorded_and_the_person_is_emailed(
    client, admin_user, employee, manager, other_manager, django_capture_on_commit_callbacks
):
    group = Group.objects.create(name="People admins")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(
            client,
            employee,
            manager=str(other_manager.pk),
            is_hr="on",
            is_staff="on",
            is_superuser="on",
            groups=[str(group.pk)],
        )
    assert response.status_code == 302
    changes = {
        change.field: (change.old_value, change.new_value, change.changed_by, change.via)
        for change in PersonChange.objects.filter(person=employee)
    }
    by = admin_user
    assert changes == {
        "manager": (
            "Morgan Manager (morgan@example.org)",
            "Oscar Other (oscar@example.org)",
            by,
            "admin",
        ),
        "is_hr": ("no", "yes", by, "admin"),
        "is_staff": ("no", "yes", by, "admin"),
        "is_superuser": ("no", "yes", by, "admin"),
        "groups": ("", "People admins", by, "admin"),
    }
    employee.refresh_from_db()
    assert employee.manager == other_manager and employee.is_hr and employee.is_superuser
    (message,) = mail.outbox
    assert message.to == ["Emma Employee <emma@example.org>"]
    assert message.subject == "Changes to your oneonones account"
    assert "Ada Admin (ada@example.org) changed your oneonones account" in message.body
    assert (
        "- Manager: Morgan Manager (morgan@example.org) → Oscar Other (oscar@example.org)"
        in message.body
    )
    assert "- HR role: no → yes" in message.body
    assert "- Superuser (every permission): no → yes" in message.body
    assert not PersonChange.objects.filter(told_at=None).exists()


def test_saving_without_changes_records_and_sends_nothing(
    client, admin_user, employee, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_change(client, employee).status_code == 302
    assert not PersonChange.objects.exists()
    assert mail.outbox == []


def test_an_email_change_is_told_to_the_old_address_too(
    client, admin_user, employee, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        post_change(client, employee, email="emma.new@example.org")
    (change,) = PersonChange.objects.filter(person=employee)
    assert (change.field, change.old_value, change.new_value) == (
        "email",
        "emma@example.org",
        "emma.new@example.org",
    )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "Emma Employee <emma.new@example.org>",
        "Emma Employee <emma@example.org>",
    ]


def test_turning_someone_off_and_on_is_recorded(
    client, admin_user, employee, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        post_change(client, employee, is_active=None)
        post_change(client, employee, is_active="on")
    assert list(
        PersonChange.objects.order_by("pk").values_list("field", "old_value", "new_value")
    ) == [("is_active", "yes", "no"), ("is_active", "no", "yes")]
    assert len(mail.outbox) == 2


def test_staff_changes_are_recorded_but_staff_cannot_hand_out_admin_powers(
    client, staff, employee, manager, other_manager, django_capture_on_commit_callbacks
):
    group = Group.objects.create(name="Everything")
    client.force_login(staff)
    form_page = client.get(change_url(employee))
    assert not {"is_superuser", "groups", "user_permissions"} & set(
        form_page.context["adminform"].form.fields
    )
    data = admin_form_data(
        form_page,
        manager=str(other_manager.pk),
        is_hr="on",
        is_superuser="on",
        groups=[str(group.pk)],
        user_permissions=[str(Permission.objects.get(codename="change_user").pk)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(employee), data).status_code == 302
    employee.refresh_from_db()
    assert employee.manager == other_manager and employee.is_hr
    assert not employee.is_superuser
    assert not employee.groups.exists() and not employee.user_permissions.exists()
    assert set(PersonChange.objects.filter(person=employee).values_list("field", "changed_by")) == {
        ("manager", staff.pk),
        ("is_hr", staff.pk),
    }
    assert len(mail.outbox) == 1


def test_staff_cannot_change_a_superuser(client, staff, admin_user):
    client.force_login(staff)
    page = client.get(change_url(admin_user))
    assert page.status_code == 200  # to look at, read-only
    assert page.context["adminform"].form.fields == {}
    response = client.post(change_url(admin_user), {"email": "sam@example.org"})
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.email == "ada@example.org"
    assert not PersonChange.objects.exists()


def test_a_failed_email_is_logged_and_the_change_still_recorded(
    client, admin_user, employee, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "notifications.tests.mail_backends.BrokenBackend"
    client.force_login(admin_user)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        assert post_change(client, employee, is_hr="on").status_code == 302
    (change,) = PersonChange.objects.filter(person=employee)
    assert change.field == "is_hr" and change.told_at is None
    assert "Could not email Emma Employee <emma@example.org>" in caplog.text


# --- The record: read-only for everyone, shown to the person ------------------------------------


@pytest.fixture
def recorded_change(employee, admin_user):
    return PersonChange.objects.create(
        person=employee,
        changed_by=admin_user,
        changed_by_name="Ada Admin (ada@example.org)",
        field=PersonChange.Field.IS_HR,
        old_value="no",
        new_value="yes",
    )


@pytest.mark.parametrize("who", ["admin_user", "staff"])
def test_the_record_cannot_be_added_changed_or_deleted_in_the_admin(
    client, request, who, recorded_change
):
    client.force_login(request.getfixturevalue(who))
    changelist = client.get(reverse("admin:people_personchange_changelist"))
    assert changelist.status_code == 200
    assert "Emma Employee" in changelist.content.decode()
    assert 'value="delete_selected"' not in changelist.content.decode()
    page = client.get(reverse("admin:people_personchange_change", args=[recorded_change.pk]))
    assert page.status_code == 200 and page.context["adminform"].form.fields == {}
    assert client.get(reverse("admin:people_personchange_add")).status_code == 403
    edit = client.post(
        reverse("admin:people_personchange_change", args=[recorded_change.pk]),
        {"new_value": "no", "field": "is_hr", "person": recorded_change.person_id},
    )
    assert edit.status_code == 403
    delete = client.post(
        reverse("admin:people_personchange_delete", args=[recorded_change.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    bulk = client.post(
        reverse("admin:people_personchange_changelist"),
        {"action": "delete_selected", "_selected_action": [recorded_change.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    recorded_change.refresh_from_db()
    assert recorded_change.new_value == "yes"


def test_the_person_sees_the_change_on_their_profile(client, employee, recorded_change):
    client.force_login(employee)
    body = client.get(reverse("people:profile")).content.decode()
    assert "Changes made to your account" in body
    assert "Ada Admin (ada@example.org)" in body and "HR role" in body


@pytest.mark.parametrize("who", ["manager", "outsider", "hr", "admin_user"])
def test_nobody_else_sees_the_change_on_their_pages(
    client, request, who, employee, recorded_change
):
    viewer = request.getfixturevalue(who)
    client.force_login(viewer)
    body = client.get(reverse("people:profile")).content.decode()
    assert "No administrator has changed your account." in body
    person_page = client.get(reverse("people:person", args=[employee.pk]))
    assert "HR role" not in person_page.content.decode()


def test_the_profile_lists_the_latest_changes_in_a_few_queries(
    client, employee, admin_user, django_assert_max_num_queries
):
    PersonChange.objects.bulk_create(
        PersonChange(person=employee, changed_by=admin_user, field="job_title", new_value=str(n))
        for n in range(60)
    )
    client.force_login(employee)
    with django_assert_max_num_queries(10):
        body = client.get(reverse("people:profile")).content.decode()
    assert "The latest 50 of 60 changes are shown." in body


def test_the_end_to_end_story_an_admin_change_reaches_the_person(
    client, admin_user, employee, other_manager, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        post_change(client, employee, manager=str(other_manager.pk))
    (message,) = mail.outbox
    assert message.to == ["Emma Employee <emma@example.org>"]
    profile_link = re.search(r"https?://[^/\s]+(/people/me/)", message.body).group(1)
    client.force_login(employee)
    body = client.get(profile_link).content.decode()
    assert "Oscar Other (oscar@example.org)" in body
    assert "Morgan Manager (morgan@example.org)" in body
