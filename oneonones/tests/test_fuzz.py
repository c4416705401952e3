"""Hostile input never gets a server error, and never comes back as markup.

As each role, the test visits every page of the site (every URL name, with real ids
from a small organisation, and the links found on the way), reads every form on it,
and submits each field with hostile values in turn, the other fields as the page
filled them in. Each submission runs in a savepoint that is rolled back, so every
one starts from the same data. It also sends hostile query strings to every page.
A failure names the role, the URL, the field and the value.
"""

import datetime as dt
import logging
import time
import traceback
import zoneinfo
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import Http404
from django.template.base import Template
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from api.services import token_create
from meetings.models import ChangeRequest, Meeting, MeetingFeedback, SlotClash
from meetings.record import services as record_services
from meetings.scheduling import services
from meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    MeetingFactory,
    NoteFactory,
    SeriesFactory,
    weekly,
)
from meetings.tests.test_record_services import started_meeting
from notifications import services as notification_services
from objectives.models import Level, State
from objectives.tests.factories import (
    CommentFactory,
    GoalFactory,
    KeyResultFactory,
    ObjectiveFactory,
)
from oneonones.tests.fuzzing import (
    QUICK,
    QUICK_FORM,
    UNESCAPED,
    Form,
    hostile_values,
    local_path,
    parse_page,
    query_names,
    values_for,
)
from people.tests.factories import UserFactory
from people.tests.test_auth import all_routes
from wellbeing.tests.factories import CheckInFactory, WellbeingNoteFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
ROLES = ("employee", "manager", "other_manager", "hr", "admin_user", "outsider", "anonymous")
# Forms the fuzzer leaves alone: signing out would end the role's session.
SKIPPED_ACTIONS = ("/accounts/logout/", "/admin/logout/")
# Pages and forms that nearly everyone has are fuzzed fully as one role, the one for
# whom they do the most; the other roles give their forms a quick pass. Everything else
# is fuzzed fully by every role that finds it, since who sends a form changes what it
# does (the organiser moves a meeting, the participant asks to).
FUZZED_BY = {
    "home": "manager",
    "login": "anonymous",
    "password_reset": "anonymous",
    "password_reset_done": "anonymous",
    "password_reset_confirm": "anonymous",
    "password_reset_complete": "anonymous",
    "healthz": "anonymous",
    "meetings:calendar_feed": "anonymous",
    "password_change": "outsider",
    "password_change_done": "outsider",
    "people:profile": "outsider",
    "meetings:calendar_regenerate": "outsider",
    "meetings:mine": "employee",
    "meetings:my_actions": "employee",
    "meetings:team": "manager",
    "meetings:templates": "manager",
    "meetings:template_new": "manager",
    "meetings:notifications": "manager",
    "meetings:chat_webhook": "manager",
    "meetings:chat_webhook_remove": "manager",
    "meetings:chat_webhook_test": "manager",
    "meetings:series_new": "manager",
    "meetings:meeting_new": "manager",
    "objectives:mine": "employee",
    "objectives:team": "manager",
    "objectives:proposals": "manager",
    "objectives:goals": "manager",
    "objectives:new": "manager",
    "objectives:new_goal": "manager",
    # The meeting page's and an objective's own forms do the same for either of the two.
    "meetings:agenda_add": "employee",
    "meetings:next_time_add": "employee",
    "meetings:note_save": "employee",
    "meetings:action_add": "employee",
    "meetings:action_done": "employee",
    "meetings:agenda_edit": "employee",
    "meetings:action_edit": "employee",
    "meetings:action_delete": "employee",
    "meetings:objective_discuss": "employee",
    "objectives:edit": "employee",
    "objectives:comment": "employee",
    "objectives:key_result_add": "employee",
    "objectives:key_result_update": "employee",
    "wellbeing:index": "employee",
    "wellbeing:checkin_create": "employee",
    "wellbeing:checkins_export": "employee",
    "wellbeing:checkins_delete_all": "employee",
}
# The admin site: its index and the lists and forms of our own models, given the quick
# pass (the views are Django's; the models, filters and forms ours).
ADMIN_PAGES = 16
ADMIN_APPS = ("/admin/people/", "/admin/meetings/", "/admin/objectives/", "/admin/wellbeing/")


