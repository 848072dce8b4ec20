"""Dates outside 1900–2199 are a 400 naming the field, in every API body and date filter
(issue 14, item 7): never a 500, and never stored."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from actions.models import Action
from planportal.dates import MAX_DATE, MIN_DATE
from tests.api.clients import session_client
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db

TOO_EARLY, TOO_LATE = "0001-01-01", "9999-12-31"


def public_plan(world: Any) -> Any:
    plan = PlanFactory(organization=world.org, title="Offentlig plan", is_public=True)
    ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=plan)),
                  responsible_unit=world.home_care)
    return plan


def test_the_range_is_1900_to_2199():
    assert (date(1900, 1, 1), date(2199, 12, 31)) == (MIN_DATE, MAX_DATE)


@pytest.mark.parametrize("value", [TOO_EARLY, TOO_LATE, "1899-12-31", "2200-01-01"])
def test_a_progress_report_date_out_of_range_is_a_400_for_the_public(world, value):
    plan = public_plan(world)

    response = session_client(None).get(f"/api/v1/plans/{plan.pk}/progress/",
                                         {"as_of": value})

    assert response.status_code == 400, response.content
    assert "as_of" in response.json()


def test_a_changes_since_date_out_of_range_is_a_400(world):
    plan = public_plan(world)

    response = session_client(None).get(f"/api/v1/plans/{plan.pk}/progress/",
                                        {"since": TOO_EARLY})

    assert response.status_code == 400
    assert "since" in response.json()


def test_the_edges_of_the_range_are_accepted_by_the_report(world):
    plan = public_plan(world)
    client = session_client(None)

    for value in ("1900-01-01", "2199-12-31"):
        response = client.get(f"/api/v1/plans/{plan.pk}/progress/", {"as_of": value})
        assert response.status_code == 200, (value, response.content)


@pytest.mark.parametrize("field", ["due_date", "start_date"])
@pytest.mark.parametrize("value", [TOO_EARLY, TOO_LATE])
def test_assigning_a_date_out_of_range_is_a_400_and_stores_nothing(world, field, value):
    client = session_client(world.sector_leader)

    response = client.post(f"/api/v1/actions/{world.action.pk}/assign/", {
        "responsible_unit": world.home_care.pk, field: value, "version": 1}, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert getattr(Action.objects.get(pk=world.action.pk), field) is None


@pytest.mark.parametrize("field", ["due_date", "start_date"])
def test_creating_an_action_with_a_date_out_of_range_is_a_400(world, field):
    client = session_client(world.admin)

    response = client.post("/api/v1/actions/", {
        "goal": world.goal.pk, "title": "Langt fram", field: TOO_LATE}, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Action.objects.filter(title="Langt fram").exists()


def test_editing_an_actions_start_date_out_of_range_is_a_400(world):
    client = session_client(world.admin)

    response = client.patch(f"/api/v1/actions/{world.action.pk}/",
                            {"start_date": TOO_EARLY, "version": 1}, format="json")

    assert response.status_code == 400, response.content
    assert "start_date" in response.json()


def test_an_evaluation_dated_out_of_range_is_a_400(world):
    Action.objects.filter(pk=world.action.pk).update(status=Action.Status.COMPLETED)
    client = session_client(world.admin)

    response = client.post(f"/api/v1/actions/{world.action.pk}/evaluate/", {
        "evaluation": "Vi nådde målet.", "evaluated_on": TOO_LATE, "version": 1},
        format="json")

    assert response.status_code == 400, response.content
    assert "evaluated_on" in response.json()


@pytest.mark.parametrize("field", ["adopted_on", "next_revision_on"])
def test_a_plan_date_out_of_range_is_a_400(world, field):
    client = session_client(world.admin)

    response = client.patch(f"/api/v1/plans/{world.plan.pk}/", {field: TOO_LATE},
                            format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()


def test_a_measurement_for_a_period_out_of_range_is_a_400(world):
    indicator = IndicatorFactory(goal=world.goal)
    client = session_client(world.admin)

    response = client.post("/api/v1/measurements/", {
        "indicator": indicator.pk, "period_end": TOO_EARLY, "value": "12.50"}, format="json")

    assert response.status_code == 400, response.content
    assert "period_end" in response.json()
    assert not indicator.measurements.exists()


@pytest.mark.parametrize(("url", "parameter", "value"), [
    ("/api/v1/actions/", "due_before", TOO_EARLY),
    ("/api/v1/actions/", "due_after", TOO_LATE),
    ("/api/v1/measurements/", "period_after", TOO_EARLY),
    ("/api/v1/measurements/", "period_before", TOO_LATE),
    ("/api/v1/status-updates/", "created_after", "0001-01-01T00:00:00+01:00"),
    ("/api/v1/status-updates/", "created_before", "9999-12-31T23:59:59-01:00"),
])
def test_a_date_filter_out_of_range_is_a_400_naming_the_filter(world, url, parameter, value):
    response = session_client(world.reader).get(url, {parameter: value})

    assert response.status_code == 400, response.content
    assert parameter in response.json()


def test_a_date_filter_within_the_range_still_filters(world):
    Action.objects.filter(pk=world.action.pk).update(due_date=date(2026, 6, 30))
    client = session_client(world.reader)

    inside = client.get("/api/v1/actions/", {"due_before": "2026-06-30"}).json()["results"]
    outside = client.get("/api/v1/actions/", {"due_after": "2026-07-01"}).json()["results"]

    assert [row["id"] for row in inside] == [world.action.pk]
    assert outside == []
