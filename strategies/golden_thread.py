"""The golden thread: which goals of a higher plan a lower plan's goal or tiltak
contributes to ("bidrar til"), and the one rule that says which links are allowed.

A kommune's plans come in levels (``Plan.Level``): the samfunnsdel at the top, then
kommunedelplaner and temaplaner, handlingsplaner, virksomhetsplaner. A goal or tiltak
may contribute to goals of a plan of the same kommune one or more levels up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from strategies.models import Goal, Plan


def contribution_refusal(source_plan: Plan, target: Goal) -> str:
    """Why a goal or tiltak of *source_plan* may not contribute to *target*, or ""."""
    target_plan = target.focus_area.plan
    if target_plan.organization_id != source_plan.organization_id:
        return _("The goal belongs to another kommune.")
    if target_plan.level >= source_plan.level:
        return _("A plan contributes to the goals of a higher plan: «%(target)s» is not "
                 "above «%(source)s».") % {"target": target_plan.title,
                                           "source": source_plan.title}
    return ""


def allowed_targets_q(source_plan: Plan, prefix: str = "") -> Q:
    """The goals (at *prefix*) a goal or tiltak of *source_plan* may contribute to, as a
    filter: :func:`contribution_refusal`'s rule, for offering the choices."""
    return Q(**{f"{prefix}focus_area__plan__organization_id": source_plan.organization_id,
                f"{prefix}focus_area__plan__level__lt": source_plan.level})


def checked_targets(source_plan: Plan, targets: Iterable[Goal]) -> list[Goal]:
    """The *targets* (goals or their ids) as a list, each once, refused
    (``ValidationError`` on ``contributes_to``) if any may not be contributed to from
    *source_plan*."""
    wanted = [getattr(goal, "pk", goal) for goal in targets]
    # One query for the plans the rule reads, however the targets were loaded.
    found = Goal.objects.select_related("focus_area__plan").in_bulk(wanted)
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({"contributes_to": _("No goal with the id %(ids)s.")
                               % {"ids": ", ".join(missing)}})
    goals = [found[pk] for pk in dict.fromkeys(wanted)]
    refusals = [r for r in (contribution_refusal(source_plan, goal) for goal in goals) if r]
    if refusals:
        raise ValidationError({"contributes_to": refusals})
    return goals


def contribution_changes(current: Iterable[Any], new: Iterable[Goal]) -> dict[str, list[Any]]:
    """The audit entry for a changed set of contributions (empty when unchanged)."""
    old = sorted(getattr(goal, "pk", goal) for goal in current)
    now = sorted(goal.pk for goal in new)
    return {} if old == now else {"contributes_to": [old, now]}
