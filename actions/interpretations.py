"""The services that record and take away "tolket" markers (:class:`Interpretation`).

A marker belongs to its plan and, where it concerns one, to a focus area, goal, indicator
or tiltak of that plan. The plan's administrators record them (a restored export, a
rullering's copy and the seed loader all come through here), audited like every change.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from actions.models import Action, Interpretation
from planportal.audit import services as audit
from planportal.audit.services import created_fields
from strategies.models import FocusArea, Goal, Indicator, Plan
from strategies.services import require_plan_admin


def _plan_of(obj: Any) -> int:
    """The id of the plan a focus area, goal, indicator or tiltak belongs to."""
    if isinstance(obj, FocusArea):
        return obj.plan_id
    if isinstance(obj, Goal):
        return obj.focus_area.plan_id
    if isinstance(obj, Indicator):
        return obj.goal.focus_area.plan_id
    return obj.plan_id


def record_interpretation(
    *,
    actor: Any,
    plan: Plan,
    reason: str,
    field: str = "",
    focus_area: FocusArea | None = None,
    goal: Goal | None = None,
    indicator: Indicator | None = None,
    action: Action | None = None,
    order: int | None = None,
) -> Interpretation:
    """Record that *field* (or, empty, the object or its placement) was interpreted, and
    why, on *plan* or on the one of its objects given. It comes after the plan's others,
    unless *order* places it (the seed loader keeps each at its place in the file).

    Refused unless the actor administers the plan's kommune; every object given must be
    the plan's own (the error names the one that is not), and the reason is required.
    """
    require_plan_admin(actor, plan.organization_id)
    attached = {"focus_area": focus_area, "goal": goal, "indicator": indicator,
                "action": action}
    errors = {name: _("This is not part of the plan.") for name, obj in attached.items()
              if obj is not None and _plan_of(obj) != plan.pk}
    if not (reason or "").strip():
        errors["reason"] = _("Say why the value was interpreted.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if order is None:
            last = plan.interpretations.aggregate(last=Max("order"))["last"]
            order = 0 if last is None else last + 1
        marker = Interpretation(plan=plan, field=field, reason=reason.strip(), order=order,
                                **attached)
        marker.full_clean()
        marker.save()
        audit.record(actor=actor, verb="create", obj=marker, changes=created_fields(marker),
                     organization_id=plan.organization_id)
    return marker


def delete_interpretation(*, actor: Any, interpretation: Interpretation) -> None:
    """Take a marker away (the value turned out to be the document's own, or was changed).

    The plan's administrators only; the trail keeps what the marker said, on the plan:
    ``{"interpretation": [marker, None]}``.
    """
    plan = interpretation.plan
    require_plan_admin(actor, plan.organization_id)
    with transaction.atomic():
        gone = {name: value for name, (_none, value) in created_fields(interpretation).items()}
        gone["id"] = interpretation.pk
        audit.record(actor=actor, verb="update", obj=plan,
                     changes={"interpretation": [gone, None]},
                     organization_id=plan.organization_id)
        interpretation.delete()
