"""Single sign-on, end to end against the test OpenID Connect provider process.

Our side runs in Django's test client; the person's browser at the provider is
``requests`` (people/tests/oidc.py). The code exchange, the provider's keys and the
userinfo are real HTTP between our backend and the provider.
"""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from people.models import User
from people.sso import SignInRefused, check_id_token, email_from_claims
from people.tests.factories import PASSWORD, UserFactory
from people.tests.oidc import ACCOUNTS, CLIENT_ID, provider_sign_in


def start(client, **params):
    response = client.get(reverse("sso_start"), params)
    assert response.status_code == 302
    return response["Location"]


def round_trip(client, username, *, allow=True, **params):
    """Start on our site, sign in at the provider, come back: our callback's response."""
    callback = provider_sign_in(start(client, **params), username=username, allow=allow)
    return client.get(callback)


def signed_in_email(client):
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id).email if user_id else None


def refusal(client, response) -> str:
    """The page, with its message, that a refused callback leads to (the sign-in page)."""
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    return client.get(response["Location"], follow=True).content.decode()


@pytest.fixture
def pat(db):
    return UserFactory(full_name="Pat Person", email="pat@example.org")


def test_it_signs_in_a_person_with_a_verified_email(client, sso, pat):
    response = round_trip(client, "pat")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_email(client) == "pat@example.org"
    assert client.get(reverse("home")).status_code == 200


def test_it_sends_the_person_on_to_where_they_were_going(client, sso, pat):
    response = round_trip(client, "pat", next=reverse("people:profile"))
    assert response["Location"] == reverse("people:profile")


def test_it_does_not_send_the_person_to_another_site(client, sso, pat):
    response = round_trip(client, "pat", next="https://evil.example.com/")
    assert response["Location"] == reverse("home")


def test_it_asks_the_provider_for_pkce_a_nonce_and_the_email(client, sso):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"][0] and query["state"][0]
    assert query["client_id"] == [CLIENT_ID]
    assert "email" in query["scope"][0].split()
    assert query["redirect_uri"] == ["http://testserver/accounts/sso/callback/"]


def test_it_matches_the_email_whatever_its_case(client, sso):
    UserFactory(email="casey.case@example.org")
    round_trip(client, "casey")
    assert signed_in_email(client) == "casey.case@example.org"


def test_it_refuses_an_unverified_email(client, sso):
    UserFactory(email="uma@example.org")
    page = refusal(client, round_trip(client, "uma"))
    assert "does not say that uma@example.org is verified" in page
    assert signed_in_email(client) is None


def test_it_refuses_an_email_from_a_disallowed_domain(client, sso):
    # Even a person who exists here: the domain fence comes first.
    UserFactory(email="dora@elsewhere.test")
    page = refusal(client, round_trip(client, "dora"))
    assert "dora@elsewhere.test is not an address this organisation signs in with" in page
    assert "example.org" in page
    assert signed_in_email(client) is None


def test_it_refuses_an_unknown_email_and_creates_nobody(client, sso, db):
    page = refusal(client, round_trip(client, "nina"))
    assert "There is no one with the address nina@example.org here" in page
    assert not User.objects.filter(email="nina@example.org").exists()
    assert signed_in_email(client) is None


def test_it_creates_a_person_for_an_unknown_email_when_allowed(client, sso, settings, db):
    settings.SSO_CREATE_PEOPLE = True
    round_trip(client, "nina")
    person = User.objects.get(email="nina@example.org")
    assert person.full_name == "Nina Newcomer"
    assert not person.has_usable_password()
    assert person.manager is None
    assert signed_in_email(client) == "nina@example.org"


def test_it_refuses_a_deactivated_person(client, sso):
    UserFactory(email="dee@example.org", is_active=False)
    page = refusal(client, round_trip(client, "dee"))
    assert "The account for dee@example.org is switched off" in page
    assert signed_in_email(client) is None


