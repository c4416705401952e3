"""Driving the test OpenID Connect provider (``people/tests/oidc_provider``).

``start_provider`` runs it as a process on a free port of 127.0.0.1; the fixtures in
``people/tests/conftest.py`` start one per test session. ``provider_sign_in`` plays a
person's browser at the provider with ``requests``: it signs in, answers the consent page
and returns where the provider sends them back to.
"""

import json
import os
import select
import socket
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests

from oneonones.tests.clock import python_command

BASE_DIR = Path(__file__).resolve().parents[2]
CLIENT_ID = "oneonones-test"
CLIENT_SECRET = "the-client-secret-of-oneonones-test"
PROVIDER_NAME = "Test IdP"
PROVIDER_PASSWORD = "provider-password-1"
STARTUP_SECONDS = 60
# The provider's accounts: username -> (email, email verified?, name).
ACCOUNTS = {
    "pat": ("pat@example.org", True, "Pat Verified"),
    "uma": ("uma@example.org", False, "Uma Unverified"),
    "dora": ("dora@elsewhere.test", True, "Dora Elsewhere"),
    "nina": ("nina@example.org", True, "Nina Newcomer"),
    "dee": ("dee@example.org", True, "Dee Departed"),
    "casey": ("Casey.Case@Example.ORG", True, "Casey Case"),
}
REDIRECT_URIS = [
    # The Django test client's host, and the live server's: any port of localhost.
    "http://testserver/accounts/sso/callback/",
    "http://localhost/accounts/sso/callback/",
]


@dataclass
class Provider:
    url: str
    process: subprocess.Popen
    log_path: Path

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_provider(directory: Path) -> Provider:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    setup = {
        "users": [
            {
                "username": username,
                "email": email,
                "email_verified": verified,
                "name": name,
                "password": PROVIDER_PASSWORD,
            }
            for username, (email, verified, name) in ACCOUNTS.items()
        ],
        "client": {
            "name": "oneonones",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": REDIRECT_URIS,
        },
    }
    setup_path = directory / "setup.json"
    setup_path.write_text(json.dumps(setup))
    log_path = directory / "provider.log"
    env = {
        "PATH": "/usr/bin:/bin",
        "OIDC_PROVIDER_DATABASE": str(directory / "provider.sqlite3"),
        "OIDC_PROVIDER_ISSUER": f"{url}/o",
    }
    # The provider writes a line to this pipe once it listens; the pipe ends empty if
    # it dies first. Either way the read returns at once: nothing is polled.
    ready_read, ready_write = os.pipe()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            # On the test run's clock (PIN_TODAY): the tokens it signs are checked by
            # the app against that clock.
            python_command(
                "-m", "people.tests.oidc_provider", str(port), str(setup_path), str(ready_write)
            ),
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(ready_write,),
        )
    os.close(ready_write)
    provider = Provider(url=url, process=process, log_path=log_path)
    with os.fdopen(ready_read) as ready:
        listening, _, _ = select.select([ready], [], [], STARTUP_SECONDS)
        if listening and ready.readline().strip() == "listening":
            return provider
    stop_provider(provider)
    raise RuntimeError(f"The test OpenID provider did not start:\n{provider.log()}")


def stop_provider(provider: Provider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
        provider.process.wait(timeout=10)


class _FormReader(HTMLParser):
    """The first form of a page: its action and the values of its named inputs."""

    def __init__(self):
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done:
            self._in_form = True
            self.action = attrs.get("action") or ""
        elif (
            tag == "input" and self._in_form and attrs.get("name") and attrs.get("type") != "submit"
        ):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


def submit_form(session: requests.Session, page: requests.Response, fields: dict, **kwargs):
    reader = _FormReader()
    reader.feed(page.text)
    assert reader.action is not None, f"no form at {page.url}:\n{page.text[:2000]}"
    return session.post(
        urljoin(page.url, reader.action), data={**reader.fields, **fields}, timeout=10, **kwargs
    )


def provider_sign_in(authorize_url: str, *, username: str, allow: bool = True) -> str:
    """Sign in at the provider as ``username`` and answer its consent page (allow or
    cancel); the address the provider then sends the browser back to."""
    browser = requests.Session()
    login_page = browser.get(authorize_url, timeout=10)
    consent_page = submit_form(
        browser, login_page, {"username": username, "password": PROVIDER_PASSWORD}
    )
    answer = submit_form(
        browser, consent_page, {"allow": "Authorize"} if allow else {}, allow_redirects=False
    )
    assert answer.status_code == 302, answer.text[:2000]
    return answer.headers["Location"]
