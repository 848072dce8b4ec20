"""Dates and numbers as Planportal writes them, in the active language, in every medium.

Two dates: :func:`table_date` ("30.06.2027", a table cell or a compact label) and
:func:`text_date` ("30. juni 2027", a sentence or a list of facts). Numbers: a decimal
comma in Bokmål and Nynorsk, a no-break space before "%" and between thousands, a
percentage as "33,3 %" and a change of a percentage in percentage points ("+1,3 pp"),
never "+1.3". The formats themselves are Django's format modules in
``planportal/formats``; the template filters of the same names are in
``planportal.templatetags.formatting``. The web pages, e-mails, PDF, Word, Excel, the
charts and the calendar feeds all use these, so no medium has a form of its own.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, get_format, number_format
from django.utils.functional import keep_lazy_text
from django.utils.text import capfirst
from django.utils.translation import pgettext

NBSP = "\xa0"
MINUS = "\u2212"  # the minus sign of a signed change: "−3", as "+3"
DASH = "–"  # what a missing number shows

Number = int | float | Decimal


def _moment(value: Any) -> date | str | None:
    """*value* as a date or a local datetime; an ISO string is parsed (report data keeps
    them as text), a malformed one comes back as it is, so old data never stops a page."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = (datetime.fromisoformat(value) if len(value) > 10
                     else date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    if isinstance(value, date):
        return value
    return str(value)


# Django date format characters with a fixed-width strftime twin (no names, no locale).
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "H": "%H", "i": "%M"}


@lru_cache(maxsize=16)
def _strftime(django_format: str) -> str | None:
    """The strftime equivalent of a numeric Django format, or None when there is none."""
    if any(char.isalpha() and char not in _STRFTIME for char in django_format) or (
            "%" in django_format or "\\" in django_format):
        return None
    return "".join(_STRFTIME.get(char, char) for char in django_format)


def _formatted(value: Any, format_name: str, with_time: bool) -> str:
    moment = _moment(value)
    if moment is None:
        return ""
    if isinstance(moment, str):
        return moment
    if not with_time and isinstance(moment, datetime):
        moment = moment.date()
    django_format = get_format(format_name)
    fast = _strftime(django_format)
    # strftime is ten times cheaper than a Django format: a PDF has 5,000 table dates.
    if fast is not None and moment.year >= 1000:
        return moment.strftime(fast)
    return date_format(moment, format_name)


def table_date(value: Any) -> str:
    """A date for a table cell or a compact label: "30.06.2027" (en: "2027-06-30").

    Takes a date, a datetime (its local date) or an ISO string; "" when there is none."""
    return _formatted(value, "SHORT_DATE_FORMAT", with_time=False)


def text_date(value: Any) -> str:
    """A date in running text: "30. juni 2027" (en: "30 June 2027"); "" when there is none."""
    return _formatted(value, "DATE_FORMAT", with_time=False)


def table_datetime(value: Any) -> str:
    """A moment for a table cell: "30.06.2027 14:30" (en: "2027-06-30 14:30"), local time."""
    return _formatted(value, "SHORT_DATETIME_FORMAT", with_time=True)


def text_datetime(value: Any) -> str:
    """A moment in running text: "30. juni 2027 kl. 14:30" (en: "30 June 2027, 14:30")."""
    return _formatted(value, "DATETIME_FORMAT", with_time=True)


def number(value: Number | None) -> str:
    """A measured value: grouped thousands, the locale's decimal mark, at most two
    decimals and no trailing zeros ("1 234,5"); a dash when there is none."""
    if value is None or value == "":
        return DASH
    if isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    rounded = round(float(value), 2)
    if rounded.is_integer():  # 12.0, and 12.001 (two decimals show no more)
        return number_format(int(rounded), 0, force_grouping=True)
    return number_format(value, 2, force_grouping=True).rstrip("0")


def decimal(value: Number | None, places: int = 1) -> str:
    """*value* with exactly *places* decimals and grouped thousands ("1 234,5")."""
    if value is None:
        return DASH
    return number_format(value, places, force_grouping=True)


def percent(value: Number | None, places: int = 1) -> str:
    """A percentage: "33,3 %" (en: "33.3 %"), the "%" never on a line of its own."""
    if value is None:
        return DASH
    if isinstance(value, int) and not places:  # a tiltak's progress, 5,000 rows a PDF
        return f"{value}{NBSP}%"
    return f"{number_format(value, places)}{NBSP}%"


def _signed(value: Number, text: str) -> str:
    if text.strip("0,. ") == "":  # rounds to zero: no sign
        return text
    return ("+" if value > 0 else MINUS) + text


def change(value: Number | None) -> str:
    """A change of a count or a measured value, always signed: "+3", "−2", "0", "+1,5"."""
    if value is None:
        return DASH
    return _signed(value, number(abs(value)))


def pp_change(value: Number | None, places: int = 1) -> str:
    """A change of a percentage, in percentage points: "+1,3 pp" (en: "+1.3 pp")."""
    if value is None:
        return DASH
    shown = _signed(value, number_format(abs(round(value, places)), places))
    return f"{shown}{NBSP}{pgettext('abbreviation of percentage points', 'pp')}"


@keep_lazy_text
def tag_label(text: Any) -> str:
    """A status, risk or state as a tag or a table value: sentence case ("Ikke startet",
    "Pågår"), whichever case the label has in the catalogue. Lazy in, lazy out, so a
    form's choices can use it at import time."""
    return capfirst(str(text)) if text else ""


# Django date characters → Excel number-format codes ("." "-" ":" " " are literal).
_EXCEL = {"d": "dd", "j": "d", "m": "mm", "n": "m", "Y": "yyyy", "y": "yy",
          "H": "hh", "G": "h", "i": "mm"}


def excel_date_format(with_time: bool = False) -> str:
    """The table date as an Excel number format ("dd.mm.yyyy"; en: "yyyy-mm-dd"), so a
    date cell stays a date a secretary can sort and shows as the tables do."""
    django_format = get_format("SHORT_DATETIME_FORMAT" if with_time else "SHORT_DATE_FORMAT")
    return "".join(_EXCEL.get(char, char) for char in django_format)