@dataclass
class World:
    people: dict
    args: dict  # URL name -> keyword arguments with real ids
    today: dt.date


def at_hour(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour % 24, 5), tzinfo=LONDON)


@pytest.fixture
def world(employee, manager, other_manager, hr, admin_user, outsider, grand_manager, team):
    """A small organisation with one of everything a page can show. The series meets
    twelve hours from now and the one-off six hours after that, so that nothing
    clashes with the meeting that started a few minutes ago, whatever the time."""
    now = timezone.localtime(timezone.now(), LONDON)
    series = SeriesFactory(
        organiser=manager,
        participant=employee,
        cadence=weekly(interval=2, weekday=now.weekday()),
        start_time=at_hour(now.date(), now.hour + 12).time(),
    )
    services.series_generate(series_id=series.pk)
    upcoming = series.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    later = upcoming[1]
    now_meeting = started_meeting(series, minutes_ago=5)
    held = started_meeting(series, days_ago=14)
    for meeting in (now_meeting, held):
        AgendaItemFactory(meeting=meeting, author=employee, text="How is the migration going?")
        AgendaItemFactory(meeting=meeting, author=manager, text="Holiday plans")
        NoteFactory(meeting=meeting, author=manager, body="Shared words")
        NoteFactory(meeting=meeting, author=employee, visibility="private", body="Mine")
        ActionItemFactory(meeting=meeting, owner=employee, description="Write the plan")
    Meeting.objects.filter(pk=held.pk).update(
        status=Meeting.Status.COMPLETED, completed_at=timezone.now(), completed_by=manager
    )
    MeetingFeedback.objects.create(meeting=held, usefulness=4, help_more="More time")
    change = ChangeRequest.objects.create(
        meeting=later,
        requested_by=employee,
        action=ChangeRequest.Action.MOVE,
        proposed_starts_at=later.starts_at + dt.timedelta(days=1),
        note="Dentist",
    )
    clash_slot = upcoming.last().starts_at + dt.timedelta(days=14)
    clash = SlotClash.objects.create(
        series=series,
        slot=clash_slot,
        ends_at=clash_slot + dt.timedelta(minutes=30),
        person=manager,
    )
    template = record_services.template_create(
        owner=manager, name="Quarterly", description="", prompts=[("", "How are things?")]
    )
    MeetingFactory(
        organiser=manager,
        participant=employee,
        starts_at=at_hour(now.date() + dt.timedelta(days=3), now.hour + 18),
    )

    goal = GoalFactory(owner=manager, created_by=manager)
    objective = ObjectiveFactory(owner=employee, parent=goal, due_date=timezone.localdate())
    proposed = ObjectiveFactory(owner=employee, state=State.PROPOSED, title="Learn Rust")
    key_result = KeyResultFactory(objective=objective)
    CommentFactory(objective=objective, author=manager)
    ObjectiveFactory(owner=grand_manager, level=Level.COMPANY, title="Grow", team=None)

    CheckInFactory(employee=employee, shared_with_manager=True, note="Busy month")
    checkin = CheckInFactory(employee=employee, note="Tired")
    note = WellbeingNoteFactory(author=manager, subject=employee, text="Lighter load")
    feed = notification_services.calendar_feed_for(user=employee)
    # Someone new with no 1:1 yet, for HR's lists.
    UserFactory(full_name="New Starter", manager=other_manager, start_date=timezone.localdate())
    item = now_meeting.agenda_items.first()
    action = now_meeting.actions.first()
    token = token_create(owner=employee, name="Calendar script", scope="read").token

    args = {
        "people:person": {"pk": employee.pk},
        "people:who_looked": {"pk": employee.pk},
        "meetings:meeting": {"pk": later.pk},
        "meetings:meeting_cancel": {"pk": later.pk},
        "meetings:meeting_move": {"pk": later.pk},
        "meetings:meeting_ics": {"pk": later.pk},
        "meetings:request_accept": {"pk": later.pk, "request_pk": change.pk},
        "meetings:request_decline": {"pk": later.pk, "request_pk": change.pk},
        "meetings:agenda_add": {"pk": now_meeting.pk},
        "meetings:agenda_move": {"pk": now_meeting.pk, "item_pk": item.pk},
        "meetings:agenda_discussed": {"pk": now_meeting.pk, "item_pk": item.pk},
        "meetings:agenda_remove": {"pk": now_meeting.pk, "item_pk": item.pk},
        "meetings:agenda_edit": {"pk": now_meeting.pk, "item_pk": item.pk},
        "meetings:next_time_add": {"pk": now_meeting.pk},
        "meetings:note_save": {"pk": now_meeting.pk},
        "meetings:action_add": {"pk": now_meeting.pk},
        "meetings:meeting_complete": {"pk": now_meeting.pk},
        "meetings:feedback": {"pk": held.pk},
        "meetings:action_done": {"action_pk": action.pk},
        "meetings:action_edit": {"pk": now_meeting.pk, "action_pk": action.pk},
        "meetings:action_delete": {"pk": now_meeting.pk, "action_pk": action.pk},
        "meetings:objective_discuss": {"objective_pk": objective.pk},
        "meetings:template_edit": {"pk": template.pk},
        "meetings:template_delete": {"pk": template.pk},
        "meetings:series": {"pk": series.pk},
        "meetings:series_edit": {"pk": series.pk},
        "meetings:series_pause": {"pk": series.pk},
        "meetings:series_resume": {"pk": series.pk},
        "meetings:series_end": {"pk": series.pk},
        "meetings:clash_rebook": {"pk": clash.pk},
        "meetings:clash_skip": {"pk": clash.pk},
        "meetings:calendar_feed": {"token": feed.token},
        "objectives:detail": {"pk": objective.pk},
        "objectives:edit": {"pk": objective.pk},
        "objectives:cascade": {"pk": goal.pk},
        "objectives:transition": {"pk": proposed.pk},
        "objectives:progress": {"pk": objective.pk},
        "objectives:score": {"pk": objective.pk},
        "objectives:comment": {"pk": objective.pk},
        "objectives:key_result_add": {"pk": objective.pk},
        "objectives:key_result_update": {"pk": key_result.pk},
        "objectives:key_result_remove": {"pk": key_result.pk},
        "objectives:review": {"person_pk": employee.pk},
        "wellbeing:checkin_share": {"pk": checkin.pk},
        "wellbeing:checkin_unshare": {"pk": checkin.pk},
        "wellbeing:checkin_delete": {"pk": checkin.pk},
        "wellbeing:report": {"pk": employee.pk},
        "wellbeing:note_create": {"pk": employee.pk},
        "wellbeing:note_edit": {"pk": note.pk},
        "wellbeing:note_delete": {"pk": note.pk},
        "reports:export": {"table": "managers"},
        "reports:gaps": {"category": "overdue"},
        "reports:manager": {"pk": manager.pk},
        "reports:manager_export": {"pk": manager.pk, "table": "meetings"},
        "api:token_revoke": {"pk": token.pk},
        "api:meeting": {"pk": later.pk},
        "api:agenda": {"pk": now_meeting.pk},
        "api:meeting_cancel": {"pk": later.pk},
        "api:meeting_move": {"pk": later.pk},
        "api:action_done": {"pk": action.pk},
        "api:objective": {"pk": objective.pk},
        "api:objective_progress": {"pk": objective.pk},
        "api:no_such_endpoint": {"rest": "nothing/here/"},
        "password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(employee.pk)),
            "token": default_token_generator.make_token(employee),
        },
    }
    people = {
        "employee": employee,
        "manager": manager,
        "other_manager": other_manager,
        "hr": hr,
        "admin_user": admin_user,
        "outsider": outsider,
        "anonymous": None,
    }
    return World(people=people, args=args, today=timezone.localdate())


