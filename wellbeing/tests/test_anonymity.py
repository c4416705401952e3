"""The rule HR's wellbeing figures follow (wellbeing/anonymity.py), as plain numbers."""

import datetime as dt
from decimal import Decimal

import pytest

from wellbeing.anonymity import (
    MIN_DIFFERENT_ANSWERS,
    MIN_GROUP_SIZE,
    answer_counts,
    answers_differ_enough,
    average,
    closed_months,
    comparable_pairs,
    group_figures,
    shares,
    too_close,
)


def answers(*happiness, workload=(1, 2, 3, 4, 5), balance=(1, 2, 3, 4, 5)):
    """One (happiness, workload, balance) per person; workload and balance cycle
    through varied answers unless given."""
    return [
        (value, workload[index % len(workload)], balance[index % len(balance)])
        for index, value in enumerate(happiness)
    ]


def test_the_thresholds_are_five_people_and_two_different_answers():
    assert (MIN_GROUP_SIZE, MIN_DIFFERENT_ANSWERS) == (5, 2)


def test_four_people_publish_nothing_and_five_do():
    assert group_figures(answers=answers(1, 2, 3, 4), members=4) is None
    figures = group_figures(answers=answers(1, 1, 2, 3, 3), members=5)
    assert figures.people == 5
    assert figures.average_happiness == Decimal("2.0")


def test_it_counts_each_answer_on_the_scale():
    assert answer_counts([3, 3, 5, 1]) == (1, 0, 2, 0, 1)


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ((0, 0, 5, 0, 0), False),  # everyone said the same
        ((0, 0, 4, 1, 0), False),  # all but one: withheld too, so withheld ≠ unanimous
        ((0, 0, 3, 1, 1), True),
        ((0, 0, 6, 2, 0), True),
        ((0, 0, 0, 0, 0), False),
    ],
)
def test_a_measure_needs_two_people_off_the_most_common_answer(counts, shown):
    assert answers_differ_enough(counts) is shown


def test_uniform_answers_show_no_average_and_no_split():
    figures = group_figures(answers=[(3, 3, 3)] * 5, members=7)
    assert figures.people == 5
    assert (figures.average_happiness, figures.average_balance, figures.workload_shares) == (
        None,
        None,
        None,
    )


def test_each_measure_is_judged_on_its_own():
    figures = group_figures(
        answers=answers(1, 2, 3, 4, 5, workload=(4,), balance=(2, 2, 2, 2, 5)), members=5
    )
    assert figures.average_happiness == Decimal("3.0")
    assert figures.workload_shares is None
    assert figures.average_balance is None


def test_averages_round_half_up_to_one_decimal():
    assert average((0, 3, 1, 0, 0)) == Decimal("2.3")  # 9 / 4 = 2.25
    assert average((1, 1, 1, 1, 1)) == Decimal("3.0")
    assert shares((1, 0, 3, 0, 1)) == (20, 0, 60, 0, 20)


def test_checked_in_is_a_share_of_the_members_never_above_all():
    assert group_figures(answers=answers(1, 2, 3, 4, 5), members=7).checked_in_percent == 71
    # People who moved out or left after checking in still count in their month.
    assert group_figures(answers=answers(1, 2, 3, 4, 5), members=3).checked_in_percent == 100
    assert group_figures(answers=answers(1, 2, 3, 4, 5), members=0).checked_in_percent == 100


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC), [dt.date(2026, 2, 1), dt.date(2026, 1, 1)]),
        (
            dt.datetime(2026, 2, 28, 23, 59, tzinfo=dt.UTC),
            [dt.date(2026, 1, 1), dt.date(2025, 12, 1)],
        ),
        # 20:00 in New York on 28 Feb is already March in UTC.
        (
            dt.datetime(2026, 2, 28, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            [dt.date(2026, 2, 1), dt.date(2026, 1, 1)],
        ),
    ],
)
def test_only_months_that_have_ended_are_published(now, expected):
    assert closed_months(now=now, count=2) == expected


def test_two_figures_one_to_four_check_ins_apart_can_be_differenced():
    five = {1, 2, 3, 4, 5}
    assert too_close(five, five | {6})  # the newcomer's answer
    assert too_close(five, five - {5})  # the deleted answer
    assert not too_close(five, five)  # the same figure
    assert not too_close(five, {6, 7, 8, 9, 10})  # another team or month
    assert not too_close(five, five | {6, 7, 8, 9, 10})
    assert comparable_pairs({"a": five, "b": five | {6}, "c": {7, 8, 9, 10, 11}}) == [("a", "b")]
