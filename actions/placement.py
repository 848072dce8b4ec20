"""Where a tiltak hangs: under a delmål, directly on a satsingsområde, or on the plan.

A kommune's plan lists tiltak where it puts them: Åsnes per satsingsområde, Øvre Eiker's
temaplaner for the plan as a whole. ``Action`` stores all three levels (the plan always,
the area whenever there is a goal) so reads never walk up the tree; this module is the
one place that derives and checks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from actions.models import Action
from strategies.models import FocusArea, Goal, Plan

LEVELS = ("goal", "focus_area", "plan")


@dataclass(frozen=True)
class Placement:
    """A tiltak's place: its plan, and its area and goal where it has them."""

    plan: Plan
    focus_area: FocusArea | None = None
    goal: Goal | None = None

    @property
    def level(self) -> str:
        """``"goal"``, ``"focus_area"`` or ``"plan"``: the lowest level given."""
        if self.goal is not None:
            return "goal"
        return "focus_area" if self.focus_area is not None else "plan"

    @property
    def organization_id(self) -> int:
        return self.plan.organization_id

    def fields(self) -> dict[str, Any]:
        """The model fields the placement sets."""
        return {"plan": self.plan, "focus_area": self.focus_area, "goal": self.goal}

    def siblings_q(self) -> Q:
        """The tiltak on the same level of the same parent (their ``order`` is shared)."""
        if self.goal is not None:
            return Q(goal=self.goal)
        if self.focus_area is not None:
            return Q(focus_area=self.focus_area, goal__isnull=True)
        return Q(plan=self.plan, focus_area__isnull=True)


def place(*, goal: Goal | None = None, focus_area: FocusArea | None = None,
          plan: Plan | None = None) -> Placement:
    """The placement the lowest given level makes, checked against the levels above it.

    Given only a goal, its area and plan follow; a focus area or plan given with it must
    be the goal's own. Raises ``ValidationError`` naming the field that does not fit.
    """
    if goal is not None:
        area = goal.focus_area
        if focus_area is not None and focus_area.pk != area.pk:
            raise ValidationError({"goal": _("The goal is not in this focus area.")})
        focus_area = area
    if focus_area is not None:
        if plan is not None and plan.pk != focus_area.plan_id:
            field = "goal" if goal is not None else "focus_area"
            raise ValidationError({field: _("The focus area is not in this plan.")})
        plan = focus_area.plan
    if plan is None:
        raise ValidationError({"plan": _("Choose the plan, focus area or goal the action "
                                         "belongs to.")})
    return Placement(plan=plan, focus_area=focus_area, goal=goal)


def next_order(placement: Placement) -> int:
    """The order after the last tiltak on the placement's level."""
    last = (Action.objects.filter(placement.siblings_q())
            .order_by("-order").values_list("order", flat=True).first())
    return 0 if last is None else last + 1


def placement_label(action: Any) -> str:
    """Where the tiltak hangs, as lists and e-mails name it in one phrase: its goal, else
    its focus area, else "Applies to the whole plan" (no query when the action was read
    with its goal and focus area)."""
    if action.goal_id is not None:
        return str(action.goal)
    if action.focus_area_id is not None:
        return str(action.focus_area)
    return _("Applies to the whole plan")
