"""Filter types shared by the FilterSets."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField

#: The largest id PostgreSQL's bigint and SQLite's INTEGER can hold.
MAX_ID = 2**63 - 1
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


class IdFilter(filters.NumberFilter):
    """A whole number that fits an id column: anything else is a 400, never a 500.

    django-filter's ``NumberFilter`` takes any decimal up to 1e50, which overflows the
    database's integer (found by schemathesis: ``?focus_area=-6.5e276``).
    """

    field_class = forms.IntegerField

    def get_max_validator(self) -> MaxValueValidator:
        return MaxValueValidator(MAX_ID)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -MAX_ID)
        super().__init__(*args, **kwargs)
