"""The rule that decides which wellbeing figures HR may see, in one place.

HR sees team averages of check-ins. An average on its own hides each answer, but
two averages that HR can compare may not: a team of 5 averaging 2.0, then the
same month as 6 people averaging 2.33 once someone moved in, gives away the
newcomer's answer (6 x 2.33 - 5 x 2.0 = 4). So the rule is about every figure HR
could ever put side by side, not about one figure at a time:

1. **A figure is about one team in one closed calendar month (UTC), and is
   fixed when that month is published.** A check-in counts for the team its
   author belonged to when they made it (stored on the check-in), so people
   moving between teams change no figure; the current month is never shown, so
   it cannot be watched growing one check-in at a time; a published month is
   stored and never recomputed, so a check-in deleted afterwards (by its author
   or by retention) changes nothing HR can see.
2. **Each figure covers at least ``MIN_GROUP_SIZE`` people.** Within a group
   each person counts once, with the last check-in they made that month, so one
   busy person cannot outweigh the others. Smaller groups are not published.
3. **There are no totals.** No company-wide or multi-team figure is published,
   so no total minus the shown teams can reveal a withheld one.

From 1-3, two figures HR can see are either the same figure (same check-ins)
or about disjoint sets of check-ins of at least five people each: however HR
adds or subtracts them, across teams, months, pages or visits, the smallest
group it can isolate is a whole published group of five or more.

4. **A measure where (nearly) everyone gave the same answer is not shown.** If
   all five said "okay", the average 3.0 or a 100% share tells HR each answer.
   A measure (its average, or its per-answer split) is shown only when at least
   ``MIN_DIFFERENT_ANSWERS`` people answered differently from the most common
   answer. Withholding at "all but one agree" too means that a withheld measure
   does not tell HR "they all said the same", which together with one answer
   HR happens to know would again give away everyone's.

Everything here is a pure function of numbers, so the rule is easy to test; the
publishing (``wellbeing.services.publish_closed_months``) and the HR page
(``wellbeing.selectors.team_trends``) only apply it.
"""

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from dateutil.relativedelta import relativedelta

# What a figure is known by (a team and a month, a page, ...): anything hashable.
Key = TypeVar("Key", bound=Hashable)

# Constants, not settings, so nobody lowers them casually.
MIN_GROUP_SIZE = 5
MIN_DIFFERENT_ANSWERS = 2
SCALE = (1, 2, 3, 4, 5)

WITHHELD_GROUP = "fewer than 5 people checked in, so nothing is shown for this month"
WITHHELD_MEASURE = "not shown: too few different answers to show without identifying anyone"
NOT_PUBLISHED_YET = "appears in the first hours after the month ends"


# --- Months ------------------------------------------------------------------------------


def month_start(moment: dt.datetime) -> dt.date:
    """The first day of the UTC calendar month ``moment`` falls in."""
    return moment.astimezone(dt.UTC).date().replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants a month starts at (inclusive) and ends at (exclusive)."""
    start = dt.datetime.combine(month, dt.time.min, tzinfo=dt.UTC)
    return start, start + relativedelta(months=1)


def closed_months(*, now: dt.datetime, count: int) -> list[dt.date]:
    """The first days of the last ``count`` calendar months that have ended, newest
    first. The month ``now`` falls in is still open, so it is never among them."""
    current = month_start(now)
    return [current - relativedelta(months=back) for back in range(1, count + 1)]


# --- One group's figures -----------------------------------------------------------------


def answer_counts(answers: Iterable[int]) -> tuple[int, ...]:
    """How many people gave each answer on the 1-5 scale."""
    counts = dict.fromkeys(SCALE, 0)
    for answer in answers:
        counts[answer] += 1
    return tuple(counts[value] for value in SCALE)


def enough_people(people: int) -> bool:
    return people >= MIN_GROUP_SIZE


def answers_differ_enough(counts: Sequence[int]) -> bool:
    """Whether at least ``MIN_DIFFERENT_ANSWERS`` people answered otherwise than the
    most common answer, so neither an average nor a split pins anyone down."""
    return sum(counts) - max(counts, default=0) >= MIN_DIFFERENT_ANSWERS


def average(counts: Sequence[int]) -> Decimal:
    """The mean answer, to one decimal place (half up, as people round)."""
    total = sum(value * count for value, count in zip(SCALE, counts, strict=True))
    return (Decimal(total) / Decimal(sum(counts))).quantize(Decimal("0.1"), ROUND_HALF_UP)


def shares(counts: Sequence[int]) -> tuple[int, ...]:
    """Each answer's share of the people, in whole percent."""
    people = sum(counts)
    return tuple(round(100 * count / people) for count in counts)


@dataclass(frozen=True)
class GroupFigures:
    """Exactly what HR may see about one group: nothing more is ever stored or shown.
    A measure that ``answers_differ_enough`` rules out is ``None``."""

    people: int
    members: int
    average_happiness: Decimal | None
    average_balance: Decimal | None
    workload_shares: tuple[int, ...] | None

    @property
    def checked_in_percent(self) -> int:
        return min(100, round(100 * self.people / max(1, self.members)))


def group_figures(*, answers: Sequence[tuple[int, int, int]], members: int) -> GroupFigures | None:
    """The publishable figures of one group, or ``None`` when it must not be shown.

    ``answers`` holds one ``(happiness, workload, work_life_balance)`` per person
    (their last check-in of the month in this group); ``members`` is the team's
    size when the month is published, for the "checked in" share.
    """
    if not enough_people(len(answers)):
        return None
    happiness, workload, balance = (answer_counts(column) for column in zip(*answers, strict=True))
    return GroupFigures(
        people=len(answers),
        members=members,
        average_happiness=average(happiness) if answers_differ_enough(happiness) else None,
        average_balance=average(balance) if answers_differ_enough(balance) else None,
        workload_shares=shares(workload) if answers_differ_enough(workload) else None,
    )


# --- Comparing figures -------------------------------------------------------------------


def too_close(first: Set[int], second: Set[int]) -> bool:
    """Whether two figures over these populations (check-in ids) could be
    differenced: they differ, but by fewer than ``MIN_GROUP_SIZE`` check-ins."""
    return 0 < len(first ^ second) < MIN_GROUP_SIZE


def comparable_pairs(populations: Mapping[Key, Set[int]]) -> list[tuple[Key, Key]]:
    """Every pair of figures (by key) HR could difference. Published figures must
    give none: the attack tests check the HR page against this."""
    keys = sorted(populations, key=str)
    return [
        (first, second)
        for index, first in enumerate(keys)
        for second in keys[index + 1 :]
        if too_close(populations[first], populations[second])
    ]