def site_urls(world: World, *, ids: int | None = None) -> list[str]:
    """Every URL of the site (the admin site apart), with real ids where it needs them;
    with ``ids``, only the URLs with an id in the path, every id replaced by ``ids``."""
    urls = []
    for route, name, pattern in all_routes():
        if route.startswith("admin/") or not name:
            continue  # the admin site is crawled from its index
        needs = pattern.pattern.regex.groupindex
        if needs and name not in world.args:
            pytest.fail(f"The fuzz test has no ids for the URL {name!r}: add them to world().")
        kwargs = dict(world.args.get(name, {}))
        if ids is not None:
            numbers = [k for k, c in pattern.pattern.converters.items() if c.regex == "[0-9]+"]
            if not numbers:
                continue
            kwargs.update(dict.fromkeys(numbers, ids))
        urls.append(reverse(name, kwargs=kwargs))
    return urls


# --- Visiting and submitting ---------------------------------------------------------------


@dataclass
class Fuzzer:
    client: Client
    role: str
    values: dict[str, str]
    today: dt.date
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def fetch(self, path: str):
        """A page as it is, for crawling (nothing to roll back: GETs write nothing)."""
        self.requests += 1
        try:
            response = self.client.get(path)
        except Exception as error:  # every failure is reported
            self.failures.append(f"{self.role} GET {path}: {_short(error)}")
            return None
        self._check(response, f"{self.role} GET {path}", payload=None)
        return response

    def send(self, method: str, path: str, data: dict, *, what: str, payload: str, htmx_page=None):
        """Submit in a savepoint that is rolled back. A redirect is followed when the
        submission was taken (what it stored must show) or when it carries markup (the
        message about it must show it escaped)."""
        self.requests += 1
        headers = {}
        if htmx_page:
            headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{htmx_page}"}
        try:
            with transaction.atomic():
                try:
                    if method == "post":
                        response = self.client.post(path, data, headers=headers)
                    else:
                        response = self.client.get(path, data, headers=headers)
                    self._check(response, what, payload)
                    target = None
                    if response.status_code in (301, 302, 303):
                        target = local_path(response["Location"])
                    if target and (_taken(response) or "<" in payload):
                        self.requests += 1
                        self._check(self.client.get(target), f"{what}, then {target}", payload)
                finally:
                    transaction.set_rollback(True)
        except Exception as error:  # every failure is reported
            self.failures.append(f"{what}: {_short(error)}")

    def _check(self, response, what: str, payload: str | None):
        if response.status_code >= 500:
            self.failures.append(f"{what}: answered {response.status_code}")
            return
        content_type = response.get("Content-Type", "")
        if not payload or "html" not in content_type or response.streaming:
            return
        body = response.content.decode(errors="replace")
        for markup in UNESCAPED:
            if markup in payload and markup in body:
                self.failures.append(f"{what}: echoed {markup!r} unescaped")

    def fuzz_form(self, form: Form, *, quick: bool):
        path = local_path(form.action)
        if path is None or path.startswith(SKIPPED_ACTIONS):
            return
        baseline = form.baseline(today=self.today)
        page = local_path(form.page) if form.htmx else None
        method = form.method.upper()
        if quick:
            # One submission per value, with that value in every field at once.
            names = {f.name for f in form.fields} - {"csrfmiddlewaretoken"}
            for label in QUICK_FORM:
                value = self.values[label]
                data = {**baseline, **{name: [value] for name in names}}
                what = f"{self.role} {method} {path} every field = {label}"
                self.send(form.method, path, data, what=what, payload=value, htmx_page=page)
            return
        if form.method == "post":
            # Any view may read ``next``, whether or not the form has it, and an htmx
            # form's view also answers plain posts (the page without JavaScript).
            value = self.values["bare word"]
            what = f"{self.role} POST {path} without htmx, next = bare word"
            self.send("post", path, {**baseline, "next": [value]}, what=what, payload=value)
        kinds: dict[str, str] = {}
        for f in form.fields:
            if f.name != "csrfmiddlewaretoken":
                kinds.setdefault(f.name, f.kind)
        for name, kind in sorted(kinds.items()):
            for label in values_for(name, kind):
                value = self.values[label]
                data = {**baseline, name: [value]}
                what = f"{self.role} {method} {path} field {name!r} = {label}"
                self.send(form.method, path, data, what=what, payload=value, htmx_page=page)

    def fuzz_query(self, path: str, params: set[str], *, together: bool):
        """Each parameter the page's links and forms use, one at a time (all at once in
        the admin site, which has dozens), then ``next`` and ``page``, which any page
        might read, together."""
        groups = [sorted(params)] if together else [[param] for param in sorted(params)]
        groups.append(["next", "page"])
        for group in filter(None, groups):
            for label in QUICK:
                value = self.values[label]
                what = f"{self.role} GET {path}?{'=&'.join(group)}= {label}"
                self.send("get", path, dict.fromkeys(group, value), what=what, payload=value)


