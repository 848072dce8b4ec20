"""The golden thread on the plan page: the plan's place among the kommune's plans, and per
goal what contributes to it from lower plans and what it contributes to above.

Everything is read in a fixed number of queries (one per direction, one for the plan's
neighbours), whatever the number of goals and links, and only from *readable* plans: the
plans the reader may read (``Plan.objects.visible_to(user)``, or ``Plan.objects.public()``
on the public pages). A link into a plan the reader may not read is not shown at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from actions.models import Action
from actions.querysets import progress_counted_q
from strategies.models import Goal, Plan, SustainableDevelopmentGoal

GoalLinks = Goal.contributes_to.through
ActionLinks = Action.contributes_to.through


@dataclass(slots=True)
class ThreadLink:
    """A goal or tiltak at the other end of a link, with its plan; plain values."""

    kind: str  # "goal" or "action"
    pk: int
    code: str
    title: str
    plan_id: int
    plan_title: str
    plan_level: int
    url: str
    plan_url: str
    progress: int | None = None
    status: str = ""

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def level_label(self) -> str:
        return str(Plan.Level(self.plan_level).label)


@dataclass
class GoalThread:
    """What contributes to one goal (``below``) and what it contributes to (``above``)."""

    below: list[ThreadLink] = field(default_factory=list)
    above: list[ThreadLink] = field(default_factory=list)


@dataclass
class PlanPlace:
    """The plan among the kommune's plans: its level, parent, sub-plans and UN goals."""

    plan: Plan
    parent: Plan | None
    sub_plans: list[Plan]
    sdgs: list[SustainableDevelopmentGoal]


class _Urls:
    """Page URLs for links, by pattern: the public pages link public pages."""

    def __init__(self, public: bool) -> None:
        name = "strategies:public-plan-detail" if public else "strategies:plan-detail"
        self.plan = reverse(name, args=[999_999_999]).replace("999999999", "{}")
        self.action = None if public else reverse(
            "actions:detail", args=[999_999_999]).replace("999999999", "{}")

    def goal(self, plan_id: int, goal_id: int) -> str:
        return f"{self.plan.format(plan_id)}#mal-{goal_id}"

    def of_action(self, action_id: int) -> str:
        return self.action.format(action_id) if self.action else ""


def plan_place(plan: Plan, readable: QuerySet) -> PlanPlace:
    """The plan's parent and sub-plans (those in *readable*) and its UN goals: two queries."""
    neighbours = list(readable.filter(Q(pk=plan.parent_id) | Q(parent=plan))
                      .order_by("level", "title", "pk"))
    return PlanPlace(
        plan=plan,
        parent=next((p for p in neighbours if p.pk == plan.parent_id), None),
        sub_plans=[p for p in neighbours if p.parent_id == plan.pk],
        sdgs=list(plan.sdgs.all()),
    )


def _goal_progress() -> Subquery:
    """The mean progress of the outer link's contributing goal's own tiltak."""
    counted = (Action.objects.filter(progress_counted_q(), goal=OuterRef("from_goal_id"))
               .order_by().values("goal_id").annotate(mean=Avg("progress")).values("mean"))
    return Subquery(counted[:1])


def goal_threads(plan: Plan, readable: QuerySet, *, public: bool) -> dict[int, GoalThread]:
    """Per goal of *plan* (by id; goals without links are absent), the goals and tiltak of
    lower plans that contribute to it and the goals of higher plans it contributes to,
    from *readable* plans only. Three queries."""
    urls = _Urls(public)
    threads: dict[int, GoalThread] = defaultdict(GoalThread)

    below_goals = (
        GoalLinks.objects.filter(to_goal__focus_area__plan=plan,
                                 from_goal__focus_area__plan__in=readable)
        .annotate(progress=_goal_progress())
        .order_by("-from_goal__focus_area__plan__level", "from_goal__focus_area__plan__title",
                  "from_goal__focus_area__order", "from_goal__order", "from_goal_id")
        .values_list("to_goal_id", "from_goal_id", "from_goal__code", "from_goal__title",
                     "from_goal__focus_area__plan_id", "from_goal__focus_area__plan__title",
                     "from_goal__focus_area__plan__level", "progress")
    )
    for target, pk, code, title, plan_id, plan_title, level, progress in below_goals:
        threads[target].below.append(ThreadLink(
            "goal", pk, code, title, plan_id, plan_title, level, urls.goal(plan_id, pk),
            urls.plan.format(plan_id), None if progress is None else round(progress)))

    below_actions = (
        ActionLinks.objects.filter(goal__focus_area__plan=plan, action__plan__in=readable)
        .order_by("-action__plan__level", "action__plan__title", "action__order", "action_id")
        .values_list("goal_id", "action_id", "action__code", "action__title", "action__plan_id",
                     "action__plan__title", "action__plan__level", "action__progress",
                     "action__status")
    )
    for target, pk, code, title, plan_id, plan_title, level, progress, status in below_actions:
        threads[target].below.append(ThreadLink(
            "action", pk, code, title, plan_id, plan_title, level, urls.of_action(pk),
            urls.plan.format(plan_id), progress, status))

    above = (
        GoalLinks.objects.filter(from_goal__focus_area__plan=plan,
                                 to_goal__focus_area__plan__in=readable)
        .order_by("to_goal__focus_area__plan__level", "to_goal__focus_area__plan__title",
                  "to_goal__focus_area__order", "to_goal__order", "to_goal_id")
        .values_list("from_goal_id", "to_goal_id", "to_goal__code", "to_goal__title",
                     "to_goal__focus_area__plan_id", "to_goal__focus_area__plan__title",
                     "to_goal__focus_area__plan__level")
    )
    for source, pk, code, title, plan_id, plan_title, level in above:
        threads[source].above.append(ThreadLink(
            "goal", pk, code, title, plan_id, plan_title, level, urls.goal(plan_id, pk),
            urls.plan.format(plan_id)))
    return dict(threads)
