"""Writes about people and the organisation.

A refusal is a ``ServiceError`` with its message (``oneonones.errors``); an import that
cannot be done is a ``PeopleImportError``, one that also lists every problem by line.
"""

import csv
import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import formataddr
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, DateTimeField, F, IntegerField, Value
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from oneonones import limits
from oneonones.db import column, max_length
from oneonones.errors import ServiceError, refused
from people.models import (
    PersonChange,
    RecordAccess,
    Team,
    User,
    manager_chain_ids,
    validate_time_zone,
)
from people.selectors import may_administer_people
from people.signals import manager_changed

logger = logging.getLogger(__name__)

IMPORT_COLUMNS = (
    "email",
    "full_name",
    "manager_email",
    "team",
    "job_title",
    "time_zone",
    "start_date",
    "is_hr",
)
REQUIRED_COLUMNS = ("email", "full_name")
# The longest value each text column may hold (the database's limits).
MAX_LENGTHS = {
    "email": max_length(User, "email"),
    "manager_email": max_length(User, "email"),
    "full_name": max_length(User, "full_name"),
    "job_title": max_length(User, "job_title"),
    "team": max_length(Team, "name"),
}
TRUE_WORDS = {"1", "yes", "y", "true", "t", "x"}
FALSE_WORDS = {"", "0", "no", "n", "false", "f"}