def _taken(response) -> bool:
    """No error message: the submission was accepted (or said nothing)."""
    said = messages.get_messages(response.wsgi_request)
    return not any(message.level >= messages.ERROR for message in said)


def _short(error: Exception) -> str:
    where = traceback.extract_tb(error.__traceback__)[-1]
    return f"{type(error).__name__}: {str(error)[:200]} (at {where.filename}:{where.lineno})"


def _client_for(world: World, role: str) -> Client:
    client = Client()
    user = world.people[role]
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class Crawl:
    pages: dict[str, set[str]]  # path -> the query parameter names its links and forms use
    forms: list[Form]


def crawl(fuzzer: Fuzzer, start: list[str]) -> Crawl:
    """Visit ``start`` and the same-site links found on the way: one page per URL name
    and set of query parameters, a bounded part of the admin site."""
    seen_routes: set[tuple] = set()
    pages: dict[str, set[str]] = {}
    forms: dict[tuple, Form] = {}
    queue = list(start)
    admin_pages = 0
    while queue:
        path = queue.pop(0)
        try:
            match = resolve(urlsplit(path).path)
        except Http404:
            continue
        route = (match.view_name, tuple(sorted(query_names(path))))
        if route in seen_routes:
            continue
        seen_routes.add(route)
        if match.app_name == "admin" and path != "/admin/":
            if admin_pages >= ADMIN_PAGES or not path.startswith(ADMIN_APPS):
                continue
            if any(part in path for part in ("/history/", "/delete/")):
                continue
            admin_pages += 1
        response = fuzzer.fetch(path)
        if response is None or response.status_code != 200:
            continue
        pages.setdefault(urlsplit(path).path, set()).update(query_names(path))
        if "html" not in response.get("Content-Type", ""):
            continue
        parsed = parse_page(f"http://testserver{path}", response.content.decode())
        for form in parsed.forms:
            forms.setdefault((form.method, view_name(form.action), form.names()), form)
            action = local_path(form.action)
            if form.method == "get" and action:
                pages.setdefault(urlsplit(action).path, set()).update(form.names())
        queue += [target for target in map(local_path, parsed.links) if target]
    return Crawl(pages=pages, forms=list(forms.values()))


