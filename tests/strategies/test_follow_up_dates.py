"""strategies.follow_up: the periods of each frequency and when their values are due."""

from datetime import date

import pytest

from strategies.follow_up import (
    add_months,
    default_due_on,
    due_after_value,
    due_period,
    first_due_on,
    next_due_on,
    period_of,
)


@pytest.mark.parametrize(("day", "period"), [
    (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 4, 30))),
    (date(2026, 4, 30), (date(2026, 1, 1), date(2026, 4, 30))),
    (date(2026, 5, 1), (date(2026, 5, 1), date(2026, 8, 31))),
    (date(2026, 12, 31), (date(2026, 9, 1), date(2026, 12, 31))),
])
def test_tertials_run_from_january_may_and_september_as_the_design_says(day, period):
    assert period_of("tertial", day) == period


def test_quarters_months_and_years_are_calendar_periods():
    assert period_of("quarterly", date(2026, 5, 15)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert period_of("monthly", date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert period_of("yearly", date(2026, 7, 1)) == (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(("frequency", "period_end", "due"), [
    ("tertial", date(2026, 4, 30), date(2026, 5, 31)),
    ("tertial", date(2026, 8, 31), date(2026, 9, 30)),
    ("tertial", date(2026, 12, 31), date(2027, 1, 31)),
    ("quarterly", date(2026, 3, 31), date(2026, 4, 30)),
    ("monthly", date(2027, 1, 31), date(2027, 2, 28)),
    ("yearly", date(2025, 12, 31), date(2026, 1, 31)),
])
def test_a_value_is_due_at_the_end_of_the_month_after_its_period(frequency, period_end, due):
    assert default_due_on(frequency, period_end) == due
    assert due_period(frequency, due)[1] == period_end


def test_a_due_date_of_the_kommunes_own_asks_for_the_latest_period_ended_before_it():
    # KOSTRA's figures for a year come out on 15 March.
    assert due_period("yearly", date(2026, 3, 15)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert next_due_on("yearly", date(2026, 3, 15)) == date(2027, 3, 15)


def test_moving_on_keeps_a_month_end_a_month_end():
    assert next_due_on("tertial", date(2026, 5, 31)) == date(2026, 9, 30)
    assert next_due_on("tertial", date(2026, 9, 30)) == date(2027, 1, 31)
    assert next_due_on("monthly", date(2027, 1, 31)) == date(2027, 2, 28)
    assert add_months(date(2027, 1, 30), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 2, 15), 12) == date(2028, 2, 15)


def test_a_value_for_the_period_due_moves_the_date_one_period_on():
    assert due_after_value("tertial", date(2026, 5, 31), date(2026, 4, 30)) == date(2026, 9, 30)


def test_a_value_for_an_earlier_period_moves_nothing():
    assert due_after_value("tertial", date(2026, 5, 31), date(2025, 12, 31)) == date(2026, 5, 31)


def test_a_value_for_a_later_period_catches_up_past_every_period_it_covers():
    # Due 30 April for the first quarter; a value for the third covers the first three.
    assert due_after_value("quarterly", date(2026, 4, 30), date(2026, 9, 30)) == date(
        2027, 1, 31)


def test_following_up_from_today_starts_with_the_value_not_yet_due():
    # On 10 May the first tertial's value (due 31 May) is still to come.
    assert first_due_on("tertial", date(2026, 5, 10)) == date(2026, 5, 31)
    # On 15 June it is past: the second tertial's, due 30 September, comes next.
    assert first_due_on("tertial", date(2026, 6, 15)) == date(2026, 9, 30)
    assert first_due_on("yearly", date(2026, 6, 15)) == date(2027, 1, 31)
