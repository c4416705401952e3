"""Single sign-on in a real browser: our sign-in page, the provider's sign-in and
consent pages (a real provider process), and back."""

import re

import pytest
from playwright.sync_api import expect

from conftest import page_errors
from people.tests.factories import UserFactory
from people.tests.oidc import PROVIDER_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def passwords_off(sso, settings, transactional_db):
    settings.PASSWORD_LOGIN = False
    return sso


def sign_in_at_provider(page, provider, username: str) -> None:
    page.wait_for_url(f"{provider.url}/accounts/login/**")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in to Test IdP").click()
    page.get_by_role("button", name="Authorize").click()


def test_a_person_signs_in_with_sso_and_lands_where_they_were_going(
    page, live_server, passwords_off
):
    UserFactory(full_name="Pat Person", email="pat@example.org")
    errors = page_errors(page)
    page.goto("/people/me/")
    page.wait_for_url("**/accounts/login/?next=/people/me/")
    expect(page.get_by_label("Password")).to_have_count(0)
    page.get_by_role("link", name="Sign in with Test IdP").click()
    sign_in_at_provider(page, passwords_off, "pat")
    page.wait_for_url(f"{live_server.url}/people/me/")
    expect(page.get_by_test_id("signed-in-as")).to_have_text(re.compile(r"^\s*Pat Person"))
    assert [error for error in errors if error.startswith(live_server.url)] == []


def test_an_unverified_email_comes_back_with_the_reason(page, live_server, passwords_off):
    UserFactory(full_name="Uma Person", email="uma@example.org")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    sign_in_at_provider(page, passwords_off, "uma")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("status").get_by_text("is verified")).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