class PeopleImportError(ServiceError):
    """The file cannot be imported; ``errors`` lists every problem by line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            f"Nothing was imported; {len(errors)} problem(s) in the file:\n" + "\n".join(errors)
        )
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    teams_created: int = 0
    emails: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    email: str
    full_name: str
    manager_email: str | None  # None: the file has no manager_email column, keep as is
    team: str
    job_title: str | None
    time_zone: str | None
    start_date: dt.date | None
    is_hr: bool | None


def _parse_rows(lines: Iterable[str]) -> tuple[list[_Row], list[str]]:
    reader = csv.DictReader(lines)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        return [], [f"line 1: the header must name the columns {', '.join(missing)}"]
    unknown = [name for name in header if name not in IMPORT_COLUMNS]
    if unknown:
        return [], [
            f"line 1: unknown column(s) {', '.join(unknown)}; "
            f"known columns are {', '.join(IMPORT_COLUMNS)}"
        ]
    reader.fieldnames = header
    rows: list[_Row] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if None in record:
            errors.append(f"line {line}: more values than columns in the header")
            continue
        values = {key: (value or "").strip() for key, value in record.items()}
        if not any(values.values()):
            continue
        problems = [
            f"{name} is longer than {MAX_LENGTHS[name]} characters"
            for name, value in values.items()
            if name in MAX_LENGTHS and len(value) > MAX_LENGTHS[name]
        ]
        problems += [f"{name} contains a NUL byte" for name, v in values.items() if "\x00" in v]
        email = values["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"“{values['email']}” is not an email address")
        if email in seen:
            problems.append(f"{email} appears again (first on line {seen[email]})")
        seen.setdefault(email, line)
        if not values["full_name"]:
            problems.append("full_name is empty")
        manager_email = values["manager_email"].lower() if "manager_email" in values else None
        if manager_email:
            try:
                validate_email(manager_email)
            except ValidationError:
                problems.append(f"manager_email “{manager_email}” is not an email address")
            if manager_email == email:
                problems.append("someone cannot be their own manager")
        time_zone = values.get("time_zone") or None
        if time_zone:
            try:
                validate_time_zone(time_zone)
            except ValidationError:
                problems.append(f"time_zone “{time_zone}” is not a known IANA time zone")
        start_date = None
        if values.get("start_date"):
            try:
                start_date = dt.date.fromisoformat(values["start_date"])
            except ValueError:
                problems.append(
                    f"start_date “{values['start_date']}” is not a date like 2026-03-31"
                )
            else:
                try:
                    limits.check_start_date(start_date)
                except ValidationError as error:
                    problems.append(f"start_date {start_date}: {error.messages[0]}")
        is_hr = None
        if "is_hr" in values:
            word = values["is_hr"].lower()
            if word in TRUE_WORDS:
                is_hr = True
            elif word in FALSE_WORDS:
                is_hr = False if word else None
            else:
                problems.append(f"is_hr “{values['is_hr']}” should be yes or no")
        if problems:
            errors.append(f"line {line}: " + "; ".join(problems))
            continue
        rows.append(
            _Row(
                line=line,
                email=email,
                full_name=values["full_name"],
                manager_email=manager_email,
                team=values.get("team", ""),
                job_title=values.get("job_title"),
                time_zone=time_zone,
                start_date=start_date,
                is_hr=is_hr,
            )
        )
    return rows, errors


def _check_reporting_lines(rows: list[_Row]) -> list[str]:
    """Every manager must exist (in the file or already) and no loops may appear."""
    in_file = {row.email: row for row in rows}
    existing = dict(User.objects.values_list("email", "manager__email"))  # as it stands now
    lines_after = {email.lower(): (manager or "").lower() for email, manager in existing.items()}
    errors = []
    for row in rows:
        if row.manager_email is None:
            lines_after.setdefault(row.email, "")
            continue
        known = row.manager_email in in_file or row.manager_email in lines_after
        if row.manager_email and not known:
            errors.append(
                f"line {row.line}: manager {row.manager_email} is neither in the file "
                "nor an existing person"
            )
        lines_after[row.email] = row.manager_email
    for row in rows:
        seen = [row.email]
        current = lines_after.get(row.email, "")
        while current:
            if current in seen:
                errors.append(
                    f"line {row.line}: reporting lines would loop ({' → '.join([*seen, current])})"
                )
                break
            seen.append(current)
            current = lines_after.get(current, "")
    return errors


def people_import_csv(*, lines: Iterable[str]) -> ImportResult:
    """Create or update people, teams and reporting lines from CSV text lines.

    All or nothing: every row is checked first; if any row is bad, an
    ``PeopleImportError`` lists every problem by line number and nothing is written.
    """
    rows, errors = _parse_rows(lines)
    if not errors:
        errors = _check_reporting_lines(rows)
    if errors:
        raise PeopleImportError(errors)

    result = ImportResult()
    with transaction.atomic():
        teams = {team.name.lower(): team for team in Team.objects.all()}
        for name in {row.team for row in rows if row.team}:
            if name.lower() not in teams:
                teams[name.lower()] = Team.objects.create(name=name)
                result.teams_created += 1
        existing_users = User.objects.filter(email__in=[row.email for row in rows]).select_related(
            "team", "manager"
        )
        users = {user.email.lower(): user for user in existing_users}
        before = {user.pk: _profile_facts(user) for user in users.values()}
        managers_before = {user.pk: user.manager_id for user in users.values()}
        for row in rows:
            user = users.get(row.email)
            if user is None:
                user = User(email=row.email)
                user.set_unusable_password()  # they choose one through "forgotten password"
                result.created += 1
            else:
                result.updated += 1
            user.full_name = row.full_name
            if row.team:
                user.team = teams[row.team.lower()]
            if row.job_title is not None:
                user.job_title = row.job_title
            if row.time_zone:
                user.time_zone = row.time_zone
            if row.start_date:
                user.start_date = row.start_date
            if row.is_hr is not None:
                user.is_hr = row.is_hr
            user.save()
            users[row.email] = user
            result.emails.append(row.email)
        # Managers last: a manager may appear later in the file than their reports.
        for row in rows:
            if row.manager_email is None:
                continue
            user = users[row.email]
            if row.manager_email:
                user.manager = users.get(row.manager_email) or User.objects.get(
                    email__iexact=row.manager_email
                )
            else:
                user.manager = None
            user.save(update_fields=["manager"])
        _record_imported_changes(users=users.values(), before=before)
        for user in users.values():
            if user.pk in managers_before:  # a new person has no 1:1s to hand over
                announce_manager_change(
                    person=user, old_manager_id=managers_before[user.pk], by=None
                )
    return result


def _record_imported_changes(*, users: Iterable[User], before: dict[int, dict[str, str]]) -> None:
    """Record and tell what the import changed about people who were already here."""
    for user in users:
        if user.pk not in before:
            continue  # new: nothing was changed, and they have no password to misuse yet
        changes = _record(
            person=user,
            by=None,
            via=PersonChange.Via.IMPORT,
            before=before[user.pk],
            after=_profile_facts(user),
        )
        if changes:
            change_ids = [change.pk for change in changes]
            transaction.on_commit(
                partial(_tell_about_changes, person_id=user.pk, change_ids=change_ids, old_email="")
            )


# --- What administrators change about a person ----------------------------------------------
#
# Every change an administrator makes to someone's account is written as PersonChange rows in
# the transaction that makes it, and the person is emailed once that transaction commits.
# The email is a plain send after commit, not a row in the meetings outbox: people sits
# below meetings (meetings imports people, never the reverse) and that outbox is built
# around meetings (its rows are dropped when stale). A failed send is logged and leaves
# ``told_at`` empty, so the record itself shows who was never told.

PROFILE_FIELDS = (
    "email",
    "full_name",
    "job_title",
    "time_zone",
    "start_date",
    "team",
    "manager",
    "is_hr",
    "is_active",
    "is_staff",
    "is_superuser",
)
RESET_LINK_SENT = "password reset email sent"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _person_text(user: User | None) -> str:
    return f"{user.full_name} ({user.email})" if user else ""


def _profile_facts(user: User) -> dict[str, str]:
    """What an administrator can change on ``user``'s own row, as the person reads it."""
    return {
        "email": user.email,
        "full_name": user.full_name,
        "job_title": user.job_title,
        "time_zone": user.time_zone,
        "start_date": user.start_date.isoformat() if user.start_date else "",
        "team": user.team.name if user.team is not None else "",
        "manager": _person_text(user.manager) if user.manager_id else "",
        "is_hr": _yes_no(user.is_hr),
        "is_active": _yes_no(user.is_active),
        "is_staff": _yes_no(user.is_staff),
        "is_superuser": _yes_no(user.is_superuser),
    }


