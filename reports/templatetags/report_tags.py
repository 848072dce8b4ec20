"""Template filters for the report pages."""

from __future__ import annotations

from typing import Any

from django import template

from planportal import formatting
from planportal.templatetags import formatting as formatting_tags

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: Any) -> Any:
    """``{{ labels|get:row.status }}``: a value from a dict by a variable key."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key


@register.filter
def markers_of(interpretations: Any, obj: Any) -> list[Any]:
    """``{{ interpretations|markers_of:node.goal }}``: the "tolket" markers on the plan, a
    focus area, goal, indicator or action row (``reports.interpretations``);
    none where the page shows no markers."""
    return interpretations.of(obj) if interpretations else []


# The report templates' names for the shared number formats; Python callers import
# planportal.formatting (these two names stay for code that imported them from here).
number, percent = formatting.number, formatting.percent
register.filter("percent", formatting_tags.percent)
register.filter("number", formatting_tags.number)


@register.filter
def cssstring(value: Any) -> str:
    """Text for a CSS string literal (``content: "…"``): quotes, backslashes and ``<`` escaped."""
    from django.utils.safestring import mark_safe

    text = " ".join(str(value).split())
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>' else char for char in text
    )
    return mark_safe(escaped)  # noqa: S308 - every special character is escaped above
