"""API viewsets for plans, focus areas, goals, indicators, measurements and the UN goals.

The plan endpoints that need actions or reports (import, export, roll-over, progress)
are added by subclasses in ``actions.api.plans`` and ``reports.api``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny

from planportal.api.viewsets import ScopedViewSet, ServiceWriteViewSet
from planportal.models import Unit
from planportal.permissions import deny, get_access
from strategies import services
from strategies.api.serializers import (
    INDICATOR_FOLLOW_UP_FIELDS,
    FocusAreaSerializer,
    FocusAreaUpdateSerializer,
    GoalSerializer,
    GoalUpdateSerializer,
    IndicatorSerializer,
    IndicatorUpdateSerializer,
    MeasurementSerializer,
    PlanSerializer,
    PlanUpdateSerializer,
    SustainableDevelopmentGoalSerializer,
)
from strategies.filtersets import (
    FocusAreaFilterSet,
    GoalFilterSet,
    IndicatorFilterSet,
    MeasurementFilterSet,
    PlanFilterSet,
    SustainableDevelopmentGoalFilterSet,
)
from strategies.models import (
    FocusArea,
    Goal,
    Indicator,
    Measurement,
    Plan,
    SustainableDevelopmentGoal,
)
from strategies.permissions import can_manage_plans_of


def _sdg_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """The body's ``sdgs`` as the services take them (``sdg_numbers``)."""
    if "sdgs" in data:
        data["sdg_numbers"] = data.pop("sdgs")
    return data


class SustainableDevelopmentGoalViewSet(viewsets.ReadOnlyModelViewSet):
    """The 17 UN Sustainable Development Goals (reference data, open to all)."""

    queryset = SustainableDevelopmentGoal.objects.all()
    serializer_class = SustainableDevelopmentGoalSerializer
    permission_classes = [AllowAny]
    filterset_class = SustainableDevelopmentGoalFilterSet
    ordering_fields = ["number"]
    ordering = ["number"]
    lookup_field = "number"


class PlanContentViewSet(ServiceWriteViewSet):
    """Plans and their structure: only an organisation's administrators change them."""

    write_denied_message = _("Only an administrator of the organisation can change plans.")

    def organization_id_of(self, instance: Any) -> int:
        raise NotImplementedError

    def may_create(self, actor: Any) -> bool:
        return get_access(actor).administers_any

    def may_update(self, actor: Any, instance: Any) -> bool:
        return can_manage_plans_of(actor, self.organization_id_of(instance))


class PlanViewSet(PlanContentViewSet):
    serializer_class = PlanSerializer
    update_serializer_class = PlanUpdateSerializer
    filterset_class = PlanFilterSet
    ordering_fields = ["title", "period_start", "period_end", "status", "id"]
    ordering = ["-period_start", "title", "id"]

    def get_queryset(self) -> QuerySet:
        return self.scoped(Plan.objects.all()).prefetch_related(
            Prefetch("sdgs", queryset=SustainableDevelopmentGoal.objects.only("pk", "number")),
            Prefetch("sub_plans", to_attr="readable_sub_plans",
                     queryset=Plan.objects.visible_to(self.request.user).only("pk", "parent_id")
                     .order_by("level", "title", "pk")),
        )

    def organization_id_of(self, instance: Plan) -> int:
        return instance.organization_id

    def create_service(self, actor: Any, **data: Any) -> Plan:
        return services.create_plan(actor=actor, **_sdg_numbers(data))

    def update_service(self, actor: Any, instance: Plan, **data: Any) -> Plan:
        return services.update_plan(actor=actor, plan=instance, **_sdg_numbers(data))


class FocusAreaViewSet(PlanContentViewSet):
    serializer_class = FocusAreaSerializer
    update_serializer_class = FocusAreaUpdateSerializer
    filterset_class = FocusAreaFilterSet
    ordering_fields = ["order", "title", "id"]
    ordering = ["plan_id", "order", "id"]

    def get_queryset(self) -> QuerySet:
        return self.scoped(FocusArea.objects.all()).prefetch_related(
            Prefetch("sdgs", queryset=SustainableDevelopmentGoal.objects.only("pk", "number")),
            Prefetch("lead_units", queryset=Unit.objects.only("pk")),
        )

    def organization_id_of(self, instance: FocusArea) -> int:
        return instance.plan.organization_id

    def create_service(self, actor: Any, **data: Any) -> FocusArea:
        return services.create_focus_area(actor=actor, **_sdg_numbers(data))

    def update_service(self, actor: Any, instance: FocusArea, **data: Any) -> FocusArea:
        return services.update_focus_area(actor=actor, focus_area=instance, **_sdg_numbers(data))


