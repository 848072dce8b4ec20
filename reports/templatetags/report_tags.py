"""Template filters for the report pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: Any) -> Any:
    """``{{ labels|get:row.status }}``: a value from a dict by a variable key."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key


@register.filter
def percent(value: float | None) -> str:
    """33.3 → "33,3 %" in Bokmål; a dash when there is nothing to divide."""
    if value is None:
        return "–"
    return f"{number_format(value, 1)} %"


@register.filter
def number(value: float | int | None) -> str:
    """A measured value with the locale's decimal mark; a dash when missing."""
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return number_format(int(value), 0, force_grouping=True)
    return number_format(value, 2, force_grouping=True).rstrip("0")


@register.filter
def cssstring(value: Any) -> str:
    """Text for a CSS string literal (``content: "…"``): quotes, backslashes and ``<`` escaped."""
    from django.utils.safestring import mark_safe

    text = " ".join(str(value).split())
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>' else char for char in text
    )
    return mark_safe(escaped)  # noqa: S308 - every special character is escaped above
