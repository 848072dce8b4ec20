"""Template filters for action pages."""

from __future__ import annotations

from django import template

from actions.models import StatusUpdate

register = template.Library()


@register.filter
def risk_label(value: str | None) -> str:
    """The translated label of a risk value (annotations carry only the raw value)."""
    if not value:
        return ""
    return str(StatusUpdate.Risk(value).label)
