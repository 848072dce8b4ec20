"""Rullering keeps where each tiltak hangs, the golden thread and the "tolket" markers."""

from __future__ import annotations

import pytest

from actions import services as action_services
from actions.interpretations import record_interpretation
from actions.models import Action, Interpretation
from actions.rollover import roll_over_plan
from planportal.permissions import SYSTEM
from strategies import services as plan_services
from strategies.models import Goal, Plan
from tests.factories import IndicatorFactory


@pytest.fixture
def higher_goal(world) -> Goal:
    """A goal of the kommune's samfunnsdel (level 1)."""
    plan = plan_services.create_plan(
        actor=SYSTEM, organization=world.org, title="Samfunnsdelen 2024–2036",
        kind=Plan.Kind.COMMUNITY_PLAN, level=Plan.Level.COMMUNITY, period_start=2024,
        period_end=2036)
    area = plan_services.create_focus_area(actor=SYSTEM, plan=plan, title="Gode liv")
    return plan_services.create_goal(actor=SYSTEM, focus_area=area, title="Alle deltar")


@pytest.fixture
def plan(world, higher_goal):
    """The world's plan (level 3) with an open tiltak on each level, a finished one on
    the area, links to the samfunnsdel and markers."""
    plan = plan_services.update_plan(actor=SYSTEM, plan=world.plan, level=Plan.Level.ACTION)
    area = world.goal.focus_area
    whole = action_services.create_action(actor=SYSTEM, plan=plan, title="Planens eget",
                                          responsible_unit=world.health)
    own = action_services.create_action(actor=SYSTEM, focus_area=area, title="Områdets eget")
    done = action_services.create_action(actor=SYSTEM, focus_area=area, title="Ferdig tiltak")
    action_services.post_status_update(actor=SYSTEM, action=done,
                                       expected_version=done.version, status="completed",
                                       progress=100)
    action_services.post_status_update(actor=SYSTEM, action=own, expected_version=own.version,
                                       status="in_progress", progress=50)
    plan_services.set_goal_contributions(actor=SYSTEM, goal=world.goal, targets=[higher_goal])
    action_services.set_action_contributions(actor=SYSTEM, action=own, targets=[higher_goal])
    indicator = IndicatorFactory(goal=world.goal, name="Andel")
    record_interpretation(actor=SYSTEM, plan=plan, field="status", reason="Planens status.")
    record_interpretation(actor=SYSTEM, plan=plan, focus_area=area, reason="Områdets navn.")
    record_interpretation(actor=SYSTEM, plan=plan, indicator=indicator, goal=world.goal,
                          field="target_year", reason="Målåret er antatt.")
    record_interpretation(actor=SYSTEM, plan=plan, action=whole, field="placement",
                          reason="Gjelder hele planen.")
    record_interpretation(actor=SYSTEM, plan=plan, action=done, reason="Bare i vedlegget.")
    return plan


def roll(world, plan):
    return roll_over_plan(actor=world.admin, plan=plan, period_start=2026, period_end=2031)


def test_area_and_plan_level_tiltak_carry_over_to_the_same_level(world, plan):
    new = roll(world, plan)
    copies = {a.title: a for a in Action.objects.filter(plan=new)
              .select_related("focus_area", "goal", "carried_over_from")}
    assert set(copies) == {"Planens eget", "Områdets eget", world.action.title}
    whole, own = copies["Planens eget"], copies["Områdets eget"]
    assert (whole.level, whole.focus_area, whole.goal) == ("plan", None, None)
    assert whole.responsible_unit == world.health
    assert (own.level, own.focus_area.plan, own.focus_area.title) == (
        "focus_area", new, world.goal.focus_area.title)
    assert (own.status, own.progress) == ("in_progress", 50)
    assert own.carried_over_from.title == "Områdets eget"
    assert own.carried_over_from.status == "carried_over"
    assert copies[world.action.title].goal.focus_area.plan == new
    # The finished one stays behind, on its area.
    assert Action.objects.get(title="Ferdig tiltak").plan == plan


def test_the_new_version_has_the_same_level_and_keeps_the_links_to_higher_plans(
        world, plan, higher_goal):
    new = roll(world, plan)
    assert new.level == Plan.Level.ACTION
    goal = Goal.objects.get(focus_area__plan=new)
    assert list(goal.contributes_to.all()) == [higher_goal]
    own = Action.objects.get(plan=new, title="Områdets eget")
    assert list(own.contributes_to.all()) == [higher_goal]
    # The old version keeps its own links.
    assert list(world.goal.contributes_to.all()) == [higher_goal]


def test_markers_on_what_is_copied_are_copied_and_those_on_what_stays_do_not(world, plan):
    new = roll(world, plan)
    markers = list(Interpretation.objects.filter(plan=new).select_related(
        "focus_area", "goal", "indicator", "action").order_by("order"))
    assert [(m.field, m.reason) for m in markers] == [
        ("status", "Planens status."), ("", "Områdets navn."),
        ("target_year", "Målåret er antatt."), ("placement", "Gjelder hele planen.")]
    _, area_marker, indicator_marker, action_marker = markers
    assert area_marker.focus_area.plan == new
    assert indicator_marker.indicator.goal.focus_area.plan == new
    assert indicator_marker.goal == indicator_marker.indicator.goal
    assert (action_marker.action.plan, action_marker.action.title) == (new, "Planens eget")
    assert Interpretation.objects.filter(plan=plan).count() == 5


def test_a_link_the_rule_no_longer_allows_is_not_copied(world, plan, higher_goal):
    # The samfunnsdel stands below the handlingsplan (data from before the level rule:
    # the services now refuse the change), so the link points down.
    Plan.objects.filter(pk=higher_goal.focus_area.plan_id).update(level=Plan.Level.BUSINESS)
    new = roll(world, plan)
    assert not Goal.objects.get(focus_area__plan=new).contributes_to.exists()
    assert not Action.objects.get(plan=new, title="Områdets eget").contributes_to.exists()
