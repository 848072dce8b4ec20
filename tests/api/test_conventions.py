"""The API's shape: a valid OpenAPI schema, docs, and a FilterSet + ordering on every list."""

import pytest
from django.core.management import call_command

from planportal.api_urls import router

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    text = target.read_text(encoding="utf-8")
    for operation in ("/api/v1/actions/{id}/assign/", "/api/v1/actions/{id}/status-updates/",
                      "/api/v1/actions/{id}/evaluate/", "/api/v1/status-updates/"):
        assert operation in text
    for documented in ("'412'", "'409'", "'428'", "If-Match", "responsible_unit_subtree",
                       "overdue", "unassigned", "page_size"):
        assert documented in text


def test_the_interactive_docs_open(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.parametrize(("prefix", "viewset", "basename"), router.registry)
def test_every_list_has_a_filterset_and_an_explicit_ordering(prefix, viewset, basename):
    assert getattr(viewset, "filterset_class", None) is not None, prefix
    assert getattr(viewset, "ordering", None), prefix


@pytest.mark.parametrize("suffix", ["export.json", "progress.json", "export-xlsx.json"])
def test_a_format_suffix_on_an_extra_action_is_not_found_rather_than_a_server_error(
        api, world, suffix):
    # The router's suffix routes passed ``format`` to actions that take none: a 500.
    response = api("admin").get(f"/api/v1/plans/{world.plan.pk}/{suffix}")
    assert response.status_code == 404


def test_the_format_is_chosen_by_the_query_string(api, world):
    response = api("admin").get(f"/api/v1/plans/{world.plan.pk}/?format=json")
    assert response.status_code == 200
    assert response.json()["id"] == world.plan.pk
