"""Mentoring relationships, beside the reporting line.

Any two people may be mentor and mentee (never one's own line manager or report: they
meet in their 1:1s already). One of them proposes and the other accepts or declines; HR
may set a pair up directly, active at once. Either of the two ends it.

A pair has at most one open relationship (proposed or active) at a time, whichever of
the two is the mentor, kept by the database. What the two say in their check-ins lives
in the meetings of their mentoring series (``meetings.Kind.MENTORING``), seen by the two
of them only; this row holds who, since when and the state, never content.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least

if TYPE_CHECKING:
    from people.models import User

ONE_OPEN_PER_PAIR_CONSTRAINT = "mentorship_one_open_per_pair"


class Mentorship(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentorships_as_mentee"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # The mentor or the mentee; HR when HR set the pair up (``set_up_by_hr``).
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    set_up_by_hr = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="mentorship_two_different_people"
            ),
            # Two people have one open relationship at a time, whichever of them mentors.
            models.UniqueConstraint(
                Least("mentor", "mentee"),
                Greatest("mentor", "mentee"),
                condition=Q(status__in=["proposed", "active"]),
                name=ONE_OPEN_PER_PAIR_CONSTRAINT,
            ),
        ]
        indexes = [models.Index(fields=["status"], name="mentorship_status_idx")]

    def __str__(self):
        return f"Mentorship #{self.pk}"

    def other_of(self, user: "User") -> "User":
        """The other of the two, seen from ``user`` (one of them)."""
        return self.mentee if user.pk == self.mentor_id else self.mentor

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PROPOSED, self.Status.ACTIVE)
