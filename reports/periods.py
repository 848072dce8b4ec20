"""Report periods: months, tertials (1 Jan–30 Apr, 1 May–31 Aug, 1 Sep–31 Dec) and years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

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


def parse_period_key(frequency: str, key: str) -> Period:
    """Period from its key ("2025-T2", "2025-05", "2025"); ValueError names what is wrong."""
    try:
        if frequency == TERTIAL:
            year, tertial = key.split("-T")
            return period_containing(TERTIAL, date(int(year), _TERTIAL_START[int(tertial)], 1))
        if frequency == MONTHLY:
            year, month = key.split("-")
            return period_containing(MONTHLY, date(int(year), int(month), 1))
        if frequency == YEARLY:
            return period_containing(YEARLY, date(int(key), 1, 1))
    except (ValueError, KeyError):
        pass
    raise ValueError(f"{key!r} is not a {frequency} period.")
