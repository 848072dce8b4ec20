"""Roll-ups with tiltak on every level: an area counts its own tiltak and its goals', the
plan all of them (the plan-wide ones too); a goal's figures stay its own. Numbers for
tiltak on an area ("2.T3") and on the plan ("T1"), and the rows say where they hang."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from actions.models import action_number
from reports.api_schema import ProgressReportSerializer
from reports.progress import compute_progress
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory
from tests.queries import assert_constant_queries
from tests.reports.conftest import AS_OF, SINCE, ReportPlan
from tests.reports.levels_data import AREA_OWN, PLAN_WIDE, add_levels
from tests.reports.test_progress import counts, strip
from tests.reports.test_progress_schema import undocumented

pytestmark = pytest.mark.django_db


@pytest.fixture
def levels(report_plan: ReportPlan, world: Any) -> dict[str, Any]:
    return add_levels(report_plan, world)


@pytest.fixture
def data(report_plan: ReportPlan, levels: dict[str, Any], today: Any) -> dict[str, Any]:
    return compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, include_actions=True,
                            include_changes=True)


def test_an_areas_figures_count_its_own_tiltak_and_its_goals(data: dict[str, Any]) -> None:
    areas = {area["code"]: area for area in data["focus_areas"]}
    # Area 1: the six goal tiltak of conftest.py and its own (in progress, 20 %, overdue).
    assert strip(areas["1"]) == counts(7, {"not_started": 1, "in_progress": 3, "completed": 1,
                                           "postponed": 1, "cancelled": 1}, 16.7, 3, 2, 40.0)
    assert areas["1"]["own"] == counts(1, {"in_progress": 1}, 0.0, 1, 0, 20.0)
    # Area 2: two goal tiltak and its own, which has neither unit nor deadline.
    assert strip(areas["2"]) == counts(3, {"not_started": 3}, 0.0, 1, 1, 0.0)
    assert areas["2"]["own"] == counts(1, {"not_started": 1}, 0.0, 0, 1, 0.0)


def test_a_goals_figures_are_its_own_tiltak_only(data: dict[str, Any]) -> None:
    goals = {g["code"]: strip(g) for area in data["focus_areas"] for g in area["goals"]}
    assert goals["1.1"] == counts(3, {"in_progress": 1, "completed": 1, "not_started": 1},
                                  33.3, 1, 1, 53.3)
    assert goals["2.1"] == counts(2, {"not_started": 2}, 0.0, 1, 0, 0.0)
    assert goals["2.2"] == counts(0, {}, None, 0, 0, None)


def test_the_plans_totals_count_every_level_the_plan_wide_tiltak_too(
        data: dict[str, Any]) -> None:
    assert data["plan_level"] == counts(2, {"in_progress": 1, "completed": 1}, 50.0, 0, 0, 70.0)
    assert data["totals"] == counts(12, {"not_started": 4, "in_progress": 4, "completed": 2,
                                         "postponed": 1, "cancelled": 1}, 18.2, 4, 3, 34.5)


def test_a_report_on_one_focus_area_leaves_the_plan_wide_tiltak_out(
        report_plan: ReportPlan, levels: dict[str, Any], today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE,
                            focus_area=report_plan.areas[0], include_actions=True)
    assert data["totals"]["total"] == 7
    assert data["plan_level"]["total"] == 0
    titles = [row["title"] for row in data["actions"]]
    assert AREA_OWN[0] in titles and not set(PLAN_WIDE) & set(titles)


def test_every_list_is_in_the_plans_order_plan_wide_first_then_an_areas_own(
        data: dict[str, Any]) -> None:
    titles = [row["title"] for row in data["actions"]]
    assert titles[:3] == [*PLAN_WIDE, AREA_OWN[0]]
    assert titles.index(AREA_OWN[1]) == titles.index("Tiltak 2.1.1 – øving") - 1


def test_each_row_says_where_its_tiltak_hangs(data: dict[str, Any]) -> None:
    level = {row["title"]: row["level"] for row in data["actions"]}
    assert level[PLAN_WIDE[0]] == "plan" and level[AREA_OWN[0]] == "focus_area"
    assert level["Tiltak 1.1.1 – øving"] == "goal"
    plan_wide = next(row for row in data["actions"] if row["title"] == PLAN_WIDE[0])
    assert (plan_wide["focus_area_id"], plan_wide["goal_id"]) == (None, None)


def test_area_and_plan_tiltak_are_numbered_apart_from_the_goals(data: dict[str, Any]) -> None:
    number = {row["title"]: row["number"] for row in data["actions"]}
    assert [number[title] for title in PLAN_WIDE] == ["T1", "T2"]
    assert [number[title] for title in AREA_OWN] == ["1.T1", "2.T1"]
    assert number["Tiltak 1.1.1 – øving"] == "1.1.1"  # its own code
    overdue = {row["title"]: row["number"] for row in data["overdue"]}
    assert overdue[AREA_OWN[0]] == "1.T1"  # the place among all the area's own tiltak


def test_the_numbers_count_places_on_each_level_apart(world: Any, today: Any) -> None:
    plan = PlanFactory(organization=world.org)
    area = FocusAreaFactory(plan=plan, code="2")
    goal = GoalFactory(focus_area=area, code="2.3")
    uncoded = FocusAreaFactory(plan=plan, code="")
    made = [ActionFactory(goal=goal, order=1, title="a"),
            ActionFactory(goal=None, focus_area=area, order=1, title="b"),
            ActionFactory(goal=goal, order=2, title="c"),
            ActionFactory(goal=None, focus_area=area, order=2, title="d"),
            ActionFactory(goal=None, focus_area=area, order=3, title="e", code="Eget"),
            ActionFactory(goal=None, focus_area=uncoded, order=1, title="f"),
            ActionFactory(goal=None, plan=plan, order=1, title="g")]
    assert len(made) == 7
    data = compute_progress(plan, as_of=date(2026, 9, 1), include_actions=True)
    number = {row["title"]: row["number"] for row in data["actions"]}
    assert number == {"a": "2.3.1", "b": "2.T1", "c": "2.3.2", "d": "2.T2", "e": "Eget",
                      "f": "", "g": "T1"}


def test_action_number_by_level() -> None:
    assert action_number("", "1.2", 3) == "1.2.3"
    assert action_number("", "", 3, level="focus_area", area_code="2") == "2.T3"
    assert action_number("", "", 3, level="focus_area", area_code="") == ""
    assert action_number("", "", 1, level="plan") == "T1"
    assert action_number("A7", "1.2", 3, level="plan") == "A7"


def test_the_json_of_every_level_is_documented_and_valid(data: dict[str, Any]) -> None:
    assert undocumented(ProgressReportSerializer(), data) == []
    serializer = ProgressReportSerializer(data=data)
    assert serializer.is_valid(), serializer.errors


def test_the_report_is_constant_in_the_number_of_area_and_plan_tiltak(
        world: Any, today: Any) -> None:
    plan = PlanFactory(organization=world.org)
    area = FocusAreaFactory(plan=plan)
    goal = GoalFactory(focus_area=area)

    def add(n: int) -> None:
        for i in range(n):
            ActionFactory(goal=goal)
            ActionFactory(goal=None, focus_area=area, responsible_unit=world.school)
            ActionFactory(goal=None, plan=plan, due_date=date(2026, 1, 1 + i % 28))

    assert_constant_queries(
        add, lambda: compute_progress(plan, as_of=AS_OF, since=SINCE, include_actions=True,
                                      include_changes=True),
        few=1, many=20, expected=None)
