"""Report periods: months, tertials ending 30 April, 31 August and 31 December, years."""

from datetime import date

import pytest

from planportal.periods import last_ended, parse_period_key, period_containing


@pytest.mark.parametrize(
    ("today", "key", "start", "end"),
    [
        (date(2026, 5, 1), "2026-T1", date(2026, 1, 1), date(2026, 4, 30)),
        (date(2026, 4, 30), "2025-T3", date(2025, 9, 1), date(2025, 12, 31)),
        (date(2026, 9, 1), "2026-T2", date(2026, 5, 1), date(2026, 8, 31)),
        (date(2027, 1, 1), "2026-T3", date(2026, 9, 1), date(2026, 12, 31)),
    ],
)
def test_the_tertial_due_is_the_last_one_that_ended(today, key, start, end) -> None:
    period = last_ended("tertial", today)
    assert (period.key, period.start, period.end) == (key, start, end)


def test_months_and_years() -> None:
    assert last_ended("monthly", date(2026, 3, 1)).end == date(2026, 2, 28)
    assert last_ended("monthly", date(2024, 3, 15)).end == date(2024, 2, 29)
    assert last_ended("monthly", date(2026, 1, 5)).key == "2025-12"
    assert last_ended("yearly", date(2026, 6, 1)).key == "2025"


def test_labels_are_bokmal() -> None:
    assert period_containing("tertial", date(2025, 6, 1)).label == "2. tertial 2025"
    assert period_containing("monthly", date(2025, 5, 1)).label == "mai 2025"


def test_period_keys_round_trip_and_bad_keys_are_refused() -> None:
    for frequency, key in (("tertial", "2025-T3"), ("monthly", "2025-11"), ("yearly", "2024")):
        assert parse_period_key(frequency, key).key == key
    with pytest.raises(ValueError, match="2025-T4"):
        parse_period_key("tertial", "2025-T4")
    with pytest.raises(ValueError):
        parse_period_key("monthly", "2025-13")