def test_it_signs_out_a_person_deactivated_after_signing_in(client, sso, pat):
    round_trip(client, "pat")
    pat.is_active = False
    pat.save(update_fields=["is_active"])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_a_tampered_state(client, sso, pat):
    callback = provider_sign_in(start(client), username="pat")
    parts = urlsplit(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query["state"] = query["state"][::-1]
    page = refusal(client, client.get(f"{parts.path}?{urlencode(query)}"))
    assert "That sign-in could not be finished" in page
    assert signed_in_email(client) is None


def test_it_refuses_the_same_callback_twice(client, sso, pat):
    callback = provider_sign_in(start(client), username="pat")
    client.get(callback)
    client.post(reverse("logout"))
    page = refusal(client, client.get(callback))
    assert "That sign-in could not be finished" in page
    assert signed_in_email(client) is None


def test_it_refuses_a_callback_in_another_browser(client, sso, pat):
    callback = provider_sign_in(start(client), username="pat")
    other_browser = Client()
    page = refusal(other_browser, other_browser.get(callback))
    assert "That sign-in could not be finished" in page
    assert signed_in_email(other_browser) is None


def test_a_stale_callback_leaves_whoever_is_signed_in_signed_in(client, sso, outsider, pat):
    callback = provider_sign_in(start(Client()), username="pat")
    client.force_login(outsider)
    page = refusal(client, client.get(callback))
    assert "That sign-in could not be finished" in page
    assert signed_in_email(client) == outsider.email


def test_it_explains_a_cancelled_sign_in(client, sso, pat):
    page = refusal(client, round_trip(client, "pat", allow=False))
    assert "Test IdP did not sign you in" in page
    assert signed_in_email(client) is None


def test_it_explains_a_provider_that_cannot_be_reached(client, sso, settings):
    settings.SSO_ISSUER = "http://127.0.0.1:9/o"
    response = client.get(reverse("sso_start"))
    page = refusal(client, response)
    assert "Test IdP cannot be reached just now" in page


def test_sso_refusals_do_not_lock_out_password_sign_in(client, sso, settings):
    employee = UserFactory(email="uma@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        round_trip(client, "uma")
    assert AccessAttempt.objects.count() == 0
    response = client.post(reverse("login"), {"username": employee.email, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_email(client) == "uma@example.org"


def test_password_sign_in_is_still_locked_out_with_sso_on(client, sso, settings, pat):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": pat.email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": pat.email, "password": PASSWORD})
    assert response.status_code == 429
    # Single sign-on is the provider's business: it still lets Pat in.
    round_trip(client, "pat")
    assert signed_in_email(client) == "pat@example.org"


@pytest.mark.parametrize("name", ["sso_start", "sso_callback"])
def test_it_answers_404_when_sso_is_not_configured(client, db, name):
    assert client.get(reverse(name)).status_code == 404


def test_an_outsider_of_the_provider_cannot_come_in(client, sso, outsider):
    # Signed in here as someone else, then back from the provider as a stranger: the
    # stranger is refused, and who is signed in does not change.
    client.force_login(outsider)
    page = refusal(client, round_trip(client, "nina"))
    assert "There is no one with the address nina@example.org here" in page
    assert signed_in_email(client) == outsider.email
    assert not User.objects.filter(email="nina@example.org").exists()


def test_the_sign_in_page_offers_sso_when_configured(client, sso):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Test IdP" in page
    assert 'name="password"' in page


def test_the_sign_in_page_offers_no_sso_when_not_configured(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with" not in page


def test_the_provider_accounts_cover_every_case():
    # The cases above need these accounts at the provider.
    verified = {email for email, is_verified, _ in ACCOUNTS.values() if is_verified}
    assert "uma@example.org" not in verified
    assert {"pat@example.org", "dora@elsewhere.test", "nina@example.org"} <= verified


# The checks that the library leaves to us, on claims the provider could send.


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "pat@example.org", "email_verified": False},
        {"email": "pat@example.org", "email_verified": "false"},
        {"email": "pat@example.org"},
        {"email": "", "email_verified": True},
        {"email_verified": True},
    ],
)
def test_it_needs_a_verified_email(settings, claims):
    settings.SSO_ALLOWED_EMAIL_DOMAINS = []
    with pytest.raises(SignInRefused):
        email_from_claims(claims)


def test_it_reads_the_verification_from_the_configured_claim(settings):
    settings.SSO_ALLOWED_EMAIL_DOMAINS = ["example.org"]
    settings.SSO_EMAIL_VERIFIED_CLAIM = "xms_edov"
    assert email_from_claims({"email": "Pat@Example.org", "xms_edov": True}) == "pat@example.org"
    with pytest.raises(SignInRefused):
        email_from_claims({"email": "pat@example.org", "email_verified": True})


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "http://elsewhere.test/o"},
        {"aud": "another-client"},
        {"aud": [CLIENT_ID, "another-client"], "azp": "another-client"},
        {"exp": None},
    ],
)
def test_it_refuses_an_id_token_for_someone_else(sso, changes):
    payload = {"iss": sso.issuer, "aud": CLIENT_ID, "exp": 2_000_000_000, "sub": "1"}
    payload.update(changes)
    payload = {key: value for key, value in payload.items() if value is not None}
    with pytest.raises(SignInRefused):
        check_id_token(payload)


def test_it_accepts_an_id_token_for_us(sso):
    check_id_token({"iss": sso.issuer, "aud": [CLIENT_ID], "exp": 2_000_000_000})
