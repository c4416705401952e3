"""Writes about wellbeing. Keyword-only, each in one transaction.

Every service that changes a check-in or a note takes the person acting (``by``)
and checks they own it, even though views already look it up through a scoped
selector: the rule lives next to the write. Someone else's check-in or note is
``NotFound`` (a 404, as for one that does not exist); anything else refused is a
``ServiceError`` with its message (see ``oneonones.errors``).
"""

import csv
import datetime as dt
import io

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from oneonones.errors import NotFound, ServiceError, refused
from people.models import Team, User
from wellbeing import anonymity
from wellbeing.models import CheckIn, PublishedMonth, TeamMonthFigures, WellbeingNote

NO_MANAGER_MESSAGE = "You have no manager in oneonones yet, so there is nobody to share it with."


def _check_owner(checkin: CheckIn, by: User) -> None:
    if checkin.employee_id != by.pk:
        raise NotFound("Only the person who wrote a check-in may change it.")


def _validated(record: CheckIn | WellbeingNote) -> None:
    """The model's own checks (answers on their scales, text within its length), as a
    refusal in the person's words."""
    try:
        record.full_clean()
    except ValidationError as error:
        raise refused(error) from None


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
        raise ServiceError(NO_MANAGER_MESSAGE, field="share")
    now = timezone.now()
    checkin = CheckIn(
        employee=employee,
        team_id=employee.team_id,
        created_at=now,
        happiness=happiness,
        workload=workload,
        work_life_balance=work_life_balance,
        note=note.strip(),
        shared_with_manager=share,
        shared_at=now if share else None,
    )
    _validated(checkin)
    checkin.save()
    return checkin


@transaction.atomic
def checkin_share(*, checkin: CheckIn, by: User) -> CheckIn:
    _check_owner(checkin, by)
    if not by.manager_id:
        raise ServiceError(NO_MANAGER_MESSAGE, field="share")
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
    cutoff: dt.datetime = (now or timezone.now()) - relativedelta(months=months)
    return cutoff


@transaction.atomic
def checkins_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Delete check-ins older than ``WELLBEING_RETENTION_MONTHS``, and the published
    team figures of months that ended before then. Returns how many check-ins.
    Safe to run twice.

    The ``PublishedMonth`` rows stay, so a month is never published a second time
    from what retention left of it.
    """
    cutoff = retention_cutoff(now=now)
    deleted, _ = CheckIn.objects.filter(created_at__lt=cutoff).delete()
    TeamMonthFigures.objects.filter(month__month__lt=anonymity.month_start(cutoff)).delete()
    return deleted


# --- Publishing HR's monthly figures ----------------------------------------------------

# An ended month not yet published (the job was not running) is still published
# this long after; as far back as HR's page shows.
PUBLISH_WINDOW_MONTHS = 6


def publish_closed_months(
    *, now: dt.datetime | None = None, count: int = PUBLISH_WINDOW_MONTHS
) -> list[dt.date]:
    """Publish each of the last ``count`` ended months that is not published yet.
    Returns the months this call published. Safe to run twice, or twice at once."""
    months = anonymity.closed_months(now=now or timezone.now(), count=count)
    done = set(PublishedMonth.objects.filter(month__in=months).values_list("month", flat=True))
    missing = [month for month in months if month not in done]
    return months_publish(months=missing) if missing else []


def _claim_months(months: list[dt.date]) -> dict[dt.date, PublishedMonth]:
    """Insert a row for each month not published yet and return those rows; a month
    already there is left alone. A racing run inserting the same months waits for
    the first transaction and then skips them (sorted, so the two never deadlock)."""
    now = timezone.now()
    values = ", ".join(["(%s, %s)"] * len(months))
    params = [value for month in sorted(months) for value in (month, now)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO wellbeing_publishedmonth (month, published_at) VALUES {values} "  # noqa: S608 - placeholders only
            "ON CONFLICT (month) DO NOTHING RETURNING id, month",
            params,
        )
        rows = cursor.fetchall()
    return {month: PublishedMonth(pk=pk, month=month, published_at=now) for pk, month in rows}


@transaction.atomic
def months_publish(*, months: list[dt.date]) -> list[dt.date]:
    """Work out and store HR's figures for every team in each of ``months``, once,
    in a few queries whatever the data. Returns the months this call published:
    not those already published, also by a run racing this one.

    Each person counts once per team and month, with their last check-in there;
    the rule itself is ``anonymity.group_figures``. Only its result is stored.
    """
    current = anonymity.month_start(timezone.now())
    for month in months:
        if month >= current:
            raise ValueError(f"{month:%B %Y} has not ended yet; only ended months are published.")
    claimed = _claim_months(months)
    if not claimed:
        return []
    start, end = anonymity.month_bounds(min(claimed))[0], anonymity.month_bounds(max(claimed))[1]
    last_per_person = (
        CheckIn.objects.filter(created_at__gte=start, created_at__lt=end, team__isnull=False)
        .annotate(month=TruncMonth("created_at", tzinfo=dt.UTC))
        .order_by("month", "team_id", "employee_id", "-created_at", "-pk")
        .distinct("month", "team_id", "employee_id")
        .values_list("month", "team_id", "happiness", "workload", "work_life_balance")
    )
    answers: dict[tuple[dt.date, int], list[tuple[int, int, int]]] = {}
    for month, team_id, happiness, workload, balance in last_per_person.iterator(chunk_size=5000):
        if month.date() in claimed:
            answers.setdefault((month.date(), team_id), []).append((happiness, workload, balance))
    members = dict(
        Team.objects.filter(pk__in={team_id for _, team_id in answers})
        .annotate(active=Count("members", filter=Q(members__is_active=True)))
        .values_list("pk", "active")
    )
    rows = []
    for (month, team_id), group in answers.items():
        if team_id not in members:
            continue  # the team was deleted meanwhile
        figures = anonymity.group_figures(answers=group, members=members[team_id])
        if figures is not None:
            rows.append(
                TeamMonthFigures.stored(month=claimed[month], team_id=team_id, figures=figures)
            )
    TeamMonthFigures.objects.bulk_create(rows)
    return sorted(claimed)


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
        raise NotFound("Only the manager who wrote a note may change it.")


@transaction.atomic
def wellbeing_note_create(*, author: User, subject: User, text: str, share: bool) -> WellbeingNote:
    if subject.manager_id != author.pk or not subject.is_active:
        raise NotFound("Managers keep wellbeing notes about their own reports only.")
    now = timezone.now()
    note = WellbeingNote(
        author=author,
        subject=subject,
        text=text.strip(),
        shared_with_subject=share,
        created_at=now,
        updated_at=now,
    )
    _validated(note)
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
    _validated(note)
    note.save(update_fields=["text", "shared_with_subject", "updated_at"])
    return note


@transaction.atomic
def wellbeing_note_delete(*, note: WellbeingNote, by: User) -> None:
    _check_author(note, by)
    note.delete()


@transaction.atomic
def wellbeing_remove_person(*, person: User) -> int:
    """Delete everything written about ``person``'s wellbeing or by them: their
    check-ins, the notes managers wrote about them and the notes they wrote about
    others. For anonymising a leaver (``privacy.services``); returns how many rows went.

    HR's monthly figures are stored when a month is published and never change after
    (see ``wellbeing.anonymity``), so the months that counted these check-ins keep
    their figures, and the current month is not published yet."""
    checkins, _ = CheckIn.objects.filter(employee=person).delete()
    notes, _ = WellbeingNote.objects.filter(Q(author=person) | Q(subject=person)).delete()
    return checkins + notes
