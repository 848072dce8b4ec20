"""Filter types shared by the FilterSets."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import django_filters as filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField

#: Real-world UTC offsets lie within ±14:00; PostgreSQL refuses anything beyond ±15:59.
MAX_OFFSET = timedelta(hours=14)


class RealOffsetIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time whose time-zone offset exists on Earth."""

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        offset = result.utcoffset() if result is not None else None
        if offset is not None and abs(offset) > MAX_OFFSET:
            raise ValidationError(
                _("Enter a time zone offset between -14:00 and +14:00."), code="invalid"
            )
        return result


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    """``IsoDateTimeFilter`` that answers 400, not 500, for an impossible offset."""

    field_class = RealOffsetIsoDateTimeField
