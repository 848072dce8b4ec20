"""Filter types shared by the FilterSets."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import django_filters as filters
from django_filters.fields import IsoDateTimeField

#: Real-world UTC offsets lie within ±14:00; PostgreSQL refuses anything beyond ±15:59.
MAX_OFFSET = timedelta(hours=14)


class RealOffsetIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time whose time-zone offset exists on Earth."""

    def strptime(self, value: Any, format: str) -> datetime:
        parsed = super().strptime(value, format)
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > MAX_OFFSET:
            # ValueError makes the form field report "Enter a valid date/time." (400).
            raise ValueError("time zone offset out of range")
        return parsed


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    """``IsoDateTimeFilter`` that answers 400, not 500, for an impossible offset."""

    field_class = RealOffsetIsoDateTimeField
