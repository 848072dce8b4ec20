"""An indicator's SSB table, content code and scheduled query through the API."""

import pytest

from strategies.models import Indicator
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

QUERY = {"query": [{"code": "Region", "selection": {"filter": "item", "values": ["3424"]}}]}


def test_an_admin_sets_the_statistics_fields_and_everyone_reads_them(world, api):
    indicator = IndicatorFactory(goal=world.goal)
    response = api("admin").patch(f"/api/v1/indicators/{indicator.pk}/", {
        "statistics_table": "12345", "statistics_content": "KOSandel",
        "statistics_query": QUERY}, format="json")
    assert response.status_code == 200, response.json()
    row = api("reader").get(f"/api/v1/indicators/{indicator.pk}/").json()
    assert (row["statistics_table"], row["statistics_content"], row["statistics_query"]) == (
        "12345", "KOSandel", QUERY)


def test_an_indicator_is_created_with_its_statistics_table(world, token_api):
    response = token_api("admin").post("/api/v1/indicators/", {
        "goal": world.goal.pk, "name": "Andel 80+ i institusjon", "direction": "lower",
        "statistics_table": "12345", "statistics_content": "KOSandel"}, format="json")
    assert response.status_code == 201, response.json()
    indicator = Indicator.objects.get(pk=response.json()["id"])
    assert (indicator.statistics_table, indicator.statistics_query) == ("12345", {})


@pytest.mark.parametrize("body,field", [
    ({"statistics_table": "12345/../x"}, "statistics_table"),
    ({"statistics_table": "12345", "statistics_content": "KOSandel",
      "statistics_query": {"query": "Region"}}, "statistics_query"),
    ({"statistics_table": "12345", "statistics_content": "KOSandel",
      "statistics_query": ["Region"]}, "statistics_query"),
    ({"statistics_content": "KOSandel"}, "statistics_table"),
])
def test_bad_statistics_fields_are_a_400_naming_the_field(world, api, body, field):
    indicator = IndicatorFactory(goal=world.goal)
    response = api("admin").patch(f"/api/v1/indicators/{indicator.pk}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    indicator.refresh_from_db()
    assert (indicator.statistics_table, indicator.statistics_content) == ("", "")


def test_a_sector_leader_cannot_change_them(world, api):
    indicator = IndicatorFactory(goal=world.goal)
    response = api("sector_leader").patch(f"/api/v1/indicators/{indicator.pk}/",
                                          {"statistics_table": "12345"}, format="json")
    assert response.status_code == 403
    assert Indicator.objects.get(pk=indicator.pk).statistics_table == ""
