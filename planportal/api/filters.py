"""Filter types shared by the FilterSets."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField
from django_filters.filters import QuerySetRequestMixin
from drf_spectacular.drainage import set_override

from planportal.dates import validate_sane_date

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
        # Before the database turns it into UTC: year 1 at +01:00 would overflow.
        validate_sane_date(result)
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
        # An integer in the schema (drf-spectacular types NumberFilter as "number", and a
        # method filter as nothing at all), with the bounds the form field enforces.
        schema: dict[str, Any] = {
            "type": "integer", "format": "int64",
            "minimum": self.extra["min_value"], "maximum": self.extra.get("max_value", MAX_ID),
        }
        if self.label is not None:
            schema["description"] = self.label
        set_override(self, "field", schema)


class RawValueNullBooleanSelect(forms.NullBooleanSelect):
    """Hands the field the value as sent: Django's select turns anything unknown into None,
    which would make ``?overdue=perhaps`` mean "no filter"."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class StrictNullBooleanField(forms.NullBooleanField):
    """``true``/``false`` (or ``True``/``False``/``1``/``0``, as HTML forms send them), or
    empty for "no filter"; anything else is a 400, as the schema's boolean says."""

    widget = RawValueNullBooleanSelect

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        result = super().to_python(value)
        if result is None:
            raise ValidationError(_("Enter true or false."), code="invalid")
        return result


class BooleanFilter(filters.BooleanFilter):
    """A yes/no filter that refuses what is neither (django-filter ignores it)."""

    field_class = StrictNullBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A boolean in the schema even for a method filter ("bool | None" reads as text).
        schema: dict[str, Any] = {"type": "boolean"}
        if self.label is not None:
            schema["description"] = self.label
        set_override(self, "field", schema)


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet, with its form class built once per FilterSet class.

    django-filter deep-copies every filter, builds a field per filter and creates a new
    form class on each request, for the same result each time: about 6 % of the action
    list request's CPU (``python -m bench filters``). Here each request gets shallow
    copies of the filters (bound to it as their ``parent``) and an instance of one
    shared form class. A filter whose field depends on the request (a queryset chosen
    per user) keeps django-filter's way. Because this replaces django-filter's
    constructor, django-filter is pinned to the tested minor release, and
    tests/api/test_filterset_cache_agrees.py holds the behaviour equal to the stock one.
    """

    # Filters generated from Meta.fields (is_public) use the strict yes/no filter too.
    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": BooleanFilter},
    }

    def __init__(self, data: QueryDict | None = None, queryset: QuerySet | None = None, *,
                 request: HttpRequest | None = None, prefix: str | None = None) -> None:
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self
            if filter_.method is not None:
                filter_.method = filter_.method  # rebinds its FilterMethod to this copy

    def get_form_class(self) -> type[forms.Form]:
        cls = type(self)
        form_class = cls.__dict__.get("_shared_form_class")
        if form_class is None:
            if any(isinstance(f, QuerySetRequestMixin) for f in cls.base_filters.values()):
                return super().get_form_class()
            # Built from the class's own filters, whose fields the copies then share.
            fields = {name: filter_.field for name, filter_ in cls.base_filters.items()}
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            cls._shared_form_class = form_class
        return form_class
