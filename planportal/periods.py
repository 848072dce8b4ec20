"""Report periods: months, tertials (1 Jan–30 Apr, 1 May–31 Aug, 1 Sep–31 Dec) and years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from planportal.dates import MAX_YEAR, MIN_YEAR

MONTHLY, TERTIAL, YEARLY = "monthly", "tertial", "yearly"

# Tertial n runs from month TERTIAL_START[n] to the month before the next one.
_TERTIAL_START = {1: 1, 2: 5, 3: 9}


@dataclass(frozen=True)
class Period:
    """One reporting period: a stable key ("2025-T2"), its dates and a label."""

    frequency: str
    key: str
    start: date
    end: date

    @property
    def label(self) -> str:
        """Bokmål-first label such as "2. tertial 2025" (translated when active)."""
        if self.frequency == TERTIAL:
            return _("%(n)s. tertial %(year)s") % {"n": self.key[-1], "year": self.start.year}
        if self.frequency == MONTHLY:
            return f"{_month_name(self.start.month)} {self.start.year}"
        return _("Year %(year)s") % {"year": self.start.year}

    def previous(self) -> Period:
        """The period just before this one."""
        return period_containing(self.frequency, self.start - timedelta(days=1))


def _month_name(month: int) -> str:
    names = [
        _("January"), _("February"), _("March"), _("April"), _("May"), _("June"),
        _("July"), _("August"), _("September"), _("October"), _("November"), _("December"),
    ]
    return names[month - 1]


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def period_containing(frequency: str, day: date) -> Period:
    """The period of *frequency* that contains *day*."""
    if frequency == MONTHLY:
        return Period(MONTHLY, f"{day.year}-{day.month:02d}", day.replace(day=1),
                      _month_end(day.year, day.month))
    if frequency == TERTIAL:
        number = 1 if day.month <= 4 else 2 if day.month <= 8 else 3
        start = date(day.year, _TERTIAL_START[number], 1)
        end = _month_end(day.year, _TERTIAL_START[number] + 3)
        return Period(TERTIAL, f"{day.year}-T{number}", start, end)
    if frequency == YEARLY:
        return Period(YEARLY, str(day.year), date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"Unknown report frequency {frequency!r}.")


def last_ended(frequency: str, today: date) -> Period:
    """The latest period of *frequency* that ended before *today*.

    The sweep sends this one: on 1 May the first tertial (ended 30 April) is due, and a
    sweep missed for days still finds the same period, so it catches up by construction.
    """
    return period_containing(frequency, today).previous()


_KEY_FORMATS = {
    TERTIAL: (re.compile(r"(\d{4})-T([123])"), "2025-T2"),
    MONTHLY: (re.compile(r"(\d{4})-(0?[1-9]|1[0-2])"), "2025-05"),
    YEARLY: (re.compile(r"(\d{4})"), "2025"),
}


def parse_period_key(frequency: str, key: str) -> Period:
    """Period from its key ("2025-T2", "2025-05", "2025"); ValueError says what is wrong.

    The format is checked before any number is read (a key of twenty digits would
    overflow ``date``), and the year must lie in the sane range of :mod:`planportal.dates`.
    """
    if frequency not in _KEY_FORMATS:
        raise ValueError(_("Unknown kind of period."))
    pattern, example = _KEY_FORMATS[frequency]
    match = pattern.fullmatch(key.strip()) if isinstance(key, str) else None
    if match is None:
        raise ValueError(_("%(key)s is not a valid period: write it as %(example)s.")
                         % {"key": key, "example": example})
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_("The year must be between %(min)s and %(max)s.")
                         % {"min": MIN_YEAR, "max": MAX_YEAR})
    if frequency == TERTIAL:
        return period_containing(TERTIAL, date(year, _TERTIAL_START[int(match.group(2))], 1))
    if frequency == MONTHLY:
        return period_containing(MONTHLY, date(year, int(match.group(2)), 1))
    return period_containing(YEARLY, date(year, 1, 1))
