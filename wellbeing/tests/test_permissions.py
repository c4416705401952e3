"""Who may open what: every wellbeing URL, for every role.

The world: ``employee`` (reports to ``manager``) has one private and one shared
check-in, and ``manager`` keeps an unshared wellbeing note about them. Around
them: another manager with a report of their own, the manager's manager, HR,
an admin superuser, and an outsider. Each of them also has a shared check-in of
their own, so a leak in any direction shows up as a secret on a page.
"""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import get_resolver, reverse

from wellbeing.models import CheckIn, WellbeingNote
from wellbeing.tests.factories import CheckInFactory, WellbeingNoteFactory

ROLES = ("employee", "manager", "other_manager", "grand_manager", "hr", "admin_user", "outsider")
PRIVATE = "PRIVATE-employee-checkin-note"
SHARED = "SHARED-employee-checkin-note"
NOTE = "MANAGER-wellbeing-note-about-employee"
UPWARD = "SHARED-grand-manager-checkin-note"
SIDEWAYS = "SHARED-other-managers-report-note"

# Which roles may read each secret, on any page or export.
READERS = {
    PRIVATE: {"employee"},
    SHARED: {"employee", "manager"},
    NOTE: {"manager"},
    UPWARD: {"grand_manager"},
    SIDEWAYS: set(),  # only the other manager's report, who is not among the roles
}


@dataclass(frozen=True)
class Case:
    name: str  # URL name in the wellbeing namespace
    method: str
    target: str | None  # which object's pk goes in the URL
    allowed: frozenset[str]  # roles that get a success; everyone else gets a 404
    data: tuple = ()
    owner: str | None = None  # the role whose action may change the world


def everyone(*, except_: tuple = ()) -> frozenset[str]:
    return frozenset(role for role in ROLES if role not in except_)


CASES = [
    Case("index", "get", None, everyone()),
    Case(
        "checkin_create",
        "post",
        None,
        everyone(),
        (("happiness", "3"), ("workload", "3"), ("work_life_balance", "3")),
        owner="employee",
    ),
    Case("checkin_share", "post", "private", frozenset({"employee"}), owner="employee"),
    Case("checkin_unshare", "post", "shared", frozenset({"employee"}), owner="employee"),
    Case("checkin_delete", "post", "private", frozenset({"employee"}), owner="employee"),
    Case("checkins_export", "get", None, everyone()),
    Case("checkins_delete_all", "get", None, everyone()),
    Case("checkins_delete_all", "post", None, everyone(), (("confirm", "on"),), owner="employee"),
    Case("report", "get", "employee", frozenset({"manager"})),
    Case(
        "note_create", "post", "employee", frozenset({"manager"}), (("text", "x"),), owner="manager"
    ),
    Case("note_edit", "get", "note", frozenset({"manager"})),
    Case(
        "note_edit",
        "post",
        "note",
        frozenset({"manager"}),
        (("text", "changed"), ("shared_with_subject", "on")),
        owner="manager",
    ),
    Case("note_delete", "post", "note", frozenset({"manager"}), owner="manager"),
    Case("trends", "get", None, frozenset({"hr"})),
]


@pytest.fixture
def world(employee, manager, other_manager, grand_manager, hr, admin_user, outsider):
    users = SimpleNamespace(
        employee=employee,
        manager=manager,
        other_manager=other_manager,
        grand_manager=grand_manager,
        hr=hr,
        admin_user=admin_user,
        outsider=outsider,
    )
    private = CheckInFactory(employee=employee, note=PRIVATE)
    shared = CheckInFactory(employee=employee, note=SHARED, shared_with_manager=True)
    note = WellbeingNoteFactory(author=manager, subject=employee, text=NOTE)
    CheckInFactory(employee=grand_manager, note=UPWARD, shared_with_manager=True)
    CheckInFactory(employee=other_manager.reports.get(), note=SIDEWAYS, shared_with_manager=True)
    for role in ("manager", "other_manager", "hr", "admin_user", "outsider"):
        CheckInFactory(employee=getattr(users, role), note=f"own-{role}", shared_with_manager=True)
    return SimpleNamespace(
        users=users,
        private=private,
        shared=shared,
        note=note,
        targets={
            "private": private.pk,
            "shared": shared.pk,
            "note": note.pk,
            "employee": employee.pk,
        },
    )


def snapshot(world) -> tuple:
    """Everything the employee and their manager own, to prove nobody else changed it."""
    checkins = CheckIn.objects.filter(employee=world.users.employee).order_by("pk")
    notes = WellbeingNote.objects.filter(author=world.users.manager).order_by("pk")
    return (
        list(checkins.values_list("pk", "note", "shared_with_manager", "shared_at")),
        list(notes.values_list("pk", "text", "shared_with_subject")),
    )


def test_the_matrix_covers_every_wellbeing_url():
    resolver = get_resolver().namespace_dict["wellbeing"][1]
    names = {pattern.name for pattern in resolver.url_patterns}
    assert names == {case.name for case in CASES}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method}-{case.name}")
def test_permission_matrix(client, world, role, case):
    client.force_login(getattr(world.users, role))
    args = [world.targets[case.target]] if case.target else []
    url = reverse(f"wellbeing:{case.name}", args=args)
    before = snapshot(world)
    response = getattr(client, case.method)(url, dict(case.data))

    if role not in case.allowed:
        assert response.status_code == 404, f"{role} got {response.status_code} from {url}"
    elif case.method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 302

    if case.owner != role or role not in case.allowed:
        assert snapshot(world) == before, f"{role} changed someone else's data through {url}"

    if case.method == "get" and response.status_code == 200:
        body = response.content.decode()
        for secret, readers in READERS.items():
            if role in readers:
                continue
            assert secret not in body, f"{role} saw {secret} on {url}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_exactly_the_secrets_it_may(client, world, role):
    """Across every page and export a role can open, each secret it may read shows
    up somewhere (so the matrix is not passing on empty pages)."""
    client.force_login(getattr(world.users, role))
    bodies = []
    for case in CASES:
        if case.method != "get" or role not in case.allowed:
            continue
        args = [world.targets[case.target]] if case.target else []
        bodies.append(client.get(reverse(f"wellbeing:{case.name}", args=args)).content.decode())
    seen = {secret for secret in READERS if any(secret in body for body in bodies)}
    assert seen == {secret for secret, readers in READERS.items() if role in readers}


@pytest.mark.parametrize("role", ROLES)
def test_every_export_holds_only_the_roles_own_check_ins(client, world, role):
    user = getattr(world.users, role)
    client.force_login(user)
    body = client.get(reverse("wellbeing:checkins_export")).content.decode()
    rows = body.strip().splitlines()[1:]
    assert len(rows) == CheckIn.objects.filter(employee=user).count()
    for secret, readers in READERS.items():
        if secret in body:
            assert role in readers
    assert NOTE not in body  # notes are never exported
