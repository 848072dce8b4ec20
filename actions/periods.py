"""The Tid column: keep what the plan wrote, and read dates out of it where that is safe;
and which periods are open-ended (continuous tiltak).

"2024-" (from 2024), "løpende" (ongoing), "2025–2026", "Q3 2025", "høst 2025",
"2. tertial 2025", "31.12.2025" and spreadsheet dates all occur. The text is always
kept as ``period_text``; dates are set only when the text says them unambiguously.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

ONGOING = {
    "løpende", "løpande", "kontinuerlig", "kontinuerleg", "fortløpende", "fortløpande",
    "hele perioden", "heile perioden", "i planperioden", "planperioden", "årlig", "årleg",
    "pågående", "pågåande", "hele planperioden", "heile planperioden",
}
MONTHS = {
    "jan": 1, "januar": 1, "feb": 2, "februar": 2, "mar": 3, "mars": 3, "apr": 4,
    "april": 4, "mai": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10, "nov": 11,
    "november": 11, "des": 12, "desember": 12,
}
SEASONS = {
    "vår": (1, 6), "vår:": (1, 6), "våren": (1, 6), "sommar": (6, 8), "sommer": (6, 8),
    "sommeren": (6, 8), "høst": (8, 12), "haust": (8, 12), "høsten": (8, 12),
    "hausten": (8, 12),
}
TERTIALS = {1: (1, 4), 2: (5, 8), 3: (9, 12)}
DASHES = "-–—−"
YEAR = r"((?:19|20|21)\d\d)"


@dataclass(frozen=True)
class Period:
    """What the Tid text says: the text as written, and dates when they could be read."""

    text: str
    start: date | None = None
    due: date | None = None
    #: True when the text holds something that looks like a time but was not understood
    unread: bool = False


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _span(year: int, first_month: int, last_month: int) -> tuple[date, date]:
    return date(year, first_month, 1), _month_end(year, last_month)


def _parse_date(text: str) -> date | None:
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        year = year + 2000 if year < 100 else year
        try:
            return date(year, month, day)
        except ValueError:
            return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_period(value: object) -> Period:
    """Read a Tid cell (text, or a date/datetime from a spreadsheet)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return Period(text=value.strftime("%d.%m.%Y"), due=value)
    text = " ".join(str(value or "").split())
    if not text:
        return Period(text="")
    lowered = text.lower().rstrip(".")
    for dash in DASHES:
        lowered = lowered.replace(dash, "-")
    lowered = re.sub(r"\s*-\s*", "-", lowered)

    if lowered in ONGOING:
        return Period(text=text)
    # "2024-", "fra 2024", "f.o.m. 2024": started, no deadline.
    match = re.fullmatch(rf"(?:fra|frå|f\.o\.m\.?|fom)?\s*{YEAR}-?", lowered)
    if match and (lowered.endswith("-") or not lowered[:1].isdigit()):
        return Period(text=text, start=date(int(match.group(1)), 1, 1))
    # "2025": during that year.
    match = re.fullmatch(rf"(?:i|innen|innan|innen utgangen av|innan utgangen av)?\s*{YEAR}",
                         lowered)
    if match:
        year = int(match.group(1))
        if lowered.startswith(("innen", "innan")):
            return Period(text=text, due=date(year, 12, 31))
        return Period(text=text, start=date(year, 1, 1), due=date(year, 12, 31))
    # "2025-2026", "2025-26".
    match = re.fullmatch(rf"{YEAR}-(\d{{2}}|{YEAR[1:-1]})", lowered)
    if match:
        first = int(match.group(1))
        last = int(match.group(2))
        last = last + first // 100 * 100 if last < 100 else last
        if last >= first:
            return Period(text=text, start=date(first, 1, 1), due=date(last, 12, 31))
        return Period(text=text, unread=True)
    # "Q3 2025", "K3 2025", "3. kvartal 2025".
    match = re.fullmatch(rf"(?:q|k)([1-4])\s*{YEAR}|([1-4])\.?\s*kvartal\s*{YEAR}", lowered)
    if match:
        quarter = int(match.group(1) or match.group(3))
        year = int(match.group(2) or match.group(4))
        start, due = _span(year, quarter * 3 - 2, quarter * 3)
        return Period(text=text, start=start, due=due)
    # "2. tertial 2025", "T2 2025".
    match = re.fullmatch(rf"t([1-3])\s*{YEAR}|([1-3])\.?\s*tertial\s*{YEAR}", lowered)
    if match:
        tertial = int(match.group(1) or match.group(3))
        year = int(match.group(2) or match.group(4))
        start, due = _span(year, *TERTIALS[tertial])
        return Period(text=text, start=start, due=due)
    # "høst 2025", "våren 2026".
    match = re.fullmatch(rf"(\w+)\s*{YEAR}", lowered)
    if match and match.group(1) in SEASONS:
        start, due = _span(int(match.group(2)), *SEASONS[match.group(1)])
        return Period(text=text, start=start, due=due)
    # "desember 2025", "des. 2025": by the end of that month.
    match = re.fullmatch(rf"([a-zæøå]+)\.?\s*{YEAR}", lowered)
    if match and match.group(1) in MONTHS:
        return Period(text=text, due=_month_end(int(match.group(2)), MONTHS[match.group(1)]))
    # A single date, or a range of two dates.
    single = _parse_date(lowered.removeprefix("innen ").removeprefix("innan ").strip())
    if single:
        return Period(text=text, due=single)
    parts = lowered.split("-")
    if len(parts) == 2:
        first, last = _parse_date(parts[0].strip()), _parse_date(parts[1].strip())
        if first and last and last >= first:
            return Period(text=text, start=first, due=last)
    return Period(text=text, unread=True)


def is_open_ended(text: str) -> bool:
    """True when *text* is a period without an end: "løpende", "2024-", "fra 2025".

    Such a tiltak has no deadline by design (a continuous tiltak), which is not the same
    as a deadline nobody has set.
    """
    period = parse_period(text)
    return bool(period.text) and not period.unread and period.due is None


def tidy(text: object) -> str:
    """A Tid text as it is kept: spaces tidied, nothing else changed."""
    return " ".join(str(text or "").split())


def period_dates(
    text: str,
    *,
    start: date | None,
    due: date | None,
    current_text: str = "",
    current_start: date | None = None,
    current_due: date | None = None,
) -> tuple[date | None, date | None]:
    """The start date and deadline a tiltak gets with the Tid text *text*: the one rule
    of every way in (the assign forms, the API, the admin, the importer).

    A new text (not the tiltak's *current_text*) that can be read gives the dates it
    says, except where a date is given that differs from the tiltak's current one: that
    date wins. So "2025–2026" with the deadline left as it was gives 31.12.2026, and
    "løpende" clears it (the tiltak becomes continuous). The same text again, a blank
    one, or one that cannot be read leaves the dates as given. A new tiltak has no
    current text or dates, so any date given wins.
    """
    text = tidy(text)
    if not text or text == tidy(current_text):
        return start, due
    period = parse_period(text)
    if period.unread:
        return start, due
    if start is None or start == current_start:
        start = period.start
    if due is None or due == current_due:
        due = period.due
    return start, due
