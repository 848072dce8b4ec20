"""Export and restore keep where each tiltak hangs (goal, focus area, the plan itself),
the golden-thread links to higher plans and the "tolket" markers; old exports restore."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command

from actions import services as action_services
from actions.exporting.data import export_plan_data
from actions.exporting.workbook import export_plan_xlsx, plan_rows
from actions.importing.preview import PlanSpec
from actions.importing.service import import_plan
from actions.interpretations import record_interpretation
from actions.models import Action, Interpretation
from actions.rollover import roll_over_plan
from planportal.models import Organization
from planportal.permissions import SYSTEM
from strategies import services as plan_services
from strategies.models import Goal, Plan
from tests.factories import (
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    root_unit,
)
from tests.queries import assert_constant_queries
from tests.strategies.test_export_round_trip import wipe


@pytest.fixture
def community_plan(world) -> Plan:
    """The kommune's samfunnsdel (level 1), with the goal the handlingsplan serves."""
    plan = plan_services.create_plan(
        actor=SYSTEM, organization=world.org, title="Kommuneplanens samfunnsdel 2024–2036",
        kind=Plan.Kind.COMMUNITY_PLAN, level=Plan.Level.COMMUNITY, period_start=2024,
        period_end=2036, status=Plan.Status.ADOPTED)
    area = plan_services.create_focus_area(actor=SYSTEM, plan=plan, title="Gode liv")
    plan_services.create_goal(actor=SYSTEM, focus_area=area, title="Alle kan bo hjemme")
    plan_services.create_goal(actor=SYSTEM, focus_area=area, title="Alle deltar")
    return plan


@pytest.fixture
def leveled_plan(world, community_plan) -> Plan:
    """The world's plan as a handlingsplan (level 3) with tiltak on all three levels,
    links to the samfunnsdel and markers on each kind of object."""
    plan = plan_services.update_plan(actor=SYSTEM, plan=world.plan, level=Plan.Level.ACTION)
    area, goal = world.goal.focus_area, world.goal
    home, takes_part = Goal.objects.filter(focus_area__plan=community_plan).order_by("order")
    whole = action_services.create_action(actor=SYSTEM, plan=plan, title="Rullere planen",
                                          period_text="2027", responsible_unit=world.health)
    own = action_services.create_action(actor=SYSTEM, focus_area=area,
                                        title="Områdets eget tiltak", period_text="løpende")
    action_services.post_status_update(actor=SYSTEM, action=own, expected_version=own.version,
                                       status="in_progress", progress=30, comment="I gang")
    plan_services.set_goal_contributions(actor=SYSTEM, goal=goal, targets=[takes_part, home])
    action_services.set_action_contributions(actor=SYSTEM, action=own, targets=[home])
    indicator = IndicatorFactory(goal=goal, name="Andel hjemmeboende")
    record_interpretation(actor=SYSTEM, plan=plan, field="status",
                          reason="Dokumentet sier ikke om planen er vedtatt.")
    record_interpretation(actor=SYSTEM, plan=plan, focus_area=area, reason="Navnet er kortet.")
    record_interpretation(actor=SYSTEM, plan=plan, goal=goal, field="title",
                          reason="Delmålet er slått sammen av to punkter.")
    record_interpretation(actor=SYSTEM, plan=plan, goal=goal, indicator=indicator,
                          field="target_year", reason="Målåret er antatt.")
    record_interpretation(actor=SYSTEM, plan=plan, action=whole, field="placement",
                          reason="Gjelder hele planen.")
    record_interpretation(actor=SYSTEM, plan=plan, focus_area=area, action=own,
                          field="period_text", reason="«Løpende» står bare i innledningen.")
    return plan


def without_time(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "exported_at"}


def as_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """The same export as Planportal wrote it before version 2: every tiltak under a goal,
    no levels, links or markers, and a carried-over tiltak's every title filled in."""
    old = copy.deepcopy(data)
    old["version"] = 1
    plan = old["plan"]
    assert not plan.pop("actions"), "a version 1 export has no plan-level tiltak"
    for key in ("level", "interpretations"):
        plan.pop(key)
    for area in plan["focus_areas"]:
        assert not area.pop("actions"), "a version 1 export has no area-level tiltak"
        for goal in area["goals"]:
            goal.pop("contributes_to")
            for action in goal["actions"]:
                action.pop("level")
                action.pop("contributes_to")
    return old