def _access_facts(user_id: int) -> dict[str, str]:
    """The person's admin groups and permissions, as stored."""
    groups = Group.objects.filter(user=user_id).values_list("name", flat=True)
    permissions = Permission.objects.filter(user=user_id).values_list(
        "content_type__app_label", "codename"
    )
    return {
        "groups": ", ".join(sorted(groups)),
        "user_permissions": ", ".join(sorted(f"{app}.{code}" for app, code in permissions)),
    }


def _record(
    *,
    person: User,
    by: User | None,
    via: str,
    before: dict[str, str],
    after: dict[str, str],
) -> list[PersonChange]:
    now = timezone.now()
    return PersonChange.objects.bulk_create(
        PersonChange(
            person=person,
            changed_by=by,
            changed_by_name=_person_text(by),
            via=via,
            field=name,
            old_value=before.get(name, ""),
            new_value=value,
            at=now,
        )
        for name, value in after.items()
        if before.get(name, "") != value
    )


def _send_and_mark_told(messages: list[mail.EmailMessage], change_ids: list[int]) -> bool:
    """Send ``messages``; on success note on the changes that the person was told."""
    try:
        mail.get_connection().send_messages(messages)
    except Exception:
        logger.warning(
            "Could not email %s about account changes %s; they stay marked as not told.",
            ", ".join(address for message in messages for address in message.to),
            change_ids,
            exc_info=True,
        )
        return False
    PersonChange.objects.filter(pk__in=change_ids).update(told_at=timezone.now())
    return True


def _message(
    *, person: User, address: str, subject: str, template: str, context: dict[str, object]
) -> mail.EmailMessage:
    with timezone.override(person.zone):
        body = render_to_string(
            template, {**context, "person": person, "zone_name": person.time_zone}
        )
    return mail.EmailMessage(
        subject=subject,
        body=body,
        to=[formataddr((person.full_name, address))],
        headers={"Auto-Submitted": "auto-generated"},
    )


def _tell_about_changes(*, person_id: int, change_ids: list[int], old_email: str) -> bool:
    """Email the person the changes, to their address now and, when an administrator
    changed it, to the one before: someone taking over an account by changing its
    address must not be able to keep the owner from hearing about it."""
    person = User.objects.filter(pk=person_id).first()
    changes = list(PersonChange.objects.filter(pk__in=change_ids).order_by("pk"))
    if person is None or not changes:
        return False
    context = {
        "changes": changes,
        "by": changes[0].by_text,
        "at": changes[0].at,
        "profile_url": settings.SITE_URL + reverse("people:profile"),
    }
    addresses = [person.email] + ([old_email] if old_email and old_email != person.email else [])
    messages = [
        _message(
            person=person,
            address=address,
            subject="Changes to your oneonones account",
            template="people/email/account_changed.txt",
            context=context,
        )
        for address in addresses
    ]
    return _send_and_mark_told(messages, change_ids)


