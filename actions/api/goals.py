"""The goal API's part that needs actions: the tiltak that contribute to a goal.

``strategies.api`` serves goals with the goals that contribute to them (strategies never
imports actions); this module extends its serializers and viewset with the tiltak, and
the router serves this viewset at the same URL.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework import serializers

from actions.models import Action
from strategies.api import serializers as goal_serializers
from strategies.api import views as goal_views


class GoalSerializer(goal_serializers.GoalSerializer):
    contributing_actions = goal_serializers.ReadableIdsField(
        source="readable_contributing_actions",
        help_text="Tiltak of lower plans that contribute to this goal (those you may read).")

    class Meta(goal_serializers.GoalSerializer.Meta):
        fields = [*goal_serializers.GoalSerializer.Meta.fields, "contributing_actions"]


class GoalUpdateSerializer(GoalSerializer):
    focus_area = serializers.PrimaryKeyRelatedField(read_only=True)


# No docstring: the schema's description of the goal endpoints is the base class's.
class GoalViewSet(goal_views.GoalViewSet):
    serializer_class = GoalSerializer
    update_serializer_class = GoalUpdateSerializer

    def get_queryset(self) -> QuerySet:
        readable = Action.objects.visible_to(self.request.user).only("pk").order_by("pk")
        return super().get_queryset().prefetch_related(
            Prefetch("contributing_actions", queryset=readable,
                     to_attr="readable_contributing_actions"))
