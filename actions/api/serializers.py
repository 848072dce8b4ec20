"""Serializers for actions, their transitions and status updates."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actions.models import Action, StatusUpdate
from actions.periods import parse_period
from actions.placement import LEVELS
from actions.services import PERIOD_UNREAD
from planportal.api.fields import STRICT_FIELD_MAPPING, VisiblePrimaryKeyField
from planportal.api.serializers import PersonSerializer, UnitBriefSerializer, hide_people_from
from planportal.dates import SaneDateSerializerField
from planportal.models import Unit, User
from strategies.models import FocusArea, Goal, Plan

#: Action.level's values, as the schema names them.
LEVEL_CHOICES = [(level, level) for level in LEVELS]
PLACEMENT_FIELDS = ("goal", "focus_area", "plan")
_ABSENT: Any = object()


def placement_change(data: dict[str, Any], action: Action) -> dict[str, Any] | None:
    """The placement an edit's body asks for, as :func:`actions.services.move_action` takes
    it (``None``: the body names none; the placement fields are popped from *data*).

    A level the body does not name follows from those it does: a goal or focus area given
    brings its own area and plan; naming a focus area or the plan (without a goal) puts
    the tiltak directly on it; ``goal: null`` alone takes it off its goal onto the goal's
    focus area, ``focus_area: null`` onto the whole plan.
    """
    given = {name: data.pop(name, _ABSENT) for name in PLACEMENT_FIELDS}
    if all(value is _ABSENT for value in given.values()):
        return None
    goal, focus_area, plan = given["goal"], given["focus_area"], given["plan"]
    if goal is _ABSENT:
        goal = None
    if focus_area is _ABSENT:
        focus_area = (action.focus_area if goal is None and given["goal"] is not _ABSENT
                      else None)
    if plan is _ABSENT:
        plan = action.plan if goal is None and focus_area is None else None
    return {"goal": goal, "focus_area": focus_area, "plan": plan}


class LatestUpdateSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField(source="latest_update_at")
    risk = serializers.CharField(source="latest_risk")
    comment = serializers.CharField(source="latest_comment")


class ActionSerializer(serializers.ModelSerializer):
    """An action as lists and detail pages show it: for the OpenAPI schema only.

    The API never renders an action through it: every answer is built from the read
    model (:func:`actions.read_model.action_row`), and tests hold this serializer's
    fields and its field-by-field rendering equal to that.
    """

    plan = serializers.IntegerField(source="plan_id", read_only=True)
    focus_area = serializers.IntegerField(
        source="focus_area_id", read_only=True, allow_null=True,
        help_text="The focus area the tiltak hangs on or under; null when it applies to the "
                  "whole plan.")
    goal = serializers.IntegerField(
        source="goal_id", read_only=True, allow_null=True,
        help_text="The goal the tiltak hangs under; null when it hangs directly on a focus "
                  "area or on the whole plan.")
    level = serializers.ChoiceField(
        choices=LEVEL_CHOICES, read_only=True,
        help_text="Where the tiltak hangs: under a goal, directly on a focus area, or on the "
                  "whole plan.")
    responsible_unit = UnitBriefSerializer(read_only=True, allow_null=True)
    responsible_person = PersonSerializer(read_only=True, allow_null=True)
    evaluated_by = PersonSerializer(read_only=True, allow_null=True)
    contributing_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    contributes_to = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Goals of higher plans the action contributes "
                                             "to (“bidrar til”), those you may read.")
    overdue = serializers.BooleanField(read_only=True)
    latest_update = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id", "plan", "focus_area", "goal", "level", "order", "code", "title",
            "description",
            "responsible_unit", "responsible_person", "contributing_units", "contributes_to",
            "start_date", "due_date", "period_text", "continuous", "status", "progress",
            "overdue",
            "latest_update", "budget", "budget_reference", "evaluation", "evaluated_on",
            "evaluated_by", "version", "created_at", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(LatestUpdateSerializer(allow_null=True))
    def get_latest_update(self, action: Action) -> dict[str, Any] | None:
        if getattr(action, "latest_update_at", None) is None:
            return None
        return LatestUpdateSerializer(action).data


class ActionWriteSerializer(serializers.ModelSerializer):
    """Create an action, or edit its own fields (assignment has its own transition).

    On create, the placement is the lowest of ``goal``, ``focus_area`` and ``plan`` given
    (:func:`actions.placement.place`): none, or two that do not fit, is a 400 naming the
    field."""

    serializer_field_mapping = STRICT_FIELD_MAPPING  # budget "" is refused, as the schema says

    goal = VisiblePrimaryKeyField(
        Goal, required=False, allow_null=True,
        help_text="The goal the tiltak hangs under. Give the lowest level only: a goal, a "
                  "focus area or a plan (levels above it follow; a higher level given too "
                  "must be the one above it).")
    focus_area = VisiblePrimaryKeyField(
        FocusArea, required=False, allow_null=True,
        help_text="The focus area, for a tiltak directly on it (no goal).")
    plan = VisiblePrimaryKeyField(
        Plan, required=False, allow_null=True,
        help_text="The plan, for a tiltak that applies to the whole plan.")
    responsible_unit = VisiblePrimaryKeyField(Unit, required=False, allow_null=True)
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True)
    contributing_units = VisiblePrimaryKeyField(Unit, many=True, required=False)
    # Set by actions.services.set_action_contributions, in the same transaction.
    contributes_to = VisiblePrimaryKeyField(
        Goal, many=True, required=False,
        help_text="Goals of higher plans of the kommune the action contributes to.")
    version = serializers.IntegerField(required=False, write_only=True,
                                       help_text="The version you last read (or send If-Match).")

    class Meta:
        model = Action
        fields = ["plan", "focus_area", "goal", "order", "code", "title", "description",
                  "responsible_unit", "responsible_person", "contributing_units",
                  "contributes_to", "start_date", "due_date", "period_text", "budget",
                  "budget_reference", "version"]
        validators: list[Any] = []


class ActionUpdateSerializer(ActionWriteSerializer):
    """Edit a tiltak's own fields; ``goal``, ``focus_area`` or ``plan`` moves it within its
    plan (:func:`placement_change`)."""

    goal = VisiblePrimaryKeyField(
        Goal, required=False, allow_null=True,
        help_text="Move the tiltak under this goal (of the same plan). Null takes it off its "
                  "goal, directly onto the goal's focus area.")
    focus_area = VisiblePrimaryKeyField(
        FocusArea, required=False, allow_null=True,
        help_text="Move the tiltak directly onto this focus area (of the same plan). Null "
                  "makes it apply to the whole plan.")
    plan = VisiblePrimaryKeyField(
        Plan, required=False,
        help_text="The tiltak's own plan: it then applies to the whole plan. Another plan is "
                  "refused.")
    responsible_unit = serializers.PrimaryKeyRelatedField(read_only=True)
    responsible_person = serializers.PrimaryKeyRelatedField(read_only=True)
    due_date = serializers.DateField(read_only=True)


class AssignSerializer(serializers.Serializer):
    """Ansvar and Tid. A new ``period_text`` gives the start date and deadline it says
    unless other dates are sent (``actions.services.assign_action``, as the web page)."""

    responsible_unit = VisiblePrimaryKeyField(Unit, allow_null=True)
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True)
    due_date = SaneDateSerializerField(required=False, allow_null=True)
    start_date = SaneDateSerializerField(required=False, allow_null=True)
    period_text = serializers.CharField(
        required=False, allow_blank=True, max_length=100,
        help_text='As the plan writes the time: "løpende", "2024-", "2025–2026", '
                  '"2. tertial 2026" or a date. A period with an end gives the deadline; '
                  "an open-ended one makes the action continuous.")
    version = serializers.IntegerField(required=False, write_only=True)

    def validate_period_text(self, value: str) -> str:
        # Refused as the web form refuses it: a time that cannot be read.
        if value.strip() and parse_period(value).unread:
            raise serializers.ValidationError(str(PERIOD_UNREAD))
        return value


#: The statuses a status update may report: "carried over" is set by rullering alone
#: (``Action.REPORTABLE_STATUSES``). Named in the schema as ReportableStatusEnum.
REPORTABLE_STATUS_CHOICES = [(value, label) for value, label in Action.Status.choices
                             if value in Action.REPORTABLE_STATUSES]


class StatusUpdateInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=REPORTABLE_STATUS_CHOICES)
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
        organization_id = update.action.plan.organization_id
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
