"""The plan page's "tolket" markers: every interpretation of a plan in one query, by what
it concerns, for the administrators of the plan's kommune (the view decides who).

The plan's own markers are listed under the plan; the others are looked up by the
object the page shows them next to: a focus area, goal, indicator or action row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from actions.interpretation_models import Interpretation
from actions.models import Action
from reports.tree import ActionRow
from strategies.models import FocusArea, Goal, Indicator, Plan


@dataclass(frozen=True, slots=True)
class Marker:
    """One interpretation as the plan page shows it: the reason, and the label of the
    value it concerns ("" when it concerns the object or the plan as a whole)."""

    reason: str
    label: str


#: Where a marker's ``field`` is looked up for its label: the model it concerns first,
#: then the others (a plan-level marker may name a field of its tiltak or areas).
_FIELD_MODELS = {"plan": Plan, "focus_area": FocusArea, "goal": Goal, "indicator": Indicator,
                 "action": Action}


def _field_label(kind: str, name: str) -> str:
    if not name:
        return ""
    if name == "placement":
        return str(_("placement"))
    for model in (_FIELD_MODELS[kind], *_FIELD_MODELS.values()):
        try:
            label = getattr(model._meta.get_field(name), "verbose_name", "")
        except FieldDoesNotExist:
            continue
        if label:
            return str(label)
    return ""


@dataclass
class PlanInterpretations:
    """A plan's markers by what they concern: ``plan`` (the plan itself) and, per kind,
    the object's pk → its markers, in the plan's order."""

    plan: list[Marker] = field(default_factory=list)
    by_object: dict[tuple[str, int], list[Marker]] = field(default_factory=dict)

    def of(self, obj: Any) -> list[Marker]:
        """The markers on the plan itself, or on a focus area, goal, indicator or action
        (a model instance or an ``ActionRow``)."""
        if isinstance(obj, Plan):
            return self.plan
        kind = {FocusArea: "focus_area", Goal: "goal", Indicator: "indicator",
                ActionRow: "action", Action: "action"}.get(type(obj))
        return self.by_object.get((kind, obj.pk), []) if kind else []


def plan_interpretations(plan: Plan) -> PlanInterpretations:
    """Every marker of the plan, in one query."""
    found = PlanInterpretations()
    rows = (Interpretation.objects.filter(plan=plan)
            .values_list("focus_area_id", "goal_id", "indicator_id", "action_id", "field",
                         "reason"))
    for area_id, goal_id, indicator_id, action_id, name, reason in rows:
        kind, pk = next(((k, pk) for k, pk in (("action", action_id),
                                                ("indicator", indicator_id),
                                                ("goal", goal_id), ("focus_area", area_id))
                         if pk is not None), ("plan", None))
        marker = Marker(reason=reason, label=_field_label(kind, name))
        if pk is None:
            found.plan.append(marker)
        else:
            found.by_object.setdefault((kind, pk), []).append(marker)
    return found
