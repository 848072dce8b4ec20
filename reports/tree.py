"""The plan page's tree (focus areas → goals → actions, with indicators) in fixed queries.

Each level is read with one query and joined in Python, so a plan with 1,000 actions
costs the same number of queries as a plan with one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Subquery

from actions.models import Action
from actions.querysets import average_progress
from strategies.models import FocusArea, Goal, Indicator, Measurement, Plan
from strategies.targets import baseline_label, target_label, targets_and_baselines


@dataclass(slots=True)
class ActionRow:
    """One action as the plan page shows it: plain values, no model instance."""

    pk: int
    goal_id: int
    code: str
    title: str
    status: str
    progress: int
    due_date: date | None
    period_text: str
    overdue: bool
    unit_name: str | None
    unit_path: str | None
    person_name: str = ""


@dataclass
class GoalNode:
    goal: Goal
    actions: list[ActionRow] = field(default_factory=list)
    shown: list[ActionRow] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def progress(self) -> int | None:
        return average_progress(self.actions)


@dataclass
class FocusAreaNode:
    focus_area: FocusArea
    goals: list[GoalNode] = field(default_factory=list)

    @property
    def actions(self) -> list[ActionRow]:
        return [a for g in self.goals for a in g.actions]

    @property
    def progress(self) -> int | None:
        return average_progress(self.actions)

    @property
    def shown_count(self) -> int:
        return sum(len(g.shown) for g in self.goals)


def plan_tree(
    plan: Plan,
    *,
    with_people: bool,
    status: str | None = None,
    unit_path: str | None = None,
    overdue_only: bool = False,
) -> list[FocusAreaNode]:
    """Build the tree; ``shown`` holds the actions that pass the filters.

    Progress is always over all the goal's actions, so filtering does not change it.
    Without *with_people* no person is read at all (public pages, and readers outside
    the plan's kommune). Actions are read as plain rows: for a thousand of them, model
    instances cost more than the query.
    """
    areas = [FocusAreaNode(fa) for fa in FocusArea.objects.filter(plan=plan)]
    goal_nodes: dict[int, GoalNode] = {}
    by_area: dict[int, list[GoalNode]] = defaultdict(list)
    for goal in Goal.objects.filter(focus_area__plan=plan):
        node = GoalNode(goal)
        goal_nodes[goal.pk] = node
        by_area[goal.focus_area_id].append(node)
    for area in areas:
        area.goals = by_area[area.focus_area.pk]

    columns = ["pk", "goal_id", "code", "title", "status", "progress", "due_date",
               "period_text", "overdue", "responsible_unit__name", "responsible_unit__path"]
    people = ("first_name", "last_name", "username")
    if with_people:
        columns += [f"responsible_person__{name}" for name in people]
    rows = (
        Action.objects.filter(plan=plan)
        .with_overdue()
        .values_list(*columns)
    )
    for values in rows:
        action = ActionRow(*values[:11])
        if with_people and values[13]:
            action.person_name = f"{values[11]} {values[12]}".strip() or values[13]
        node = goal_nodes[action.goal_id]
        node.actions.append(action)
        if status and action.status != status:
            continue
        if unit_path and not (action.unit_path and action.unit_path.startswith(unit_path)):
            continue
        if overdue_only and not action.overdue:
            continue
        node.shown.append(action)

    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-period_end")
    indicators = Indicator.objects.filter(goal__focus_area__plan=plan).annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_period=Subquery(latest.values("period_label")[:1]),
        latest_period_end=Subquery(latest.values("period_end")[:1]),
    )
    indicators = list(indicators)
    rows_of = targets_and_baselines(
        Indicator.objects.filter(goal__focus_area__plan=plan).values("pk")) if indicators else {}
    for indicator in indicators:
        targets, baselines = rows_of.get(indicator.pk, ([], []))
        indicator.target_label = target_label(targets, indicator.unit)
        indicator.baseline_label = baseline_label(baselines)
        goal_nodes[indicator.goal_id].indicators.append(indicator)
    return areas
