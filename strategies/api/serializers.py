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
    IndicatorBaseline,
    IndicatorTarget,
    Measurement,
    Plan,
    SustainableDevelopmentGoal,
)


class SustainableDevelopmentGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = SustainableDevelopmentGoal
        fields = ["number", "name_nb", "name_en"]
        read_only_fields = fields


class ReadableIdsField(serializers.ListField):
    """Read-only: the ids of the related objects the viewset prefetched as readable."""

    child = serializers.IntegerField()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> list[int]:
        return [obj.pk for obj in value]


class SdgNumbersField(serializers.ListField):
    """The linked UN goals as their numbers, e.g. ``[3, 17]``."""

    child = serializers.IntegerField(min_value=1, max_value=17)

    def to_representation(self, value: Any) -> list[int]:
        return [sdg.number for sdg in value.all()]


class PlanSerializer(serializers.ModelSerializer):
    # is_public is a JSON boolean, as the schema says: not 0, "yes" or "on".
    serializer_field_mapping = STRICT_FIELD_MAPPING
    organization = VisiblePrimaryKeyField(Organization)
    owner_unit = VisiblePrimaryKeyField(Unit, required=False, allow_null=True)
    parent = VisiblePrimaryKeyField(
        Plan, required=False, allow_null=True,
        help_text="The higher plan of the kommune this plan follows up (a lower level "
                  "number).")
    previous_version = VisiblePrimaryKeyField(Plan, required=False, allow_null=True)
    level = serializers.ChoiceField(
        choices=Plan.Level.choices, required=False,
        help_text="1 samfunnsdel, 2 kommunedelplan or temaplan, 3 handlingsplan, "
                  "4 virksomhetsplan. Left out on create: from the kind of plan.")
    sdgs = SdgNumbersField(
        required=False, help_text="The UN Sustainable Development Goals (1–17) the plan as "
                                  "a whole names.")
    # Prefetched by the viewset: only the sub-plans the reader may read.
    sub_plans = ReadableIdsField(
        source="readable_sub_plans",
        help_text="The plans that name this one as their parent (those you may read).")

    class Meta:
        model = Plan
        fields = [
            "id", "organization", "title", "kind", "level", "period_start", "period_end",
            "status", "adopted_on", "adopted_by", "vision", "description", "owner_unit",
            "revision_interval_years", "next_revision_on", "is_public", "parent",
            "sub_plans", "sdgs", "previous_version", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness is checked by the service (full_clean), with the same message.
        validators: list[Any] = []


class PlanUpdateSerializer(PlanSerializer):
    """The organisation of an existing plan never changes."""

    organization = serializers.PrimaryKeyRelatedField(read_only=True)


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
    # The golden thread both ways; the viewset prefetches only goals the reader may read.
    contributes_to = VisiblePrimaryKeyField(
        Goal, many=True, required=False,
        help_text="Goals of higher plans of the kommune this goal contributes to "
                  "(“bidrar til”).")
    contributing_goals = ReadableIdsField(
        source="readable_contributing_goals",
        help_text="Goals of lower plans that contribute to this goal (those you may read).")

    class Meta:
        model = Goal
        fields = ["id", "focus_area", "plan", "order", "code", "title", "description",
                  "success_criteria", "contributes_to", "contributing_goals"]
        read_only_fields = ["id"]
        validators: list[Any] = []


class GoalUpdateSerializer(GoalSerializer):
    focus_area = serializers.PrimaryKeyRelatedField(read_only=True)


# --- Indicator targets and baselines (written through set_indicator_targets/-baselines) --


class IndicatorTargetSerializer(serializers.ModelSerializer):
    """A target: ``comparison`` and ``value`` for ``year`` (null: the plan period)."""

    serializer_field_mapping = STRICT_FIELD_MAPPING

    class Meta:
        model = IndicatorTarget
        fields = ["year", "comparison", "value", "relative_to_national"]
        validators: list[Any] = []  # a year at most once: the service says which row


class IndicatorBaselineSerializer(serializers.ModelSerializer):
    """A baseline: the indicator's value in a year before the plan."""

    serializer_field_mapping = STRICT_FIELD_MAPPING

    class Meta:
        model = IndicatorBaseline
        fields = ["year", "value"]
        validators: list[Any] = []


#: Who follows an indicator up and when: written through services.assign_indicator.
INDICATOR_FOLLOW_UP_FIELDS = ["responsible_unit", "responsible_person", "frequency",
                              "next_due_on"]


class IndicatorSerializer(serializers.ModelSerializer):
    serializer_field_mapping = STRICT_FIELD_MAPPING  # "" is not a value
    goal = VisiblePrimaryKeyField(Goal)
    targets = IndicatorTargetSerializer(
        many=True, required=False,
        help_text="Replaces every target when given. A year at most once (null: the plan "
                  "period's target).")
    baselines = IndicatorBaselineSerializer(
        many=True, required=False,
        help_text="Replaces every baseline when given; each year before the first target year.")
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
        fields = ["id", "goal", "order", "name", "unit", "direction", "targets", "baselines",
                  "source", "latest_value", "latest_period_end",
                  # SSB's statistics bank (checked by the service: Indicator.clean).
                  "statistics_table", "statistics_content", "statistics_query",
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