class GoalViewSet(PlanContentViewSet):
    serializer_class = GoalSerializer
    update_serializer_class = GoalUpdateSerializer
    filterset_class = GoalFilterSet
    ordering_fields = ["order", "id"]
    ordering = ["focus_area_id", "order", "id"]

    def get_queryset(self) -> QuerySet:
        readable = Goal.objects.visible_to(self.request.user).only("pk").order_by("pk")
        return self.scoped(Goal.objects.select_related("focus_area")).prefetch_related(
            Prefetch("contributes_to", queryset=readable),
            Prefetch("contributing_goals", queryset=readable,
                     to_attr="readable_contributing_goals"),
        )

    def organization_id_of(self, instance: Goal) -> int:
        return instance.focus_area.plan.organization_id

    def create_service(self, actor: Any, **data: Any) -> Goal:
        return services.create_goal(actor=actor, **data)

    def update_service(self, actor: Any, instance: Goal, **data: Any) -> Goal:
        return services.update_goal(actor=actor, goal=instance, **data)


class IndicatorViewSet(PlanContentViewSet):
    serializer_class = IndicatorSerializer
    update_serializer_class = IndicatorUpdateSerializer
    filterset_class = IndicatorFilterSet
    ordering_fields = ["order", "name", "id"]
    ordering = ["goal_id", "order", "id"]

    def get_queryset(self) -> QuerySet:
        latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-period_end")
        return self.scoped(Indicator.objects.all()).annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_period_end=Subquery(latest.values("period_end")[:1]),
            plan_organization_id=F("goal__focus_area__plan__organization_id"),
        ).prefetch_related("targets", "baselines")

    def organization_id_of(self, instance: Indicator) -> int:
        return instance.goal.focus_area.plan.organization_id

    def may_update(self, actor: Any, instance: Indicator) -> bool:
        # Sector leaders follow indicators of their sector up (assign_indicator); the
        # definition stays the admins' (update_indicator refuses anyone else, by name).
        return super().may_update(actor, instance) or (
            Indicator.objects.assignable_by(actor).filter(pk=instance.pk).exists())

    @staticmethod
    def _follow_up(instance: Indicator, actor: Any, data: dict[str, Any]) -> None:
        """Send the follow-up fields given (the others as they stand) to assign_indicator."""
        given = {name: data.pop(name) for name in INDICATOR_FOLLOW_UP_FIELDS if name in data}
        if not given:
            return
        current = {name: getattr(instance, name) for name in INDICATOR_FOLLOW_UP_FIELDS}
        services.assign_indicator(actor=actor, indicator=instance, **{**current, **given})

    def create_service(self, actor: Any, **data: Any) -> Indicator:
        follow_up = {name: data.pop(name) for name in INDICATOR_FOLLOW_UP_FIELDS
                     if name in data}
        with transaction.atomic():
            indicator = services.create_indicator(actor=actor, **data)
            self._follow_up(indicator, actor, follow_up)
        return indicator

    def update_service(self, actor: Any, instance: Indicator, **data: Any) -> Indicator:
        with transaction.atomic():
            self._follow_up(instance, actor, data)
            if data:
                services.update_indicator(actor=actor, indicator=instance, **data)
        return instance


class MeasurementViewSet(mixins.CreateModelMixin, mixins.ListModelMixin,
                         mixins.RetrieveModelMixin, ScopedViewSet):
    """Recorded values are kept: list, read and record, never edit or delete."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilterSet
    ordering_fields = ["period_end", "id"]
    ordering = ["indicator_id", "-period_end", "id"]

    def get_queryset(self) -> QuerySet:
        return self.scoped(Measurement.objects.select_related("recorded_by")).annotate(
            plan_organization_id=F("indicator__goal__focus_area__plan__organization_id"))

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # Before the body is validated, as PlanContentViewSet: a reader gets 403, not field
        # errors. A role above reader passes (another kommune's indicator is then "does not
        # exist", as everywhere); without one, only someone responsible for an indicator.
        access = get_access(request.user)
        staff = access.everything or bool(access.admin_org_ids or access.sector_leader_units
                                          or access.unit_manager_units)
        if not staff and not Indicator.objects.recordable_by(request.user).exists():
            raise deny(_("You cannot record values for this indicator."))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.record_measurement(
            actor=self.request.user, **serializer.validated_data
        )
