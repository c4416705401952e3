"""Writes about mentoring relationships. Each service is one transaction.

Either person proposes (as the mentee who would like a mentor, or as a mentor who
offers); the other accepts or declines. HR sets a pair up directly, active at once.
Either of the two (or HR) ends an active one: the mentee's mentoring series with the
mentor ends with it (``meetings.scheduling.services.mentoring_series_end``). Everyone
concerned is told through the outbox, in the transaction of the change.

One open relationship per pair is kept by the database
(``ONE_OPEN_PER_PAIR_CONSTRAINT``): two proposals racing for the same pair give one
relationship and a clear message for the other.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from meetings.scheduling.services import mentoring_series_end
from mentoring.models import ONE_OPEN_PER_PAIR_CONSTRAINT, Mentorship
from notifications import outbox
from oneonones.errors import NotFound, ServiceError
from people.models import User

S = Mentorship.Status
MENTOR, MENTEE = "mentor", "mentee"


def _check_pair(*, mentor: User, mentee: User) -> None:
    if mentor.pk == mentee.pk:
        raise ServiceError("Mentoring needs two different people.")
    if not (mentor.is_active and mentee.is_active):
        raise ServiceError("Both people must still work here.")
    if mentor.pk == mentee.manager_id or mentee.pk == mentor.manager_id:
        raise ServiceError(
            "A line manager and their report meet in their 1:1s already; choose someone "
            "outside your reporting line."
        )


def _open_between(first: User, second: User) -> Mentorship | None:
    return (
        Mentorship.objects.filter(status__in=[S.PROPOSED, S.ACTIVE])
        .filter(mentor__in=[first, second], mentee__in=[first, second])
        .first()
    )


def _already_message(existing: Mentorship, *, viewer: User) -> str:
    other = existing.mentee if viewer.pk == existing.mentor_id else existing.mentor
    if existing.status == S.PROPOSED:
        return (
            f"There is already a mentoring proposal between you and {other}, waiting for an answer."
        )
    return f"You and {other} are already in a mentoring relationship."


def _save_new(mentorship: Mentorship, *, viewer: User) -> None:
    """Insert ``mentorship``; a second open one for the same pair (made at the same
    moment by another request) is refused by the database and said so."""
    existing = _open_between(mentorship.mentor, mentorship.mentee)
    if existing is not None:
        raise ServiceError(_already_message(existing, viewer=viewer))
    try:
        with transaction.atomic():
            mentorship.save()
    except IntegrityError as error:
        if ONE_OPEN_PER_PAIR_CONSTRAINT not in str(error):
            raise
        existing = _open_between(mentorship.mentor, mentorship.mentee)
        if existing is None:
            raise
        raise ServiceError(_already_message(existing, viewer=viewer)) from None


@transaction.atomic
def mentorship_propose(*, by: User, other: User, as_role: str) -> Mentorship:
    """``by`` proposes mentoring with ``other``: as the mentee (``as_role="mentee"``,
    asking ``other`` to mentor them) or as the mentor (offering to mentor ``other``).
    ``other`` is told and answers."""
    if as_role not in (MENTOR, MENTEE):
        raise ServiceError("Choose who would mentor whom.", field="as_role")
    mentor, mentee = (by, other) if as_role == MENTOR else (other, by)
    _check_pair(mentor=mentor, mentee=mentee)
    mentorship = Mentorship(
        mentor=mentor, mentee=mentee, proposed_by=by, status=S.PROPOSED, created_at=timezone.now()
    )
    _save_new(mentorship, viewer=by)
    outbox.mentorship_changed(
        mentorship_id=mentorship.pk,
        event=outbox.MENTORING_PROPOSED,
        recipient_ids=[other.pk],
        by=by,
    )
    return mentorship


def _locked(mentorship: Mentorship) -> Mentorship:
    return (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("mentor", "mentee")
        .get(pk=mentorship.pk)
    )


def _answer(*, mentorship: Mentorship, by: User, status: str) -> Mentorship:
    mentorship = _locked(mentorship)
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise NotFound()
    if by.pk == mentorship.proposed_by_id:
        raise ServiceError(f"{mentorship.other_of(by)} answers this proposal, not you.")
    if mentorship.status != S.PROPOSED:
        raise ServiceError("This proposal has been answered already.")
    now = timezone.now()
    mentorship.status = status
    if status == S.ACTIVE:
        if not mentorship.mentor.is_active or not mentorship.mentee.is_active:
            raise ServiceError("Both people must still work here.")
        mentorship.accepted_at = now
    else:
        mentorship.declined_at = now
    mentorship.save(update_fields=["status", "accepted_at", "declined_at"])
    outbox.mentorship_changed(
        mentorship_id=mentorship.pk,
        event=outbox.MENTORING_ACCEPTED if status == S.ACTIVE else outbox.MENTORING_DECLINED,
        recipient_ids=[mentorship.proposed_by_id],
        by=by,
    )
    return mentorship


@transaction.atomic
def mentorship_accept(*, mentorship: Mentorship, by: User) -> Mentorship:
    """The person asked accepts: the relationship is active, the mentee may book."""
    return _answer(mentorship=mentorship, by=by, status=S.ACTIVE)


@transaction.atomic
def mentorship_decline(*, mentorship: Mentorship, by: User) -> Mentorship:
    """The person asked declines; the one who asked is told."""
    return _answer(mentorship=mentorship, by=by, status=S.DECLINED)


@transaction.atomic
def mentorship_set_up(*, by: User, mentor: User, mentee: User) -> Mentorship:
    """HR sets up a pair directly: active at once, both told."""
    if not by.is_hr:
        raise NotFound()
    _check_pair(mentor=mentor, mentee=mentee)
    now = timezone.now()
    mentorship = Mentorship(
        mentor=mentor,
        mentee=mentee,
        proposed_by=by,
        set_up_by_hr=True,
        status=S.ACTIVE,
        created_at=now,
        accepted_at=now,
    )
    _save_new(mentorship, viewer=by)
    outbox.mentorship_changed(
        mentorship_id=mentorship.pk,
        event=outbox.MENTORING_SET_UP,
        recipient_ids=[mentor.pk, mentee.pk],
        by=by,
    )
    return mentorship


def _mark_ended(mentorship: Mentorship, *, by: User, now: dt.datetime) -> None:
    """An open relationship (locked by the caller) ends now, by ``by``."""
    mentorship.status = S.ENDED
    mentorship.ended_at = now
    mentorship.ended_by = by
    mentorship.save(update_fields=["status", "ended_at", "ended_by"])


@transaction.atomic
def mentorship_end(*, mentorship: Mentorship, by: User) -> Mentorship:
    """Either of the two (or HR) ends the relationship, or withdraws a proposal not yet
    answered. An active one takes its mentoring series with it: the series ends, its
    check-ins still to come go (or are called off when someone prepared them), and both
    are told."""
    mentorship = _locked(mentorship)
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id) and not by.is_hr:
        raise NotFound()
    if not mentorship.is_open:
        raise ServiceError("This mentoring relationship has ended already.")
    was_active = mentorship.status == S.ACTIVE
    _mark_ended(mentorship, by=by, now=timezone.now())
    if was_active:
        mentoring_series_end(mentee=mentorship.mentee, mentor=mentorship.mentor, by=by)
    outbox.mentorship_changed(
        mentorship_id=mentorship.pk,
        event=outbox.MENTORING_ENDED,
        recipient_ids=[mentorship.mentor_id, mentorship.mentee_id],
        by=by,
    )
    return mentorship


def mentoring_close_for_leaver(*, person: User, by: User) -> int:
    """A leaver is anonymised (``privacy.services.person_anonymise``, after their series
    ended with their other meetings): each of their open relationships ends, active or
    proposed, on the order of ``by``, and the other person is told that the leaver no
    longer works here (without their name, which is going). Returns how many ended."""
    open_ones = list(
        Mentorship.objects.select_for_update(of=("self",))
        .filter(status__in=[S.PROPOSED, S.ACTIVE])
        .filter(Q(mentor=person) | Q(mentee=person))
        .order_by("pk")
    )
    now = timezone.now()
    for mentorship in open_ones:
        _mark_ended(mentorship, by=by, now=now)
        other_id = (
            mentorship.mentee_id if mentorship.mentor_id == person.pk else mentorship.mentor_id
        )
        outbox.mentorship_changed(
            mentorship_id=mentorship.pk,
            event=outbox.MENTORING_LEFT,
            recipient_ids=[other_id],
            by=by,
        )
    return len(open_ones)
