import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

# An objective nobody has touched for this long is "stale" on the team page.
STALE_AFTER = dt.timedelta(days=30)


class Level(models.TextChoices):
    COMPANY = "company", "Company goal"
    TEAM = "team", "Team goal"
    INDIVIDUAL = "individual", "Individual objective"


class State(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATES = (State.PROPOSED, State.ACTIVE)

# The score scale, shown wherever a score is given or read. Scores are given by
# the owner's manager once there is something to judge.
SCORE_SCALE = {
    1: ("Thought about it", "Considered, but little was done towards it."),
    2: ("Made a start", "Some work done; most of what was agreed is still open."),
    3: ("Got most of the way", "Clear progress; the main parts are done, some are missing."),
    4: ("Achieved it", "Did what was agreed, in full and on time or close to it."),
    5: ("Went above and beyond", "Exceeded what was agreed; others benefited from it too."),
}
SCORE_CHOICES = [(score, f"{score} · {label}") for score, (label, _) in SCORE_SCALE.items()]


class Objective(models.Model):
    """Something a person, a team or the whole organisation means to achieve.

    ``level`` says whose objective it is:

    * ``individual`` — a person's own objective. ``owner`` is that person and
      ``team`` is empty. Seen by the owner, their manager, the manager's manager
      and HR; changed by the owner and their manager only.
    * ``team`` — a team goal. ``team`` is the team and ``owner`` is the person
      accountable for it (usually the team's manager). Seen by the team's
      members, the owner's reporting line and HR.
    * ``company`` — an organisation-wide goal. ``team`` is empty and ``owner``
      is the person accountable (e.g. a director). Seen by everyone.

    So ``owner`` is never empty: there is always one accountable person, and
    "only the owner and their manager change it" holds at every level.

    ``parent`` cascades goals down: an individual objective may contribute to a
    team or company goal, a team goal to a company goal (checked in the
    services, always to a level above).

    ``state`` only moves through ``objectives.services`` (proposed → active →
    completed; proposed → rejected; proposed/active → cancelled; completed →
    active when reopened). Every change of progress, score, state or due date is
    written to ``ObjectiveChange``; ``last_update_at`` is the time of the latest
    one, so "stale" is a cheap filter.

    With key results, ``progress`` is computed from them (see
    ``KeyResult.fraction``); without, people set it directly.
    """

    level = models.CharField(max_length=12, choices=Level.choices, default=Level.INDIVIDUAL)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="objectives",
        help_text="Whose objective it is; for a team or company goal, the person accountable.",
    )
    team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="goals",
        help_text="Only for team goals.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name="contributes to",
        help_text="The team or company goal this one contributes to.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_date = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="Per cent complete, 0 to 100."
    )
    score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=SCORE_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="objectives_created",
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives_decided",
        help_text="Who confirmed or rejected the proposal (or set the objective).",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    last_update_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["owner", "state"]),
            models.Index(fields=["state", "last_update_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="objective_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="objective_score_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(level=Level.TEAM, team__isnull=False)
                | (~models.Q(level=Level.TEAM) & models.Q(team__isnull=True)),
                name="objective_team_only_for_team_goals",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=State.REJECTED) | ~models.Q(rejection_reason=""),
                name="objective_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="objective_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_goal(self) -> bool:
        """Team and company goals are what individual objectives cascade from."""
        return self.level != Level.INDIVIDUAL

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.due_date and self.due_date < timezone.localdate())

    @property
    def is_stale(self) -> bool:
        return self.state == State.ACTIVE and self.last_update_at < timezone.now() - STALE_AFTER

    @property
    def score_label(self) -> str:
        return SCORE_SCALE[self.score][0] if self.score else ""


class KeyResult(models.Model):
    """A measurable result: from ``start`` to ``target`` in ``unit``; ``current`` is where it is.

    ``target`` may be below ``start`` (e.g. bring response time down from 10 to 2 hours).
    """

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(max_length=200)
    start = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    target = models.DecimalField(max_digits=12, decimal_places=2)
    current = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. %, customers, hours")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(target=models.F("start")),
                name="key_result_target_differs_from_start",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def fraction(self) -> Decimal:
        """How far from start to target, from 0 to 1 (going past the target counts as 1)."""
        span = self.target - self.start
        if not span:
            return Decimal(0)
        return min(Decimal(1), max(Decimal(0), (self.current - self.start) / span))

    @property
    def percent(self) -> int:
        return _percent(self.fraction)


def progress_from_key_results(key_results) -> int:
    """The objective's per cent complete: the mean of its key results' fractions."""
    key_results = list(key_results)
    if not key_results:
        return 0
    return _percent(sum(kr.fraction for kr in key_results) / len(key_results))


def _percent(fraction: Decimal) -> int:
    # Half up, as people expect: 62.5 % shows as 63 %, not 62 %.
    return int((fraction * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class ObjectiveChange(models.Model):
    """One entry of an objective's history: who changed which field, when, from what to what."""

    class Field(models.TextChoices):
        STATE = "state", "State"
        PROGRESS = "progress", "Progress"
        SCORE = "score", "Score"
        DUE_DATE = "due_date", "Due date"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=10, choices=Field.choices)
    from_value = models.CharField(max_length=40, blank=True)
    to_value = models.CharField(max_length=40, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["objective", "field", "at"])]

    def __str__(self):
        return f"{self.get_field_display()}: {self.from_value or '—'} → {self.to_value or '—'}"

    def _display(self, value: str) -> str:
        if not value:
            return "—"
        if self.field == self.Field.STATE:
            return State(value).label
        if self.field == self.Field.PROGRESS:
            return f"{value} %"
        if self.field == self.Field.SCORE:
            return f"{value} · {SCORE_SCALE[int(value)][0]}"
        return dt.date.fromisoformat(value).strftime("%-d %b %Y")

    @property
    def from_display(self) -> str:
        return self._display(self.from_value)

    @property
    def to_display(self) -> str:
        return self._display(self.to_value)


class ObjectiveComment(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Comment by {self.author} on {self.objective}"