def _send_password_link(*, person_id: int, change_id: int, welcome: bool) -> bool:
    """Email Django's password-reset link (token and confirm page) to the person.

    Made after commit: the token is bound to the password hash as stored, so it has to
    be made from the row as it is now (a new person's unusable password included)."""
    person = User.objects.filter(pk=person_id).first()
    change = PersonChange.objects.filter(pk=change_id).first()
    if person is None or change is None:
        return False
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    context = {
        "by": change.by_text,
        "welcome": welcome,
        "link": settings.SITE_URL
        + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
        "reset_url": settings.SITE_URL + reverse("password_reset"),
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    message = _message(
        person=person,
        address=person.email,
        subject="Choose your oneonones password" if welcome else "Reset your oneonones password",
        template="people/email/password_link.txt",
        context=context,
    )
    return _send_and_mark_told([message], [change_id])


def person_create_by_admin(*, person: User, by: User) -> User:
    """Create ``person`` (validated by the admin form, not saved yet) with no usable
    password, and email them a link to choose one: an administrator never picks or
    knows anyone's password."""
    with transaction.atomic():
        person.set_unusable_password()
        person.save()
        change = PersonChange.objects.create(
            person=person,
            changed_by=by,
            changed_by_name=_person_text(by),
            field=PersonChange.Field.ACCOUNT,
            new_value="created",
        )
        transaction.on_commit(
            lambda: _send_password_link(person_id=person.pk, change_id=change.pk, welcome=True)
        )
    return person


def person_update_by_admin(
    *,
    person: User,
    by: User,
    groups: Iterable[Group] | None = None,
    permissions: Iterable[Permission] | None = None,
) -> list[PersonChange]:
    """Save what an administrator changed on ``person`` (validated by the admin form,
    not saved yet), record each changed field with its old and new value, and email
    the person once it commits. ``groups``/``permissions`` None leaves them as they are.

    The stored row is locked first, so "old value" is what this change replaced even
    when two administrators save the same person at once.
    """
    with transaction.atomic():
        stored = (
            User.objects.select_related("team", "manager")
            .select_for_update(of=("self",))
            .get(pk=person.pk)
        )
        before = {**_profile_facts(stored), **_access_facts(person.pk)}
        person.save()
        if groups is not None:
            person.groups.set(groups)
        if permissions is not None:
            person.user_permissions.set(permissions)
        after = {**_profile_facts(person), **_access_facts(person.pk)}
        changes = _record(
            person=person, by=by, via=PersonChange.Via.ADMIN, before=before, after=after
        )
        if changes:
            change_ids = [change.pk for change in changes]
            transaction.on_commit(
                lambda: _tell_about_changes(
                    person_id=person.pk, change_ids=change_ids, old_email=stored.email
                )
            )
        announce_manager_change(person=person, old_manager_id=stored.manager_id, by=by)
    return changes


def announce_manager_change(*, person: User, old_manager_id: int | None, by: User | None) -> None:
    """The one place that tells the apps above people that ``person``'s manager changed
    (``people.signals.manager_changed``), when it did. Call inside the transaction that
    saved the new manager: the receivers (the handover of the 1:1s) act in it."""
    if person.manager_id == old_manager_id:
        return
    manager_changed.send(
        sender=User,
        person=person,
        old_manager_id=old_manager_id,
        new_manager_id=person.manager_id,
        by=by,
    )


def person_set_manager(*, person: User, manager_id: int | None, by: User) -> User:
    """An administrator gives ``person`` a new manager (or none) through the API: checked
    as the admin form checks it, recorded, told to the person, and handed over like any
    other change of manager (``announce_manager_change``)."""
    if not may_administer_people(viewer=by):
        raise ServiceError("Only an administrator who may change people can do that.")
    manager = None
    if manager_id is not None:
        manager = User.objects.filter(pk=manager_id).first()
        if manager is None:
            raise ServiceError("There is nobody with that id.", field="manager")
    with transaction.atomic():
        stored = (
            User.objects.select_related("team", "manager")
            .select_for_update(of=("self",))
            .get(pk=person.pk)
        )
        if manager is not None:
            if manager.pk == stored.pk:
                raise ServiceError("Someone cannot be their own manager.", field="manager")
            if not manager.is_active:
                raise ServiceError(f"{manager} no longer works here.", field="manager")
            if stored.pk in manager_chain_ids(manager.pk):
                raise ServiceError(
                    "That would make a loop in the reporting lines.", field="manager"
                )
        if stored.manager_id == (manager.pk if manager else None):
            return stored
        before = _profile_facts(stored)
        old_manager_id = stored.manager_id
        stored.manager = manager
        stored.save(update_fields=["manager"])
        changes = _record(
            person=stored,
            by=by,
            via=PersonChange.Via.API,
            before=before,
            after=_profile_facts(stored),
        )
        change_ids = [change.pk for change in changes]
        transaction.on_commit(
            lambda: _tell_about_changes(person_id=stored.pk, change_ids=change_ids, old_email="")
        )
        announce_manager_change(person=stored, old_manager_id=old_manager_id, by=by)
    return stored


def person_send_password_reset(*, person: User, by: User) -> PersonChange:
    """Email ``person`` a link to choose a new password (their current one keeps working
    until they do), recorded as a change an administrator made."""
    if not person.is_active:
        raise ServiceError(
            f"{person} cannot sign in (their account is not active), "
            "so no password-reset email was sent."
        )
    with transaction.atomic():
        change = PersonChange.objects.create(
            person=person,
            changed_by=by,
            changed_by_name=_person_text(by),
            field=PersonChange.Field.PASSWORD,
            new_value=RESET_LINK_SENT,
        )
        transaction.on_commit(
            lambda: _send_password_link(person_id=person.pk, change_id=change.pk, welcome=False)
        )
    return change


@transaction.atomic
def profile_update(*, person: User, full_name: str, job_title: str, time_zone: str) -> User:
    """What a person changes about themselves: their name, job title and time zone."""
    person.full_name = full_name.strip()
    person.job_title = job_title.strip()
    person.time_zone = time_zone
    try:
        person.full_clean(exclude=["password"])
    except ValidationError as error:
        raise refused(error) from None
    person.save(update_fields=["full_name", "job_title", "time_zone"])
    return person


def person_create_for_sign_in(*, email: str, full_name: str) -> User:
    """The person with ``email``, created with no password if there is none yet.

    For single sign-on when ``SSO_CREATE_PEOPLE`` is on: HR can add the reporting line
    and team later. Two first sign-ins at once (two tabs) both get the one person.
    """
    email = email.strip().lower()
    try:
        with transaction.atomic():
            person = User(email=email, full_name=full_name[:200])
            person.set_unusable_password()
            person.save()
            return person
    except IntegrityError:
        return User.objects.get(email__iexact=email)


# --- Who looked at whose records --------------------------------------------------------


def record_access_to(*, viewer: User, person: User, kind: str) -> None:
    """``record_access`` for a page about one person whose manager is loaded: nothing,
    not even a query, when ``viewer`` is that person or in their line."""
    if viewer.pk == person.pk or viewer.pk == person.manager_id:
        return
    if person.manager_id and (manager := person.manager) and manager.manager_id == viewer.pk:
        return
    record_access(viewer=viewer, person_ids=[person.pk], kind=kind)


def record_access(*, viewer: User, person_ids: Iterable[int], kind: str) -> None:
    """Record that ``viewer`` opened the records of the people ``person_ids`` (``kind``:
    which page or kind of record, see ``RecordAccess.Kind``).

    Left out, as the page is theirs to open: the viewer themselves, and everyone whose
    line the viewer is in now (their manager or the manager's manager). A look already
    recorded in the same hour (same viewer, person and kind) is not recorded again.

    One statement whatever the number of people (``INSERT … SELECT … ON CONFLICT DO
    NOTHING``): the line is checked by the SELECT, so a page listing a hundred people
    makes one round trip, and a page showing nobody makes none. The only conflict the
    table can raise is its unique constraint (no exclusion constraint to swallow).
    """
    ids = sorted({int(pk) for pk in person_ids if pk is not None})
    if not ids or not viewer.is_authenticated:
        return
    now = timezone.now()
    hour = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    moment = DateTimeField()
    # Every selected column is an annotation, in the order of ``columns``: Django puts
    # annotations in the SELECT in the order they were added.
    rows = (
        User.objects.filter(pk__in=ids)
        .exclude(pk=viewer.pk)
        .exclude(manager_id=viewer.pk)
        .exclude(pk__in=User.objects.filter(manager__manager_id=viewer.pk).values("pk"))
        .annotate(
            _person=F("pk"),
            _viewer=Value(viewer.pk, output_field=IntegerField()),
            _kind=Value(str(kind), output_field=CharField()),
            _at=Value(now, output_field=moment),
            _hour=Value(hour, output_field=moment),
        )
        .values_list("_person", "_viewer", "_kind", "_at", "_hour")
        .order_by()
    )
    select, params = rows.query.sql_with_params()
    meta = RecordAccess._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(column(RecordAccess, name)) for name in ("person", "viewer", "kind", "at", "hour")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) {select} ON CONFLICT DO NOTHING",
            params,
        )


