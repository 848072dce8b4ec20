"""Serializers for plans, focus areas, goals, indicators, measurements and the UN goals."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from planportal.api.fields import STRICT_FIELD_MAPPING, VisiblePrimaryKeyField
from planportal.api.serializers import hide_people_from
from planportal.models import Organization, Unit, User
from strategies.models import (
    FocusArea,
    Goal,
    Indicator,
    Measurement,
    Plan,
    SustainableDevelopmentGoal,
)


class SustainableDevelopmentGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = SustainableDevelopmentGoal
        fields = ["number", "name_nb", "name_en"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    # is_public is a JSON boolean, as the schema says: not 0, "yes" or "on".
    serializer_field_mapping = STRICT_FIELD_MAPPING
    organization = VisiblePrimaryKeyField(Organization)
    owner_unit = VisiblePrimaryKeyField(Unit, required=False, allow_null=True)
    parent = VisiblePrimaryKeyField(Plan, required=False, allow_null=True)
    previous_version = VisiblePrimaryKeyField(Plan, required=False, allow_null=True)

    class Meta:
        model = Plan
        fields = [
            "id", "organization", "title", "kind", "period_start", "period_end", "status",
            "adopted_on", "adopted_by", "vision", "description", "owner_unit",
            "revision_interval_years", "next_revision_on", "is_public", "parent",
            "previous_version", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness is checked by the service (full_clean), with the same message.
        validators: list[Any] = []


class PlanUpdateSerializer(PlanSerializer):
    """The organisation of an existing plan never changes."""

    organization = serializers.PrimaryKeyRelatedField(read_only=True)


class SdgNumbersField(serializers.ListField):
    """The linked UN goals as their numbers, e.g. ``[3, 17]``."""

    child = serializers.IntegerField(min_value=1, max_value=17)

    def to_representation(self, value: Any) -> list[int]:
        return [sdg.number for sdg in value.all()]


class FocusAreaSerializer(serializers.ModelSerializer):
    plan = VisiblePrimaryKeyField(Plan)
    sdgs = SdgNumbersField(
        required=False, help_text="UN Sustainable Development Goal numbers (1–17)."
    )
    lead_units = VisiblePrimaryKeyField(Unit, many=True, required=False)

    class Meta:
        model = FocusArea
        fields = ["id", "plan", "order", "code", "title", "description", "current_state",
                  "vision", "sdgs", "lead_units", "partners"]
        read_only_fields = ["id"]
        validators: list[Any] = []


class FocusAreaUpdateSerializer(FocusAreaSerializer):
    plan = serializers.PrimaryKeyRelatedField(read_only=True)


class GoalSerializer(serializers.ModelSerializer):
    focus_area = VisiblePrimaryKeyField(FocusArea)
    plan = serializers.IntegerField(source="focus_area.plan_id", read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "focus_area", "plan", "order", "code", "title", "description",
                  "success_criteria"]
        read_only_fields = ["id"]
        validators: list[Any] = []


class GoalUpdateSerializer(GoalSerializer):
    focus_area = serializers.PrimaryKeyRelatedField(read_only=True)


#: Who follows an indicator up and when: written through services.assign_indicator.
INDICATOR_FOLLOW_UP_FIELDS = ["responsible_unit", "responsible_person", "frequency",
                              "next_due_on"]


class IndicatorSerializer(serializers.ModelSerializer):
    serializer_field_mapping = STRICT_FIELD_MAPPING  # "" is not a value
    goal = VisiblePrimaryKeyField(Goal)
    latest_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                            allow_null=True)
    latest_period_end = serializers.DateField(read_only=True, allow_null=True)
    responsible_unit = VisiblePrimaryKeyField(Unit, required=False, allow_null=True)
    # Any active user: whether they may be responsible is the service's to say, by name.
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True,
        help_text="A person of the plan's kommune who may be responsible (not a reader); "
                  "null for people outside the kommune.")

    class Meta:
        model = Indicator
        fields = ["id", "goal", "order", "name", "unit", "direction", "baseline_value",
                  "baseline_year", "target_value", "target_year", "source", "latest_value",
                  "latest_period_end",
                  *INDICATOR_FOLLOW_UP_FIELDS]
        read_only_fields = ["id"]
        validators: list[Any] = []

    def to_representation(self, instance: Indicator) -> dict[str, Any]:
        data = super().to_representation(instance)
        organization_id = getattr(instance, "plan_organization_id", None)
        if organization_id is None:
            organization_id = instance.goal.focus_area.plan.organization_id
        return hide_people_from(data, self.context.get("request"), "responsible_person",
                                organization_id=organization_id)


class IndicatorUpdateSerializer(IndicatorSerializer):
    goal = serializers.PrimaryKeyRelatedField(read_only=True)


class MeasurementSerializer(serializers.ModelSerializer):
    serializer_field_mapping = STRICT_FIELD_MAPPING  # "" is not a value
    indicator = VisiblePrimaryKeyField(Indicator)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = ["id", "indicator", "period_end", "period_label", "value", "note",
                  "source", "national_average", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "recorded_by", "recorded_at"]
        validators: list[Any] = []

    def get_recorded_by(self, measurement: Measurement) -> str | None:
        return str(measurement.recorded_by) if measurement.recorded_by else None

    def to_representation(self, instance: Measurement) -> dict[str, Any]:
        data = super().to_representation(instance)
        organization_id = getattr(instance, "plan_organization_id", None)
        if organization_id is None:
            organization_id = instance.indicator.goal.focus_area.plan.organization_id
        return hide_people_from(data, self.context.get("request"), "recorded_by",
                                organization_id=organization_id)
