import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from oneonones import limits


@cache
def time_zone_names() -> tuple[str, ...]:
    # "localtime" and friends are files in the tz database, not zones people pick.
    names = zoneinfo.available_timezones() - {"localtime", "Factory"}
    return tuple(sorted(names))


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            "“%(value)s” is not a known time zone; use an IANA name such as Europe/London.",
            params={"value": value},
            code="invalid_time_zone",
        )


class Team(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="team_name_unique_ci")]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person in the organisation. Signs in with their email address.

    ``manager`` is the reporting line. HR is a role (``is_hr``), not a model:
    HR sees whether 1:1s happen, never what was said.
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
        help_text="IANA time zone, e.g. Europe/London. Meeting times are shown in it.",
    )
    start_date = models.DateField(
        null=True, blank=True, help_text="First day at work; new starters are met early."
    )
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="The person this one reports to.",
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    is_hr = models.BooleanField(
        "HR", default=False, help_text="Sees 1:1 cadence across the organisation, never content."
    )
    is_staff = models.BooleanField(
        "admin site access", default=False, help_text="May sign in to the admin site."
    )
    is_active = models.BooleanField(
        default=True, help_text="Unticked for people who have left; they cannot sign in."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")), name="user_not_own_manager"
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def clean(self):
        super().clean()
        self.email = self.email.strip().lower()
        if self.start_date is not None:
            try:
                limits.check_start_date(self.start_date)
            except ValidationError as error:
                raise ValidationError({"start_date": error.messages}) from None
        if self.manager_id and self.pk:
            if self.manager_id == self.pk:
                raise ValidationError({"manager": "Someone cannot be their own manager."})
            if self.pk in manager_chain_ids(self.manager_id):
                raise ValidationError({"manager": "That would make a loop in the reporting lines."})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def manager_chain_ids(user_id: int | None, *, limit: int = 50) -> list[int]:
    """Ids up the reporting line from ``user_id`` (itself first), stopping at a loop."""
    chain: list[int] = []
    while user_id is not None and user_id not in chain and len(chain) < limit:
        chain.append(user_id)
        user_id = User.objects.filter(pk=user_id).values_list("manager_id", flat=True).first()
    return chain


class PersonChange(models.Model):
    """One change an administrator made to someone's account: who, when, what.

    Written only by ``people.services`` (the admin site and the CSV import call it),
    shown to the person on their profile and emailed to them; never added, edited or
    deleted through the admin site. Values are what the person reads: names, yes/no,
    dates. A password is never stored in any form (not even its hash): a password
    row says what happened, e.g. "password reset email sent".
    """

    class Field(models.TextChoices):
        ACCOUNT = "account", "Account"
        PASSWORD = "password", "Password"
        EMAIL = "email", "Email address"
        FULL_NAME = "full_name", "Name"
        JOB_TITLE = "job_title", "Job title"
        TIME_ZONE = "time_zone", "Time zone"
        START_DATE = "start_date", "Start date"
        TEAM = "team", "Team"
        MANAGER = "manager", "Manager"
        IS_HR = "is_hr", "HR role"
        IS_ACTIVE = "is_active", "Can sign in"
        IS_STAFF = "is_staff", "Admin site access"
        IS_SUPERUSER = "is_superuser", "Superuser (every permission)"
        GROUPS = "groups", "Admin groups"
        USER_PERMISSIONS = "user_permissions", "Admin permissions"

    class Via(models.TextChoices):
        ADMIN = "admin", "admin site"
        IMPORT = "import", "CSV import"
        API = "api", "API"

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_changes")
    changed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the record still says who after that account is deleted.
    changed_by_name = models.CharField(max_length=500, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.ADMIN)
    field = models.CharField(max_length=20, choices=Field.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    told_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email telling the person went out."
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "-at"], name="person_change_person_at")]

    def __str__(self):
        return f"{self.get_field_display()} of {self.person_id} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def by_text(self) -> str:
        if self.via == self.Via.IMPORT:
            return "an administrator (CSV import)"
        if self.via == self.Via.API:
            return f"{self.changed_by_name or 'an administrator'} (API)"
        return self.changed_by_name or "an administrator"


