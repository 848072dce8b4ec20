"""Date arithmetic for reminders, in calendar days of Europe/Oslo.

Everything works on dates, never on times, so month ends and daylight-saving changes
need no special cases; the sweep turns "now" into an Oslo date once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def oslo_date(moment: datetime) -> date:
    """The calendar date in Oslo at *moment* (an aware datetime)."""
    return moment.astimezone(OSLO).date()


def oslo_hour(moment: datetime) -> int:
    """The hour of the day in Oslo at *moment*."""
    return moment.astimezone(OSLO).hour


def latest_window(due: date, today: date, windows: Sequence[int]) -> int | None:
    """The smallest reminder window already reached on *today*, or None.

    With windows 30/14/3/0 and 10 days left, the 30- and 14-day windows have been
    reached, so the answer is 14. Taking the latest reached window (not "is today exactly
    a window day") is what makes a missed sweep catch up: the next run still finds it.
    """
    days_left = (due - today).days
    if days_left < 0:
        return None
    reached = [window for window in windows if window >= days_left]
    return min(reached) if reached else None


def overdue_repeat(due: date, today: date) -> int | None:
    """Which weekly repeat of an overdue action is due on *today* (0 = first), or None.

    The first reminder goes out the day after the deadline, then every seven days.
    """
    days_late = (today - due).days
    if days_late < 1:
        return None
    return (days_late - 1) // 7


def stale_period(last_update: date, today: date, stale_days: int) -> int | None:
    """How many whole *stale_days* periods have passed without an update, or None."""
    period = (today - last_update).days // stale_days
    return period if period >= 1 else None


def week_start(day: date) -> date:
    """The Monday of *day*'s ISO week."""
    return day - timedelta(days=day.isoweekday() - 1)


def deadline_key(due: date, window: int) -> str:
    return f"{due.isoformat()}/w{window}"


def overdue_key(due: date, repeat: int) -> str:
    return f"{due.isoformat()}/o{repeat}"


def stale_key(last_update: date, period: int) -> str:
    return f"{last_update.isoformat()}/s{period}"


def latest_return_window(deadline: date, today: date, windows: Sequence[int],
                         opened: date) -> int | None:
    """The reporting round's latest reached reminder window (0 = the deadline day), or None.

    Windows already reached on the day the round *opened* are skipped: the request to
    report names the deadline itself, so "report due in 30 days" the same morning would
    only repeat it. Like :func:`latest_window`, a missed sweep still catches up.
    """
    days_at_opening = (deadline - opened).days
    candidates = [window for window in {*windows, 0} if window < days_at_opening]
    return latest_window(deadline, today, candidates)


def return_key(round_id: int, suffix: str) -> str:
    """``r<round>/req``, ``r<round>/w<days>``, ``r<round>/o<weeks>``, ``r<round>/m``."""
    return f"r{round_id}/{suffix}"


def round_of_key(key: str) -> int | None:
    """The round id in a reporting reminder's key (``r12/w3`` → 12), or None."""
    head, _sep, _rest = key.partition("/")
    if head.startswith("r") and head[1:].isdigit():
        return int(head[1:])
    return None
