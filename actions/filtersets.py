"""FilterSets for actions and status updates."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet

from actions.models import Action, StatusUpdate
from actions.placement import LEVELS
from planportal.api.filters import BooleanFilter, FilterSet, IdFilter, IsoDateTimeFilter
from planportal.dates import SaneDateFilter
from planportal.models import Unit
from planportal.permissions import sees_people_q


class ActionFilterSet(FilterSet):
    """Every filter the action list offers; derived ones delegate to the queryset."""

    plan = IdFilter(field_name="plan_id")
    # Every tiltak of the area: its own and its goals' (an action under a goal names the
    # goal's area too, so one column answers, without a join).
    focus_area = IdFilter(field_name="focus_area_id",
                          label="focus area: its own tiltak and its goals'")
    goal = IdFilter(field_name="goal_id")
    level = filters.ChoiceFilter(
        choices=[(level, level) for level in LEVELS], method="filter_level",
        label="where the tiltak hangs: goal, focus_area (directly on the area) or plan "
              "(the whole plan)")
    # distinct=False: these columns are on the action row itself, so no join can repeat
    # a row, and DISTINCT would only make the page and count queries slower.
    status = filters.MultipleChoiceFilter(choices=Action.Status.choices, distinct=False)
    risk = filters.MultipleChoiceFilter(
        choices=StatusUpdate.Risk.choices, method="filter_risk", distinct=False,
        label="risk of the latest status update",
    )
    overdue = BooleanFilter(method="filter_overdue")
    unassigned = BooleanFilter(method="filter_unassigned",
                               label="no responsible unit, or neither a deadline nor a "
                                     "continuous period (løpende)")
    responsible_unit = IdFilter(field_name="responsible_unit_id")
    responsible_unit_subtree = IdFilter(
        method="filter_unit_subtree", label="responsible unit or any unit below it")
    responsible_person = filters.CharFilter(
        method="filter_person", label='user id, or "me"')
    due_after = SaneDateFilter(field_name="due_date", lookup_expr="gte")
    due_before = SaneDateFilter(field_name="due_date", lookup_expr="lte")
    q = filters.CharFilter(method="filter_text", label="text search")

    class Meta:
        model = Action
        fields: list[str] = []

    def filter_level(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.at_level(value) if value else queryset

    def filter_risk(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        if "latest_risk" not in queryset.query.annotations:
            queryset = queryset.with_latest_risk()
        return queryset.filter(latest_risk__in=value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_unassigned(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        unassigned = queryset.unassigned()
        return unassigned if value else queryset.exclude(pk__in=unassigned.values("pk"))

    def filter_unit_subtree(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        path = Unit.objects.path_of(value)
        if path is None:
            return queryset.none()
        return queryset.filter(responsible_unit__path__startswith=path)

    def filter_person(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()  # the public never learns who is responsible
        if value == "me":
            return queryset.filter(responsible_person_id=user.pk)
        if not value.isdigit():
            return queryset.none()
        # Names are hidden outside one's own kommune, so filtering by them must be too.
        return queryset.filter(sees_people_q(user, "plan__"),
                               responsible_person_id=int(value))

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value)
            | Q(code__icontains=value) | Q(period_text__icontains=value)
        )


class StatusUpdateFilterSet(FilterSet):
    action = IdFilter(field_name="action_id")
    plan = IdFilter(field_name="action__plan_id")
    status = filters.MultipleChoiceFilter(choices=Action.Status.choices, distinct=False)
    risk = filters.MultipleChoiceFilter(choices=StatusUpdate.Risk.choices, distinct=False)
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = StatusUpdate
        fields: list[str] = []
