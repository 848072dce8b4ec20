"""What politicians see changed since the last report: new and cancelled tiltak, and moved
deadlines with how often and how far each moved ("frist flyttet 3 ganger, +14 måneder"),
from the audit trail; compared with the previous closed round, else the period start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import pytest
import time_machine

from actions import rounds
from actions import services as action_services
from actions.models import Action, ReportingRound
from reports import services
from reports.api_schema import ProgressReportSerializer
from reports.models import ReportSnapshot
from reports.round_services import close_round
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory
from tests.reports.conftest import OSLO
from tests.reports.test_progress_schema import undocumented

pytestmark = pytest.mark.django_db

CASE = {"case_number": "2026/77", "committee": "Formannskapet",
        "meeting_date": date(2027, 2, 1)}


@contextmanager
def on(month: int, day: int, year: int = 2026) -> Iterator[None]:
    with time_machine.travel(datetime(year, month, day, 10, 0, tzinfo=OSLO), tick=False):
        yield


def assign(world: Any, action: Action, due: date) -> None:
    action.refresh_from_db()
    action_services.assign_action(actor=world.admin, action=action,
                                  expected_version=action.version,
                                  responsible_unit=world.home_care, due_date=due)


def post(world: Any, action: Action, status: str, progress: int) -> None:
    action.refresh_from_db()
    action_services.post_status_update(actor=world.admin, action=action,
                                       expected_version=action.version, status=status,
                                       progress=progress)


@pytest.fixture
def history(world: Any) -> dict[str, Any]:
    """A plan through 2026: A's deadline moves three times (July, October, November),
    B's once (July); C is new in October; D is cancelled in November; E is completed
    and evaluated in October, F in July."""
    plan = PlanFactory(organization=world.org, title="Plan med historikk")
    goal = GoalFactory(focus_area=FocusAreaFactory(plan=plan, order=1, code="1"), order=1,
                       code="1.1")
    made: dict[str, Any] = {"plan": plan}
    with on(3, 1):
        for order, code in enumerate("ABDEF"):
            made[code] = ActionFactory(goal=goal, order=order, code=code,
                                       title=f"Tiltak {code}", responsible_unit=world.home_care)
        assign(world, made["A"], date(2026, 6, 30))
        assign(world, made["B"], date(2026, 5, 31))
    with on(7, 1):
        post(world, made["F"], "completed", 100)
        made["F"].refresh_from_db()
        action_services.evaluate_action(actor=world.admin, action=made["F"],
                                        expected_version=made["F"].version,
                                        evaluation="Gikk bra i juli.")
    with on(7, 10):
        assign(world, made["A"], date(2026, 10, 31))
        assign(world, made["B"], date(2026, 8, 31))
    with on(10, 5):
        assign(world, made["A"], date(2027, 3, 31))
    with on(10, 10):
        made["C"] = ActionFactory(goal=goal, order=9, code="C", title="Tiltak C")
    with on(10, 20):
        post(world, made["E"], "completed", 100)
        made["E"].refresh_from_db()
        action_services.evaluate_action(actor=world.admin, action=made["E"],
                                        expected_version=made["E"].version,
                                        evaluation="Målet nådd, ny rutine i drift.")
    with on(11, 5):
        assign(world, made["A"], date(2027, 8, 31))
    with on(11, 10):
        post(world, made["D"], "cancelled", 0)
    return made


def open_and_close(world: Any, plan: Any, key: str, deadline: date, today: date
                   ) -> ReportSnapshot:
    round_ = rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                               period_key=key, deadline=deadline, plans=[plan])
    with on(today.month, today.day, today.year):
        [snapshot] = close_round(actor=world.admin, round=round_,
                                 expected_version=round_.version, today=today, **CASE)
    return snapshot


def codes(rows: list[dict[str, Any]]) -> list[str]:
    return [row["code"] for row in rows]


def test_the_third_tertial_compares_with_the_second_tertials_closed_round(
    world: Any, history: dict[str, Any],
) -> None:
    t2 = open_and_close(world, history["plan"], "2026-T2", date(2026, 9, 15), date(2026, 9, 20))
    t3 = open_and_close(world, history["plan"], "2026-T3", date(2027, 1, 15), date(2027, 1, 5))
    changes = t3.data["changes"]
    assert changes["previous_round"] == {"id": t2.round_id, "period_label": "2. tertial 2026"}
    assert t3.since == date(2026, 8, 31)
    assert codes(changes["new"]) == ["C"]
    assert codes(changes["cancelled"]) == ["D"]
    # frist flyttet 3 ganger, +14 måneder: B moved only before the window.
    assert changes["moved_deadlines"] == [{
        "action_id": history["A"].pk, "code": "A", "number": "A", "title": "Tiltak A",
        "moves": 3, "first_due": "2026-06-30", "due": "2027-08-31", "months": 14}]
    assert [(row["code"], row["evaluation"]) for row in t3.data["evaluations"]] == [
        ("E", "Målet nådd, ny rutine i drift.")]


def test_without_a_previous_round_the_window_starts_with_the_period(
    world: Any, history: dict[str, Any],
) -> None:
    t2 = open_and_close(world, history["plan"], "2026-T2", date(2026, 9, 15), date(2026, 9, 20))
    changes = t2.data["changes"]
    assert changes["previous_round"] is None
    assert t2.since == date(2026, 4, 30)
    assert changes["new"] == [] and changes["cancelled"] == []
    # As of 31 August: A had moved once (June → October), B once (May → August).
    assert [(row["code"], row["moves"], row["first_due"], row["due"], row["months"])
            for row in changes["moved_deadlines"]] == [
        ("A", 1, "2026-06-30", "2026-10-31", 4), ("B", 1, "2026-05-31", "2026-08-31", 3)]
    assert [row["code"] for row in t2.data["evaluations"]] == ["F"]


def test_an_ordinary_frozen_report_shows_the_changes_since_the_previous_period(
    world: Any, history: dict[str, Any],
) -> None:
    with on(1, 5, 2027):
        snapshot = services.create_snapshot(actor=world.admin, plan=history["plan"],
                                            frequency="tertial", period_key="2026-T3")
    data = snapshot.data
    assert data["round"] is None and data["preliminary"] is False
    assert data["changes"]["previous_round"] is None
    assert codes(data["changes"]["new"]) == ["C"]
    assert codes(data["changes"]["cancelled"]) == ["D"]
    assert [(row["code"], row["moves"], row["months"])
            for row in data["changes"]["moved_deadlines"]] == [("A", 3, 14)]
    assert codes(data["evaluations"]) == ["E"]


def test_every_key_of_a_rounds_report_is_documented_and_valid(
    world: Any, history: dict[str, Any],
) -> None:
    snapshot = open_and_close(world, history["plan"], "2026-T3", date(2027, 1, 15),
                              date(2027, 1, 5))
    assert ReportingRound.objects.get(pk=snapshot.round_id).state == "closed"
    assert undocumented(ProgressReportSerializer(), snapshot.data) == []
    serializer = ProgressReportSerializer(data=snapshot.data)
    assert serializer.is_valid(), serializer.errors
