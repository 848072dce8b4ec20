"""Rullering: rolling a plan into a new version for a new period, its unfinished
actions carried over.

It lives in ``actions`` because it copies the plan's structure (``strategies.services``)
and its tiltak (``actions.services``) in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from actions import services as action_services
from actions.interpretations import record_interpretation
from actions.models import Action, Interpretation
from actions.placement import place
from planportal.audit import services as audit
from strategies import services as plan_services
from strategies.golden_thread import contribution_refusal
from strategies.models import FocusArea, Goal, Indicator, Plan


def _rolled_title(plan: Plan, period_start: int, period_end: int) -> str:
    """The old title with its period replaced ("… 2025–2030" → "… 2026–2031")."""
    pattern = re.compile(rf"{plan.period_start}\s*[-–—]\s*{plan.period_end}")
    if pattern.search(plan.title):
        return pattern.sub(f"{period_start}–{period_end}", plan.title, count=1)
    return f"{plan.title} ({period_start}–{period_end})"


def roll_over_plan(
    *,
    actor: Any,
    plan: Plan,
    period_start: int,
    period_end: int,
    title: str = "",
    close_previous: bool = True,
) -> Plan:
    """Roll *plan* into a new version for a new period (rullering).

    The new plan (a draft, ``previous_version`` = *plan*, the same level) gets copies of
    the focus areas, goals and indicators, and of every unfinished action on the level it
    hangs on (under its goal's copy, on its area's copy or on the new plan itself), each
    linked to its earlier self by ``carried_over_from`` and keeping its current status and
    progress. The goals and tiltak copied keep what they contribute to in higher plans
    (the golden thread; a link the rule no longer allows is not copied), and the "tolket"
    markers on what is copied are copied with it. Each earlier
    self becomes *carried over* (videreført, :func:`actions.services.mark_carried_over`):
    closed in the old plan, so no tiltak is open twice. Completed and cancelled actions,
    the status history and the measurements stay in the old version, which stays
    readable; with *close_previous* its status becomes "expired".

    A plan is rolled over once: a second call, for the same period or another, is
    refused and names the version it was rolled into (two calls at once queue on the
    plan's row, so the second sees the first). Everything happens in one transaction:
    if any step fails, nothing is written, and the rollover can simply be run again.
    """
    plan_services.require_plan_admin(actor, plan.organization_id)
    if period_start <= plan.period_start:
        raise ValidationError(
            {"period_start": _("The new period must start after %(year)s.")
             % {"year": plan.period_start}}
        )
    with transaction.atomic():
        # Serialise rollovers of this plan: the check below then sees a concurrent one.
        Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk").first()
        earlier = plan.next_versions.order_by("pk").first()
        if earlier is not None:
            raise ValidationError(
                {"period_start": _("The plan has already been rolled over into «%(plan)s» "
                                   "(%(start)s–%(end)s); roll that version over instead.")
                 % {"plan": earlier.title, "start": earlier.period_start,
                    "end": earlier.period_end}}
            )
        copies = _copy(actor, plan, period_start, period_end, title)
        carried = _carry_over_actions(actor, plan, copies)
        _copy_interpretations(actor, plan, copies)
        new_plan = copies.plan
        if close_previous and plan.status != Plan.Status.EXPIRED:
            plan_services.update_plan(actor=actor, plan=plan, status=Plan.Status.EXPIRED)
        audit.record(actor=actor, verb="roll_over", obj=plan, changes={
            "next_version": [None, new_plan.pk], "carried_over_actions": [None, carried]})
    return new_plan


@dataclass
class _Copies:
    """The new version, and its copies by the id of what each copies."""

    plan: Plan
    areas: dict[int, FocusArea] = field(default_factory=dict)
    goals: dict[int, Goal] = field(default_factory=dict)
    indicators: dict[int, Indicator] = field(default_factory=dict)
    actions: dict[int, Action] = field(default_factory=dict)


def _kept_links(plan: Plan, targets: Any) -> list[Goal]:
    """The goals of higher plans a copy may go on contributing to (the rule decides)."""
    return [goal for goal in targets if not contribution_refusal(plan, goal)]


def _copy(actor: Any, plan: Plan, period_start: int, period_end: int,
          title: str) -> _Copies:
    """The new version with the old one's focus areas, goals (and their links to higher
    plans) and indicators."""
    areas = list(
        plan.focus_areas.prefetch_related("sdgs", "lead_units").order_by("order", "pk")
    )
    goals = list(Goal.objects.filter(focus_area__plan=plan).order_by("order", "pk")
                 .prefetch_related(Prefetch("contributes_to", queryset=Goal.objects
                                            .select_related("focus_area__plan"))))
    indicators = list(Indicator.objects.filter(goal__focus_area__plan=plan)
                      .prefetch_related("targets", "baselines").order_by("order", "pk"))
    new_plan = plan_services.create_plan(
        actor=actor,
        organization=plan.organization,
        title=title or _rolled_title(plan, period_start, period_end),
        kind=plan.kind,
        period_start=period_start,
        period_end=period_end,
        status=Plan.Status.DRAFT,
        vision=plan.vision,
        description=plan.description,
        owner_unit=plan.owner_unit,
        revision_interval_years=plan.revision_interval_years,
        is_public=plan.is_public,
        parent=plan.parent,
        previous_version=plan,
        level=plan.level,
    )
    copies = _Copies(plan=new_plan)
    new_areas = copies.areas
    for area in areas:
        new_areas[area.pk] = plan_services.create_focus_area(
            actor=actor, plan=new_plan, order=area.order, code=area.code, title=area.title,
            description=area.description, current_state=area.current_state,
            vision=area.vision, partners=area.partners,
            sdg_numbers=[s.number for s in area.sdgs.all()],
            lead_units=list(area.lead_units.all()),
        )
    new_goals = copies.goals
    for goal in goals:
        new_goals[goal.pk] = plan_services.create_goal(
            actor=actor, focus_area=new_areas[goal.focus_area_id], order=goal.order,
            code=goal.code, title=goal.title, description=goal.description,
            success_criteria=goal.success_criteria,
        )
        links = _kept_links(new_plan, goal.contributes_to.all())
        if links:
            plan_services.set_goal_contributions(actor=actor, goal=new_goals[goal.pk],
                                                 targets=links)
    for indicator in indicators:
        copies.indicators[indicator.pk] = plan_services.create_indicator(
            actor=actor, goal=new_goals[indicator.goal_id],
            **{name: getattr(indicator, name) for name in plan_services.INDICATOR_FIELDS},
            # The draft starts from the old targets and baselines, to be revised with it.
            targets=[{"year": t.year, "comparison": t.comparison, "value": t.value,
                      "relative_to_national": t.relative_to_national}
                     for t in indicator.targets.all()],
            baselines=[{"year": b.year, "value": b.value} for b in indicator.baselines.all()],
        )
    return copies


def _carry_over_actions(actor: Any, plan: Plan, copies: _Copies) -> int:
    """Copy every open action of *plan* to the same level of the new version (its goal's
    copy, its area's copy, or the new plan itself) and mark it carried over.

    Read inside the rollover's transaction, after the plan's row is locked, so a tiltak
    carried over (or closed) meanwhile is not copied; one already linked to a successor
    is never copied again.
    """
    actions = list(
        Action.objects.filter(plan=plan, carried_over_to__isnull=True)
        .exclude(status__in=Action.CLOSED_STATUSES)
        .select_related("goal", "focus_area", "plan", "responsible_unit", "responsible_person")
        .prefetch_related("contributing_units", Prefetch(
            "contributes_to", queryset=Goal.objects.select_related("focus_area__plan")))
        .order_by("order", "pk")
    )
    for action in actions:
        where = place(goal=copies.goals.get(action.goal_id),
                      focus_area=copies.areas.get(action.focus_area_id), plan=copies.plan)
        copy = action_services.create_action(
            actor=actor,
            **where.fields(),
            responsible_unit=action.responsible_unit,
            responsible_person=action.responsible_person,
            contributing_units=action.contributing_units.all(),
            due_date=action.due_date,
            # A copy: the dates as they are, and no "you were given" to whoever has it.
            dates_from_period=False, notify=False,
            **{name: getattr(action, name) for name in action_services.EDITABLE_FIELDS},
        )
        action_services.carry_over_action(actor=actor, action=copy, source=action)
        links = _kept_links(copies.plan, action.contributes_to.all())
        if links:
            action_services.set_action_contributions(actor=actor, action=copy, targets=links)
        copies.actions[action.pk] = copy
    return len(actions)


def _copy_interpretations(actor: Any, plan: Plan, copies: _Copies) -> None:
    """Copy *plan*'s "tolket" markers onto the copies of what they are attached to; a
    marker on a tiltak that stays behind (closed) stays behind with it."""
    for marker in Interpretation.objects.filter(plan=plan).order_by("order", "pk"):
        attached = {
            "focus_area": (marker.focus_area_id, copies.areas),
            "goal": (marker.goal_id, copies.goals),
            "indicator": (marker.indicator_id, copies.indicators),
            "action": (marker.action_id, copies.actions),
        }
        mapped = {name: None if pk is None else copied.get(pk)
                  for name, (pk, copied) in attached.items()}
        if any(pk is not None and mapped[name] is None
               for name, (pk, _copied) in attached.items()):
            continue
        record_interpretation(actor=actor, plan=copies.plan, reason=marker.reason,
                              field=marker.field, **mapped)
