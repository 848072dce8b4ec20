"""Plans, focus areas, goals, indicators, measurements, units, SDGs and /me through the API."""

import pytest

from strategies.models import FocusArea, Plan
from tests.factories import IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_plan_and_its_focus_area_with_sdgs(world, api):
    client = api("admin")
    plan = client.post("/api/v1/plans/", {
        "organization": world.org.pk, "title": "Temaplan for pårørende", "kind": "thematic_plan",
        "period_start": 2026, "period_end": 2030, "owner_unit": world.health.pk,
        "is_public": True}, format="json")
    assert plan.status_code == 201, plan.json()
    area = client.post("/api/v1/focus-areas/", {
        "plan": plan.json()["id"], "code": "1", "title": "Avlastning", "sdgs": [3, 10],
        "lead_units": [world.home_care.pk]}, format="json")
    assert area.status_code == 201, area.json()
    assert area.json()["sdgs"] == [3, 10]
    assert area.json()["lead_units"] == [world.home_care.pk]
    assert Plan.objects.get(title="Temaplan for pårørende").owner_unit == world.health


def test_a_plans_organisation_cannot_be_changed(world, api):
    response = api("admin").patch(f"/api/v1/plans/{world.plan.pk}/",
                                  {"organization": world.other_org.pk, "status": "expired"},
                                  format="json")
    assert response.status_code == 200
    world.plan.refresh_from_db()
    assert (world.plan.organization, world.plan.status) == (world.org, "expired")


def test_a_plan_period_ending_before_it_starts_is_a_400_naming_the_problem(world, api):
    response = api("admin").patch(f"/api/v1/plans/{world.plan.pk}/",
                                  {"period_end": 2000}, format="json")
    assert response.status_code == 400
    assert response.json()  # field or non-field message, never a 500


def test_an_unknown_sdg_number_is_a_400(world, api):
    response = api("admin").patch(f"/api/v1/focus-areas/{world.goal.focus_area.pk}/",
                                  {"sdgs": [18]}, format="json")
    assert response.status_code == 400
    assert "sdgs" in response.json()


def test_indicators_show_their_latest_value(world, api):
    indicator = IndicatorFactory(goal=world.goal, name="Sykefravær", direction="lower",
                                 targets=[{"year": None, "comparison": "lte", "value": 8}])
    MeasurementFactory(indicator=indicator, value=9.5, period_end="2024-12-31")
    MeasurementFactory(indicator=indicator, value=8.7, period_end="2025-12-31")
    row = api("reader").get(f"/api/v1/indicators/?goal={world.goal.pk}").json()["results"][0]
    assert (row["latest_value"], row["latest_period_end"]) == ("8.70", "2025-12-31")


def test_recording_a_measurement_twice_for_a_period_is_a_400(world, api):
    indicator = IndicatorFactory(goal=world.goal)
    body = {"indicator": indicator.pk, "value": "80", "period_end": "2025-12-31"}
    assert api("sector_leader").post("/api/v1/measurements/", body, format="json").status_code \
        == 201
    assert api("sector_leader").post("/api/v1/measurements/", body, format="json").status_code \
        == 400


def test_measurements_cannot_be_edited_or_deleted(world, api):
    measurement = MeasurementFactory(indicator=IndicatorFactory(goal=world.goal))
    url = f"/api/v1/measurements/{measurement.pk}/"
    assert api("admin").patch(url, {"value": "1"}, format="json").status_code == 405
    assert api("admin").delete(url).status_code == 405


def test_plans_cannot_be_deleted(world, api):
    assert api("admin").delete(f"/api/v1/plans/{world.plan.pk}/").status_code == 405
    assert Plan.objects.filter(pk=world.plan.pk).exists()


def test_status_updates_are_list_and_create_only(world, api):
    client = api("unit_manager")
    created = client.post("/api/v1/status-updates/", {
        "action": world.action.pk, "status": "in_progress", "progress": 30,
        "comment": "Oppstart", "version": 1}, format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/v1/status-updates/{created.json()['id']}/"
    assert client.patch(url, {"comment": "x"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    listed = client.get(f"/api/v1/status-updates/?action={world.action.pk}").json()
    assert [r["comment"] for r in listed["results"]] == ["Oppstart"]
    assert listed["results"][0]["author"]["name"] == str(world.unit_manager)


def test_units_can_be_filtered_to_a_subtree(world, api):
    rows = api("reader").get(f"/api/v1/units/?subtree_of={world.health.pk}").json()["results"]
    assert {r["name"] for r in rows} == {"Helse og omsorg", "Hjemmetjenesten", "Sykehjemmet"}


def test_sdgs_are_open_reference_data(world, api):
    response = api(None).get("/api/v1/sdgs/17/")
    assert response.json() == {"number": 17, "name_nb": "Samarbeid for å nå målene",
                               "name_en": "Partnerships for the goals"}


def test_me_lists_memberships_and_roles(world, api):
    data = api("sector_leader").get("/api/v1/me/").json()
    assert data["username"] == "sektorleder1"
    assert data["roles"] == ["sector_leader"]
    assert data["memberships"][0]["unit"]["name"] == "Helse og omsorg"


def test_focus_areas_filter_by_plan_and_sdg(world, api):
    area = world.goal.focus_area
    area.sdgs.set([3])
    other = FocusArea.objects.create(plan=world.plan, order=9, title="Annet")
    rows = api("reader").get(f"/api/v1/focus-areas/?plan={world.plan.pk}&sdg=3").json()
    assert [r["id"] for r in rows["results"]] == [area.pk]
    assert other.pk not in [r["id"] for r in rows["results"]]


def test_an_impossible_time_zone_offset_is_a_400_not_a_500(world, api):
    """Regression: PostgreSQL refused the offset -21:31 and the request failed with 500."""
    response = api("reader").get(
        "/api/v1/status-updates/?created_before=1543-01-21T05:46:26.541290-21:31")
    assert response.status_code == 400
    assert "created_before" in response.json()
    ok = api("reader").get("/api/v1/status-updates/?created_after=2026-01-01T00:00:00%2B01:00")
    assert ok.status_code == 200
