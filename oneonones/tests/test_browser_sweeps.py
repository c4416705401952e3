"""Every page, for every role, on a phone and through axe-core.

The pages are found, not listed. The sweep starts from every route of the URL resolver
that takes no argument and follows the links each page shows to the person signed in, so
routes with arguments are reached with real ids of the demo organisation (`seed_demo`:
series with held meetings, agendas, notes and actions, objectives, check-ins, HR
figures), and the ids are the ones that person may open. A page added later is swept as
soon as something links to it; `test_the_sweep_reaches_every_page` fails for one that
nothing links to.

On each page, at 390 px wide, nothing may stick out sideways, and axe-core
(oneonones/tests/vendor/axe-core, for the tests only) may find no serious or critical
violation; the others are printed.
"""

import html
import io
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from api.services import token_create
from conftest import sign_in
from people.models import User
from people.tests.factories import PASSWORD, UserFactory
from people.tests.test_auth import all_routes, sample_path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
BLOCKING = {"serious", "critical"}

# Who signs in, by demo email (people.demo); None is nobody.
ROLES = {
    "employee": "employee@example.com",
    "manager": "manager@example.com",
    "manager-of-managers": "director@example.com",
    "hr": "hr@example.com",
    "admin": "admin@example.com",
    "anonymous": None,
}
# Those who run their own 1:1s: the sweep also checks a meeting page after htmx swaps.
PREPARE_MEETINGS = {"employee", "manager", "manager-of-managers"}
# Never followed: they sign out.
SIGN_OUT = {"logout", "admin:logout"}
# Django's own admin site (its markup and scripts are Django's) is left out of the sweep.
ADMIN_SITE = "/admin/"
# Different pages that link to one route show it in different states (a meeting to
# come, a held one); a few are enough.
SAMPLES_PER_ROUTE = 2

# Routes that answer a GET but are not pages, or that no page links to, with why.
NOT_PAGES = {
    "healthz": "a health check for the load balancer",
    "health_status": "a health check for monitoring",
    "bench_rows": "the bare page the benchmark measures pages against, off outside it",
    "sso_start": "hands over to the identity provider",
    "sso_callback": "where the identity provider sends people back",
    "meetings:meeting_ics": "an .ics download",
    "meetings:calendar_feed": "a calendar feed for calendar apps",
    "meetings:series_preview": "an htmx fragment of the booking form, swept with its page",
    "wellbeing:checkins_export": "a CSV download",
    "reports:export": "a CSV download",
    "reports:manager_export": "a CSV download",
    "api:schema": "the API's OpenAPI schema (YAML or JSON), read by tools",
    "api:reference": "Swagger UI (its markup is the library's), checked under the CSP in api/tests",
}
# The JSON API answers JSON, not pages; api/tests checks every endpoint for every role.
API = "/api/v1/"
# Swagger UI's own markup and styles (like the admin site's, a library's): not swept.
# axe finds serious issues in it (contrast, nested controls), left to the library.
LIBRARY_PAGES = {"api:reference"}


def reset_link(scenario) -> str:
    """The link of a password-reset email, which no page shows."""
    employee = scenario["employee"]
    uid = urlsafe_base64_encode(force_bytes(employee.pk))
    token = default_token_generator.make_token(employee)
    return reverse("password_reset_confirm", args=[uid, token])


# Pages people reach from outside the app (an email), per role.
ENTRY_POINTS = {"anonymous": [reset_link]}


@dataclass
class Sweep:
    """What a crawl found: the pages (their URLs) and the routes they belong to."""

    pages: list[str] = field(default_factory=list)
    routes: set[str] = field(default_factory=set)


def seed() -> dict[str, User]:
    call_command("seed_demo", stdout=io.StringIO())
    people = User.objects.filter(email__in=[email for email in ROLES.values() if email])
    by_email = {person.email: person for person in people}
    scenario = {role: by_email[email] for role, email in ROLES.items() if email}
    # An API token, so that the employee's token list links to its revoke page.
    token_create(owner=scenario["employee"], name="Calendar script", scope="read")
    return scenario


def client_for(role: str, scenario) -> Client:
    client = Client()
    if ROLES[role]:
        client.force_login(scenario[role])
    return client


def _links(body: str, base: str):
    for href in re.findall(r'href="([^"]*)"', body):
        url = urljoin(base, html.unescape(href)).split("#")[0]
        if url.startswith("/") and not url.startswith(settings.STATIC_URL):
            yield url


