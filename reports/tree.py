"""The plan page's tree (focus areas → goals → actions, with indicators) in fixed queries.

A tiltak hangs where the plan puts it: under a goal, directly on a focus area (listed
before the area's goals) or on the whole plan (before the areas). Each level is read
with one query and joined in Python, so a plan with 1,000 actions costs the same number
of queries as a plan with one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
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
    focus_area_id: int | None
    goal_id: int | None
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
    """A focus area: its own tiltak (``own``, under no goal) and its goals."""

    focus_area: FocusArea
    goals: list[GoalNode] = field(default_factory=list)
    own: list[ActionRow] = field(default_factory=list)
    own_shown: list[ActionRow] = field(default_factory=list)

    @property
    def actions(self) -> list[ActionRow]:
        """Every tiltak of the area: its own and its goals'."""
        return [*self.own, *(a for g in self.goals for a in g.actions)]

    @property
    def progress(self) -> int | None:
        return average_progress(self.actions)

    @property
    def shown_count(self) -> int:
        return len(self.own_shown) + sum(len(g.shown) for g in self.goals)


@dataclass
class PlanTree:
    """The whole tree: the plan-wide tiltak (``actions``, on no focus area) and the
    areas. Iterating it gives the areas, as the page's loop reads them."""

    areas: list[FocusAreaNode] = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    shown: list[ActionRow] = field(default_factory=list)

    def __iter__(self) -> Iterator[FocusAreaNode]:
        return iter(self.areas)

    @property
    def all_actions(self) -> list[ActionRow]:
        """Every tiltak of the plan, on every level."""
        return [*self.actions, *(a for area in self.areas for a in area.actions)]

    @property
    def shown_count(self) -> int:
        return len(self.shown) + sum(area.shown_count for area in self.areas)


def plan_tree(
    plan: Plan,
    *,
    with_people: bool,
    status: str | None = None,
    unit_path: str | None = None,
    overdue_only: bool = False,
) -> PlanTree:
    """Build the tree; ``shown`` (an area's ``own_shown``) holds the actions that pass
    the filters.

    Progress is always over all the actions of the goal, area or plan, so filtering does
    not change it.
    Without *with_people* no person is read at all (public pages, and readers outside
    the plan's kommune). Actions are read as plain rows: for a thousand of them, model
    instances cost more than the query.
    """
    tree = PlanTree(areas=[FocusAreaNode(fa) for fa in FocusArea.objects.filter(plan=plan)])
    areas = tree.areas
    area_nodes = {area.focus_area.pk: area for area in areas}
    goal_nodes: dict[int, GoalNode] = {}
    by_area: dict[int, list[GoalNode]] = defaultdict(list)
    for goal in Goal.objects.filter(focus_area__plan=plan):
        node = GoalNode(goal)
        goal_nodes[goal.pk] = node
        by_area[goal.focus_area_id].append(node)
    for area in areas:
        area.goals = by_area[area.focus_area.pk]

    columns = ["pk", "focus_area_id", "goal_id", "code", "title", "status", "progress",
               "due_date", "period_text", "overdue", "responsible_unit__name",
               "responsible_unit__path"]
    people = ("first_name", "last_name", "username")
    if with_people:
        columns += [f"responsible_person__{name}" for name in people]
    # Each row goes to its goal's, area's or the plan's list, so only the order within
    # those counts: the model's ordering would join every focus area and goal to sort.
    rows = (
        Action.objects.filter(plan=plan)
        .with_overdue()
        .order_by("order", "pk")
        .values_list(*columns)
    )
    for values in rows:
        action = ActionRow(*values[:12])
        if with_people and values[14]:
            action.person_name = f"{values[12]} {values[13]}".strip() or values[14]
        # Where the tiltak hangs: its goal, else its area's own list, else the plan's.
        if action.goal_id is not None:
            node = goal_nodes[action.goal_id]
            everything, shown = node.actions, node.shown
        elif action.focus_area_id is not None:
            area = area_nodes[action.focus_area_id]
            everything, shown = area.own, area.own_shown
        else:
            everything, shown = tree.actions, tree.shown
        everything.append(action)
        if status and action.status != status:
            continue
        if unit_path and not (action.unit_path and action.unit_path.startswith(unit_path)):
            continue
        if overdue_only and not action.overdue:
            continue
        shown.append(action)

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
    return tree