# --- Anonymising a leaver -----------------------------------------------------------------

ANONYMISED_DOMAIN = "anonymised.invalid"
ANONYMISED = "anonymised"
# The values of a person's earlier account changes that name or describe them.
IDENTIFYING_FIELDS = (
    PersonChange.Field.EMAIL,
    PersonChange.Field.FULL_NAME,
    PersonChange.Field.JOB_TITLE,
    PersonChange.Field.START_DATE,
    PersonChange.Field.TIME_ZONE,
)
REMOVED_VALUE = "(removed)"


def anonymous_label(person_id: int) -> str:
    """The name an anonymised person goes by: the same on every page, naming nobody."""
    return f"Former colleague #{person_id}"


def is_anonymised(person: User) -> bool:
    return person.email.endswith("@" + ANONYMISED_DOMAIN)


def check_anonymisable(*, person: User, by: User) -> None:
    """Refuse, in the administrator's words, what must not be anonymised."""
    if not by.is_superuser:
        raise ServiceError("Only a superuser may anonymise someone.")
    if person.pk == by.pk:
        raise ServiceError("You cannot anonymise your own account.")
    if is_anonymised(person):
        raise ServiceError(f"{person} is anonymised already.")
    if person.is_superuser:
        raise ServiceError(f"{person} is a superuser: take that away first, then anonymise them.")
    reports = User.objects.filter(manager=person, is_active=True).count()
    if reports:
        raise ServiceError(
            f"{person} still manages {reports} "
            f"{'person' if reports == 1 else 'people'}: give them a new manager first."
        )


