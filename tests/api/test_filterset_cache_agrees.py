"""The cached FilterSet (planportal.api.filters) behaves as django-filter's own.

The cache replaces django-filter's constructor and form class (pinned in pyproject.toml
for that reason). For every FilterSet the API uses and many queries, good and bad, the
cached FilterSet and the same class with django-filter's stock constructor and form
class must build the same form fields, report the same errors and filter to the same
query. A django-filter release that changes its constructor shows up here first.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import django_filters
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import EmptyResultSet, ValidationError
from django.http import QueryDict
from django.test.client import RequestFactory
from rest_framework.exceptions import ValidationError as DRFValidationError

from actions.filtersets import ActionFilterSet, StatusUpdateFilterSet
from planportal.api.views import UnitFilterSet
from planportal.audit.api.views import AuditEventFilterSet
from strategies.filtersets import (
    FocusAreaFilterSet,
    GoalFilterSet,
    IndicatorFilterSet,
    MeasurementFilterSet,
    PlanFilterSet,
    SustainableDevelopmentGoalFilterSet,
)

pytestmark = pytest.mark.django_db

FILTERSETS = [ActionFilterSet, StatusUpdateFilterSet, PlanFilterSet, FocusAreaFilterSet,
              GoalFilterSet, IndicatorFilterSet, MeasurementFilterSet, UnitFilterSet,
              SustainableDevelopmentGoalFilterSet, AuditEventFilterSet]
#: Values every filter gets in turn: right for some, wrong for others.
VALUES = ["", "1", "0", "-1", "abc", "me", "true", "false", "perhaps", "2026-01-01",
          "2026-13-01", "2026-01-01T10:00:00+01:00", "2026-01-01T10:00:00+15:00",
          "in_progress", "at_risk", "actions.action", "nope.nope", "1.5", "9" * 30, "æøå"]


def stock(filterset_class: type) -> type:
    """*filterset_class* with django-filter's own constructor and form class."""
    return type(f"Stock{filterset_class.__name__}", (filterset_class,), {
        "__init__": django_filters.FilterSet.__init__,
        "get_form_class": django_filters.FilterSet.get_form_class,
    })


def queries(filterset_class: type) -> list[str]:
    names = list(filterset_class.base_filters)
    single = [f"{name}={value}" for name in names for value in VALUES]
    repeated = [f"{name}=1&{name}=abc" for name in names]
    # Neighbouring filters together, to see them combine.
    pairs = [f"{a}=1&{b}=in_progress" for a, b in pairwise(names)]
    return ["", "unknown=1", *single, *repeated, *pairs]


def outcome(filterset_class: type, query: str, request: Any) -> dict[str, Any]:
    filterset = filterset_class(QueryDict(query), filterset_class._meta.model.objects.all(),
                                request=request)
    form = filterset.form
    result: dict[str, Any] = {
        "fields": [(name, type(field), field.required, getattr(field, "choices", None))
                   for name, field in form.fields.items()],
        "valid": filterset.is_valid(),
        "errors": filterset.errors.get_json_data(),
    }
    try:
        result["sql"] = str(filterset.qs.query)
    except EmptyResultSet:  # .none(): no SQL at all
        result["sql"] = "empty"
    except (ValidationError, DRFValidationError) as error:  # a method filter's 400
        result["sql"] = ("refused", str(error))
    return result


@pytest.mark.parametrize("filterset_class", FILTERSETS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("persona", ["admin", None])
def test_the_cached_filterset_does_what_django_filters_own_does(world, filterset_class,
                                                                persona):
    request = RequestFactory().get("/")
    request.user = world.persona(persona) if persona else AnonymousUser()
    original = stock(filterset_class)
    for query in queries(filterset_class):
        assert outcome(filterset_class, query, request) == outcome(original, query, request), query


def test_the_comparison_would_see_a_difference(world):
    # The stock class really is django-filter's way: its form class is built per request.
    request = RequestFactory().get("/")
    request.user = world.admin
    original = stock(ActionFilterSet)
    first, second = (original(QueryDict(""), request=request) for _ in range(2))
    assert type(first.form) is not type(second.form)
    assert first.filters["q"] is not original.base_filters["q"]
