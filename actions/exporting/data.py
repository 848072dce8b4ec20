"""A plan as JSON-ready data: every field, the unit tree, status history, indicators and
measurements. Importing it into an empty database gives the same plan back (``restore``).

People are written by username with their name, e-mail and roles in the organisation,
because the actions, history and measurements refer to them. The export reads a fixed
number of queries, whatever the size of the plan.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from actions.models import Action, StatusUpdate
from planportal.models import Membership, Unit
from strategies.models import FocusArea, Goal, Indicator, Measurement, Plan

FORMAT = "planportal-plan"
VERSION = 1


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


def export_plan_data(plan: Plan) -> dict[str, Any]:
    """The whole plan as a dict of JSON types (see module docstring)."""
    plan = (Plan.objects.select_related("organization", "owner_unit", "parent",
                                        "previous_version").get(pk=plan.pk))
    organization = plan.organization
    units = list(Unit.objects.filter(organization=organization).select_related("parent"))
    updates = StatusUpdate.objects.select_related("author").order_by("created_at", "pk")
    actions = (
        Action.objects.select_related(
            "responsible_unit", "responsible_person", "evaluated_by",
            "carried_over_from__plan",
        )
        .prefetch_related(
            Prefetch("contributing_units", queryset=Unit.objects.only("pk", "code", "path")),
            Prefetch("status_updates", queryset=updates),
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
            Prefetch("lead_units", queryset=Unit.objects.only("pk", "code", "path")),
            Prefetch("goals", queryset=Goal.objects.order_by("order", "pk").prefetch_related(
                Prefetch("indicators", queryset=indicators),
                Prefetch("actions", queryset=actions),
            )),
        )
        .order_by("order", "pk")
    )
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
                "indicators": [_indicator(i, person) for i in goal.indicators.all()],
                "actions": [_action(a, person) for a in goal.actions.all()],
            })
        focus_areas.append({
            "order": area.order, "code": area.code, "title": area.title,
            "description": area.description, "current_state": area.current_state,
            "vision": area.vision, "partners": area.partners,
            "sdgs": sorted(s.number for s in area.sdgs.all()),
            "lead_units": [u.code for u in sorted(area.lead_units.all(), key=lambda u: u.path)],
            "goals": goals,
        })
    memberships = Membership.objects.filter(
        user_id__in=list(people), unit__organization=organization
    ).select_related("unit").order_by("unit__path", "role")
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
            for u in sorted(units, key=lambda u: (u.depth, u.path))
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
            "focus_areas": focus_areas,
        },
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
        "contributing_units": [u.code for u in sorted(action.contributing_units.all(),
                                                      key=lambda u: u.path)],
        "start_date": _value(action.start_date), "due_date": _value(action.due_date),
        "period_text": action.period_text, "status": action.status,
        "progress": action.progress, "budget": _value(action.budget),
        "budget_reference": action.budget_reference, "evaluation": action.evaluation,
        "evaluated_on": _value(action.evaluated_on),
        "evaluated_by": person(action.evaluated_by),
        "carried_over_from": None if previous is None else {
            "plan": _plan_ref(previous.plan),
            "focus_area": previous.focus_area.title if previous.focus_area else "",
            "goal": previous.goal.title,
            "title": previous.title,
        },
        "status_updates": [
            {"created_at": _value(u.created_at), "author": person(u.author),
             "status": u.status, "progress": u.progress, "risk": u.risk, "comment": u.comment}
            for u in action.status_updates.all()
        ],
    }
