"""The demo organisation that `manage.py seed_demo` creates.

Other apps add their own demo data: an app with a ``demo`` module that defines
``seed_demo(*, org, stdout)`` is called after the people exist, in
INSTALLED_APPS order; ``seed_bench(*, user_ids, years, stdout)`` likewise after
``seed_demo --people N [--years Y]`` (``years`` of history, for the apps that keep
one). Every hook must be idempotent.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from people.demo_accounts import DEMO_PASSWORD
from people.models import Team, User

BENCH_DOMAIN = "bench.example.com"


@dataclass
class DemoOrg:
    teams: dict[str, Team] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)  # key -> user

    @property
    def hr(self) -> User:
        return self.people["hr"]

    @property
    def manager(self) -> User:
        return self.people["manager"]

    @property
    def employee(self) -> User:
        return self.people["employee"]

    def reports_of(self, key: str) -> list[User]:
        manager = self.people[key]
        return [user for user in self.people.values() if user.manager_id == manager.pk]


# key, email, full name, job title, team, manager key, time zone, years in post (None: new starter)
DEMO_PEOPLE = [
    (
        "director",
        "director@example.com",
        "Dana Whitfield",
        "Director of Operations",
        "Engineering",
        None,
        "Europe/London",
        6,
    ),
    (
        "admin",
        "admin@example.com",
        "Alex Admin",
        "IT Administrator",
        None,
        "director",
        "Europe/London",
        4,
    ),
    (
        "hr",
        "hr@example.com",
        "Harriet Osei",
        "HR Business Partner",
        None,
        "director",
        "Europe/London",
        3,
    ),
    (
        "manager",
        "manager@example.com",
        "Morgan Reid",
        "Engineering Manager",
        "Engineering",
        "director",
        "Europe/London",
        5,
    ),
    (
        "employee",
        "employee@example.com",
        "Emma Clarke",
        "Software Engineer",
        "Engineering",
        "manager",
        "Europe/London",
        2,
    ),
    (
        "sam",
        "sam.okafor@example.com",
        "Sam Okafor",
        "Senior Software Engineer",
        "Engineering",
        "manager",
        "Europe/London",
        4,
    ),
    (
        "priya",
        "priya.nair@example.com",
        "Priya Nair",
        "QA Engineer",
        "Engineering",
        "manager",
        "Asia/Kolkata",
        1,
    ),
    (
        "leo",
        "leo.martin@example.com",
        "Léo Martin",
        "Software Engineer",
        "Engineering",
        "manager",
        "Europe/Paris",
        3,
    ),
    (
        "manager2",
        "manager2@example.com",
        "Jordan Blake",
        "Customer Success Lead",
        "Customer Success",
        "director",
        "America/New_York",
        4,
    ),
    (
        "aisha",
        "aisha.khan@example.com",
        "Aisha Khan",
        "Customer Success Manager",
        "Customer Success",
        "manager2",
        "America/New_York",
        2,
    ),
    (
        "tom",
        "tom.fischer@example.com",
        "Tom Fischer",
        "Support Specialist",
        "Customer Success",
        "manager2",
        "Europe/Berlin",
        1,
    ),
    (
        "nina",
        "nina.rossi@example.com",
        "Nina Rossi",
        "Support Specialist",
        "Customer Success",
        "manager2",
        "Europe/London",
        None,
    ),
]
DEMO_EMAILS = [email for _, email, *_ in DEMO_PEOPLE]
NEW_STARTER_DAYS_AGO = 12


# Hashing is slow on purpose (PBKDF2), and checking the demo password of each demo
# person took most of a reseed. The password is published, so its salt can be too:
# hashed once with a fixed salt, "still the demo password" is a string comparison.
# 22 letters: as much entropy as Django asks of a salt, so it never re-hashes on sign-in.
DEMO_PASSWORD_SALT = "oneononesDemoPassword0"  # noqa: S105 -- published with the password


@cache
def demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD, salt=DEMO_PASSWORD_SALT)


def save_if_changed(user: User, **values) -> bool:
    """Give ``user`` these values (and the demo password) and save what differs, so that
    seeding an existing organisation writes nothing. Returns whether it saved."""
    values["password"] = demo_password_hash()
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    if user.pk is None:
        user.save()
    elif changed:
        user.save(update_fields=changed)
    return bool(changed)


@transaction.atomic
def seed_demo_people() -> DemoOrg:
    org = DemoOrg()
    for name in ("Engineering", "Customer Success"):
        team = Team.objects.filter(name__iexact=name).first() or Team.objects.create(name=name)
        org.teams[name] = team
    today = timezone.localdate()
    existing = {user.email.lower(): user for user in User.objects.filter(email__in=DEMO_EMAILS)}
    for key, email, full_name, job_title, team_name, manager_key, zone, years in DEMO_PEOPLE:
        if years is None:
            start_date = today - dt.timedelta(days=NEW_STARTER_DAYS_AGO)
        else:
            start_date = today.replace(day=1) - dt.timedelta(days=365 * years)
        user = existing.get(email) or User.objects.filter(email__iexact=email).first()
        user = user or User(email=email)
        save_if_changed(
            user,
            full_name=full_name,
            job_title=job_title,
            team_id=org.teams[team_name].pk if team_name else None,
            manager_id=org.people[manager_key].pk if manager_key else None,
            time_zone=zone,
            start_date=start_date,
            is_hr=key == "hr",
            is_staff=key == "admin",
            is_superuser=key == "admin",
            is_active=True,
        )
        org.people[key] = user
    return org


def bench_plan(count: int) -> list[tuple[int, int | None, int]]:
    """(index, manager index, team number) for a benchmark organisation of ``count``.

    One head, a senior layer (about one in a hundred) reporting to the head, line
    managers (about one in ten) reporting to the seniors, everyone else spread
    over the line managers. Teams follow the senior managers.
    """
    managers = max(1, count // 10)
    seniors = max(1, managers // 10)
    line_managers = list(range(seniors + 1, managers)) or list(range(managers))
    plan = []
    team_of: dict[int, int] = {}
    for index in range(count):
        if index == 0:
            manager, team = None, 0
        elif index <= seniors:
            manager, team = 0, index
        elif index < managers:
            manager = 1 + (index % seniors)
            team = team_of[manager]
        else:
            manager = line_managers[(index - managers) % len(line_managers)]
            team = team_of.get(manager, 0)
        team_of[index] = team
        plan.append((index, manager, team))
    return plan


def seed_bench_people(count: int, *, batch_size: int = 2000) -> list[int]:
    """Create (or complete) a benchmark organisation of ``count`` people quickly.

    Idempotent: people already there (by email) are kept. Returns every bench user id.
    """
    plan = bench_plan(count)
    today = timezone.localdate()
    password = demo_password_hash()
    with transaction.atomic():
        team_numbers = sorted({team for _, _, team in plan})
        existing_teams = {
            team.name: team for team in Team.objects.filter(name__startswith="Bench ")
        }
        new_teams = [
            Team(name=f"Bench team {number:03d}")
            for number in team_numbers
            if f"Bench team {number:03d}" not in existing_teams
        ]
        for team in Team.objects.bulk_create(new_teams):
            existing_teams[team.name] = team
        ids = dict(
            User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").values_list("email", "pk")
        )
        zones = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]

        def email(index: int) -> str:
            return f"person{index:06d}@{BENCH_DOMAIN}"

        # Managers come before the people who report to them, so a pass in index
        # order always knows the manager's id.
        pending: list[User] = []

        def flush() -> None:
            created = User.objects.bulk_create(pending, batch_size=batch_size)
            ids.update({user.email: user.pk for user in created})
            pending.clear()

        for index, manager, team_number in plan:
            if email(index) in ids:
                continue
            if manager is not None and email(manager) not in ids:
                flush()
            pending.append(
                User(
                    email=email(index),
                    full_name=f"Person {index:06d}",
                    password=password,
                    job_title="Manager" if index < max(1, count // 10) else "Specialist",
                    time_zone=zones[index % len(zones)],
                    start_date=today - dt.timedelta(days=(index * 37) % 3000),
                    manager_id=ids[email(manager)] if manager is not None else None,
                    team=existing_teams[f"Bench team {team_number:03d}"],
                )
            )
            if len(pending) >= batch_size:
                flush()
        flush()
    return [ids[email(index)] for index, _, _ in plan]
