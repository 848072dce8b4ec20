"""FilterSets of the reporting-round API: rounds by state and period, returns by unit
subtree, state and person."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet

from actions.models import ReportingReturn, ReportingRound
from planportal.api.filters import FilterSet, IdFilter
from planportal.models import Unit
from planportal.permissions import sees_people_q


class RoundFilterSet(FilterSet):
    state = filters.MultipleChoiceFilter(choices=ReportingRound.State.choices, distinct=False)
    frequency = filters.ChoiceFilter(
        choices=[("monthly", "monthly"), ("tertial", "tertial"), ("yearly", "yearly")])
    period_key = filters.CharFilter(field_name="period_key", max_length=20)
    plan = IdFilter(method="filter_plan", label="rounds that include this plan")

    class Meta:
        model = ReportingRound
        fields: list[str] = []

    def filter_plan(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(pk__in=ReportingRound.plans.through.objects.filter(
            plan_id=value).values("reportinground_id"))


class ReturnFilterSet(FilterSet):
    unit = IdFilter(method="filter_unit_subtree",
                    label="responsible unit of the action, or any unit below it")
    state = filters.MultipleChoiceFilter(choices=ReportingReturn.State.choices,
                                         distinct=False)
    person = filters.CharFilter(method="filter_person", max_length=20,
                                label='responsible person: user id, or "me"')

    class Meta:
        model = ReportingReturn
        fields: list[str] = []

    def filter_unit_subtree(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        path = Unit.objects.path_of(value)
        if path is None:
            return queryset.none()
        return queryset.filter(action__responsible_unit__path__startswith=path)

    def filter_person(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        if value == "me":
            return queryset.filter(action__responsible_person_id=user.pk)
        if not value.isdigit() or int(value) > 2**63 - 1:
            return queryset.none()
        # Filtering by a person reveals no more than the names would.
        return queryset.filter(sees_people_q(user, "round__"),
                               action__responsible_person_id=int(value))
