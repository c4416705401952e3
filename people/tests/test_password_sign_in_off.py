"""PASSWORD_LOGIN=0: people sign in with single sign-on only."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.checks import run_checks
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from people.tests.factories import PASSWORD


@pytest.fixture
def passwords_off(sso, settings):
    settings.PASSWORD_LOGIN = False
    return sso


def test_the_sign_in_page_has_only_the_sso_button(client, passwords_off):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Test IdP" in page
    assert 'name="password"' not in page
    assert 'data-testid="password-sign-in"' not in page
    assert "Forgotten your password?" not in page


def test_it_refuses_a_password_posted_to_the_sign_in_page(client, passwords_off, employee):
    response = client.post(reverse("login"), {"username": employee.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "Signing in with a password is turned off" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AccessAttempt.objects.count() == 0


@pytest.mark.parametrize(
    "name", ["password_reset", "password_reset_done", "password_reset_complete"]
)
def test_it_refuses_the_password_reset_pages(client, passwords_off, name):
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert "Passwords are not used here" in response.content.decode()


def test_it_sends_no_password_reset_email(client, passwords_off, employee):
    response = client.post(reverse("password_reset"), {"email": employee.email})
    assert response.status_code == 403
    assert mail.outbox == []


def test_a_reset_link_sent_before_cannot_set_a_password(client, passwords_off, employee):
    uid = urlsafe_base64_encode(force_bytes(employee.pk))
    token = default_token_generator.make_token(employee)
    url = reverse("password_reset_confirm", args=[uid, token])
    assert client.get(url).status_code == 403
    new = "a-brand-new-secret-9"
    response = client.post(url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 403
    employee.refresh_from_db()
    assert not employee.check_password(new)


def test_it_refuses_changing_a_password(client, passwords_off, employee):
    client.force_login(employee)
    assert client.get(reverse("password_change")).status_code == 403
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "x-new-9-pw", "new_password2": "x-new-9-pw"},
    )
    assert response.status_code == 403
    employee.refresh_from_db()
    assert employee.check_password(PASSWORD)
    assert "Change your password" not in client.get(reverse("people:profile")).content.decode()


def test_the_profile_offers_a_password_change_when_passwords_are_on(client, employee):
    client.force_login(employee)
    assert "Change your password" in client.get(reverse("people:profile")).content.decode()


def test_the_admin_sign_in_sends_visitors_to_our_sign_in_page(client, passwords_off):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login") + "?next=")
    page = response.content.decode()
    assert "Sign in with Test IdP" in page
    assert 'name="password"' not in page


def test_the_admin_sign_in_refuses_a_password(client, passwords_off, admin_user):
    response = client.post(
        reverse("admin:login"), {"username": admin_user.email, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_the_admin_refuses_changing_a_password(client, passwords_off, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:password_change")).status_code == 403


def test_an_admin_signed_in_with_sso_reaches_the_admin(client, passwords_off, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_an_outsider_signed_in_is_refused_by_the_admin(client, passwords_off, outsider):
    client.force_login(outsider)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert "who may not use the admin site" in response.content.decode()


def test_the_admin_keeps_its_password_form_when_passwords_are_on(client, db):
    page = client.get(reverse("admin:login")).content.decode()
    assert 'name="password"' in page


def test_the_sign_in_page_says_when_no_way_in_is_set_up(client, db, settings):
    settings.PASSWORD_LOGIN = False
    page = client.get(reverse("login")).content.decode()
    assert "No way of signing in is set up" in page


# Start-up checks: a mistake in these settings would lock everyone out.


def _sign_in_errors():
    return sorted(message.id for message in run_checks() if message.id.startswith("people."))


def test_the_checks_pass_with_the_defaults(db):
    assert _sign_in_errors() == []


def test_the_checks_pass_with_sso_and_no_passwords(passwords_off):
    assert _sign_in_errors() == []


def test_the_checks_refuse_half_configured_sso(settings):
    settings.SSO_ISSUER = "https://accounts.google.com"
    assert _sign_in_errors() == ["people.E001"]


def test_the_checks_refuse_turning_passwords_off_without_sso(settings):
    settings.PASSWORD_LOGIN = False
    assert _sign_in_errors() == ["people.E002"]


def test_the_checks_refuse_creating_people_from_any_domain(sso, settings):
    settings.SSO_CREATE_PEOPLE = True
    settings.SSO_ALLOWED_EMAIL_DOMAINS = []
    assert _sign_in_errors() == ["people.E003"]
