"""FilterSets for the plan hierarchy (one per list)."""

from __future__ import annotations

import django_filters as filters

from planportal.api.filters import FilterSet, IdFilter
from planportal.dates import SaneDateFilter
from strategies.models import (
    FocusArea,
    Goal,
    Indicator,
    Measurement,
    Plan,
    SustainableDevelopmentGoal,
)


class PlanFilterSet(FilterSet):
    organization = IdFilter(field_name="organization_id")
    q = filters.CharFilter(field_name="title", lookup_expr="icontains", label="search")
    active_in = IdFilter(method="filter_active_in", label="active in year",
                         min_value=1, max_value=9999)

    class Meta:
        model = Plan
        fields = {"kind": ["exact"], "status": ["exact"], "is_public": ["exact"]}

    def filter_active_in(self, queryset, name, value):
        return queryset.filter(period_start__lte=value, period_end__gte=value)


class FocusAreaFilterSet(FilterSet):
    plan = IdFilter(field_name="plan_id")
    sdg = IdFilter(field_name="sdgs__number")

    class Meta:
        model = FocusArea
        fields: list[str] = []


class GoalFilterSet(FilterSet):
    plan = IdFilter(field_name="focus_area__plan_id")
    focus_area = IdFilter(field_name="focus_area_id")

    class Meta:
        model = Goal
        fields: list[str] = []


class IndicatorFilterSet(FilterSet):
    plan = IdFilter(field_name="goal__focus_area__plan_id")
    goal = IdFilter(field_name="goal_id")

    class Meta:
        model = Indicator
        fields = {"direction": ["exact"], "source": ["exact"]}


class MeasurementFilterSet(FilterSet):
    indicator = IdFilter(field_name="indicator_id")
    period_after = SaneDateFilter(field_name="period_end", lookup_expr="gte")
    period_before = SaneDateFilter(field_name="period_end", lookup_expr="lte")

    class Meta:
        model = Measurement
        fields: list[str] = []


class SustainableDevelopmentGoalFilterSet(FilterSet):
    class Meta:
        model = SustainableDevelopmentGoal
        fields = {"number": ["exact"]}