def test_the_export_puts_each_tiltak_on_its_level(leveled_plan, world):
    data = export_plan_data(leveled_plan)
    plan = data["plan"]
    assert data["version"] == 2 and plan["level"] == 3
    assert [(a["title"], a["level"]) for a in plan["actions"]] == [("Rullere planen", "plan")]
    (area,) = plan["focus_areas"]
    assert [(a["title"], a["level"]) for a in area["actions"]] == [
        ("Områdets eget tiltak", "focus_area")]
    assert area["actions"][0]["status_updates"][0]["comment"] == "I gang"
    assert [(a["title"], a["level"]) for a in area["goals"][0]["actions"]] == [
        (world.action.title, "goal")]


def test_the_export_names_the_goals_of_higher_plans_a_goal_or_tiltak_contributes_to(
        leveled_plan):
    plan = export_plan_data(leveled_plan)["plan"]
    samfunnsdel = {"title": "Kommuneplanens samfunnsdel 2024–2036", "period_start": 2024}
    (area,) = plan["focus_areas"]
    assert area["goals"][0]["contributes_to"] == [
        {"plan": samfunnsdel, "focus_area": "Gode liv", "goal": "Alle deltar"},
        {"plan": samfunnsdel, "focus_area": "Gode liv", "goal": "Alle kan bo hjemme"}]
    assert area["actions"][0]["contributes_to"] == [
        {"plan": samfunnsdel, "focus_area": "Gode liv", "goal": "Alle kan bo hjemme"}]
    assert plan["actions"][0]["contributes_to"] == []


def test_the_export_lists_the_markers_with_what_each_is_attached_to(leveled_plan, world):
    markers = export_plan_data(leveled_plan)["plan"]["interpretations"]
    area, goal = world.goal.focus_area.title, world.goal.title
    assert markers == [
        {"focus_area": None, "goal": None, "indicator": None, "action": None,
         "field": "status", "reason": "Dokumentet sier ikke om planen er vedtatt."},
        {"focus_area": area, "goal": None, "indicator": None, "action": None,
         "field": "", "reason": "Navnet er kortet."},
        {"focus_area": None, "goal": {"focus_area": area, "title": goal}, "indicator": None,
         "action": None, "field": "title", "reason": "Delmålet er slått sammen av to punkter."},
        {"focus_area": None, "goal": {"focus_area": area, "title": goal},
         "indicator": {"focus_area": area, "goal": goal, "name": "Andel hjemmeboende"},
         "action": None, "field": "target_year", "reason": "Målåret er antatt."},
        {"focus_area": None, "goal": None, "indicator": None,
         "action": {"focus_area": None, "goal": None, "title": "Rullere planen"},
         "field": "placement", "reason": "Gjelder hele planen."},
        {"focus_area": area, "goal": None, "indicator": None,
         "action": {"focus_area": area, "goal": None, "title": "Områdets eget tiltak"},
         "field": "period_text", "reason": "«Løpende» står bare i innledningen."},
    ]


def test_export_restore_into_an_empty_database_and_export_again_gives_the_same_json(
        leveled_plan, community_plan, tmp_path):
    higher, lower = tmp_path / "samfunnsdel.json", tmp_path / "handlingsplan.json"
    call_command("export_plan", str(community_plan.pk), "--output", str(higher))
    call_command("export_plan", str(leveled_plan.pk), "--output", str(lower))
    before = json.loads(lower.read_text(encoding="utf-8"))
    wipe()
    assert not Organization.objects.exists()
    for path in (higher, lower):
        call_command("import_plan", str(path), "--organization", "testkommune",
                     stdout=io.StringIO())
    restored = Plan.objects.get(title=leveled_plan.title)
    assert without_time(export_plan_data(restored)) == without_time(before)
    levels = dict(Action.objects.filter(plan=restored).values_list("title", "focus_area"))
    assert levels["Rullere planen"] is None
    assert Interpretation.objects.filter(plan=restored).count() == 6


