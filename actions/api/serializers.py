"""Serializers for actions, their transitions and status updates."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actions.models import Action, StatusUpdate
from planportal.api.fields import STRICT_FIELD_MAPPING, VisiblePrimaryKeyField
from planportal.api.serializers import PersonSerializer, UnitBriefSerializer, hide_people_from
from planportal.dates import SaneDateSerializerField
from planportal.models import Unit, User
from strategies.models import Goal

PEOPLE = ("responsible_person", "evaluated_by")


class LatestUpdateSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField(source="latest_update_at")
    risk = serializers.CharField(source="latest_risk")
    comment = serializers.CharField(source="latest_comment")


class ActionSerializer(serializers.ModelSerializer):
    """An action as lists and detail pages show it (from ``Action.objects.for_list()``)."""

    plan = serializers.IntegerField(source="goal.focus_area.plan_id", read_only=True)
    focus_area = serializers.IntegerField(source="goal.focus_area_id", read_only=True)
    responsible_unit = UnitBriefSerializer(read_only=True, allow_null=True)
    responsible_person = PersonSerializer(read_only=True, allow_null=True)
    evaluated_by = PersonSerializer(read_only=True, allow_null=True)
    contributing_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    latest_update = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id", "plan", "focus_area", "goal", "order", "code", "title", "description",
            "responsible_unit", "responsible_person", "contributing_units", "start_date",
            "due_date", "period_text", "status", "progress", "overdue", "latest_update",
            "budget", "budget_reference", "evaluation", "evaluated_on", "evaluated_by",
            "version", "created_at", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(LatestUpdateSerializer(allow_null=True))
    def get_latest_update(self, action: Action) -> dict[str, Any] | None:
        if getattr(action, "latest_update_at", None) is None:
            return None
        return LatestUpdateSerializer(action).data

    def to_representation(self, instance: Action) -> dict[str, Any]:
        return hide_people_from(action_as_dict(instance), self.context.get("request"), *PEOPLE,
                                organization_id=instance.goal.focus_area.plan.organization_id)

    def generic_representation(self, instance: Action) -> dict[str, Any]:
        """DRF's field-by-field rendering; tests hold ``action_as_dict`` equal to it."""
        return super().to_representation(instance)


def _datetime(value: datetime | None, zone: tzinfo | None = None) -> str | None:
    # As DRF's DateTimeField renders it: local time zone, ISO 8601, "Z" for UTC.
    if value is None:
        return None
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _contributing_unit_ids(action: Action) -> list[int]:
    ids = getattr(action, "contributing_unit_ids", None)
    if ids is None:  # not attached by the view: ask the database
        ids = list(action.contributing_units.values_list("pk", flat=True))
    return ids


