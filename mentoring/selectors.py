"""Reads about mentoring relationships, from the point of view of the person asking.

The two people of a relationship see it; HR sees every pair and its cadence (when the
check-ins are and whether they happen), never what is in them. Nobody else sees
anything: a line manager does not learn that their report has a mentor, nor what the
two discuss.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from meetings.models import Kind, Meeting, MeetingSeries
from mentoring.models import Mentorship
from people.models import User

# How many people a search for someone to propose shows.
SEARCH_LIMIT = 20
# A pair has met "recently" when a check-in was held within this many days.
RECENT_DAYS = 45
# HR's figures cover this many days up to now.
FIGURES_DAYS = 90
# The columns of HR's list of pairs: all HR sees of a relationship and its check-ins.
# Declared once for the page and for each person's "What HR can see about me".
HR_PAIR_COLUMNS = (
    "Mentor",
    "Mentee",
    "State",
    "Last check-in held",
    "Next booked",
    f"Held, last {FIGURES_DAYS} days",
)
S = Mentorship.Status


def mentorships_of(*, viewer: User) -> QuerySet[Mentorship]:
    """Every relationship ``viewer`` is one of the two of, newest first."""
    return Mentorship.objects.filter(Q(mentor=viewer) | Q(mentee=viewer)).select_related(
        "mentor", "mentee", "proposed_by"
    )


def get_mentorship_for_user_or_404(*, viewer: User, pk: int) -> Mentorship:
    """A relationship ``viewer`` is one of the two of, or (for HR) any. Missing and not
    allowed are the same 404."""
    found = Mentorship.objects.select_related("mentor", "mentee", "proposed_by")
    if not viewer.is_hr:
        found = found.filter(Q(mentor=viewer) | Q(mentee=viewer))
    try:
        return found.get(pk=pk)
    except Mentorship.DoesNotExist:
        raise Http404("No such mentoring relationship.") from None


@dataclass(frozen=True)
class MentoringOverview:
    """My mentoring: what waits for my answer, what I proposed, what is running (with
    the mentoring series of each, when booked) and what is over."""

    to_answer: list[Mentorship]
    proposed_by_me: list[Mentorship]
    active: list[Mentorship]
    past: list[Mentorship]


PAST_SHOWN = 10


def mentoring_overview(*, viewer: User) -> MentoringOverview:
    """One query for the open relationships (each active one with ``series_id``, the
    mentee's mentoring series with the mentor that has not ended) and one for the last
    ``PAST_SHOWN`` that are over."""
    open_series = MeetingSeries.objects.filter(
        kind=Kind.MENTORING, organiser=OuterRef("mentee"), participant=OuterRef("mentor")
    ).exclude(status=MeetingSeries.Status.ENDED)
    current = list(
        mentorships_of(viewer=viewer)
        .filter(status__in=[S.PROPOSED, S.ACTIVE])
        .annotate(series_id=Subquery(open_series.order_by("-created_at").values("pk")[:1]))
    )
    past = list(mentorships_of(viewer=viewer).filter(status__in=[S.DECLINED, S.ENDED])[:PAST_SHOWN])
    return MentoringOverview(
        to_answer=[m for m in current if m.status == S.PROPOSED and m.proposed_by_id != viewer.pk],
        proposed_by_me=[
            m for m in current if m.status == S.PROPOSED and m.proposed_by_id == viewer.pk
        ],
        active=[m for m in current if m.status == S.ACTIVE],
        past=past,
    )


def has_active_mentorship(*, mentee: User, mentor: User) -> bool:
    """Whether ``mentor`` mentors ``mentee`` now: what booking mentoring check-ins needs
    (``meetings.scheduling.services.series_create``)."""
    return Mentorship.objects.filter(mentee=mentee, mentor=mentor, status=S.ACTIVE).exists()


def mentors_of(*, viewer: User) -> QuerySet[User]:
    """The people who mentor ``viewer`` now, by name: whom ``viewer`` books check-ins with."""
    return User.objects.filter(
        is_active=True,
        mentorships_as_mentor__mentee=viewer,
        mentorships_as_mentor__status=S.ACTIVE,
    ).order_by("full_name", "pk")


def _people_matching(query: str) -> QuerySet[User]:
    """People still working here whose name, email or role holds ``query`` (none for an
    empty one), by name, with their team."""
    query = query.strip()
    if not query:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | Q(job_title__icontains=query)
        )
        .select_related("team")
        .order_by("full_name", "pk")
    )


def people_to_propose(*, viewer: User, query: str) -> QuerySet[User]:
    """People matching ``query``, for a mentoring proposal: anyone still working here but
    ``viewer``, their line manager and their reports (they meet in their 1:1s already)."""
    return (
        _people_matching(query)
        .exclude(pk=viewer.pk)
        .exclude(pk=viewer.manager_id or 0)
        .exclude(manager=viewer)[:SEARCH_LIMIT]
    )


def people_for_hr(*, viewer: User, query: str) -> QuerySet[User]:
    """For HR's set-up form: anyone still working here matching ``query``."""
    hr_or_404(viewer=viewer)
    return _people_matching(query)[:SEARCH_LIMIT]


def hr_or_404(*, viewer: User) -> None:
    if not (viewer.is_authenticated and viewer.is_active and viewer.is_hr):
        raise Http404("No such page.")


def _pair_meetings() -> QuerySet[Meeting]:
    """The mentoring check-ins of the pair of the outer relationship (the mentee books
    them: organiser the mentee, participant the mentor)."""
    return Meeting.objects.filter(
        kind=Kind.MENTORING,
        organiser=OuterRef("mentee"),
        participant=OuterRef("mentor"),
    )


def mentorships_for_hr(*, viewer: User) -> QuerySet[Mentorship]:
    """Every relationship, open ones first, with its cadence: the last check-in held,
    the next one booked and how many were held in the last ``FIGURES_DAYS`` days. Dates
    and counts only, never what was said."""
    hr_or_404(viewer=viewer)
    now = timezone.now()
    held = _pair_meetings().filter(status=Meeting.Status.COMPLETED, starts_at__lt=now)
    upcoming = _pair_meetings().filter(status=Meeting.Status.SCHEDULED, starts_at__gte=now)
    since = now - dt.timedelta(days=FIGURES_DAYS)
    held_recently = (
        held.filter(starts_at__gte=since)
        .order_by()
        .values("organiser")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Mentorship.objects.select_related("mentor", "mentee", "proposed_by")
        .annotate(
            last_held_at=Subquery(held.order_by("-starts_at").values("starts_at")[:1]),
            next_at=Subquery(upcoming.order_by("starts_at").values("starts_at")[:1]),
            held_recently=Subquery(held_recently[:1]),
        )
        .order_by("status", "-created_at", "-pk")
    )


@dataclass(frozen=True)
class MentoringFigures:
    """HR's mentoring cadence, apart from the line 1:1 figures of the reports."""

    active_pairs: int
    proposed_pairs: int
    pairs_met_recently: int
    scheduled: int
    held: int
    cancelled: int
    days: int = FIGURES_DAYS

    @property
    def met_recently_share(self) -> int | None:
        if not self.active_pairs:
            return None
        return round(100 * self.pairs_met_recently / self.active_pairs)


def mentoring_figures(*, viewer: User) -> MentoringFigures:
    """Counts over every mentoring pair: open relationships, active pairs that held a
    check-in in the last ``RECENT_DAYS`` days, and the check-ins of the last
    ``FIGURES_DAYS`` days by status."""
    hr_or_404(viewer=viewer)
    now = timezone.now()
    pairs = Mentorship.objects.aggregate(
        active=Count("pk", filter=Q(status=S.ACTIVE)),
        proposed=Count("pk", filter=Q(status=S.PROPOSED)),
    )
    recent = Meeting.objects.filter(
        kind=Kind.MENTORING,
        status=Meeting.Status.COMPLETED,
        starts_at__gte=now - dt.timedelta(days=RECENT_DAYS),
        starts_at__lt=now,
        organiser=OuterRef("mentee"),
        participant=OuterRef("mentor"),
    )
    met = Mentorship.objects.filter(Exists(recent), status=S.ACTIVE)
    meetings = Meeting.objects.filter(
        kind=Kind.MENTORING,
        starts_at__gte=now - dt.timedelta(days=FIGURES_DAYS),
        starts_at__lt=now,
    ).aggregate(
        scheduled=Count("pk"),
        held=Count("pk", filter=Q(status=Meeting.Status.COMPLETED)),
        cancelled=Count("pk", filter=Q(status=Meeting.Status.CANCELLED)),
    )
    return MentoringFigures(
        active_pairs=pairs["active"],
        proposed_pairs=pairs["proposed"],
        pairs_met_recently=met.count(),
        scheduled=meetings["scheduled"],
        held=meetings["held"],
        cancelled=meetings["cancelled"],
    )
