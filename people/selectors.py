"""Reads about people, always from the point of view of the person asking."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from oneonones.db import Read, table
from people.models import PersonChange, RecordAccess, User

# Someone who started within this many days is a new starter (HR's reports, home).
NEW_STARTER_DAYS = 183


def reports_of(*, manager: User) -> QuerySet[User]:
    """The people who report to ``manager`` directly and still work here, by name."""
    return (
        User.objects.filter(manager=manager, is_active=True)
        .select_related("team")
        .order_by("full_name", "pk")
    )


def get_report_or_404(*, viewer: User, pk: int) -> User:
    """One of ``viewer``'s current direct reports, else 404."""
    try:
        return reports_of(manager=viewer).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such person.") from None


def has_reports(*, person: User) -> bool:
    """Whether ``person`` manages anyone who still works here."""
    return User.objects.filter(manager=person, is_active=True).exists()


# ``has_reports`` as one jsonb value (``has_reports_read``). Only our model's table is put
# in (S608).
HAS_REPORTS_SQL = f"""
SELECT to_jsonb(EXISTS (
    SELECT 1 FROM {table(User)} report
    WHERE report.manager_id = %(has_reports_person)s AND report.is_active
))"""  # noqa: S608


def has_reports_read(*, person: User) -> Read[bool]:
    """``has_reports`` as a read to put together with a page's own
    (``oneonones.db.read_together``); ``test_has_reports_read`` compares the two."""
    return Read(HAS_REPORTS_SQL, {"has_reports_person": person.pk}, bool)


def user_roles(*, viewer: User, manages: bool | None = None) -> set[str]:
    """The navigation audiences ``viewer`` belongs to (see people.navigation).
    ``manages``: whether they have reports, when the caller knows already."""
    roles = {"everyone"}
    if has_reports(person=viewer) if manages is None else manages:
        roles.add("manager")
    if viewer.is_hr:
        roles.add("hr")
    if viewer.is_staff:
        roles.add("staff")
    return roles


def people_visible_to(*, viewer: User) -> QuerySet[User]:
    """People whose profile ``viewer`` may open: themselves, the reporting line
    below them (reports and their reports), and everyone for HR."""
    people = User.objects.select_related("team", "manager")
    if viewer.is_hr:
        return people
    return (
        people.filter(pk=viewer.pk)
        | people.filter(manager=viewer)
        | people.filter(manager__manager=viewer)
    )


# What the people page (``/people/<id>/``) shows about a person to those who may open it
# (their line above them, and HR), in the order shown: field name and label. The page
# "What HR and my organisation can see about me" (``privacy``) lists the same.
DIRECTORY_FIELDS = (
    ("email", "Email"),
    ("job_title", "Role"),
    ("team", "Team"),
    ("manager", "Manager"),
    ("time_zone", "Time zone"),
    ("start_date", "Started"),
)
# Shown even when empty, with these words.
DIRECTORY_EMPTY = {"team": "No team", "manager": "None"}


def directory_facts(*, person: User) -> list[tuple[str, str, object]]:
    """(name, label, value) of what the people page shows about ``person``; empty
    fields are left out unless ``DIRECTORY_EMPTY`` has words for them."""
    facts: list[tuple[str, str, object]] = []
    for name, label in DIRECTORY_FIELDS:
        value = getattr(person, name)
        if value in (None, ""):
            if name not in DIRECTORY_EMPTY:
                continue
            value = DIRECTORY_EMPTY[name]
        facts.append((name, label, value))
    return facts


def get_person_for_user_or_404(*, viewer: User, pk: int) -> User:
    try:
        return people_visible_to(viewer=viewer).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such person.") from None


def account_changes_of(*, viewer: User) -> QuerySet[PersonChange]:
    """What administrators changed about ``viewer``'s own account, newest first. Only
    ever the viewer's own: nobody else's profile shows them."""
    return PersonChange.objects.filter(person=viewer).order_by("-at", "-pk")


@dataclass(frozen=True)
class RecentChanges:
    shown: list[PersonChange]
    total: int


def recent_account_changes(*, viewer: User, limit: int) -> RecentChanges:
    """The newest ``limit`` changes to ``viewer``'s own account, and how many there are."""
    changes = account_changes_of(viewer=viewer)
    return RecentChanges(shown=list(changes[:limit]), total=changes.count())


def record_accesses_of(*, viewer: User, pk: int) -> QuerySet[RecordAccess]:
    """Who looked at ``viewer``'s records, newest first; only ever the viewer's own. Asked
    for anyone else (``pk`` is not the viewer), by anyone (HR, superusers, their
    manager), it is a 404, as for a person who does not exist."""
    if pk != viewer.pk:
        raise Http404("No such page.")
    return (
        RecordAccess.objects.filter(person=viewer).select_related("viewer").order_by("-at", "-pk")
    )


def may_administer_people(*, viewer: User) -> bool:
    """Who may change people's accounts outside the admin site (the API): the same
    right the admin site asks for."""
    return bool(viewer.is_active and viewer.is_staff and viewer.has_perm("people.change_user"))


def get_person_to_administer_or_404(*, viewer: User, pk: int) -> User:
    """Anyone, for an administrator who may change people; a 404 for everyone else."""
    if not may_administer_people(viewer=viewer):
        raise Http404("No such person.")
    try:
        return User.objects.select_related("manager").get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such person.") from None