def test_restoring_into_a_fresh_kommune_puts_each_tiltak_back_on_its_level(leveled_plan):
    content = json.dumps(export_plan_data(leveled_plan)).encode()
    kommune = OrganizationFactory(name="Ny kommune", slug="ny-kommune")
    admin = UserFactory(username="ny-admin")
    MembershipFactory(user=admin, unit=root_unit(kommune), role="admin")
    preview, result = import_plan(actor=admin, organization=kommune, content=content,
                                  filename="plan.json")
    assert preview.counts()["actions"]["new"] == 3
    placed = {a.title: a.level for a in Action.objects.filter(plan=result.plan)}
    assert placed == {"Rullere planen": "plan", "Områdets eget tiltak": "focus_area",
                      "Ærlig øving på å": "goal"}
    own = Action.objects.get(plan=result.plan, title="Områdets eget tiltak")
    assert (own.status, own.progress, own.status_updates.get().comment) == (
        "in_progress", 30, "I gang")
    assert result.plan.level == Plan.Level.ACTION
    assert result.created["interpretations"] == 6
    marker = Interpretation.objects.get(plan=result.plan, field="period_text")
    assert (marker.action, marker.focus_area) == (own, own.focus_area)


def test_links_whose_goal_is_not_in_the_kommune_are_reported_and_left_out(leveled_plan):
    content = json.dumps(export_plan_data(leveled_plan)).encode()
    kommune = OrganizationFactory(name="Ny kommune", slug="ny-kommune")
    admin = UserFactory(username="ny-admin")
    MembershipFactory(user=admin, unit=root_unit(kommune), role="admin")
    preview, result = import_plan(actor=admin, organization=kommune, content=content,
                                  filename="plan.json")
    missing = [p for p in preview.warnings if "Alle " in p.message]
    assert [p.location.column for p in missing] == [
        "focus_areas[0].actions[0].contributes_to[0]",
        "focus_areas[0].goals[0].contributes_to[0]",
        "focus_areas[0].goals[0].contributes_to[1]"]
    assert "finnes ikke i denne kommunen" in missing[0].message
    assert "contributions" not in result.created
    assert not Goal.contributes_to.through.objects.filter(
        from_goal__focus_area__plan=result.plan).exists()


def test_a_link_the_golden_thread_refuses_is_reported_and_left_out(leveled_plan,
                                                                   community_plan):
    data = export_plan_data(leveled_plan)
    # The same plan as a samfunnsdel itself: its links would point sideways, not up.
    data["plan"]["title"], data["plan"]["level"] = "Enda en samfunnsdel", 1
    preview, result = import_plan(actor=SYSTEM, organization=leveled_plan.organization,
                                  content=json.dumps(data).encode(), filename="plan.json")
    refused = [p for p in preview.warnings if "utelates:" in p.message]
    assert len(refused) == 3
    assert result.plan.level == 1 and "contributions" not in result.created


def test_importing_the_same_export_again_adds_no_links_or_markers(leveled_plan, world):
    content = json.dumps(export_plan_data(leveled_plan)).encode()
    links = Goal.contributes_to.through.objects.count()
    _, result = import_plan(actor=world.admin, organization=world.org, content=content,
                            filename="plan.json")
    assert result.created == {}
    assert Interpretation.objects.filter(plan=leveled_plan).count() == 6
    assert Goal.contributes_to.through.objects.count() == links


def test_an_export_of_version_1_still_restores_its_tiltak_under_their_goals(world):
    area = FocusAreaFactory(plan=world.plan, title="Nytt område")
    for goal_title in ("Første delmål", "Andre delmål"):
        goal = GoalFactory(focus_area=area, title=goal_title)
        action_services.create_action(actor=SYSTEM, goal=goal, title=f"Tiltak i {goal_title}")
    old = as_version_1(export_plan_data(world.plan))
    old["plan"]["title"] = "Gammel eksport 2025–2030"
    preview, result = import_plan(actor=world.admin, organization=world.org,
                                  content=json.dumps(old).encode(), filename="gammel.json")
    assert preview.errors == []
    restored = {(a.focus_area.title, a.goal.title, a.title) for a in
                Action.objects.filter(plan=result.plan).select_related("focus_area", "goal")}
    assert restored == {(world.goal.focus_area.title, world.goal.title, world.action.title),
                        ("Nytt område", "Første delmål", "Tiltak i Første delmål"),
                        ("Nytt område", "Andre delmål", "Tiltak i Andre delmål")}
    assert result.plan.level == Plan.Level.SECTOR  # the default: version 1 had no levels


