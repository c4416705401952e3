"""Writes about people and the organisation."""

import csv
import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from oneonones import limits
from people.models import Team, User, validate_time_zone

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
    "email": User._meta.get_field("email").max_length,
    "manager_email": User._meta.get_field("email").max_length,
    "full_name": User._meta.get_field("full_name").max_length,
    "job_title": User._meta.get_field("job_title").max_length,
    "team": Team._meta.get_field("name").max_length,
}
TRUE_WORDS = {"1", "yes", "y", "true", "t", "x"}
FALSE_WORDS = {"", "0", "no", "n", "false", "f"}


class PeopleImportError(Exception):
    """The file cannot be imported; ``errors`` lists every problem by line."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
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


def _parse_rows(lines) -> tuple[list[_Row], list[str]]:
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
    rows, errors, seen = [], [], {}
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


def people_import_csv(*, lines) -> ImportResult:
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
        existing_users = User.objects.filter(email__in=[row.email for row in rows])
        users = {user.email.lower(): user for user in existing_users}
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
    return result
