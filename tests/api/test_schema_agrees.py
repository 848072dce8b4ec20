"""The OpenAPI schema and the server agree (issue 14, item 15): what the schema allows the
server accepts, what the server refuses the schema does not allow, and a reader who may
not write hears 403 before any field error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from actions.models import Action
from planportal.models import User
from strategies.models import Plan
from tests.api.clients import session_client
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    PlanFactory,
    StatusUpdateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(db: Any) -> dict[str, Any]:
    return APIClient().get("/api/schema/", {"format": "json"}).json()


def parameters(schema: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in schema["paths"][path]["get"].get("parameters", [])}


@pytest.fixture
def public_content(world: Any) -> dict[str, Any]:
    """A public plan whose action, status update and measurement all name a person."""
    plan = PlanFactory(organization=world.org, title="Offentlig", is_public=True)
    goal = GoalFactory(focus_area=FocusAreaFactory(plan=plan))
    action = ActionFactory(goal=goal, responsible_unit=world.home_care,
                           responsible_person=world.unit_manager,
                           status=Action.Status.COMPLETED, evaluation="Bra",
                           evaluated_by=world.unit_manager)
    update = StatusUpdateFactory(action=action, author=world.unit_manager)
    measurement = MeasurementFactory(indicator=IndicatorFactory(goal=goal),
                                     recorded_by=world.unit_manager)
    return {"plan": plan, "action": action, "update": update, "measurement": measurement}


@pytest.mark.parametrize("persona", [None, "other_admin"])
def test_readers_who_may_not_see_people_get_null_person_fields_not_missing_keys(
    world, public_content, persona
):
    client = session_client(world.persona(persona) if persona else None)
    action = public_content["action"]

    listed = client.get("/api/v1/actions/", {"plan": public_content["plan"].pk}).json()
    detail = client.get(f"/api/v1/actions/{action.pk}/").json()
    updates = client.get("/api/v1/status-updates/", {"action": action.pk}).json()
    measurements = client.get("/api/v1/measurements/").json()

    for row in (listed["results"][0], detail):
        assert row["responsible_person"] is None and row["evaluated_by"] is None
    assert updates["results"][0]["author"] is None
    assert measurements["results"][0]["recorded_by"] is None
    assert world.unit_manager.last_name not in str((listed, detail, updates, measurements))


def test_members_of_the_kommune_still_see_the_people(world, public_content):
    client = session_client(world.reader)
    action = public_content["action"]

    detail = client.get(f"/api/v1/actions/{action.pk}/").json()
    update = client.get("/api/v1/status-updates/", {"action": action.pk}).json()["results"][0]

    assert detail["responsible_person"]["id"] == world.unit_manager.pk
    assert update["author"]["id"] == world.unit_manager.pk


def test_the_schema_marks_the_person_fields_required_and_nullable(schema):
    components = schema["components"]["schemas"]
    for component, field in [("Action", "responsible_person"), ("Action", "evaluated_by"),
                             ("StatusUpdate", "author"), ("Measurement", "recorded_by")]:
        assert field in components[component]["required"], (component, field)
        assert components[component]["properties"][field]["nullable"] is True


@pytest.mark.parametrize(("path", "name"), [
    ("/api/v1/actions/", "responsible_unit_subtree"),
    ("/api/v1/actions/", "plan"),
    ("/api/v1/actions/", "goal"),
    ("/api/v1/goals/", "plan"),
    ("/api/v1/status-updates/", "action"),
    ("/api/v1/units/", "subtree_of"),
    ("/api/v1/plans/", "active_in"),
])
def test_id_filters_are_integers_in_the_schema(schema, path, name):
    parameter = parameters(schema, path)[name]

    assert parameter["schema"]["type"] == "integer"


def test_an_id_filter_keeps_its_description_and_bounds(schema):
    subtree = parameters(schema, "/api/v1/actions/")["responsible_unit_subtree"]
    active_in = parameters(schema, "/api/v1/plans/")["active_in"]

    assert subtree["description"] == "responsible unit or any unit below it"
    assert (active_in["schema"]["minimum"], active_in["schema"]["maximum"]) == (1, 9999)


def test_the_budget_pattern_refuses_what_the_server_refuses(world, schema):
    pattern = re.compile(
        schema["components"]["schemas"]["ActionWriteRequest"]["properties"]["budget"]["pattern"])
    client = session_client(world.admin)

    for text in ("", "-", ".", "-."):
        assert not pattern.match(text), text
        response = client.post("/api/v1/actions/", {"goal": world.goal.pk, "title": "Budsjett",
                                                    "budget": text}, format="json")
        assert response.status_code == 400 and "budget" in response.json(), text
    for text in ("0", "12", "12.5", "12.50", ".5", "999999999999.99"):
        assert pattern.match(text), text


def test_a_budget_the_pattern_allows_is_stored(world):
    client = session_client(world.admin)

    response = client.post("/api/v1/actions/", {"goal": world.goal.pk, "title": "Budsjett",
                                                "budget": ".5"}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["budget"] == "0.50"


def test_patch_me_schema_forbids_the_keys_the_server_refuses(world, schema):
    component = schema["components"]["schemas"]["PatchedPreferencesRequest"]
    client = session_client(world.reader)

    response = client.patch("/api/v1/me/", {"username": "ny"}, format="json")

    assert component["additionalProperties"] is False
    assert response.status_code == 400 and "username" in response.json()


@pytest.mark.parametrize(("method", "path", "body"), [
    ("patch", "/api/v1/plans/{plan}/", {"is_public": 0}),
    ("patch", "/api/v1/plans/{plan}/", {"is_public": "true"}),
    ("patch", "/api/v1/me/", {"reminder_emails": 1}),
])
def test_a_boolean_in_a_body_must_be_a_json_boolean(world, method, path, body):
    client = session_client(world.admin)

    response = getattr(client, method)(path.format(plan=world.plan.pk), body, format="json")

    assert response.status_code == 400, response.content
    assert next(iter(body)) in response.json()
    assert Plan.objects.get(pk=world.plan.pk).is_public is False
    assert User.objects.get(pk=world.admin.pk).reminder_emails is True


def test_a_json_boolean_still_changes_the_plan(world):
    client = session_client(world.admin)

    response = client.patch(f"/api/v1/plans/{world.plan.pk}/", {"is_public": True},
                            format="json")

    assert response.status_code == 200, response.content
    assert Plan.objects.get(pk=world.plan.pk).is_public is True


def test_a_form_encoded_boolean_still_counts(world):
    client = session_client(world.admin)

    response = client.patch(f"/api/v1/plans/{world.plan.pk}/", "is_public=true",
                            content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200, response.content
    assert Plan.objects.get(pk=world.plan.pk).is_public is True


def list_paths(schema: dict[str, Any]) -> list[str]:
    return sorted(path for path, item in schema["paths"].items()
                  if "{" not in path and "get" in item and item["get"].get("parameters"))


def test_what_the_schema_allows_empty_the_server_ignores_when_empty(world, schema):
    client = session_client(world.admin)
    checked = []
    for path in [*list_paths(schema), "/api/v1/plans/{id}/progress/"]:
        url = path.replace("{id}", str(world.plan.pk))
        allowed = {name for name, parameter in parameters(schema, path).items()
                   if parameter.get("allowEmptyValue")}
        response = client.get(url, dict.fromkeys(allowed, ""))
        assert response.status_code == 200, (path, response.content)
        checked += [(path, name) for name in allowed]
    for expected in [("/api/v1/actions/", "due_before"), ("/api/v1/actions/", "overdue"),
                     ("/api/v1/actions/", "responsible_unit_subtree"),
                     ("/api/v1/measurements/", "period_after"), ("/api/v1/plans/", "is_public"),
                     ("/api/v1/plans/{id}/progress/", "as_of")]:
        assert expected in checked, expected


@pytest.mark.parametrize(("path", "name"), [
    ("/api/v1/actions/", "status"), ("/api/v1/actions/", "risk"),
    ("/api/v1/actions/", "page_size"),
])
def test_what_the_server_refuses_empty_the_schema_does_not_allow_empty(world, schema, path,
                                                                       name):
    parameter = parameters(schema, path)[name]

    response = session_client(world.admin).get(path, {name: ""})

    assert "allowEmptyValue" not in parameter
    assert parameter["schema"]["type"] in ("array", "integer")  # "" is neither
    assert response.status_code == 400 and name in response.json()


def reader_writes(world: Any) -> list[tuple[str, str, dict[str, Any]]]:
    focus_area = world.goal.focus_area
    indicator = IndicatorFactory(goal=world.goal)
    action = f"/api/v1/actions/{world.action.pk}/"
    nonsense = {"title": None, "period_start": "x", "order": -1, "version": "x"}
    return [
        ("patch", f"/api/v1/plans/{world.plan.pk}/", nonsense),
        ("put", f"/api/v1/plans/{world.plan.pk}/", nonsense),
        ("post", "/api/v1/plans/", nonsense),
        ("patch", f"/api/v1/focus-areas/{focus_area.pk}/", nonsense),
        ("patch", f"/api/v1/goals/{world.goal.pk}/", nonsense),
        ("patch", f"/api/v1/indicators/{indicator.pk}/", {"direction": "sideways"}),
        ("post", "/api/v1/measurements/", {"indicator": indicator.pk, "value": ""}),
        ("patch", action, nonsense),
        ("post", "/api/v1/actions/", nonsense),
        ("post", f"{action}assign/", {"responsible_unit": "x"}),
        ("post", f"{action}status-updates/", {"progress": 500}),
        ("post", f"{action}evaluate/", {"evaluation": None}),
    ]


def test_a_reader_who_may_not_write_gets_403_before_any_field_error(world):
    client = session_client(world.reader)

    for method, path, body in reader_writes(world):
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == 403, (method, path, response.content)
        assert set(response.json()) == {"detail"}, (method, path)


def test_someone_who_may_write_still_gets_the_field_errors(world):
    client = session_client(world.admin)

    response = client.patch(f"/api/v1/plans/{world.plan.pk}/", {"period_start": "x"},
                            format="json")

    assert response.status_code == 400
    assert "period_start" in response.json()


@pytest.mark.parametrize(("path", "name"), [
    ("/api/v1/plans/", "is_public"), ("/api/v1/actions/", "overdue"),
    ("/api/v1/actions/", "unassigned"),
])
def test_a_yes_no_filter_refuses_what_is_neither_as_the_schema_says(world, schema, path, name):
    client = session_client(world.reader)

    refused = client.get(path, {name: "-58800"})
    accepted = [client.get(path, {name: value}).status_code
                for value in ("true", "false", "True", "1", "0", "")]

    assert parameters(schema, path)[name]["schema"]["type"] == "boolean"
    assert refused.status_code == 400 and name in refused.json()
    assert accepted == [200] * 6


def test_a_yes_no_filter_still_filters(world):
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    client = session_client(world.reader)

    public = client.get("/api/v1/plans/", {"is_public": "true"}).json()["results"]
    private = client.get("/api/v1/plans/", {"is_public": "false"}).json()["results"]

    assert [p["id"] for p in public] == [world.plan.pk] and private == []


@pytest.mark.parametrize(("path", "name"), [
    ("/api/v1/actions/", "due_before"), ("/api/v1/measurements/", "period_after"),
    ("/api/v1/status-updates/", "created_after"), ("/api/v1/plans/{id}/progress/", "as_of"),
])
def test_date_parameters_carry_the_sane_range_as_a_pattern(schema, path, name):
    pattern = re.compile(parameters(schema, path)[name]["schema"]["pattern"])

    assert pattern.search("1900-01-01") and pattern.search("2199-12-31T23:59:59+01:00")
    assert not pattern.search("1899-12-31") and not pattern.search("2200-01-01")
    assert not pattern.search("0001-01-01") and not pattern.search("9999-12-31")


def test_request_bodies_carry_the_range_and_answers_do_not(schema):
    components = schema["components"]["schemas"]

    assert "pattern" in components["AssignRequest"]["properties"]["due_date"]
    assert "pattern" in components["PatchedPlanUpdateRequest"]["properties"]["adopted_on"]
    assert "pattern" not in components["Action"]["properties"]["due_date"]


def test_a_page_number_past_any_table_is_a_404_not_a_500(world):
    response = session_client(world.reader).get("/api/v1/actions/",
                                                {"page": "10243444425197182976"})

    assert response.status_code == 404


def _keys(schema: dict[str, Any], component: str) -> list[str]:
    node = schema["components"]["schemas"][component]
    return list(node["properties"])


def _ref(schema: dict[str, Any], component: str, field: str) -> str:
    # A nested serializer is a $ref, wrapped in allOf/oneOf when nullable.
    node = schema["components"]["schemas"][component]["properties"][field]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node:
            node = next(part for part in node[key] if "$ref" in part)
    return node["$ref"].rsplit("/", 1)[-1]


def test_the_schemas_action_has_exactly_the_read_models_keys(world, schema):
    from decimal import Decimal

    from django.utils import timezone

    from actions.read_model import action_row

    action = ActionFactory(goal=world.goal, responsible_unit=world.home_care,
                           responsible_person=world.unit_manager, evaluated_by=world.admin,
                           budget=Decimal("10"))
    StatusUpdateFactory(action=action, author=world.unit_manager)
    document = action_row(Action.objects.api_row(action.pk), timezone.get_current_timezone())

    assert list(document) == _keys(schema, "Action")
    for field in ("responsible_unit", "responsible_person", "evaluated_by", "latest_update"):
        assert list(document[field]) == _keys(schema, _ref(schema, "Action", field)), field
    # Every write answers with the same document as the detail page.
    for path, method in [("/api/v1/actions/", "post"),
                         ("/api/v1/actions/{id}/", "get"), ("/api/v1/actions/{id}/", "patch"),
                         ("/api/v1/actions/{id}/assign/", "post"),
                         ("/api/v1/actions/{id}/status-updates/", "post"),
                         ("/api/v1/actions/{id}/evaluate/", "post")]:
        responses = schema["paths"][path][method]["responses"]
        answer = responses.get("200") or responses["201"]
        ref = answer["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/Action"), (path, method)
    page = schema["paths"]["/api/v1/actions/"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    items = schema["components"]["schemas"][page]["properties"]["results"]["items"]
    assert items["$ref"].endswith("/Action")
