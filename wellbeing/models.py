"""Check-ins (an employee's own record of how they are) and managers' wellbeing notes.

Both are confidential by design: a check-in is private to its author unless they
share it with their manager; a wellbeing note is private to the manager who wrote
it unless they share it with the person it is about. Neither model is registered
in the admin site, and neither ``__str__`` carries any content, so admin pages
that list related objects (such as deleting a user) reveal nothing.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from wellbeing.anonymity import GroupFigures

SCALE = (MinValueValidator(1), MaxValueValidator(5))


class Happiness(models.IntegerChoices):
    VERY_UNHAPPY = 1, "very unhappy"
    UNHAPPY = 2, "unhappy"
    OKAY = 3, "okay"
    HAPPY = 4, "happy"
    VERY_HAPPY = 5, "very happy"


class Workload(models.IntegerChoices):
    FAR_TOO_LITTLE = 1, "far too little"
    A_BIT_TOO_LITTLE = 2, "a bit too little"
    ABOUT_RIGHT = 3, "about right"
    A_BIT_TOO_MUCH = 4, "a bit too much"
    FAR_TOO_MUCH = 5, "far too much"


class Balance(models.IntegerChoices):
    VERY_POOR = 1, "very poor"
    POOR = 2, "poor"
    OKAY = 3, "okay"
    GOOD = 4, "good"
    VERY_GOOD = 5, "very good"


def _in_scale(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
        name=f"checkin_{field}_1_to_5",
    )


class CheckIn(models.Model):
    """How one employee was at one moment. Private unless ``shared_with_manager``.

    Sharing is with the employee's *current* manager: visibility is worked out
    when someone looks (see ``wellbeing.selectors``), so unsharing hides it again
    and a manager who no longer manages the employee stops seeing it.
    """

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    # The team the author belonged to when they checked in: HR's figures count a
    # check-in there for good, so moving people between teams changes no figure
    # (see wellbeing.anonymity). Empty for people without a team.
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    happiness = models.PositiveSmallIntegerField(choices=Happiness.choices, validators=SCALE)
    workload = models.PositiveSmallIntegerField(choices=Workload.choices, validators=SCALE)
    work_life_balance = models.PositiveSmallIntegerField(
        "work-life balance", choices=Balance.choices, validators=SCALE
    )
    note = models.TextField(blank=True, max_length=2000)
    shared_with_manager = models.BooleanField(default=False)
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "check-in"
        indexes = [
            models.Index(fields=["employee", "-created_at"], name="checkin_employee_recent"),
            # Retention deletes and publishing HR's monthly figures both range over created_at.
            models.Index(fields=["created_at"], name="checkin_created_at"),
        ]
        constraints = [
            _in_scale("happiness"),
            _in_scale("workload"),
            _in_scale("work_life_balance"),
            models.CheckConstraint(
                condition=models.Q(shared_with_manager=True, shared_at__isnull=False)
                | models.Q(shared_with_manager=False, shared_at__isnull=True),
                name="checkin_shared_at_iff_shared",
            ),
        ]

    def __str__(self):
        # Deliberately content-free: see the module docstring.
        return f"Check-in #{self.pk}"


class WellbeingNote(models.Model):
    """A manager's short follow-up note about a report's wellbeing.

    A note stays with its author: only the manager who wrote it reads it (and the
    report, if the author shares it). A later manager, the manager's manager, HR
    and admins never see it.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_notes_written"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_notes_about"
    )
    text = models.TextField(max_length=1000)
    shared_with_subject = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "wellbeing note"
        indexes = [
            models.Index(fields=["author", "subject", "-created_at"], name="wbnote_author_subject"),
            models.Index(fields=["subject", "-created_at"], name="wbnote_subject_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(author=models.F("subject")), name="wbnote_not_about_self"
            ),
        ]

    def __str__(self):
        return f"Wellbeing note #{self.pk}"


class PublishedMonth(models.Model):
    """A calendar month (UTC) whose team figures are published to HR.

    Written once, after the month has ended, in the same transaction as its
    ``TeamMonthFigures``; never recomputed or deleted, so what HR saw of a month
    stays what HR sees (see ``wellbeing.anonymity``).
    """

    month = models.DateField(unique=True, help_text="The first day of the month.")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="published_month_first_day"
            ),
        ]

    def __str__(self):
        return f"{self.month:%B %Y}"


class TeamMonthFigures(models.Model):
    """What HR sees about one team in one published month, and nothing more:
    counts and averages only, with a withheld measure stored as empty. Teams with
    fewer than five people that month have no row at all."""

    month = models.ForeignKey(PublishedMonth, on_delete=models.CASCADE, related_name="figures")
    team = models.ForeignKey("people.Team", on_delete=models.CASCADE, related_name="+")
    people = models.PositiveIntegerField()
    members = models.PositiveIntegerField(help_text="The team's active members when published.")
    average_happiness = models.DecimalField(max_digits=2, decimal_places=1, null=True)
    average_balance = models.DecimalField(max_digits=2, decimal_places=1, null=True)
    workload_shares = ArrayField(models.PositiveSmallIntegerField(), size=5, null=True)

    class Meta:
        verbose_name = "team wellbeing figures"
        verbose_name_plural = "team wellbeing figures"
        constraints = [
            models.UniqueConstraint(fields=["month", "team"], name="team_month_figures_once"),
            # The rule of five, once more where it cannot be bypassed.
            models.CheckConstraint(condition=models.Q(people__gte=5), name="figures_five_or_more"),
        ]

    def __str__(self):
        return f"Team wellbeing figures #{self.pk}"

    @classmethod
    def stored(cls, *, month: PublishedMonth, team_id: int, figures: GroupFigures):
        shares = figures.workload_shares
        return cls(
            month=month,
            team_id=team_id,
            people=figures.people,
            members=figures.members,
            average_happiness=figures.average_happiness,
            average_balance=figures.average_balance,
            workload_shares=None if shares is None else list(shares),
        )

    def as_figures(self) -> GroupFigures:
        shares = self.workload_shares
        return GroupFigures(
            people=self.people,
            members=self.members,
            average_happiness=self.average_happiness,
            average_balance=self.average_balance,
            workload_shares=None if shares is None else tuple(shares),
        )