def _person(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": str(user)}


def action_as_dict(action: Action) -> dict[str, Any]:
    """One action as the API shows it, built directly from the ``for_list()`` row.

    Lists render up to 500 of these; building the dict by hand is several times faster
    than DRF's generic field machinery, for exactly the same output.
    """
    goal = action.goal
    unit = action.responsible_unit
    latest_at = getattr(action, "latest_update_at", None)
    overdue = getattr(action, "overdue", None)
    return {
        "id": action.pk,
        "plan": goal.focus_area.plan_id,
        "focus_area": goal.focus_area_id,
        "goal": action.goal_id,
        "order": action.order,
        "code": action.code,
        "title": action.title,
        "description": action.description,
        "responsible_unit": None if unit is None else {
            "id": unit.pk, "name": unit.name, "kind": unit.kind},
        "responsible_person": _person(action.responsible_person),
        "contributing_units": _contributing_unit_ids(action),
        "start_date": action.start_date.isoformat() if action.start_date else None,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "period_text": action.period_text,
        "status": action.status,
        "progress": action.progress,
        "overdue": action.is_overdue() if overdue is None else overdue,
        "latest_update": None if latest_at is None else {
            "created_at": _datetime(latest_at),
            "risk": action.latest_risk,
            "comment": action.latest_comment,
        },
        "budget": None if action.budget is None else f"{action.budget:.2f}",
        "budget_reference": action.budget_reference,
        "evaluation": action.evaluation,
        "evaluated_on": action.evaluated_on.isoformat() if action.evaluated_on else None,
        "evaluated_by": _person(action.evaluated_by),
        "version": action.version,
        "created_at": _datetime(action.created_at),
        "updated_at": _datetime(action.updated_at),
    }


def _named(pk: int | None, first: str, last: str, username: str) -> dict[str, Any] | None:
    # str(User): the full name, or the username when there is none.
    return None if pk is None else {"id": pk, "name": f"{first} {last}".strip() or username}


def action_row_as_dict(row: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """One ``Action.objects.api_rows()`` row as the API shows it: as :func:`action_as_dict`
    shows the same action (tests hold the two equal)."""
    latest_at = row["latest_update_at"]
    budget = row["budget"]
    return {
        "id": row["id"],
        "plan": row["goal__focus_area__plan_id"],
        "focus_area": row["goal__focus_area_id"],
        "goal": row["goal_id"],
        "order": row["order"],
        "code": row["code"],
        "title": row["title"],
        "description": row["description"],
        "responsible_unit": None if row["responsible_unit_id"] is None else {
            "id": row["responsible_unit_id"], "name": row["responsible_unit__name"],
            "kind": row["responsible_unit__kind"]},
        "responsible_person": _named(
            row["responsible_person_id"], row["responsible_person__first_name"],
            row["responsible_person__last_name"], row["responsible_person__username"]),
        "contributing_units": row["contributing_unit_ids"],
        "start_date": row["start_date"].isoformat() if row["start_date"] else None,
        "due_date": row["due_date"].isoformat() if row["due_date"] else None,
        "period_text": row["period_text"],
        "status": row["status"],
        "progress": row["progress"],
        "overdue": row["overdue"],
        "latest_update": None if latest_at is None else {
            "created_at": _datetime(latest_at, zone),
            "risk": row["latest_risk"],
            "comment": row["latest_comment"],
        },
        "budget": None if budget is None else f"{budget:.2f}",
        "budget_reference": row["budget_reference"],
        "evaluation": row["evaluation"],
        "evaluated_on": row["evaluated_on"].isoformat() if row["evaluated_on"] else None,
        "evaluated_by": _named(
            row["evaluated_by_id"], row["evaluated_by__first_name"],
            row["evaluated_by__last_name"], row["evaluated_by__username"]),
        "version": row["version"],
        "created_at": _datetime(row["created_at"], zone),
        "updated_at": _datetime(row["updated_at"], zone),
    }


class ActionWriteSerializer(serializers.ModelSerializer):
    """Create an action, or edit its own fields (assignment has its own transition)."""

    serializer_field_mapping = STRICT_FIELD_MAPPING  # budget "" is refused, as the schema says

    goal = VisiblePrimaryKeyField(Goal)
    responsible_unit = VisiblePrimaryKeyField(Unit, required=False, allow_null=True)
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True)
    contributing_units = VisiblePrimaryKeyField(Unit, many=True, required=False)
    version = serializers.IntegerField(required=False, write_only=True,
                                       help_text="The version you last read (or send If-Match).")

    class Meta:
        model = Action
        fields = ["goal", "order", "code", "title", "description", "responsible_unit",
                  "responsible_person", "contributing_units", "start_date", "due_date",
                  "period_text", "budget", "budget_reference", "version"]
        validators: list[Any] = []


class ActionUpdateSerializer(ActionWriteSerializer):
    goal = serializers.PrimaryKeyRelatedField(read_only=True)
    responsible_unit = serializers.PrimaryKeyRelatedField(read_only=True)
    responsible_person = serializers.PrimaryKeyRelatedField(read_only=True)
    due_date = serializers.DateField(read_only=True)


class AssignSerializer(serializers.Serializer):
    responsible_unit = VisiblePrimaryKeyField(Unit, allow_null=True)
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True)
    due_date = SaneDateSerializerField(required=False, allow_null=True)
    start_date = SaneDateSerializerField(required=False, allow_null=True)
    period_text = serializers.CharField(required=False, allow_blank=True, max_length=100)
    version = serializers.IntegerField(required=False, write_only=True)


class StatusUpdateInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Action.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    risk = serializers.ChoiceField(choices=StatusUpdate.Risk.choices,
                                   default=StatusUpdate.Risk.ON_TRACK)
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="Do not write personal data about patients.")
    version = serializers.IntegerField(required=False, write_only=True)


class EvaluateSerializer(serializers.Serializer):
    evaluation = serializers.CharField()
    evaluated_on = SaneDateSerializerField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, write_only=True)


def _organization_of(update: StatusUpdate) -> int:
    # Annotated by the status-update list; otherwise read through the action.
    organization_id = getattr(update, "plan_organization_id", None)
    if organization_id is None:
        organization_id = update.action.goal.focus_area.plan.organization_id
    return organization_id


class StatusUpdateSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = StatusUpdate
        fields = ["id", "action", "author", "created_at", "status", "progress", "risk",
                  "comment"]
        read_only_fields = fields

    def to_representation(self, instance: StatusUpdate) -> dict[str, Any]:
        return hide_people_from(super().to_representation(instance),
                                self.context.get("request"), "author",
                                organization_id=_organization_of(instance))


class StatusUpdateCreateSerializer(StatusUpdateInputSerializer):
    """POST /status-updates/: the action and the version it was read at, in the body."""

    action = VisiblePrimaryKeyField(Action)
