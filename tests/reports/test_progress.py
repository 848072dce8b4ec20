"""Every number of the report, checked against the hand-computed plan in conftest.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reports.progress import compute_progress
from strategies.targets import assess
from tests.reports.conftest import AS_OF, SINCE, ReportPlan

pytestmark = pytest.mark.django_db


def counts(total: int, statuses: dict[str, int], completed: float | None, overdue: int,
           unassigned: int, average: float | None, continuous: int = 0) -> dict[str, Any]:
    by_status = {"not_started": 0, "in_progress": 0, "completed": 0, "postponed": 0,
                 "cancelled": 0, "carried_over": 0, **statuses}
    return {"total": total, "by_status": by_status, "completed_percent": completed,
            "overdue": overdue, "unassigned": unassigned, "continuous": continuous,
            "average_progress": average}


def strip(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items()
            if key not in ("id", "code", "title", "goals", "own")}


@pytest.fixture
def data(report_plan: ReportPlan, today: Any) -> dict[str, Any]:
    return compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)


def test_goal_counts_match_the_hand_computed_plan(data: dict[str, Any]) -> None:
    goals = {g["code"]: strip(g) for area in data["focus_areas"] for g in area["goals"]}
    assert goals["1.1"] == counts(3, {"in_progress": 1, "completed": 1, "not_started": 1},
                                  33.3, 1, 1, 53.3)
    assert goals["1.2"] == counts(3, {"postponed": 1, "cancelled": 1, "in_progress": 1},
                                  0.0, 1, 1, 30.0)
    assert goals["2.1"] == counts(2, {"not_started": 2}, 0.0, 1, 0, 0.0)
    assert goals["2.2"] == counts(0, {}, None, 0, 0, None)


def test_focus_area_and_plan_totals_add_up_the_goals(data: dict[str, Any]) -> None:
    areas = {a["code"]: strip(a) for a in data["focus_areas"]}
    assert areas["1"] == counts(6, {"not_started": 1, "in_progress": 2, "completed": 1,
                                    "postponed": 1, "cancelled": 1}, 20.0, 2, 2, 44.0)
    assert areas["2"] == counts(2, {"not_started": 2}, 0.0, 1, 0, 0.0)
    assert data["totals"] == counts(8, {"not_started": 3, "in_progress": 2, "completed": 1,
                                        "postponed": 1, "cancelled": 1}, 14.3, 3, 2, 31.4)


def test_overdue_and_at_risk_lists_carry_unit_and_latest_comment(
    data: dict[str, Any], world: Any
) -> None:
    assert [row["code"] for row in data["overdue"]] == ["1.1.1", "1.2.1", "2.1.2"]
    assert [row["code"] for row in data["at_risk"]] == ["1.1.1", "1.2.1"]
    first = data["overdue"][0]
    assert first["responsible_unit"] == "Hjemmetjenesten"
    assert first["latest_comment"] == "Venter på budsjett"
    assert first["risk"] == "at_risk"
    assert first["responsible_person"] == world.unit_manager.get_full_name()
    assert first["status"] == "in_progress" and first["progress"] == 60
    assert data["overdue"][1]["responsible_unit"] == ""
    assert data["overdue"][1]["latest_comment"] == "Utsatt til høsten"


def test_status_as_of_the_date_comes_from_the_history(data: dict[str, Any]) -> None:
    # 2.1.2 was first updated after 31 August: it had not started by then.
    row = next(r for r in data["overdue"] if r["code"] == "2.1.2")
    assert (row["status"], row["progress"], row["latest_comment"]) == ("not_started", 0, "")


def test_since_the_previous_report(data: dict[str, Any]) -> None:
    since = data["since_previous"]
    assert [row["code"] for row in since["completed"]] == ["1.1.2"]
    assert [row["code"] for row in since["became_overdue"]] == ["1.1.1", "1.2.1"]
    assert [(u["action_code"], u["status"]) for u in since["status_updates"]] == [
        ("1.1.2", "completed"), ("1.2.3", "in_progress"), ("1.1.1", "in_progress"),
    ]
    assert data["since"] == "2026-04-30" and data["as_of"] == "2026-08-31"


def test_overdue_moves_with_the_as_of_date(report_plan: ReportPlan, today: Any) -> None:
    early = compute_progress(report_plan.plan, as_of=AS_OF.replace(month=6, day=1))
    # On 1 June only 2.1.2 (January) was past its deadline; 1.2.2 was already cancelled.
    assert [row["code"] for row in early["overdue"]] == ["2.1.2"]
    assert early["totals"]["overdue"] == 1


def test_today_uses_the_current_status(report_plan: ReportPlan, today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=today)
    goal = data["focus_areas"][0]["goals"][1]
    assert goal["by_status"]["completed"] == 1  # 1.2.3 was completed on 10 September


def test_indicators_are_judged_by_their_targets(data: dict[str, Any]) -> None:
    rows = {row["name"]: row for row in data["indicators"]}
    home = rows["Andel hjemmeboende over 80 år"]
    assert (home["latest_value"], home["latest_period_end"]) == (74, "2025-12-31")
    assert home["assessment"] == "on_track"
    assert home["baseline_value"] == 70
    assert home["baselines"] == [{"year": 2024, "value": 70}]
    assert home["targets"] == [{"year": 2028, "comparison": "gte", "value": 80,
                                "relative_to_national": False}]
    assert rows["Sykefravær"]["latest_value"] == 9.5
    assert rows["Sykefravær"]["assessment"] == "off_track"
    assert rows["Elever som trives"]["assessment"] == "reached"
    assert rows["Elever som trives"]["latest_period_label"] == "Vår 2026"
    assert rows["Uten målinger"]["assessment"] == "unknown"


@pytest.mark.parametrize(
    ("comparison", "target", "latest", "expected"),
    [
        ("gte", 80, 81, "reached"), ("gte", 80, 73, "on_track"), ("gte", 80, 71, "off_track"),
        ("lte", 60, 59, "reached"), ("lte", 60, 69, "off_track"), ("lte", 60, 67, "on_track"),
    ],
)
def test_assessment_follows_the_line_from_baseline_to_target(
    comparison: str, target: int, latest: int, expected: str
) -> None:
    targets = [{"year": 2028, "comparison": comparison, "value": target}]
    assert assess(targets, [{"year": 2024, "value": 70}], Decimal(latest), 2025) == expected


def test_narrowing_to_a_focus_area(report_plan: ReportPlan, today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE,
                            focus_area=report_plan.areas[1])
    assert [a["code"] for a in data["focus_areas"]] == ["2"]
    assert data["totals"]["total"] == 2
    assert [row["name"] for row in data["indicators"]] == ["Elever som trives", "Uten målinger"]
    assert data["scope"]["focus_area"]["code"] == "2"


def test_narrowing_to_a_unit_subtree(report_plan: ReportPlan, world: Any, today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, unit=world.health)
    # Helse og omsorg holds Hjemmetjenesten and Sykehjemmet: 1.1.1, 1.1.2 and 1.1.3.
    assert data["totals"]["total"] == 3
    assert [row["code"] for row in data["overdue"]] == ["1.1.1"]


def test_public_report_has_no_person_names(report_plan: ReportPlan, today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, public=True)
    rows = data["overdue"] + data["at_risk"] + data["since_previous"]["completed"]
    assert rows and all("responsible_person" not in row for row in rows)
    assert all("author" not in u for u in data["since_previous"]["status_updates"])


def test_full_listing_holds_every_action(report_plan: ReportPlan, today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, include_actions=True)
    assert [row["code"] for row in data["actions"]] == list(report_plan.actions)
