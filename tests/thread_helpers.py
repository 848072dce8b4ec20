"""A kommune's plans on three levels, linked by the golden thread ("bidrar til").

``thread_plans(world)`` puts a samfunnsdel (level 1) above the world's plan (a temaplan,
level 2) and a handlingsplan (level 3) below it. Nothing is linked until a test links it
(:func:`link_all` links the usual way: the handlingsplan's goal and tiltak to the world's
goal, the world's goal to the samfunnsdel's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actions import services as action_services
from strategies import services
from strategies.models import Plan
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory


@dataclass
class ThreadPlans:
    community: Plan
    community_goal: Any
    sector: Plan
    sector_goal: Any
    action_plan: Plan
    action_goal: Any
    action: Any


def thread_plans(world: Any, *, public: bool = False) -> ThreadPlans:
    """Three plans of the world's kommune, one per level, each with a goal."""
    community = PlanFactory(organization=world.org, title="Kommuneplanens samfunnsdel",
                            kind=Plan.Kind.COMMUNITY_PLAN, level=Plan.Level.COMMUNITY,
                            is_public=public)
    community_goal = GoalFactory(focus_area=FocusAreaFactory(plan=community), code="1.1",
                                 title="Gode liv i hele kommunen")
    action_plan = PlanFactory(organization=world.org, title="Handlingsplan helse 2026",
                              kind=Plan.Kind.ACTION_PLAN, level=Plan.Level.ACTION,
                              is_public=public)
    action_goal = GoalFactory(focus_area=FocusAreaFactory(plan=action_plan), code="H1",
                              title="Flere får hjelp tidlig")
    action = ActionFactory(goal=action_goal, title="Åpne en frisklivssentral", progress=40,
                           status="in_progress")
    return ThreadPlans(community=community, community_goal=community_goal, sector=world.plan,
                       sector_goal=world.goal, action_plan=action_plan,
                       action_goal=action_goal, action=action)


def link_all(world: Any, plans: ThreadPlans) -> ThreadPlans:
    """The handlingsplan's goal and tiltak contribute to the world's goal, which
    contributes to the samfunnsdel's goal (through the services)."""
    services.set_goal_contributions(actor=world.admin, goal=plans.action_goal,
                                    targets=[plans.sector_goal])
    action_services.set_action_contributions(actor=world.admin, action=plans.action,
                                             targets=[plans.sector_goal])
    services.set_goal_contributions(actor=world.admin, goal=plans.sector_goal,
                                    targets=[plans.community_goal])
    return plans