@transaction.atomic
def person_anonymise_account(*, person: User, by: User) -> PersonChange:
    """The account part of anonymising a leaver, in place: the row stays (every
    meeting, objective and record of a look still points at it), switched off, with no
    usable password, no admin powers, and an anonymous name and address instead of
    theirs. Their earlier account changes lose the values that named them. Recorded as
    an account change by ``by``; nobody is emailed (the address is gone).
    ``privacy.services.person_anonymise`` calls it in the transaction that removes
    their content."""
    person = User.objects.select_for_update().get(pk=person.pk)
    check_anonymisable(person=person, by=by)
    PersonChange.objects.filter(person=person, field__in=IDENTIFYING_FIELDS).update(
        old_value=REMOVED_VALUE, new_value=REMOVED_VALUE
    )
    person.full_name = anonymous_label(person.pk)
    person.email = f"former-{person.pk}@{ANONYMISED_DOMAIN}"
    person.job_title = ""
    person.start_date = None
    person.is_active = False
    person.is_staff = False
    person.is_hr = False
    person.last_login = None
    person.set_unusable_password()
    person.save()
    person.groups.clear()
    person.user_permissions.clear()
    return PersonChange.objects.create(
        person=person,
        changed_by=by,
        changed_by_name=_person_text(by),
        field=PersonChange.Field.ACCOUNT,
        old_value="",
        new_value=ANONYMISED,
    )
