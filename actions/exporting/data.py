"""A plan as JSON-ready data: every field, the unit tree, status history, indicators and
measurements. Importing it into an empty database gives the same plan back (``restore``).

People are written by username with their name, e-mail and roles in the organisation,
because the actions, history and measurements refer to them. The export reads a fixed
number of queries, whatever the size of the plan.

Version 2 (version 1 files still restore: their tiltak all hang under a goal):

- a tiltak sits where it hangs: in ``plan.actions`` (the whole plan), in a focus area's
  ``actions`` (no goal) or in a goal's ``actions``, and says its ``level``;
- other objects are referred to as everywhere in the export: a plan by title and start
  year, an area by title, a goal by its area's title and its own, an indicator by its
  goal and name, a tiltak by its area and goal titles (null where it has none) and its
  own;
- ``contributes_to`` of a goal or tiltak lists the goals of (higher) plans it contributes
  to ("bidrar til"), each as ``{"plan", "focus_area", "goal"}``;
- ``plan.interpretations`` are the plan's "tolket" markers, in order, each with what it
  is attached to, the field and the reason.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from actions.models import Action, Interpretation, StatusUpdate
from planportal.models import Membership, Unit
from strategies.models import FocusArea, Goal, Indicator, Measurement, Plan

FORMAT = "planportal-plan"
VERSION = 2
#: The versions ``restore`` reads: 1 had every tiltak under a goal, and no links or markers.
SUPPORTED_VERSIONS = (1, 2)


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plan_ref(plan: Plan | None) -> dict[str, Any] | None:
    return None if plan is None else {"title": plan.title, "period_start": plan.period_start}


def _username(user: Any) -> str | None:
    return user.username if user is not None else None


def goal_ref(goal: Goal) -> dict[str, Any]:
    """A goal of any plan of the kommune, as the export refers to it."""
    return {"plan": _plan_ref(goal.focus_area.plan), "focus_area": goal.focus_area.title,
            "goal": goal.title}


def _goal_refs(goals: Any) -> list[dict[str, Any]]:
    refs = [goal_ref(goal) for goal in goals]
    return sorted(refs, key=lambda r: (r["plan"]["title"], r["plan"]["period_start"],
                                       r["focus_area"], r["goal"]))


def action_ref(action: Action) -> dict[str, Any]:
    """A tiltak within its plan: its area's and goal's titles (null where it has none)."""
    return {"focus_area": action.focus_area.title if action.focus_area else None,
            "goal": action.goal.title if action.goal else None, "title": action.title}


def export_plan_data(plan: Plan) -> dict[str, Any]:
    """The whole plan as a dict of JSON types (see module docstring)."""
    plan = (Plan.objects.select_related("organization", "owner_unit", "parent",
                                        "previous_version").get(pk=plan.pk))
    organization = plan.organization
    units = list(Unit.objects.filter(organization=organization).select_related("parent"))
    updates = StatusUpdate.objects.select_related("author").order_by("created_at", "pk")
    targets = Goal.objects.select_related("focus_area__plan")
    actions = (
        Action.objects.select_related(
            "responsible_unit", "responsible_person", "evaluated_by",
            "carried_over_from__plan", "carried_over_from__focus_area",
            "carried_over_from__goal",
        )
        .prefetch_related(
            Prefetch("contributing_units", queryset=Unit.objects.only("pk", "code")),
            Prefetch("status_updates", queryset=updates),
            Prefetch("contributes_to", queryset=targets),
        )
        .order_by("order", "pk")
    )
    indicators = Indicator.objects.prefetch_related(
        "targets", "baselines",
        Prefetch("measurements",
                 queryset=Measurement.objects.select_related("recorded_by")
                 .order_by("period_end", "pk"))
    ).order_by("order", "pk")
    areas = (
        FocusArea.objects.filter(plan=plan)
        .prefetch_related(
            "sdgs",
            Prefetch("lead_units", queryset=Unit.objects.only("pk", "code")),
            # The area's own tiltak: those under none of its goals.
            Prefetch("actions", queryset=actions.filter(goal__isnull=True),
                     to_attr="own_actions"),
            Prefetch("goals", queryset=Goal.objects.order_by("order", "pk").prefetch_related(
                Prefetch("indicators", queryset=indicators),
                Prefetch("actions", queryset=actions),
                Prefetch("contributes_to", queryset=targets),
            )),
        )
        .order_by("order", "pk")
    )
    plan_actions = actions.filter(plan=plan, focus_area__isnull=True)
    interpretations = Interpretation.objects.filter(plan=plan).select_related(
        "focus_area", "goal__focus_area", "indicator__goal__focus_area",
        "action__focus_area", "action__goal",
    ).order_by("order", "pk")
    people: dict[int, Any] = {}

    def person(user: Any) -> str | None:
        if user is not None:
            people[user.pk] = user
        return _username(user)

    focus_areas = []
    for area in areas:
        goals = []
        for goal in area.goals.all():
            goals.append({
                "order": goal.order, "code": goal.code, "title": goal.title,
                "description": goal.description, "success_criteria": goal.success_criteria,
                "contributes_to": _goal_refs(goal.contributes_to.all()),
                "indicators": [_indicator(i, person) for i in goal.indicators.all()],
                "actions": [_action(a, person) for a in goal.actions.all()],
            })
        focus_areas.append({
            "order": area.order, "code": area.code, "title": area.title,
            "description": area.description, "current_state": area.current_state,
            "vision": area.vision, "partners": area.partners,
            "sdgs": sorted(s.number for s in area.sdgs.all()),
            "lead_units": sorted(u.code for u in area.lead_units.all()),
            "actions": [_action(a, person) for a in area.own_actions],
            "goals": goals,
        })
    memberships = Membership.objects.filter(
        user_id__in=list(people), unit__organization=organization
    ).select_related("unit").order_by("unit__code", "role")
    roles: dict[int, list[dict[str, str]]] = {}
    for membership in memberships:
        roles.setdefault(membership.user_id, []).append(
            {"unit": membership.unit.code, "role": membership.role})
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "organization": {"slug": organization.slug, "name": organization.name,
                         "org_number": organization.org_number},
        "units": [
            {"code": u.code, "name": u.name, "kind": u.kind, "email": u.email,
             "parent": u.parent.code if u.parent else None}
            # Parents before children; by code, not by the ids in the path, so a restored
            # kommune (new ids) exports its units in the same order.
            for u in sorted(units, key=lambda u: (u.depth, u.code))
        ],
        "people": [
            {"username": u.username, "first_name": u.first_name, "last_name": u.last_name,
             "email": u.email, "memberships": roles.get(pk, [])}
            for pk, u in sorted(people.items(), key=lambda item: item[1].username)
        ],
        "plan": {
            "title": plan.title, "kind": plan.kind, "period_start": plan.period_start,
            "period_end": plan.period_end, "status": plan.status,
            "adopted_on": _value(plan.adopted_on), "adopted_by": plan.adopted_by,
            "vision": plan.vision, "description": plan.description,
            "owner_unit": plan.owner_unit.code if plan.owner_unit else None,
            "revision_interval_years": plan.revision_interval_years,
            "next_revision_on": _value(plan.next_revision_on), "is_public": plan.is_public,
            "parent": _plan_ref(plan.parent),
            "previous_version": _plan_ref(plan.previous_version),
            "level": plan.level,
            "actions": [_action(a, person) for a in plan_actions],
            "focus_areas": focus_areas,
            "interpretations": [_interpretation(i) for i in interpretations],
        },
    }


def _interpretation(marker: Interpretation) -> dict[str, Any]:
    """A "tolket" marker: what it is attached to (null for each it is not), field, reason."""
    goal, indicator, action = marker.goal, marker.indicator, marker.action
    return {
        "focus_area": marker.focus_area.title if marker.focus_area else None,
        "goal": None if goal is None else {"focus_area": goal.focus_area.title,
                                           "title": goal.title},
        "indicator": None if indicator is None else {
            "focus_area": indicator.goal.focus_area.title, "goal": indicator.goal.title,
            "name": indicator.name},
        "action": None if action is None else action_ref(action),
        "field": marker.field,
        "reason": marker.reason,
    }


def _indicator(indicator: Indicator, person: Any) -> dict[str, Any]:
    return {
        "order": indicator.order, "name": indicator.name, "unit": indicator.unit,
        "direction": indicator.direction,
        "targets": [
            {"year": t.year, "comparison": t.comparison, "value": _value(t.value),
             "relative_to_national": t.relative_to_national}
            for t in indicator.targets.all()
        ],
        "baselines": [{"year": b.year, "value": _value(b.value)}
                      for b in indicator.baselines.all()],
        "source": indicator.source,
        "measurements": [
            {"period_end": _value(m.period_end), "period_label": m.period_label,
             "value": _value(m.value), "note": m.note, "recorded_by": person(m.recorded_by),
             "recorded_at": _value(m.recorded_at)}
            for m in indicator.measurements.all()
        ],
    }


def _action(action: Action, person: Any) -> dict[str, Any]:
    previous = action.carried_over_from
    return {
        "order": action.order, "code": action.code, "title": action.title,
        "description": action.description,
        "responsible_unit": action.responsible_unit.code if action.responsible_unit else None,
        "responsible_person": person(action.responsible_person),
        "contributing_units": sorted(u.code for u in action.contributing_units.all()),
        "start_date": _value(action.start_date), "due_date": _value(action.due_date),
        "period_text": action.period_text, "status": action.status,
        "progress": action.progress, "budget": _value(action.budget),
        "budget_reference": action.budget_reference, "evaluation": action.evaluation,
        "evaluated_on": _value(action.evaluated_on),
        "evaluated_by": person(action.evaluated_by),
        "level": action.level,
        "contributes_to": _goal_refs(action.contributes_to.all()),
        "carried_over_from": None if previous is None else {
            "plan": _plan_ref(previous.plan), **action_ref(previous)},
        "status_updates": [
            {"created_at": _value(u.created_at), "author": person(u.author),
             "status": u.status, "progress": u.progress, "risk": u.risk, "comment": u.comment}
            for u in action.status_updates.all()
        ],
    }
