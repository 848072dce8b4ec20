"""/api/v1/indicators/: targets and baselines as nested lists, written through the
services, with errors that name the row and the field (clients signed in for real)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from strategies.models import Indicator
from tests.api.clients import AUTH_KINDS, CLIENTS
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

TARGETS = [
    {"year": 2026, "comparison": "gte", "value": "10.00", "relative_to_national": False},
    {"year": 2027, "comparison": "gte", "value": "10.00", "relative_to_national": False},
    {"year": None, "comparison": "lt", "value": "0.00", "relative_to_national": True},
]
BASELINES = [{"year": 2023, "value": "6.00"}, {"year": 2024, "value": "7.50"}]


def stored(indicator_id: int) -> tuple[list[Any], list[Any]]:
    indicator = Indicator.objects.get(pk=indicator_id)
    return (list(indicator.targets.values_list("year", "comparison", "value",
                                               "relative_to_national")),
            list(indicator.baselines.values_list("year", "value")))


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_targets_and_baselines_round_trip(world, auth):
    client = CLIENTS[auth](world.admin)
    created = client.post("/api/v1/indicators/", {
        "goal": world.goal.pk, "name": "Lærlingeplasser", "unit": "antall",
        "direction": "higher", "targets": TARGETS, "baselines": BASELINES,
    }, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["targets"], body["baselines"]) == (TARGETS, BASELINES)
    assert "target_value" not in body and "baseline_year" not in body

    read = CLIENTS[auth](world.reader).get(f"/api/v1/indicators/{body['id']}/").json()
    assert (read["targets"], read["baselines"]) == (TARGETS, BASELINES)

    changed = client.patch(f"/api/v1/indicators/{body['id']}/", {
        "targets": [{"year": None, "comparison": "gt", "value": 50}]}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["targets"] == [
        {"year": None, "comparison": "gt", "value": "50.00", "relative_to_national": False}]
    assert changed.json()["baselines"] == BASELINES  # not given: kept
    assert stored(body["id"]) == ([(None, "gt", Decimal(50), False)],
                                  [(2023, Decimal(6)), (2024, Decimal("7.5"))])


def test_a_year_given_twice_is_a_400_naming_the_row_and_changes_nothing(world, api):
    indicator = IndicatorFactory(goal=world.goal, name="Heltid")
    before = stored(indicator.pk)
    response = api("admin").patch(f"/api/v1/indicators/{indicator.pk}/", {
        "name": "Omdøpt",
        "targets": [{"year": 2026, "comparison": "gte", "value": 1},
                    {"year": 2026, "comparison": "gt", "value": 2}],
    }, format="json", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 400
    assert response.json() == {"targets": ["Rad 2, år: året 2026 er oppgitt to ganger."]}
    assert stored(indicator.pk) == before
    assert Indicator.objects.get(pk=indicator.pk).name == "Heltid"


def test_a_baseline_after_the_first_target_year_is_a_400(world, api):
    response = api("admin").post("/api/v1/indicators/", {
        "goal": world.goal.pk, "name": "Feil", "direction": "higher",
        "targets": [{"year": 2026, "comparison": "gte", "value": 1}],
        "baselines": [{"year": 2026, "value": 1}],
    }, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["baselines"]
    assert "2026" in response.json()["baselines"][0]
    assert not Indicator.objects.filter(name="Feil").exists()


def test_a_wrong_field_in_a_row_is_named_with_its_row(world, api):
    indicator = IndicatorFactory(goal=world.goal)
    response = api("admin").patch(f"/api/v1/indicators/{indicator.pk}/", {
        "targets": [{"year": 2026, "comparison": "gte", "value": 1},
                    {"year": 2027, "comparison": "mer enn", "value": "x"}],
    }, format="json")
    assert response.status_code == 400
    # DRF keys the wrong rows by their index in the list (the second row is "1").
    assert {row: set(fields) for row, fields in response.json()["targets"].items()} == {
        "1": {"comparison", "value"}}


def test_the_old_fields_are_not_read_as_a_target(world, api):
    indicator = IndicatorFactory(goal=world.goal, targets=[])
    response = api("admin").patch(f"/api/v1/indicators/{indicator.pk}/",
                                  {"target_value": "7.5", "target_year": 2027}, format="json")
    assert response.status_code == 200
    assert response.json()["targets"] == []


def test_only_the_kommunes_admin_writes_targets(world, api):
    indicator = IndicatorFactory(goal=world.goal)
    before = stored(indicator.pk)
    for persona in ("sector_leader", "reader"):
        response = api(persona).patch(f"/api/v1/indicators/{indicator.pk}/", {
            "targets": []}, format="json")
        assert response.status_code == 403
    assert stored(indicator.pk) == before
