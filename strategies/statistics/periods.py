"""The statistics bank's time codes (the ``Tid`` dimension) as measurement periods.

SSB writes its periods as the PX format's time scales with Norwegian letters: a year
"2024", a half-year "2024H1", a tertial "2024T2", a quarter "2024K3" (K for kvartal)
and a month "2024M09". A measurement is kept by the last day of its period and a label
in the kommune's language ("2. tertial 2024", "3. kvartal 2024", "september 2024").
Weeks ("2024U05") and school years ("2023-2024") are not periods a plan follows up, and
are refused with what is read instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from planportal.dates import MAX_YEAR, MIN_YEAR
from planportal.periods import _month_name

_CODE = re.compile(r"(?P<year>[0-9]{4})(?:(?P<scale>[HTKM])(?P<number>[0-9]{1,2}))?")
#: Time scale → (periods per year, months per period).
_SCALES = {None: (1, 12), "H": (2, 6), "T": (3, 4), "K": (4, 3), "M": (12, 1)}


@dataclass(frozen=True)
class StatisticsPeriod:
    """A period of the statistics bank: its code, last day and label."""

    code: str
    end: date
    label: str


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def statistics_period(code: str) -> StatisticsPeriod:
    """The period *code* names; ValueError says what is wrong (labels in the active
    language, so call it under the kommune's)."""
    match = _CODE.fullmatch(code.strip()) if isinstance(code, str) else None
    scale = match.group("scale") if match else None
    per_year, months = _SCALES.get(scale, (0, 0))
    number = int(match.group("number")) if match and match.group("number") else 1
    if match is None or not 1 <= number <= per_year or (
            scale == "M" and len(match.group("number")) != 2):
        raise ValueError(_("The time code %(code)s is not read: years (2024), half-years "
                           "(2024H1), tertials (2024T2), quarters (2024K3) and months "
                           "(2024M09) are.") % {"code": str(code)[:20]})
    year = int(match.group("year"))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_("The year must be between %(min)s and %(max)s.")
                         % {"min": MIN_YEAR, "max": MAX_YEAR})
    end = _month_end(year, number * months)
    if scale is None:
        label = str(year)
    elif scale == "H":
        label = _("%(n)s. half-year %(year)s") % {"n": number, "year": year}
    elif scale == "T":
        label = _("%(n)s. tertial %(year)s") % {"n": number, "year": year}
    elif scale == "K":
        label = _("%(n)s. quarter %(year)s") % {"n": number, "year": year}
    else:
        label = f"{_month_name(number)} {year}"
    return StatisticsPeriod(code=code.strip(), end=end, label=label)
