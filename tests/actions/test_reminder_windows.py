"""Reminder date arithmetic: windows, weekly overdue repeats, staleness, month ends, DST."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.reminders import windows

WINDOWS = [30, 14, 3, 0]


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(31, None), (30, 30), (29, 30), (15, 30), (14, 14), (4, 14), (3, 3), (1, 3), (0, 0),
     (-1, None)],
)
def test_the_latest_reached_window_is_the_smallest_window_not_below_the_days_left(
    days_left, expected
):
    today = date(2026, 6, 15)
    assert windows.latest_window(today + timedelta(days=days_left), today, WINDOWS) == expected


@pytest.mark.parametrize(
    ("due", "today", "window"),
    [
        # Month ends: 30 days before 31 March is 1 March (28 days in February 2026).
        (date(2026, 3, 31), date(2026, 3, 1), 30),
        (date(2026, 3, 31), date(2026, 2, 28), None),
        # Leap year: 29 February exists in 2028.
        (date(2028, 3, 1), date(2028, 1, 31), 30),
        (date(2028, 3, 14), date(2028, 2, 29), 14),
        # 31 → 30-day months and the year end.
        (date(2026, 5, 1), date(2026, 4, 28), 3),
        (date(2027, 1, 2), date(2026, 12, 30), 3),
        (date(2026, 12, 31), date(2026, 12, 31), 0),
    ],
)
def test_windows_count_calendar_days_across_month_and_year_ends(due, today, window):
    assert windows.latest_window(due, today, WINDOWS) == window


@given(
    due=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    start_offset=st.integers(min_value=0, max_value=60),
)
def test_sweeping_every_day_selects_each_window_exactly_once(due, start_offset):
    """Walking day by day (through any DST change or month end), each window's key
    appears on exactly one first day, and every window is reached."""
    first_seen: dict[str, date] = {}
    day = due - timedelta(days=max(WINDOWS) + start_offset)
    while day <= due:
        window = windows.latest_window(due, day, WINDOWS)
        if window is not None:
            first_seen.setdefault(windows.deadline_key(due, window), day)
        day += timedelta(days=1)
    assert set(first_seen) == {windows.deadline_key(due, w) for w in WINDOWS}
    assert first_seen[windows.deadline_key(due, 0)] == due
    assert first_seen[windows.deadline_key(due, 30)] == due - timedelta(days=30)


def test_an_overdue_action_is_repeated_every_seven_days_from_the_day_after_the_deadline():
    due = date(2026, 3, 27)  # the Friday before summer time starts in Oslo
    keys = {}
    for offset in range(0, 30):
        repeat = windows.overdue_repeat(due, due + timedelta(days=offset))
        if repeat is not None:
            keys.setdefault(repeat, due + timedelta(days=offset))
    assert windows.overdue_repeat(due, due) is None
    assert keys == {0: date(2026, 3, 28), 1: date(2026, 4, 4), 2: date(2026, 4, 11),
                    3: date(2026, 4, 18), 4: date(2026, 4, 25)}


def test_a_status_is_stale_after_whole_periods_without_update():
    last = date(2026, 1, 31)
    # 31 January + 60 days is 1 April (28 days in February 2026).
    assert windows.stale_period(last, date(2026, 3, 31), 60) is None
    assert windows.stale_period(last, date(2026, 4, 1), 60) == 1
    assert windows.stale_period(last, date(2026, 3, 31), 59) == 1
    assert windows.stale_period(last, last + timedelta(days=60), 60) == 1
    assert windows.stale_period(last, last + timedelta(days=125), 60) == 2


@pytest.mark.parametrize(
    ("utc", "oslo_day", "oslo_hour"),
    [
        # Summer time starts 29 March 2026 at 01:00 UTC (02:00 → 03:00 in Oslo).
        (datetime(2026, 3, 28, 22, 59, tzinfo=UTC), date(2026, 3, 28), 23),
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), date(2026, 3, 29), 0),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), date(2026, 3, 29), 3),
        # Winter time starts 25 October 2026 at 01:00 UTC (03:00 → 02:00 in Oslo).
        (datetime(2026, 10, 24, 21, 59, tzinfo=UTC), date(2026, 10, 24), 23),
        (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), date(2026, 10, 25), 0),
        (datetime(2026, 10, 25, 22, 59, tzinfo=UTC), date(2026, 10, 25), 23),
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 26), 0),
    ],
)
def test_the_reminder_day_and_hour_are_oslo_local_across_dst_changes(utc, oslo_day, oslo_hour):
    assert windows.oslo_date(utc) == oslo_day
    assert windows.oslo_hour(utc) == oslo_hour


def test_the_week_starts_on_monday():
    assert windows.week_start(date(2026, 6, 21)) == date(2026, 6, 15)
    assert windows.week_start(date(2026, 6, 15)) == date(2026, 6, 15)
    assert windows.week_start(date(2027, 1, 1)) == date(2026, 12, 28)
