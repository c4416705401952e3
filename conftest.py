"""Fixtures shared by every app's tests: the roles, and a real browser.

Also what makes a run independent of the day and of the checkout: the clock pinned by
``PIN_TODAY`` (see ``oneonones/tests/clock.py``), and static files and other paths of
the run's own, whatever ``var/`` holds.
"""

import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
import time_machine

from oneonones.tests import clock
from people.tests.factories import TeamFactory, UserFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What pytest_configure starts and pytest_unconfigure ends.
PINNED = pytest.StashKey[time_machine.travel]()
OWN_FOLDER = pytest.StashKey[Path]()


def pytest_configure(config):
    """Tests publish and consume Celery tasks on a Redis database of their own (one per
    xdist worker), never on the one a developer's running worker listens to."""
    from django.conf import settings

    from oneonones.celery import app

    # Before anything reads the time: every xdist worker runs this in its own process.
    _pin_the_clock(config)
    _own_paths(config, settings, app)

    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    # TEST_REDIS_DB lets several checkouts on one machine test side by side.
    index = int(os.environ.get("TEST_REDIS_DB", "10")) + worker
    url = re.sub(r"(/\d*)?$", f"/{index}", settings.REDIS_URL.rstrip("/"), count=1)
    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    # The API's rate-limit counts and the other limits go to the same Redis database,
    # under a prefix of the run's own, so no run (nor worker) inherits another's counts.
    settings.CACHES["api"] = {
        **settings.CACHES["api"],
        "LOCATION": url,
        "KEY_PREFIX": f"api-test-{os.getpid()}-{uuid.uuid4().hex[:8]}",
    }
    settings.CACHES["limits"] = {
        **settings.CACHES["limits"],
        "LOCATION": url,
        "KEY_PREFIX": f"limits-test-{os.getpid()}-{uuid.uuid4().hex[:8]}",
    }


def _pin_the_clock(config) -> None:
    try:
        moment = clock.pinned_start()
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    if moment is not None:
        config.stash[PINNED] = clock.pin(moment)


def pytest_report_header(config):
    moment = clock.pinned_start()
    return f"clock pinned by {clock.VARIABLE} to {moment.isoformat()}" if moment else None


def pytest_unconfigure(config):
    traveller = config.stash.get(PINNED, None)
    if traveller is not None:
        traveller.stop()
    folder = config.stash.get(OWN_FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _own_paths(config, settings, app) -> None:
    """After the deploy step (``collectstatic``) ``var/staticfiles`` holds a manifest of
    hashed names, which the app's storage would use and WhiteNoise would serve: tests
    would then see other pages than on a fresh clone. So the run gets plain static
    storage (the files under their own names, found in the apps), an empty STATIC_ROOT
    and a beat schedule file of its own, in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="oneonones-tests-"))
    config.stash[OWN_FOLDER] = folder
    (folder / "static").mkdir()
    settings.STATIC_ROOT = folder / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CELERY_BEAT_SCHEDULE_FILENAME = str(folder / "celerybeat-schedule")
    app.conf.beat_schedule_filename = settings.CELERY_BEAT_SCHEDULE_FILENAME


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


@pytest.fixture(scope="module")
def browser():
    """Chromium for one module's browser tests.

    Playwright's sync API keeps an asyncio loop running in this thread while it is
    started, so Django's guard against synchronous ORM calls from async code must be
    off meanwhile (the tests' ORM calls around it are synchronous and safe). It is off
    for one module at a time and back on for every other test.
    """
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package.")
        pytest.skip(
            f"{CHROMIUM} is missing; install Debian's chromium package to run browser tests."
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server, settings):
    # Chromium keeps the machine's clock while the server's may be pinned (PIN_TODAY):
    # cookies that expire on a date would then depend on the two agreeing, so the
    # session and CSRF cookies last as long as the browser context instead.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
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

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            errors.append(message.text)

    def on_response(response) -> None:
        if response.status == 404 and not response.url.endswith("/favicon.ico"):
            errors.append(response.url)

    page.on("console", on_console)
    page.on("response", on_response)
    return errors