def crawl(client: Client, start: list[str], *, samples: int = SAMPLES_PER_ROUTE) -> Sweep:
    """Visit ``start`` and every link found on the way, as ``client``: a route is
    swept once from each page that links to it, up to ``samples`` pages; a path is
    visited once, whatever its query string."""
    sweep = Sweep()
    queue = deque((path, "") for path in start)
    visits: dict[str, set[str]] = {}
    visited_paths: set[str] = set()
    while queue:
        url, source = queue.popleft()
        path = urlsplit(url).path
        try:
            match = resolve(path)
        except Resolver404:
            continue
        sources = visits.setdefault(match.route, set())
        if (
            match.view_name in SIGN_OUT
            or match.view_name in LIBRARY_PAGES
            or path.startswith(ADMIN_SITE)
            or path in visited_paths
            or source in sources
            or len(sources) >= samples
        ):
            continue
        visited_paths.add(path)
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append((urljoin(url, response["Location"]), match.route))
            continue
        body = response.content.decode(errors="replace")
        is_page = response["Content-Type"].startswith("text/html") and "<html" in body
        if response.status_code != 200 or not is_page:
            continue
        sources.add(source)  # only pages count: a redirect hands on to one
        sweep.pages.append(url)
        sweep.routes.add(match.route)
        queue.extend((link, match.route) for link in _links(body, url))
    return sweep


def start_paths(role: str, scenario) -> list[str]:
    """Every route without arguments, then the role's entry points."""
    plain = [
        sample_path(route)
        for route, name, _ in all_routes()
        if "<" not in route and "(?P" not in route and name not in SIGN_OUT
    ]
    return plain + [entry(scenario) for entry in ENTRY_POINTS.get(role, [])]


def test_the_sweep_reaches_every_page(transactional_db):
    """A route that answers a GET must be swept for someone, or say here why not."""
    scenario = seed()
    swept = set()
    for role in ROLES:
        swept |= crawl(client_for(role, scenario), start_paths(role, scenario), samples=1).routes
    everyone = Client()
    everyone.force_login(
        User.objects.create(email="all@example.org", is_hr=True, is_staff=True, is_superuser=True)
    )
    missed = []
    for route, name, _ in all_routes():
        path = sample_path(route)
        if (
            route in swept
            or name in NOT_PAGES
            or name in SIGN_OUT
            or path.startswith((ADMIN_SITE, API))
        ):
            continue
        if everyone.get(path).status_code != 405:  # 405: a POST-only endpoint
            missed.append(f"{name} ({route})")
    assert not missed, (
        "No page links to these routes, so the sweep never sees them: link them from a "
        "page, add them to ENTRY_POINTS, or say in NOT_PAGES why they are not pages.\n"
        + "\n".join(missed)
    )


# --- In the browser ---------------------------------------------------------------------------

FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
SETTLED = "() => !document.querySelector('.htmx-request')"  # what loads after the page is in
# The elements that reach past the right edge and whose children do not: where to look.
OVERFLOWING = """() => {
  const edge = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + [...el.classList].join(".") : "");
  const wide = [...document.body.querySelectorAll("*")].filter(
    (el) => el.getBoundingClientRect().right > edge + 1);
  return wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)))
    .slice(0, 5).map((el) => name(el) + " ends at " + Math.round(el.getBoundingClientRect().right));
}"""
AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map((node) => node.target.join(" ")),
  }));
}"""


@dataclass
class Findings:
    overflow: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)

    def blocking(self) -> list[dict]:
        return [v for v in self.violations if v["impact"] in BLOCKING]

    def report(self) -> str:
        others = [v for v in self.violations if v["impact"] not in BLOCKING]
        lines = []
        if self.overflow:
            lines.append(f"Wider than {PHONE['width']} px:")
            lines += [f"  {line}" for line in self.overflow]
        for title, violations in (
            ("Serious or critical axe violations:", self.blocking()),
            ("Other axe findings (not failing):", others),
        ):
            if violations:
                lines.append(title)
                for v in violations:
                    lines.append(f"  {v['page']} [{v['width']} px] {v['id']} ({v['impact']})")
                    lines.append(f"      {v['help']}")
                    lines += [f"      at {target}" for target in v["targets"]]
        return "\n".join(lines)


def check(page, label: str, findings: Findings, *, viewport=PHONE) -> None:
    """At phone width the page must fit; at any width, axe-core must find nothing
    serious."""
    page.mouse.move(0, 0)  # no hover colours
    page.wait_for_function(SETTLED)
    if viewport == PHONE:
        try:
            page.wait_for_function(FITS, timeout=1000)
        except PlaywrightTimeout:
            width = page.evaluate("document.documentElement.scrollWidth")
            where = "; ".join(page.evaluate(OVERFLOWING))
            findings.overflow.append(f"{label} is {width} px wide: {where}")
    for violation in page.evaluate(AXE_RUN):
        findings.violations.append({**violation, "page": label, "width": viewport["width"]})


def browser_context(browser, live_server, client: Client):
    """A phone-sized context signed in with the crawl's own session; no animations,
    so that axe never measures a colour halfway through a transition."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport=PHONE, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie:
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    context.add_init_script(path=str(AXE))
    return context


