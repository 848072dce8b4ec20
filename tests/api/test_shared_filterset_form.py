"""planportal.api.filters.FilterSet: one form class per FilterSet, filters per request."""

import django_filters as filters
import pytest
from django.http import QueryDict

from actions.filtersets import ActionFilterSet
from actions.models import Action
from planportal.api.filters import FilterSet
from planportal.models import Unit

pytestmark = pytest.mark.django_db


def test_the_form_class_is_built_once_and_shared_by_every_request():
    first = ActionFilterSet(QueryDict("status=completed"), Action.objects.all())
    second = ActionFilterSet(QueryDict("status=bad"), Action.objects.all())
    assert type(first.form) is type(second.form)
    assert first.is_valid() and not second.is_valid()
    assert "status" in second.errors and "status" not in first.errors


def test_each_request_gets_its_own_filters_bound_to_its_own_filterset(world):
    first = ActionFilterSet(QueryDict("responsible_unit_subtree=1"), Action.objects.all())
    second = ActionFilterSet(QueryDict(""), Action.objects.all())
    assert first.filters["q"] is not second.filters["q"]
    assert first.filters["q"].parent is first and second.filters["q"].parent is second
    # A method filter calls the method of the filterset it belongs to.
    assert first.filters["responsible_unit_subtree"].filter.method.__self__ is first
    assert getattr(ActionFilterSet.base_filters["q"], "parent", None) is None


def test_a_method_filter_filters_with_its_own_requests_data(world):
    home = ActionFilterSet(QueryDict(f"responsible_unit_subtree={world.health.pk}"),
                           Action.objects.all())
    school = ActionFilterSet(QueryDict(f"responsible_unit_subtree={world.school.pk}"),
                             Action.objects.all())
    assert list(home.qs) == [world.action]
    assert list(school.qs) == []


def test_a_filter_whose_choices_depend_on_the_request_keeps_a_form_per_request(world):
    class UnitChoice(FilterSet):
        unit = filters.ModelChoiceFilter(
            field_name="responsible_unit",
            queryset=lambda request: Unit.objects.filter(code=request.unit_code))

        class Meta:
            model = Action
            fields: list[str] = []

    def request(code):
        return type("Request", (), {"unit_code": code, "user": world.admin})()

    home = UnitChoice(QueryDict(f"unit={world.home_care.pk}"), Action.objects.all(),
                      request=request("hjemme"))
    school = UnitChoice(QueryDict(f"unit={world.home_care.pk}"), Action.objects.all(),
                        request=request("skole"))
    assert type(home.form) is not type(school.form)
    assert home.is_valid() and list(home.qs) == [world.action]
    assert not school.is_valid()
