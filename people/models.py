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


class UserManager(BaseUserManager):
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
