import re
import uuid

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from people.tests.factories import PASSWORD, UserFactory

# Pages an anonymous visitor may open. Everything else must send them to sign in.
ANONYMOUS_ALLOWED = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    "health_status",
    "admin:login",
    "admin_login",
    # Single sign-on: where people start, and where the provider sends them back.
    "sso_start",
    "sso_callback",
    # Calendar apps fetch the feed without a session: the secret token in the
    # address is the key (tested in meetings/tests/test_calendar.py).
    "meetings:calendar_feed",
    # The API's schema and reference page describe it and hold no one's data.
    "api:schema",
    "api:reference",
}

# The admin site sends anonymous visitors to its own sign-in page.
ADMIN_LOGIN = "/admin/login/"
CONVERTER_SAMPLES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": str(uuid.UUID(int=1)),
}


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            child_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), child_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry


def sample_path(route: str) -> str:
    """A concrete path for a route: sample values for converters and regex groups."""

    def converter(match):
        return CONVERTER_SAMPLES.get(match.group(1) or "str", "1")

    def group(match):
        body = match.group(1)
        return body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "1"

    path = re.sub(r"\(\?P<\w+>([^)]*)\)", group, route)
    path = re.sub(r"<(?:(\w+):)?\w+>", converter, path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def all_routes():
    return list(walk(get_resolver().url_patterns))


# The JSON API asks for a token itself (401 with WWW-Authenticate, never the sign-in
# page): every endpoint is run anonymously in api/tests/test_access.py.
ANONYMOUS_ALLOWED |= {
    name for _, name, _ in all_routes() if name and name.startswith("api:") and "token" not in name
}


def test_the_url_walk_finds_the_app_pages():
    names = {name for _, name, _ in all_routes()}
    assert {"home", "people:profile", "people:person", "login", "healthz"} <= names


def test_every_allow_listed_name_is_a_real_route():
    assert {name for _, name, _ in all_routes()} >= ANONYMOUS_ALLOWED


@pytest.mark.parametrize(
    ("route", "name", "pattern"),
    [route for route in all_routes() if route[1] not in ANONYMOUS_ALLOWED],
    ids=lambda value: str(value)[:60],
)
def test_it_sends_anonymous_visitors_to_sign_in(client, db, route, name, pattern):
    path = sample_path(route)
    response = client.get(path)
    assert response.status_code in (301, 302), f"{path} answered {response.status_code}"
    location = response["Location"]
    if route.startswith("admin/"):
        assert location.startswith((ADMIN_LOGIN, reverse("login"))), location
    else:
        assert location.startswith(reverse("login") + "?next="), location


@pytest.mark.parametrize("name", ["login", "password_reset", "healthz", "health_status"])
def test_it_lets_anonymous_visitors_open_the_allow_list(client, db, name):
    assert client.get(reverse(name)).status_code in (200, 503)


def test_it_signs_in_and_out(client, employee):
    response = client.post(reverse("login"), {"username": employee.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/meetings/", "/meetings/"),
        ("meetings", "/"),  # a bare word is not a URL (nor a URL name to look up)
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("a\x00b", "/"),
    ],
)
def test_it_signs_in_and_goes_to_next_only_on_this_site(client, employee, next_url, expected):
    response = client.post(
        reverse("login"), {"username": employee.email, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == expected


def test_the_sign_in_page_carries_only_a_safe_next(client, db):
    assert (
        'value="/meetings/"'
        in client.get(reverse("login"), {"next": "/meetings/"}).content.decode()
    )
    assert (
        'value="meetings"'
        not in client.get(reverse("login"), {"next": "meetings"}).content.decode()
    )


def test_signing_out_goes_to_next_only_on_this_site(client, employee):
    client.force_login(employee)
    response = client.post(reverse("logout"), {"next": "meetings"})
    assert response["Location"] == reverse("login")


def test_it_signs_in_whatever_the_case_of_the_email(client, employee):
    response = client.post(
        reverse("login"), {"username": employee.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302


def test_it_explains_a_wrong_password(client, employee):
    response = client.post(reverse("login"), {"username": employee.email, "password": "nope"})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_it_locks_out_after_repeated_failures(client, employee, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": employee.email, "password": "wrong"})
    # Even the right password is refused during the cool-off.
    response = client.post(reverse("login"), {"username": employee.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_it_emails_a_password_reset_link_that_works(client, employee):
    response = client.post(reverse("password_reset"), {"email": employee.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [employee.email]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-brand-new-secret-9", "new_password2": "a-brand-new-secret-9"}
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.check_password("a-brand-new-secret-9")


def test_it_does_not_reveal_unknown_addresses_on_reset(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_someone_who_never_chose_a_password_gets_a_link_to_choose_one(client, db):
    # Created by an administrator or the CSV import: no usable password yet.
    ann = UserFactory(email="ann@acme.test")
    ann.set_unusable_password()
    ann.save(update_fields=["password"])
    response = client.post(reverse("password_reset"), {"email": "ANN@acme.test"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["ann@acme.test"]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "ann-chose-this-3", "new_password2": "ann-chose-this-3"},
    )
    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.check_password("ann-chose-this-3")


def test_forgotten_password_sends_nothing_to_someone_who_has_left(client, db):
    UserFactory(email="gone@acme.test", is_active=False)
    client.post(reverse("password_reset"), {"email": "gone@acme.test"})
    assert mail.outbox == []
