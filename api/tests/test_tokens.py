"""Personal access tokens: made and revoked by their owner on My profile, shown once,
kept as a digest, read only or read and write, with the time they were last used."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import MAX_ACTIVE_TOKENS, token_create
from api.tests.conftest import bearer
from oneonones.errors import ServiceError

ME = "/api/v1/me/"


def _signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_it_shows_a_new_token_once_and_keeps_only_its_digest(employee):
    client = _signed_in(employee)
    response = client.post(reverse("api:tokens"), {"name": "My script", "scope": "read"})
    assert response.status_code == 200
    secret = response.context["new"].secret
    assert secret.startswith("oo_")
    assert secret in response.content.decode()
    token = ApiToken.objects.get(owner=employee)
    assert (token.name, token.scope, token.last_used_at) == ("My script", "read", None)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.digest, token.name}
    again = client.get(reverse("api:tokens")).content.decode()
    assert secret not in again
    assert "My script" in again
    assert f"oo_{token.prefix}_…" in again


def test_the_token_works_until_it_is_revoked_after_a_confirmation(employee):
    client = _signed_in(employee)
    secret = (
        client.post(reverse("api:tokens"), {"name": "Calendar sync", "scope": "read_write"})
        .context["new"]
        .secret
    )
    token = ApiToken.objects.get(owner=employee)
    api = Client()
    assert api.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}").json()["scope"] == "read_write"

    confirm = client.get(reverse("api:token_revoke", args=[token.pk]))
    assert confirm.status_code == 200
    assert "stops working at once" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # asking is not revoking

    response = client.post(reverse("api:token_revoke", args=[token.pk]), follow=True)
    assert "Revoked “Calendar sync”" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 401


def test_it_refuses_a_form_without_a_name_and_makes_nothing(employee):
    response = _signed_in(employee).post(reverse("api:tokens"), {"name": "  ", "scope": "read"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_says_when_there_are_too_many_tokens(employee):
    for number in range(MAX_ACTIVE_TOKENS):
        token_create(owner=employee, name=f"Token {number}", scope="read")
    response = _signed_in(employee).post(
        reverse("api:tokens"), {"name": "One more", "scope": "read"}
    )
    assert response.status_code == 400
    assert "revoke one you no longer use" in response.content.decode()
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


@pytest.mark.parametrize("role", ["manager", "other_manager", "hr", "admin_user", "outsider"])
def test_nobody_else_sees_or_revokes_a_token(request, employee, role):
    token = token_create(owner=employee, name="Emma's script", scope="read").token
    client = _signed_in(request.getfixturevalue(role))
    assert "Emma's script" not in client.get(reverse("api:tokens")).content.decode()
    assert client.get(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_pages_ask_anonymous_visitors_to_sign_in(employee):
    token = token_create(owner=employee, name="Script", scope="read").token
    for url in (reverse("api:tokens"), reverse("api:token_revoke", args=[token.pk])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_profile_links_to_the_tokens(employee):
    page = _signed_in(employee).get(reverse("people:profile")).content.decode()
    assert reverse("api:tokens") in page


def test_it_notes_when_a_token_was_last_used_once_a_minute(employee):
    headers = bearer(employee)
    token = ApiToken.objects.get(owner=employee)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        Client().get(ME, HTTP_AUTHORIZATION=headers["Authorization"])
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        Client().get(ME, HTTP_AUTHORIZATION=headers["Authorization"])
    token.refresh_from_db()
    assert token.last_used_at == start
    later = start + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        Client().get(ME, HTTP_AUTHORIZATION=headers["Authorization"])
    token.refresh_from_db()
    assert token.last_used_at == later


def test_a_switched_off_person_s_token_stops_working(employee):
    headers = bearer(employee)
    employee.is_active = False
    employee.save(update_fields=["is_active"])
    assert Client().get(ME, HTTP_AUTHORIZATION=headers["Authorization"]).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer oo_",
        "Bearer oo_abc",
        "Bearer oo_abc_def",
        "Bearer not-a-token",
        "Bearer oo_Ω_x",
    ],
)
def test_a_made_up_token_is_refused(employee, header):
    real = bearer(employee)["Authorization"]
    response = Client().get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("That token is not valid")
    # The right prefix with another secret is refused too.
    forged = real[: real.rindex("_") + 1] + "x" * 43
    assert Client().get(ME, HTTP_AUTHORIZATION=forged).status_code == 401


def test_a_token_cannot_be_made_with_an_unknown_scope(employee):
    with pytest.raises(ServiceError):
        token_create(owner=employee, name="x", scope="admin")


def test_a_signed_in_browser_may_read_and_must_send_its_csrf_token_to_change(employee, scenario):
    client = Client(enforce_csrf_checks=True)
    client.force_login(employee)
    assert client.get(ME).status_code == 200
    url = reverse("api:agenda", args=[scenario.meeting.pk])
    refused = client.post(url, {"text": "Forged"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get(reverse("api:tokens"))  # sets the CSRF cookie, as any page does
    csrf = client.cookies["csrftoken"].value
    allowed = client.post(
        url, {"text": "From the browser"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert allowed.status_code == 201
