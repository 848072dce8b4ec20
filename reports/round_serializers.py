"""Serializers of the reporting-round API: rounds, returns and the bodies of their writes.

The answers are rendered by the read serializers (:class:`ReportingRoundSerializer`,
:class:`ReportingReturnSerializer`); the input serializers only check types and shapes, and the
services (``actions.rounds``, ``reports.round_services``) the rules, each error naming
its field.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actions.models import Action, ReportingReturn, ReportingRound, StatusUpdate
from planportal.api.fields import StrictDecimalField, VisiblePrimaryKeyField
from planportal.api.filters import MAX_ID
from planportal.api.serializers import ClosedSerializer, PersonSerializer, hide_people_from
from planportal.dates import SaneDateSerializerField
from planportal.models import Organization, Unit
from strategies.models import Plan

VERSION_HELP = "The version you last read (or send If-Match)."


def _version() -> serializers.IntegerField:
    return serializers.IntegerField(required=False, write_only=True, min_value=0,
                                    max_value=MAX_ID, help_text=VERSION_HELP)


class ReportingRoundSerializer(serializers.ModelSerializer):
    """A reporting round as the list and the detail show it."""

    plans = serializers.SerializerMethodField()

    class Meta:
        model = ReportingRound
        fields = ["id", "organization", "plans", "all_plans", "frequency", "period_key",
                  "period_label", "period_start", "period_end", "deadline", "state",
                  "case_number", "committee", "meeting_date", "opened_at", "closed_at",
                  "version"]
        read_only_fields = fields

    def get_plans(self, round_: ReportingRound) -> list[int]:
        # Prefetched by the viewset (one query for the page), sorted here.
        return sorted(plan.pk for plan in round_.plans.all())


class RoundCreateSerializer(ClosedSerializer):
    """Open a round: for the chosen plans, or (without ``plans``) every adopted plan."""

    organization = VisiblePrimaryKeyField(
        Organization, required=False,
        help_text="The kommune; may be left out by an administrator of a single kommune, "
                  "or when plans are given.")
    plans = VisiblePrimaryKeyField(
        Plan, many=True, required=False,
        help_text="The plans of the round; leave out for every adopted plan of the kommune.")
    frequency = serializers.ChoiceField(choices=["monthly", "tertial", "yearly"])
    period_key = serializers.CharField(max_length=20,
                                       help_text='e.g. "2026-T2", "2026-05" or "2026".')
    deadline = SaneDateSerializerField()


class RoundCloseSerializer(ClosedSerializer):
    """Close a round after its period: freeze its report, with the case facts."""

    case_number = serializers.CharField(max_length=50,
                                        help_text='The case reference, e.g. "2026/1234".')
    committee = serializers.CharField(max_length=200)
    meeting_date = SaneDateSerializerField()
    version = _version()


class ReturnActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Action
        fields = ["id", "code", "title"]
        read_only_fields = fields


class UnitNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]
        read_only_fields = fields


class IndicatorValueSerializer(serializers.Serializer):
    """The value of one indicator of the tiltak's goal, reported with the return."""

    indicator = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    value = StrictDecimalField(max_digits=14, decimal_places=2)


class ReportingReturnSerializer(serializers.ModelSerializer):
    """One return (rapport). The responsible person is ``null`` for a reader outside the
    kommune (:func:`planportal.permissions.sees_people`)."""

    action = ReturnActionSerializer(read_only=True)
    plan = serializers.IntegerField(source="action.plan_id", read_only=True)
    responsible_unit = UnitNameSerializer(source="action.responsible_unit", read_only=True,
                                          allow_null=True)
    responsible_person = PersonSerializer(source="action.responsible_person", read_only=True,
                                          allow_null=True)
    indicator_values = serializers.SerializerMethodField()

    class Meta:
        model = ReportingReturn
        fields = ["id", "round", "action", "plan", "responsible_unit", "responsible_person",
                  "state", "status", "progress", "risk", "done", "next_steps",
                  "indicator_values", "review_comment", "submitted_at", "reviewed_at",
                  "version"]
        read_only_fields = fields

    @extend_schema_field(IndicatorValueSerializer(many=True))
    def get_indicator_values(self, ret: ReportingReturn) -> list[dict[str, Any]]:
        return IndicatorValueSerializer(ret.indicator_values or [], many=True).data

    def to_representation(self, instance: ReportingReturn) -> dict[str, Any]:
        return hide_people_from(super().to_representation(instance),
                                self.context.get("request"), "responsible_person",
                                organization_id=instance.round.organization_id)


class ReturnDraftSerializer(ClosedSerializer):
    """A draft: every field may be left out or blank (a field left out is saved blank)."""

    # All statuses, as the action's status enum (carried over is refused by the service).
    status = serializers.ChoiceField(choices=Action.Status.choices, required=False,
                                     allow_blank=True)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False,
                                        allow_null=True)
    risk = serializers.ChoiceField(choices=StatusUpdate.Risk.choices, required=False)
    done = serializers.CharField(required=False, allow_blank=True, max_length=10_000,
                                 help_text="Do not write personal data about patients or "
                                           "employees.")
    next_steps = serializers.CharField(required=False, allow_blank=True, max_length=10_000,
                                       help_text="Do not write personal data about patients "
                                                 "or employees.")
    indicator_values = IndicatorValueSerializer(many=True, required=False)
    version = _version()


class ReturnSubmitSerializer(ReturnDraftSerializer):
    """Submit: status, progress and what was done are required."""

    status = serializers.ChoiceField(choices=Action.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    done = serializers.CharField(max_length=10_000,
                                 help_text="What was done this period. Do not write personal "
                                           "data about patients or employees.")


class ReturnApproveSerializer(ClosedSerializer):
    version = _version()


class ReturnSendBackSerializer(ClosedSerializer):
    comment = serializers.CharField(max_length=10_000,
                                    help_text="What should be improved.")
    version = _version()


def return_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A validated return body as the services take it (without the version)."""
    fields = {name: value for name, value in data.items() if name != "version"}
    if "indicator_values" in fields:
        fields["indicator_values"] = [
            {"indicator": row["indicator"], "value": str(row["value"])}
            for row in fields["indicator_values"]]
    return fields
