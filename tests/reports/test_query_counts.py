"""The report runs a constant number of queries whatever the size of the plan (1 vs 50)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from actions.models import Action, StatusUpdate
from reports.progress import compute_progress
from tests.api.clients import SessionClient
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    PlanFactory,
)
from tests.queries import assert_constant_queries, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def grow(world: Any) -> Any:
    """A plan that grows by actions spread over goals, units, statuses and histories."""
    plan = PlanFactory(organization=world.org, title="Voksende plan")
    goals = [GoalFactory(focus_area=FocusAreaFactory(plan=plan)) for _ in range(2)]
    made = {"n": 0}

    def add(n: int) -> None:
        for _ in range(n):
            i = made["n"]
            goal = goals[i % 2]
            action = ActionFactory(
                goal=goal, due_date=date(2026, 1 + i % 12, 1), status=Action.Status.values[i % 5],
                responsible_unit=[world.home_care, world.school, None][i % 3],
                responsible_person=world.unit_manager if i % 4 == 0 else None,
            )
            StatusUpdate.objects.create(action=action, status=action.status, progress=i % 100,
                                        risk=["on_track", "at_risk", "off_track"][i % 3],
                                        comment=f"Kommentar {i}", author=world.admin)
            indicator = IndicatorFactory(goal=goal)
            MeasurementFactory(indicator=indicator, period_end=date(2025, 12, 31))
            made["n"] += 1

    return add, plan


def test_progress_is_constant_in_the_number_of_actions(grow: Any) -> None:
    add, plan = grow
    count = assert_constant_queries(
        add, lambda: compute_progress(plan, as_of=date(2026, 8, 31), since=date(2026, 4, 30)),
        few=1, many=50, expected=None,
    )
    assert count <= 9  # the indicators' targets and baselines are one query


def test_history_as_of_a_past_date_is_constant_too(grow: Any) -> None:
    add, plan = grow
    assert_constant_queries(
        add, lambda: compute_progress(plan, as_of=date(2020, 1, 1), include_actions=True),
        few=1, many=50, expected=None,
    )


def test_html_page_is_constant(grow: Any, world: Any) -> None:
    add, plan = grow
    client = Client()
    client.force_login(world.reader)

    assert_constant_queries(
        add, lambda: client.get(f"/reports/plans/{plan.pk}/?as_of=2026-08-31"), few=1, many=50)


def test_json_endpoint_is_constant(grow: Any, world: Any) -> None:
    add, plan = grow
    client = SessionClient(world.reader)
    assert_constant_queries(
        add, lambda: client.get(f"/api/v1/plans/{plan.pk}/progress/?as_of=2026-08-31"),
        few=1, many=50)


def test_xlsx_with_every_action_is_constant(grow: Any, world: Any) -> None:
    add, plan = grow
    client = Client()
    client.force_login(world.reader)
    add(1)
    client.get(f"/reports/plans/{plan.pk}/report.xlsx")
    few = count_queries(lambda: client.get(f"/reports/plans/{plan.pk}/report.xlsx"))
    add(49)
    assert count_queries(lambda: client.get(f"/reports/plans/{plan.pk}/report.xlsx")) == few


def test_the_report_numbers_its_tiltak_in_one_query_whether_or_not_one_lacks_a_code(world):
    # A kommune whose lists are empty, or whose tiltak all have codes, runs the same
    # queries as one that numbers them (bench pages compared 12 with 13).
    coded = PlanFactory(organization=world.org, title="Kodet plan")
    ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=coded)), code="1.1.1",
                  due_date=date(2026, 1, 1))
    uncoded = PlanFactory(organization=world.org, title="Ukodet plan")
    ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=uncoded)), code="",
                  due_date=date(2026, 1, 1))
    empty = PlanFactory(organization=world.org, title="Tom plan")

    def queries(plan: Any) -> int:
        return count_queries(lambda: compute_progress(plan, as_of=date(2026, 8, 31)),
                             expected=None)

    queries(coded)  # warm: content types
    assert queries(coded) == queries(uncoded) == queries(empty)
