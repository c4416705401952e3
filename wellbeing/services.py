"""Writes about wellbeing. Keyword-only, each in one transaction.

Every service that changes a check-in or a note takes the person acting (``by``)
and checks they own it, even though views already look it up through a scoped
selector: the rule lives next to the write.
"""

import csv
import datetime as dt
import io

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import User
from wellbeing.models import CheckIn, WellbeingNote

NO_MANAGER_MESSAGE = "You have no manager in oneonones yet, so there is nobody to share it with."


def _check_owner(checkin: CheckIn, by: User) -> None:
    if checkin.employee_id != by.pk:
        raise PermissionError("Only the person who wrote a check-in may change it.")


@transaction.atomic
def checkin_create(
    *,
    employee: User,
    happiness: int,
    workload: int,
    work_life_balance: int,
    note: str = "",
    share: bool = False,
) -> CheckIn:
    if share and not employee.manager_id:
        raise ValidationError(NO_MANAGER_MESSAGE)
    now = timezone.now()
    checkin = CheckIn(
        employee=employee,
        created_at=now,
        happiness=happiness,
        workload=workload,
        work_life_balance=work_life_balance,
        note=note.strip(),
        shared_with_manager=share,
        shared_at=now if share else None,
    )
    checkin.full_clean()
    checkin.save()
    return checkin


@transaction.atomic
def checkin_share(*, checkin: CheckIn, by: User) -> CheckIn:
    _check_owner(checkin, by)
    if not by.manager_id:
        raise ValidationError(NO_MANAGER_MESSAGE)
    if not checkin.shared_with_manager:
        checkin.shared_with_manager = True
        checkin.shared_at = timezone.now()
        checkin.save(update_fields=["shared_with_manager", "shared_at"])
    return checkin


@transaction.atomic
def checkin_unshare(*, checkin: CheckIn, by: User) -> CheckIn:
    _check_owner(checkin, by)
    checkin.shared_with_manager = False
    checkin.shared_at = None
    checkin.save(update_fields=["shared_with_manager", "shared_at"])
    return checkin


@transaction.atomic
def checkin_delete(*, checkin: CheckIn, by: User) -> None:
    _check_owner(checkin, by)
    checkin.delete()


@transaction.atomic
def checkins_delete_all(*, employee: User) -> int:
    """Delete every check-in ``employee`` ever recorded. Returns how many."""
    deleted, _ = CheckIn.objects.filter(employee=employee).delete()
    return deleted


def retention_cutoff(*, now: dt.datetime | None = None, months: int | None = None) -> dt.datetime:
    months = settings.WELLBEING_RETENTION_MONTHS if months is None else months
    if months < 1:
        raise ImproperlyConfigured("WELLBEING_RETENTION_MONTHS must be at least 1.")
    return (now or timezone.now()) - relativedelta(months=months)


@transaction.atomic
def checkins_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Delete check-ins older than ``WELLBEING_RETENTION_MONTHS``. Safe to run twice."""
    deleted, _ = CheckIn.objects.filter(created_at__lt=retention_cutoff(now=now)).delete()
    return deleted


EXPORT_COLUMNS = (
    "recorded_at",
    "happiness",
    "workload",
    "workload_label",
    "work_life_balance",
    "note",
    "shared_with_manager",
    "shared_at",
)


def _csv_safe(text: str) -> str:
    # A spreadsheet would run a cell starting with these as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def checkins_export_csv(*, employee: User) -> str:
    """Every check-in of ``employee`` as CSV text, oldest first, times in their zone."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    zone = employee.zone
    for checkin in CheckIn.objects.filter(employee=employee).order_by("created_at", "pk"):
        writer.writerow(
            [
                checkin.created_at.astimezone(zone).isoformat(timespec="seconds"),
                checkin.happiness,
                checkin.workload,
                checkin.get_workload_display(),
                checkin.work_life_balance,
                _csv_safe(checkin.note),
                "yes" if checkin.shared_with_manager else "no",
                checkin.shared_at.astimezone(zone).isoformat(timespec="seconds")
                if checkin.shared_at
                else "",
            ]
        )
    return out.getvalue()


# --- Managers' wellbeing notes ---------------------------------------------------------


def _check_author(note: WellbeingNote, by: User) -> None:
    if note.author_id != by.pk:
        raise PermissionError("Only the manager who wrote a note may change it.")


@transaction.atomic
def wellbeing_note_create(*, author: User, subject: User, text: str, share: bool) -> WellbeingNote:
    if subject.manager_id != author.pk or not subject.is_active:
        raise PermissionError("Managers keep wellbeing notes about their own reports only.")
    now = timezone.now()
    note = WellbeingNote(
        author=author,
        subject=subject,
        text=text.strip(),
        shared_with_subject=share,
        created_at=now,
        updated_at=now,
    )
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def wellbeing_note_update(
    *, note: WellbeingNote, by: User, text: str, share: bool
) -> WellbeingNote:
    _check_author(note, by)
    note.text = text.strip()
    note.shared_with_subject = share
    note.updated_at = timezone.now()
    note.full_clean()
    note.save(update_fields=["text", "shared_with_subject", "updated_at"])
    return note


@transaction.atomic
def wellbeing_note_delete(*, note: WellbeingNote, by: User) -> None:
    _check_author(note, by)
    note.delete()
