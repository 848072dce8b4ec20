"""When an indicator's next value is due: its periods per frequency, and the due dates.

An indicator followed up *yearly*, by *tertial* (1 Jan–30 Apr, 1 May–31 Aug,
1 Sep–31 Dec, design §7), *quarterly* or *monthly* has a value per calendar period.
The value for a period is due some weeks after the period has ended, when its figures
exist: by default on the last day of the month after the period (a tertial ending
30 April is due 31 May, a year 31 January), the rhythm of the tertial reports. A
kommune may set another due date (KOSTRA's figures for a year come out on 15 March);
the due date then asks for the latest period that ended before it, and moving on keeps
the same distance after the next period's end (15 March every year).

Everything works on dates; the periods are whole months, so moving on is adding months.
"""

from __future__ import annotations

from datetime import date, timedelta

#: Months per period of each frequency ("" — not followed up — has none).
PERIOD_MONTHS = {"yearly": 12, "tertial": 4, "quarterly": 3, "monthly": 1}
#: How many months after its period a value is due by default (at that month's end).
DUE_MONTHS_AFTER_PERIOD = 1


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """*day* moved by *months*; a month's last day stays the last day (31 May + 4 → 30
    September), another day is kept or cut to the month's length (31 Jan + 1 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _month_end(year, month + 1)
    if day == _month_end(day.year, day.month):
        return last
    return last.replace(day=min(day.day, last.day))


def period_of(frequency: str, day: date) -> tuple[date, date]:
    """The (first, last) day of the period of *frequency* that holds *day*."""
    months = PERIOD_MONTHS[frequency]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return start, _month_end(day.year, first_month + months - 1)


def default_due_on(frequency: str, period_end: date) -> date:
    """When the value for the period ending on *period_end* is due by default."""
    return add_months(_month_end(period_end.year, period_end.month), DUE_MONTHS_AFTER_PERIOD)


def due_period(frequency: str, due_on: date) -> tuple[date, date]:
    """The period a value due on *due_on* is for: the latest one ended before that day."""
    return period_of(frequency, period_of(frequency, due_on)[0] - timedelta(days=1))


def first_due_on(frequency: str, today: date) -> date:
    """The first due date of an indicator starting to be followed up on *today*: the one
    of the latest period ended before today if that value is not yet due, else of the
    current period."""
    previous = default_due_on(frequency, due_period(frequency, today)[1])
    if previous >= today:
        return previous
    return default_due_on(frequency, period_of(frequency, today)[1])


def next_due_on(frequency: str, due_on: date) -> date:
    """The due date after *due_on*: one period later, the same distance after its end."""
    return add_months(due_on, PERIOD_MONTHS[frequency])


def due_after_value(frequency: str, due_on: date, period_end: date) -> date:
    """The due date once a value for the period ending *period_end* is recorded: moved on
    past every due period the value covers (a value for a period before the one due
    moves nothing; one for a later period catches up)."""
    # Bounded: the sane range of dates holds a few thousand monthly periods at most.
    for _step in range(10_000):
        start, _end = due_period(frequency, due_on)
        if period_end < start:
            break
        due_on = next_due_on(frequency, due_on)
    return due_on
