"""Template filters for dates and numbers: the functions of :mod:`planportal.formatting`.

``{% load formatting %}``, then ``{{ action.due_date|table_date }}`` in a table cell,
``{{ round.deadline|text_date }}`` in a sentence, ``{{ share|percent }}``,
``{{ change|pp_change }}`` for a change of a percentage and ``{{ label|tag_label }}``
for a status tag.
"""

from __future__ import annotations

from typing import Any

from django import template

from planportal import formatting

register = template.Library()


@register.filter(expects_localtime=True)
def table_date(value: Any) -> str:
    """"30.06.2027": a date in a table cell or a compact label."""
    return formatting.table_date(value)


@register.filter(expects_localtime=True)
def text_date(value: Any) -> str:
    """"30. juni 2027": a date in running text."""
    return formatting.text_date(value)


@register.filter(expects_localtime=True)
def table_datetime(value: Any) -> str:
    """"30.06.2027 14:30": a moment in a table cell."""
    return formatting.table_datetime(value)


@register.filter(expects_localtime=True)
def text_datetime(value: Any) -> str:
    """"30. juni 2027 kl. 14:30": a moment in running text."""
    return formatting.text_datetime(value)


@register.filter
def number(value: Any) -> str:
    """"1 234,5": a measured value; a dash when missing."""
    return formatting.number(value)


@register.filter
def percent(value: Any, places: Any = 1) -> str:
    """"33,3 %" (``|percent:0`` for "40 %"); a dash when there is nothing to divide."""
    return formatting.percent(value, int(places))


@register.filter
def change(value: Any) -> str:
    """"+3", "−2": a signed change of a count."""
    return formatting.change(value)


@register.filter
def pp_change(value: Any, places: Any = 1) -> str:
    """"+1,3 pp": a change of a percentage, in percentage points."""
    return formatting.pp_change(value, int(places))


@register.filter
def tag_label(value: Any) -> str:
    """"Pågår": a status, risk or state label in sentence case, the one form of a tag."""
    return formatting.tag_label(value)
