"""Anonymous visitors read public plans only, and never see a person; nor do other
kommuner's staff reading them."""

import pytest

from planportal.models import User
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

LISTS = ["plans", "focus-areas", "goals", "indicators", "measurements", "actions",
         "status-updates", "units", "sdgs"]


@pytest.fixture
def public_plan(world):
    plan = PlanFactory(organization=world.org, title="Offentlig plan", is_public=True)
    goal = GoalFactory(focus_area=FocusAreaFactory(plan=plan))
    action = ActionFactory(goal=goal, responsible_unit=world.home_care,
                           responsible_person=world.unit_manager, evaluated_by=world.admin,
                           status="completed", progress=100, evaluation="Vel gjennomført")
    StatusUpdateFactory(action=action, author=world.unit_manager, comment="Ferdig")
    MeasurementFactory(indicator=IndicatorFactory(goal=goal), recorded_by=world.sector_leader)
    return plan


@pytest.mark.parametrize("reader", [None, "other_admin"], ids=["anonymous", "other kommune"])
@pytest.mark.parametrize("resource", LISTS)
def test_no_person_appears_in_any_public_list_or_detail(world, public_plan, api, resource,
                                                         reader):
    client = api(reader)
    listing = client.get(f"/api/v1/{resource}/")
    assert listing.status_code == 200
    bodies = [listing.content.decode()]
    for row in listing.json()["results"]:
        key = row.get("id", row.get("number"))
        bodies.append(client.get(f"/api/v1/{resource}/{key}/").content.decode())
    people = User.objects.exclude(username="")
    for body in bodies:
        for person in people:
            for value in (person.username, person.email, person.last_name):
                assert value not in body, (resource, value)


def test_anonymous_visitors_see_only_public_plans(world, public_plan, api):
    titles = [p["title"] for p in api(None).get("/api/v1/plans/").json()["results"]]
    assert titles == ["Offentlig plan"]
    assert api(None).get(f"/api/v1/plans/{world.plan.pk}/").status_code == 404


def test_the_responsible_person_filter_tells_anonymous_visitors_nothing(world, public_plan, api):
    response = api(None).get(f"/api/v1/actions/?responsible_person={world.unit_manager.pk}")
    assert response.json()["results"] == []


def test_the_responsible_person_filter_tells_another_kommunes_staff_nothing(
        world, public_plan, api):
    client = api("other_admin")
    assert len(client.get("/api/v1/actions/").json()["results"]) == 1  # the public action
    response = client.get(f"/api/v1/actions/?responsible_person={world.unit_manager.pk}")
    assert response.json()["results"] == []


def test_the_plans_own_kommune_still_sees_every_person(world, public_plan, api):
    client = api("reader")
    action = client.get(f"/api/v1/actions/?plan={public_plan.pk}").json()["results"][0]
    assert action["responsible_person"]["name"] == str(world.unit_manager)
    assert action["evaluated_by"]["name"] == str(world.admin)
    assert client.get(f"/api/v1/actions/{action['id']}/").json()["responsible_person"]
    update = client.get(f"/api/v1/status-updates/?action={action['id']}").json()["results"][0]
    assert update["author"]["name"] == str(world.unit_manager)
    measurement = client.get("/api/v1/measurements/").json()["results"][0]
    assert measurement["recorded_by"] == str(world.sector_leader)
    filtered = client.get(f"/api/v1/actions/?responsible_person={world.unit_manager.pk}")
    assert [row["id"] for row in filtered.json()["results"]] == [action["id"]]
