"""Fixtures shared by every app's tests: the roles, and a real browser."""

import os
import re
import shutil

import pytest

from people.tests.factories import TeamFactory, UserFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config):
    """Tests publish and consume Celery tasks on a Redis database of their own (one per
    xdist worker), never on the one a developer's running worker listens to."""
    from django.conf import settings

    from oneonones.celery import app

    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    # TEST_REDIS_DB lets several checkouts on one machine test side by side.
    index = int(os.environ.get("TEST_REDIS_DB", "10")) + worker
    url = re.sub(r"(/\d*)?$", f"/{index}", settings.REDIS_URL.rstrip("/"), count=1)
    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def team(db):
    return TeamFactory(name="Platform")


@pytest.fixture
def manager(db, team):
    return UserFactory(full_name="Morgan Manager", email="morgan@example.org", team=team)


@pytest.fixture
def employee(db, manager, team):
    """Reports to ``manager``."""
    return UserFactory(
        full_name="Emma Employee", email="emma@example.org", team=team, manager=manager
    )


@pytest.fixture
def other_manager(db):
    """A manager with a report of their own, but nothing to do with ``employee``."""
    boss = UserFactory(full_name="Oscar Other", email="oscar@example.org")
    UserFactory(full_name="Rita Report", email="rita@example.org", manager=boss)
    return boss


@pytest.fixture
def grand_manager(db, manager):
    """The manager's manager."""
    boss = UserFactory(full_name="Gina Grand", email="gina@example.org")
    manager.manager = boss
    manager.save(update_fields=["manager"])
    return boss


@pytest.fixture
def hr(db):
    return UserFactory(full_name="Hana HR", email="hana@example.org", is_hr=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(
        full_name="Ada Admin", email="ada@example.org", is_staff=True, is_superuser=True
    )


@pytest.fixture
def outsider(db):
    """Signed in, but with no relation to anyone in the other fixtures."""
    return UserFactory(full_name="Otto Outsider", email="otto@example.org")


# --- Browser tests -------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package.")
        pytest.skip(
            f"{CHROMIUM} is missing; install Debian's chromium package to run browser tests."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls that
    # tests make around it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def sign_out(page) -> None:
    """Through the menu under the person's name in the navigation bar."""
    page.get_by_test_id("signed-in-as").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def page_errors(page) -> list[str]:
    """A list that fills with the page's CSP violations (they show up as console
    errors) and the URLs of missing files (404s, but the browser's favicon probe)."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and errors.append(message.text),
    )
    page.on(
        "response",
        lambda response: (
            response.status == 404
            and not response.url.endswith("/favicon.ico")
            and errors.append(response.url)
        ),
    )
    return errors