def view_name(url: str) -> str:
    path = urlsplit(url).path
    try:
        return resolve(path).view_name
    except Http404:
        return path


# --- The tests ---------------------------------------------------------------------------------


@pytest.fixture
def quiet_request_log(caplog):
    caplog.set_level(logging.ERROR, logger="django.request")
    caplog.set_level(logging.WARNING, logger="axes")


@pytest.fixture
def plain_rendering(monkeypatch):
    """Templates render without the test runner's instrumentation, which copies every
    template's context for ``response.context``: unused here, and it halves the time."""
    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))


@pytest.mark.parametrize("role", ROLES)
def test_hostile_input_gets_no_server_error_and_no_markup_back(
    world, role, quiet_request_log, plain_rendering
):
    """Every form the role finds, each field with each hostile value in turn, and hostile
    query strings on every page the role can open."""
    values = hostile_values(today=world.today)
    fuzzer = Fuzzer(client=_client_for(world, role), role=role, values=values, today=world.today)
    started = time.monotonic()
    found = crawl(fuzzer, ["/", *site_urls(world)])
    for form in found.forms:
        name = view_name(form.action)
        quick = FUZZED_BY.get(name, role) != role or name.startswith("admin:")
        fuzzer.fuzz_form(form, quick=quick)
    for path, params in found.pages.items():
        name = view_name(path)
        if FUZZED_BY.get(name, role) == role:
            fuzzer.fuzz_query(path, params, together=name.startswith("admin:"))
    # Ids in the path past PostgreSQL's bigint: a 404, like any id that is not yours.
    for path in site_urls(world, ids=2**64):
        for method in ("get", "post"):
            fuzzer.send(method, path, {}, what=f"{role} {method.upper()} {path}", payload="")
    print(
        f"{role}: {len(found.pages)} pages, {len(found.forms)} forms, "
        f"{fuzzer.requests} requests in {time.monotonic() - started:.1f}s"
    )
    assert found.forms, "the crawl found no form at all"
    assert not fuzzer.failures, "\n".join(fuzzer.failures)
