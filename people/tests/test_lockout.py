"""Sign-in lockout is per (account, client address); behind our load balancer the
client address comes from X-Forwarded-For, and only then."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from oneonones.proxy import client_address
from people.tests.factories import PASSWORD

BALANCER = "10.0.0.2"
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.23"


def sign_in(client, email, password, **headers):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=BALANCER, **headers
    )


def fail_until_locked(client, email, settings, **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, email, "wrong", **headers)
    assert sign_in(client, email, PASSWORD, **headers).status_code == 429


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1


@pytest.fixture
def not_behind_proxy(settings):
    settings.BEHIND_PROXY = False


def test_behind_the_proxy_one_client_locked_out_leaves_the_others_signing_in(
    employee, settings, behind_proxy
):
    fail_until_locked(Client(), employee.email, settings, HTTP_X_FORWARDED_FOR=ATTACKER)

    response = sign_in(Client(), employee.email, PASSWORD, HTTP_X_FORWARDED_FOR=COLLEAGUE)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_behind_the_proxy_an_invented_address_in_front_does_not_escape_lockout(
    employee, settings, behind_proxy
):
    fail_until_locked(Client(), employee.email, settings, HTTP_X_FORWARDED_FOR=ATTACKER)

    # The client wrote the first entry; the balancer appended the address it really saw.
    spoofed = f"{COLLEAGUE}, {ATTACKER}"
    response = sign_in(Client(), employee.email, PASSWORD, HTTP_X_FORWARDED_FOR=spoofed)
    assert response.status_code == 429


def test_without_a_proxy_a_forwarded_header_does_not_escape_lockout(
    employee, settings, not_behind_proxy
):
    fail_until_locked(Client(), employee.email, settings, HTTP_X_FORWARDED_FOR=ATTACKER)

    response = sign_in(Client(), employee.email, PASSWORD, HTTP_X_FORWARDED_FOR=COLLEAGUE)
    assert response.status_code == 429
    response = sign_in(Client(), employee.email, PASSWORD)
    assert response.status_code == 429


def address(settings, *, forwarded=None, proxies=1, behind=True):
    settings.BEHIND_PROXY = behind
    settings.PROXY_COUNT = proxies
    headers = {"REMOTE_ADDR": BALANCER}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        (ATTACKER, 1, ATTACKER),
        (f"1.2.3.4, {ATTACKER}", 1, ATTACKER),
        # A CDN in front of the balancer: the balancer appended the CDN's address.
        (f"1.2.3.4, {ATTACKER}, 192.0.2.10", 2, ATTACKER),
        (f"{ATTACKER}:51234", 1, ATTACKER),
        ("[2001:db8::7]:51234", 1, "2001:db8::7"),
        ("2001:db8::7", 1, "2001:db8::7"),
        # Fewer entries than proxies: the request did not come through all of ours.
        (ATTACKER, 2, BALANCER),
        ("", 1, BALANCER),
        (None, 1, BALANCER),
        ("not-an-address", 1, BALANCER),
        (f"{ATTACKER}, garbage", 1, BALANCER),
    ],
)
def test_it_reads_the_address_our_outermost_proxy_saw(settings, forwarded, proxies, expected):
    assert address(settings, forwarded=forwarded, proxies=proxies) == expected


def test_it_never_reads_the_header_without_a_proxy(settings):
    assert address(settings, forwarded=ATTACKER, behind=False) == BALANCER
