"""GET /api/v1/plans/{id}/progress/: the report's data as JSON, scoped like the plan."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.clients import SessionClient
from tests.reports.conftest import ReportPlan, build_report_plan

pytestmark = pytest.mark.django_db
QUERY = "?as_of=2026-08-31&since=2026-04-30"


def api(user: Any = None) -> SessionClient:
    return SessionClient(user)


def url(plan: Any) -> str:
    return f"/api/v1/plans/{plan.pk}/progress/"


@pytest.mark.parametrize("persona", ["reader", "unit_manager", "sector_leader", "admin"])
def test_members_get_the_same_numbers_as_the_report(
    persona: str, world: Any, report_plan: ReportPlan, today: Any
) -> None:
    response = api(world.persona(persona)).get(url(report_plan.plan) + QUERY)
    assert response.status_code == 200
    data = response.json()
    assert data["totals"]["total"] == 8
    assert data["totals"]["completed_percent"] == 14.3
    assert [row["code"] for row in data["overdue"]] == ["1.1.1", "1.2.1", "2.1.2"]
    assert data["overdue"][0]["responsible_person"] == world.unit_manager.get_full_name()


def test_another_organisation_gets_404(world: Any, report_plan: ReportPlan) -> None:
    assert api(world.other_admin).get(url(report_plan.plan)).status_code == 404
    assert api().get(url(report_plan.plan)).status_code in (401, 404)


def test_public_plan_for_anonymous_has_no_person(world: Any, today: Any) -> None:
    public = build_report_plan(world, public=True)
    response = api().get(url(public.plan) + QUERY)
    assert response.status_code == 200
    text = response.content.decode()
    assert world.unit_manager.last_name not in text
    assert response.json()["public"] is True


def test_narrowing_and_full_listing(world: Any, report_plan: ReportPlan, today: Any) -> None:
    area = report_plan.areas[0]
    data = api(world.reader).get(url(report_plan.plan) + QUERY
                                 + f"&focus_area={area.pk}&actions=all").json()
    assert data["totals"]["total"] == 6
    assert len(data["actions"]) == 6


@pytest.mark.parametrize(
    ("query", "field"),
    [("?as_of=2026-02-30", "as_of"), ("?since=2026-09-01&as_of=2026-08-31", "since"),
     ("?focus_area=999999", "focus_area"), ("?unit=abc", "unit"), ("?actions=some", "actions")],
)
def test_bad_parameters_are_400_naming_the_field(
    query: str, field: str, world: Any, report_plan: ReportPlan
) -> None:
    response = api(world.reader).get(url(report_plan.plan) + query)
    assert response.status_code == 400
    assert field in response.json()


def test_unit_of_another_organisation_is_refused(world: Any, report_plan: ReportPlan) -> None:
    from tests.factories import root_unit

    other = root_unit(world.other_org)
    response = api(world.reader).get(url(report_plan.plan) + f"?unit={other.pk}")
    assert response.status_code == 400 and "unit" in response.json()


def test_the_operation_is_in_the_openapi_schema(world: Any) -> None:
    schema = api(world.reader).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/plans/{id}/progress/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"as_of", "since", "focus_area", "unit", "actions"} <= names
