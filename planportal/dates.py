"""The one sane range of calendar dates, and the fields and helpers that enforce it.

Python's ``date`` runs from year 1 to 9999, but a date near either end cannot be moved
a day (``date.max + timedelta(days=1)`` overflows), nor turned into a moment in
Europe/Oslo and then UTC, nor written to an Excel sheet. A plan's dates are all within
a few generations of today, so every date a user types (forms, the admin, the API's
bodies and filters, the report parameters) must lie within :data:`MIN_DATE` –
:data:`MAX_DATE`: outside it is a 400 naming the field, never a 500. Code that adds days
to a date that is already stored uses :func:`add_days`, which cannot overflow.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
MIN_YEAR, MAX_YEAR = MIN_DATE.year, MAX_DATE.year


def out_of_range_message() -> str:
    """The message every out-of-range date gets, with the range spelled out."""
    return str(_("Enter a date between %(min)s and %(max)s.") % {
        "min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()})


@deconstructible(path="planportal.dates.SaneDateValidator")
class SaneDateValidator:
    """Refuse a date (or date-time) outside MIN_DATE – MAX_DATE (``code="date_range"``).

    A class rather than a function so migrations can refer to it and model fields, form
    fields and serializer fields all share one instance's behaviour.
    """

    code = "date_range"

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        day = value.date() if isinstance(value, datetime) else value
        if isinstance(day, date) and not MIN_DATE <= day <= MAX_DATE:
            raise ValidationError(out_of_range_message(), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SaneDateValidator)

    def __hash__(self) -> int:
        return hash(SaneDateValidator)


validate_sane_date = SaneDateValidator()


def add_days(day: date, days: int) -> date | None:
    """*day* moved by *days*, or None when that falls outside Python's calendar.

    For dates already stored (an old row may hold 9999-12-31): the caller decides what
    "no such day" means for it, instead of answering 500.
    """
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


class SaneDateFormField(forms.DateField):
    """A form ``DateField`` within the sane range (web forms, report parameters)."""

    default_validators = [validate_sane_date]


class SaneDateFilter(filters.DateFilter):
    """``?due_before=2025-06-30``: a date filter that answers 400 outside the range."""

    field_class = SaneDateFormField


class SaneDateSerializerField(serializers.DateField):
    """A serializer ``DateField`` within the sane range (non-model serializers; a
    ModelSerializer gets the model field's validator by itself)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [validate_sane_date])
        super().__init__(**kwargs)