class ReadOnlyRecord(Exception):
    """A record of who looked at someone's records was about to be changed or deleted."""


class RecordAccessQuerySet(models.QuerySet):
    """Records are added (``people.services.record_access``) and read, never changed or
    deleted: not by a queryset, not by the admin site (it is not registered there), not
    by SQL either (a trigger refuses UPDATE and DELETE, migration 0003)."""

    def delete(self):
        raise ReadOnlyRecord("Records of who looked at someone's records are never deleted.")

    # Django reads this marker on a queryset method: not copied onto the managers.
    delete.queryset_only = True  # type: ignore[attr-defined]

    def update(self, **kwargs):
        raise ReadOnlyRecord("Records of who looked at someone's records are never changed.")


class RecordAccess(models.Model):
    """Someone outside a person's reporting line opened that person's records.

    Who (``viewer``), whose (``person``), what (``kind``: the page or the kind of
    record, never its content) and when (``at``). Written by
    ``people.services.record_access``, which leaves out the person themselves and
    their line (their manager and the manager's manager), and shown to the person
    only ("Who looked at my records", linked from their profile).

    One record per viewer, person and kind per hour (``hour`` is ``at`` cut to the
    hour, UTC; the unique constraint makes a second look in the same hour a no-op),
    so reloading a page or paging through a list adds nothing, while every hour in
    which someone looked shows.

    Both people are protected: an account with records of looks cannot be deleted
    (people are switched off, not deleted); the records outlive any change of line.
    """

    class Kind(models.TextChoices):
        PROFILE = "profile", "Your page in the people directory"
        ADMIN_ACCOUNT = "admin_account", "Your account, in the admin site"
        ADMIN_OBJECTIVES = "admin_objectives", "Your objectives, in the admin site"
        OBJECTIVE = "objective", "One of your objectives"
        OBJECTIVES_CASCADE = "objectives_cascade", "Your objectives, in a goal's cascade"
        OBJECTIVES_REVIEW = "objectives_review", "Your quarterly objectives review"
        REPORT_DASHBOARD = "report_dashboard", "Your 1:1 figures, on HR's 1:1 reports page"
        REPORT_GAPS = "report_gaps", "Your 1:1 figures, in a list of HR's 1:1 reports"
        REPORT_MANAGER = "report_manager", "Your 1:1s, in HR's 1:1 report of a manager"
        REPORT_EXPORT = "report_export", "Your 1:1 figures, in a CSV file of HR's 1:1 reports"
        MEETING = "meeting", "One of your 1:1s (its time and status)"
        SERIES = "series", "One of your 1:1 series (its cadence and meetings)"
        ADMIN_MEETINGS = "admin_meetings", "Your 1:1s or series, in the admin site"
        ADMIN_MESSAGES = "admin_messages", "Emails and reminders to you, in the admin site"
        ADMIN_CHANGES = "admin_changes", "Changes made to your account, in the admin site"
        MENTORING_PAIRS = (
            "mentoring_pairs",
            "Your mentoring pair and its check-in dates, on HR's mentoring page",
        )
        ADMIN_OFFICE_HOURS = (
            "admin_office_hours",
            "Your office hours or sign-ups (who, when, status), in the admin site",
        )
        ADMIN_MENTORING = "admin_mentoring", "Your mentoring relationships, in the admin site"

    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="record_accesses")
    viewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    hour = models.DateTimeField(help_text="``at`` cut to the hour (UTC): one record per hour.")

    objects = RecordAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "record of who looked"
        verbose_name_plural = "records of who looked"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "viewer", "kind", "hour"], name="record_access_once_an_hour"
            )
        ]
        indexes = [models.Index(fields=["person", "-at"], name="record_access_person_at")]

    def __str__(self):
        # The same for every record: pages that list related objects (the admin's
        # delete confirmation of a person) must not show who looked at whom.
        return "a record of who looked at someone's records"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ReadOnlyRecord("Records of who looked at someone's records are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReadOnlyRecord("Records of who looked at someone's records are never deleted.")