def check_meeting_fragments(page, sweep: Sweep, findings: Findings) -> bool:
    """A meeting page after htmx has swapped in an agenda item, an action and notes,
    and said so in the live region. False if the role has no meeting to prepare."""
    for url in sweep.pages:
        if resolve(urlsplit(url).path).view_name != "meetings:meeting":
            continue
        page.goto(url)
        if not page.get_by_label("Add an item to the agenda").count():
            continue
        announcer = page.get_by_test_id("live-announcer")
        page.get_by_label("Add an item to the agenda").fill("Sweep: what should I learn next?")
        page.get_by_role("button", name="Add to agenda").click()
        expect(announcer).to_have_text("Added to the agenda.")
        page.get_by_label("New action").fill("Sweep: book the course")
        page.get_by_role("button", name="Add", exact=True).click()
        expect(announcer).to_have_text("Action added.")
        page.get_by_label(re.compile("^Shared notes")).fill("Sweep: notes from today.")
        page.get_by_role("button", name="Save shared notes").click()
        expect(announcer).to_have_text(re.compile("^Saved at"))
        check(page, f"{url} after adding an agenda item, an action and notes", findings)
        return True
    return False


@pytest.mark.browser
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_has_no_serious_axe_violation(
    role, browser, live_server, transactional_db
):
    """Every page at 390 px. The navigation bar is the only markup shown otherwise on a
    laptop, and it is the same on every page: the first page is checked at 1280 px too."""
    scenario = seed()
    client = client_for(role, scenario)
    sweep = crawl(client, start_paths(role, scenario))
    assert len(sweep.pages) > (3 if role == "anonymous" else 20), sweep.pages
    context = browser_context(browser, live_server, client)
    page = context.new_page()
    findings = Findings()
    for url in sweep.pages:
        page.goto(url)
        check(page, url, findings)
    page.set_viewport_size(DESKTOP)
    page.goto(sweep.pages[0])
    check(page, sweep.pages[0], findings, viewport=DESKTOP)
    page.set_viewport_size(PHONE)
    prepared = check_meeting_fragments(page, sweep, findings)
    context.close()
    assert prepared or role not in PREPARE_MEETINGS, f"{role} found no meeting to prepare"
    print(f"{role}: {len(sweep.pages)} pages\n{findings.report()}")
    assert not findings.overflow and not findings.blocking(), findings.report()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 1200])
def test_the_navigation_fits_one_line_for_hr_who_manage_and_administer(
    page, transactional_db, width
):
    """The most links anyone has: HR (two of their own) who manage people (two more)
    and administer the site, with a long name."""
    hr = UserFactory(
        full_name="Alexandra Papadopoulou-Whitfield",
        email="alexandra@example.org",
        is_hr=True,
        is_staff=True,
    )
    UserFactory(full_name="Rui Report", email="rui@example.org", manager=hr)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, hr.email, PASSWORD)
    bar = page.get_by_role("navigation", name="Main")
    links = bar.get_by_role("link")
    expect(links.filter(has_text="Team wellbeing")).to_be_visible()
    expect(links).to_have_count(11)  # oneonones, Home and nine pages
    parts = [*links.all(), page.get_by_test_id("signed-in-as")]
    boxes = [part.bounding_box() for part in parts]
    one_line = max(box["y"] for box in boxes) < min(box["y"] + box["height"] for box in boxes)
    assert one_line, boxes
    assert max(box["x"] + box["width"] for box in boxes) <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