def test_a_tiltak_whose_level_does_not_match_its_place_is_refused_as_damaged(leveled_plan,
                                                                            world):
    data = export_plan_data(leveled_plan)
    data["plan"]["actions"][0]["level"] = "goal"
    data["plan"]["title"] = "Skadet eksport"
    preview, _ = import_plan(actor=world.admin, organization=world.org,
                             content=json.dumps(data).encode(), filename="plan.json",
                             dry_run=True)
    (error,) = preview.errors
    assert "actions[0]" in error.message
    assert not Plan.objects.filter(title="Skadet eksport").exists()


def test_a_carried_over_area_level_tiltak_is_restored_with_its_earlier_self(leveled_plan,
                                                                          world, tmp_path):
    new = roll_over_plan(actor=SYSTEM, plan=leveled_plan, period_start=2031, period_end=2036)
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    call_command("export_plan", str(leveled_plan.pk), "--output", str(old_path))
    call_command("export_plan", str(new.pk), "--output", str(new_path))
    previous = json.loads(new_path.read_text(encoding="utf-8"))["plan"]["focus_areas"][0][
        "actions"][0]["carried_over_from"]
    assert previous == {"plan": {"title": leveled_plan.title, "period_start": 2025},
                        "focus_area": world.goal.focus_area.title, "goal": None,
                        "title": "Områdets eget tiltak"}
    wipe()
    for path in (old_path, new_path):
        call_command("import_plan", str(path), "--organization", "testkommune",
                     stdout=io.StringIO())
    copy_ = Action.objects.get(plan__period_start=2031, title="Områdets eget tiltak")
    assert copy_.carried_over_from.plan.period_start == 2025
    assert copy_.carried_over_from.level == "focus_area"


def test_the_export_runs_a_constant_number_of_queries_with_every_level(leveled_plan, world,
                                                                       community_plan):
    target = Goal.objects.filter(focus_area__plan=community_plan).first()
    area = world.goal.focus_area

    def add_rows(n: int) -> None:
        for i in range(n):
            for where in ({"plan": leveled_plan}, {"focus_area": area}, {"goal": world.goal}):
                action = action_services.create_action(actor=SYSTEM, title=f"T{i} {where}",
                                                       **where)
                action_services.set_action_contributions(actor=SYSTEM, action=action,
                                                         targets=[target])
                record_interpretation(actor=SYSTEM, plan=leveled_plan, action=action,
                                      reason="Tolket")

    assert_constant_queries(add_rows, lambda: export_plan_data(leveled_plan), expected=None)


def test_the_workbook_leaves_the_levels_a_tiltak_has_not_blank(leveled_plan, world):
    rows = [row[:3] for row in plan_rows(leveled_plan)]
    area, goal = world.goal.focus_area.title, world.goal.title
    assert rows == [["", "", "Rullere planen"], [area, "", "Områdets eget tiltak"],
                    [area, goal, world.action.title]]


def test_the_workbook_imports_back_onto_the_same_levels(leveled_plan, world):
    content = export_plan_xlsx(leveled_plan)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value is None and sheet["B3"].value is None
    preview, result = import_plan(actor=world.admin, organization=world.org, content=content,
                                  filename="plan.xlsx", spec=PlanSpec(plan=leveled_plan))
    assert preview.problems == []
    assert preview.counts()["actions"] == {"new": 0, "existing": 3, "filled": 0}
    assert [a.title for a in preview.actions] == ["Rullere planen"]
    assert result.created == {}


@pytest.mark.parametrize("damage", [
    lambda plan: plan["interpretations"][0].pop("goal"),
    lambda plan: plan["interpretations"][1].update(reason=""),
    lambda plan: plan["focus_areas"][0]["goals"][0]["contributes_to"][0].pop("goal"),
    lambda plan: plan["focus_areas"][0]["actions"][0]["contributes_to"][0]["plan"].update(
        period_start="snart"),
])
def test_a_damaged_marker_or_link_is_refused_in_the_preview(leveled_plan, world, damage):
    data = export_plan_data(leveled_plan)
    data["plan"]["title"] = "Skadet eksport"
    damage(data["plan"])
    preview, _ = import_plan(actor=world.admin, organization=world.org,
                             content=json.dumps(data).encode(), filename="plan.json",
                             dry_run=True)
    (error,) = preview.errors
    assert "ufullstendig eller skadet" in error.message
