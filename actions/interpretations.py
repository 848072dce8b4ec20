"""The services for "tolket" markers: record where a plan in Planportal says more than
its document (a value or placement the document left open), and take a marker away.

A marker belongs to a plan and concerns the plan itself or one of its focus areas,
goals, indicators or tiltak (:class:`actions.interpretation_models.Interpretation`).
Only the kommune's plan administrators write them; every change is in the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from actions.interpretation_models import Interpretation
from actions.models import Action
from planportal.audit import services as audit
from planportal.audit.services import created_fields
from strategies.models import FocusArea, Goal, Indicator, Plan
from strategies.services import require_plan_admin


def _plan_id_of(obj: models.Model) -> int:
    """The plan a focus area, goal, indicator or tiltak belongs to."""
    if isinstance(obj, Action | FocusArea):
        return obj.plan_id
    if isinstance(obj, Goal):
        return obj.focus_area.plan_id
    return obj.goal.focus_area.plan_id  # an indicator


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
    """Record a "tolket" marker on *plan*, or on one focus area, goal, indicator or
    tiltak of it; *field* names the interpreted value ("" for the object or placement).

    At most one object, and it must be the plan's own; the reason is required. The
    marker goes last among the plan's unless *order* is given.
    """
    require_plan_admin(actor, plan.organization_id)
    targets = {name: obj for name, obj in (("focus_area", focus_area), ("goal", goal),
                                           ("indicator", indicator), ("action", action))
               if obj is not None}
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Say why the value was interpreted.")
    if len(targets) > 1:
        message = _("A marker concerns one thing: the plan, or one focus area, goal, "
                    "indicator or action.")
        errors.update(dict.fromkeys(targets, message))
    else:
        for name, obj in targets.items():
            if _plan_id_of(obj) != plan.pk:
                errors[name] = _("This is not part of the plan.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if order is None:
            last = plan.interpretations.aggregate(m=models.Max("order"))["m"]
            order = 0 if last is None else last + 1
        marker = Interpretation(plan=plan, field=field.strip(), reason=reason.strip(),
                                order=order, **targets)
        marker.full_clean()
        marker.save()
        audit.record(actor=actor, verb="create", obj=marker, changes=created_fields(marker),
                     organization_id=plan.organization_id)
    return marker


def delete_interpretation(*, actor: Any, interpretation: Interpretation) -> None:
    """Take a marker away (the value turned out to be the document's own, or was changed).

    The trail keeps what it said, on the plan: ``{"interpretation": [marker, None]}``.
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
